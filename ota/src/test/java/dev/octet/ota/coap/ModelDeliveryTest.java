package dev.octet.ota.coap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.elements.config.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Real Californium endpoints on loopback. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ModelDeliveryTest {
    static final InetSocketAddress ANY = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    /** Short timers: loopback answers in microseconds, and lost datagrams should be retried quickly. */
    static final Configuration FAST = CoapSettings.configuration(Duration.ofMillis(60), 6);

    static byte[] model(int bytes, long seed) {
        byte[] b = new byte[bytes];
        new Random(seed).nextBytes(b);
        return b;
    }

    static String uri(ModelDeliveryServer s) {
        return "coap://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + s.port();
    }

    @Test
    void a_330_kb_model_reaches_several_nodes_intact() throws Exception {
        byte[] model = model(330 * 1024, 42);
        try (ModelDeliveryServer server = new ModelDeliveryServer(FAST, ANY).start()) {
            server.publish("vww01", model);
            List<NodeSimulator> nodes = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(3);
            try {
                List<Future<NodeReport>> results = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    NodeSimulator node = new NodeSimulator("node-" + i, 1024 * 1024, FAST);
                    nodes.add(node);
                    results.add(pool.submit(() -> node.fetch(uri(server), "vww01")));
                }
                for (Future<NodeReport> f : results) {
                    NodeReport r = f.get();
                    assertEquals(NodeReport.Status.ACCEPTED, r.status(), r.detail());
                }
                for (NodeSimulator n : nodes) {
                    assertArrayEquals(model, n.installed().get("vww01"));
                }
            } finally {
                pool.shutdownNow();
                nodes.forEach(NodeSimulator::close);
            }
            assertEquals(3, server.reports().size());
            assertTrue(server.reports().stream().allMatch(r -> r.status() == NodeReport.Status.ACCEPTED));
        }
    }

    @Test
    void a_lossy_link_still_delivers() {
        byte[] model = model(96 * 1024, 7);
        LossyUdpConnector serverLink = new LossyUdpConnector(ANY, FAST, 0.15, 1);
        LossyUdpConnector nodeLink = new LossyUdpConnector(ANY, FAST, 0.15, 2);
        try (ModelDeliveryServer server = new ModelDeliveryServer(FAST, serverLink).start();
             NodeSimulator node = new NodeSimulator("lossy", 1024 * 1024, FAST, nodeLink)) {
            server.publish("kws01", model);
            NodeReport r = node.fetch(uri(server), "kws01");
            assertEquals(NodeReport.Status.ACCEPTED, r.status(), r.detail());
            assertArrayEquals(model, node.installed().get("kws01"));
            assertTrue(serverLink.dropped() + nodeLink.dropped() > 10,
                    "the link must really have lost datagrams: " + serverLink.dropped() + " + " + nodeLink.dropped());
        }
    }

    @Test
    void when_retransmissions_give_up_the_node_resumes_at_the_missing_block() {
        // One retransmission only and 30% loss each way: some exchanges fail for good, and the node must ask for
        // the same block again (not restart the model) until it has every block.
        Configuration fragile = CoapSettings.configuration(Duration.ofMillis(30), 1);
        byte[] model = model(48 * 1024, 11);
        LossyUdpConnector serverLink = new LossyUdpConnector(ANY, fragile, 0.3, 5);
        LossyUdpConnector nodeLink = new LossyUdpConnector(ANY, fragile, 0.3, 6);
        try (ModelDeliveryServer server = new ModelDeliveryServer(fragile, serverLink).start();
             NodeSimulator node = new NodeSimulator("flaky", 1024 * 1024, fragile, nodeLink)) {
            server.publish("ic01", model);
            NodeReport r = node.fetch(uri(server), "ic01");
            assertEquals(NodeReport.Status.ACCEPTED, r.status(), r.detail());
            assertArrayEquals(model, node.installed().get("ic01"));
            assertTrue(node.retriedRequests() > 0, "some exchange must have given up and been resumed");
        }
    }

    @Test
    void a_node_that_cannot_fit_the_model_refuses_it_and_the_gateway_learns_why() {
        byte[] model = model(330 * 1024, 3);
        try (ModelDeliveryServer server = new ModelDeliveryServer(FAST, ANY).start();
             NodeSimulator small = new NodeSimulator("g0-node", 256 * 1024, FAST)) {
            server.publish("vww01", model);
            List<NodeReport> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
            server.onReport(seen::add);
            NodeReport r = small.fetch(uri(server), "vww01");
            assertEquals(NodeReport.Status.REFUSED, r.status());
            assertTrue(r.detail().contains("337920 bytes does not fit the 262144 bytes of free flash"), r.detail());
            assertTrue(small.installed().isEmpty());
            assertEquals(List.of(r), server.reports());
            // Listeners hear of it once the acknowledgement has left, which may be just after the node has it.
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> seen.size() == 1);
            assertEquals(List.of(r), seen);
        }
    }

    @Test
    void an_unknown_model_fails_with_the_reason_reported() {
        try (ModelDeliveryServer server = new ModelDeliveryServer(FAST, ANY).start();
             NodeSimulator node = new NodeSimulator("n", 1024, FAST)) {
            NodeReport r = node.fetch(uri(server), "missing");
            assertEquals(NodeReport.Status.FAILED, r.status());
            assertTrue(r.detail().contains("4.04"), r.detail());
            assertEquals(1, server.reports().size());
        }
    }

    @Test
    void manifests_and_reports_round_trip_and_reject_malformed_input() {
        byte[] m = model(1000, 1);
        ModelManifest manifest = ModelManifest.of("ad01", m);
        assertEquals(manifest, ModelManifest.decode(manifest.encode()));
        assertTrue(manifest.matches(m));
        m[10] ^= 1;
        assertTrue(!manifest.matches(m), "one flipped bit changes the hash");
        assertThrows(IllegalArgumentException.class, () -> ModelManifest.decode("x\n12\n".getBytes()));
        assertThrows(IllegalArgumentException.class, () -> ModelManifest.decode("x\nabc\n00\n".getBytes()));
        NodeReport r = new NodeReport("n1", "ad01", NodeReport.Status.REFUSED, "too big");
        assertEquals(r, NodeReport.decode(r.encode()));
        assertThrows(IllegalArgumentException.class, () -> NodeReport.decode("n1\nad01\n".getBytes()));
    }

    @Test
    void a_node_refuses_a_model_whose_arena_exceeds_its_ram_budget_before_a_block_is_sent() {
        byte[] model = model(20_000, 9);
        try (ModelDeliveryServer server = new ModelDeliveryServer(FAST, ANY).start();
             NodeSimulator small = new NodeSimulator("g0-small", 1 << 20, FAST).withRamBudgetBytes(16_384);
             NodeSimulator roomy = new NodeSimulator("g0-roomy", 1 << 20, FAST).withRamBudgetBytes(32_768)) {
            ModelManifest published = server.publish("g0", model, java.util.OptionalLong.of(22_756));
            assertEquals(java.util.OptionalLong.of(22_756), published.arenaBytes());
            NodeReport refused = small.fetch(uri(server), "g0");
            assertEquals(NodeReport.Status.REFUSED, refused.status());
            assertEquals(NodeReport.REASON_RAM, refused.reason());
            assertEquals(java.util.OptionalLong.of(22_756), refused.requiredBytes());
            assertEquals(java.util.OptionalLong.of(16_384), refused.availableBytes());
            assertTrue(refused.detail().contains("22756") && refused.detail().contains("16384"), refused.detail());
            assertEquals(0, server.blocksServed(), "refused from the manifest: no block was downloaded");
            assertTrue(small.installed().isEmpty());
            assertEquals(List.of(refused), server.reports(), "the gateway received the reason and the numbers");

            NodeReport accepted = roomy.fetch(uri(server), "g0");
            assertEquals(NodeReport.Status.ACCEPTED, accepted.status(), accepted.detail());
            assertArrayEquals(model, roomy.installed().get("g0"));
            assertEquals(20, server.blocksServed());
        }
    }

    @Test
    void flash_refusals_carry_their_reason_and_numbers_too() {
        try (ModelDeliveryServer server = new ModelDeliveryServer(FAST, ANY).start();
             NodeSimulator node = new NodeSimulator("tiny", 4096, FAST).withRamBudgetBytes(1 << 20)) {
            server.publish("ad01", model(10_000, 4), java.util.OptionalLong.of(2_444));
            NodeReport r = node.fetch(uri(server), "ad01");
            assertEquals(NodeReport.Status.REFUSED, r.status());
            assertEquals(NodeReport.REASON_FLASH, r.reason());
            assertEquals(java.util.OptionalLong.of(10_000), r.requiredBytes());
            assertEquals(java.util.OptionalLong.of(4096), r.availableBytes());
            assertEquals(r, server.reports().get(0));
        }
    }

    @Test
    void a_manifest_without_an_arena_cannot_be_checked_against_ram_and_is_fetched() {
        byte[] model = model(3000, 8);
        try (ModelDeliveryServer server = new ModelDeliveryServer(FAST, ANY).start();
             NodeSimulator node = new NodeSimulator("old-gw", 1 << 20, FAST).withRamBudgetBytes(1)) {
            server.publish("legacy", model);
            assertEquals(NodeReport.Status.ACCEPTED, node.fetch(uri(server), "legacy").status());
        }
    }

    @Test
    void arena_lines_and_report_reasons_round_trip_and_old_formats_still_decode() {
        byte[] m = model(1000, 2);
        ModelManifest withArena = ModelManifest.of("kws", m, java.util.OptionalLong.of(22_764));
        assertEquals(withArena, ModelManifest.decode(withArena.encode()));
        String text = new String(withArena.encode(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(text.endsWith("\narena=22764\n"), text);
        ModelManifest old = ModelManifest.decode(("kws\n1000\n" + withArena.sha256() + "\n").getBytes());
        assertTrue(old.arenaBytes().isEmpty());
        ModelManifest future = ModelManifest.decode(("kws\n1000\n" + withArena.sha256()
                + "\nlicense=apache\narena=5\n").getBytes());
        assertEquals(java.util.OptionalLong.of(5), future.arenaBytes(), "unknown keys are skipped");
        assertThrows(IllegalArgumentException.class, () -> ModelManifest.decode(("kws\n1000\n"
                + withArena.sha256() + "\narena=lots\n").getBytes()));

        NodeReport r = NodeReport.refused("g0-1", "g0", NodeReport.REASON_RAM, 22_756, 16_384, "too big");
        assertEquals(r, NodeReport.decode(r.encode()));
        assertEquals("{\"node\":\"g0-1\",\"model\":\"g0\",\"status\":\"REFUSED\",\"reason\":\"ram\","
                + "\"required_bytes\":22756,\"available_bytes\":16384,\"detail\":\"too big\"}", r.toJson());
        NodeReport four = NodeReport.decode("n\nm\nACCEPTED\nok\n".getBytes());
        assertEquals("", four.reason());
        assertThrows(IllegalArgumentException.class, () -> NodeReport.decode("n\nm\nMAYBE\nok\n".getBytes()));
        assertThrows(IllegalArgumentException.class,
                () -> NodeReport.decode("n\nm\nREFUSED\nx\nrequired=-3\n".getBytes()));
    }
}
