package dev.octet.ota.agent;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.mqtt.MqttLink;
import dev.octet.ota.TestModels;
import dev.octet.ota.pkg.Keys;
import dev.octet.ota.pkg.Packer;
import dev.octet.ota.pkg.TrustStore;
import dev.octet.ota.transfer.Topics;
import dev.octet.testing.MosquittoBroker;
import dev.octet.testing.MosquittoExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent never loops on a package that kills it (refused up front when it cannot fit in the heap; refused after
 * a restart when an install never recorded its outcome) and rolls back in a safe order (the runtime first; a failed
 * memory write does not stop the rollback; a failed activation of the old model is reported as such).
 */
@ExtendWith(MosquittoExtension.class)
class GatewayAgentSafetyTest {
    private static final KeyPair KEY = Keys.generate();
    private static final long PLENTY = 1L << 30;

    @TempDir
    Path tmp;

    private final List<String> statuses = new CopyOnWriteArrayList<>();
    private final List<Long> activated = new CopyOnWriteArrayList<>();
    private final Packer packer = new Packer(KEY.getPrivate(), "k1", Clock.systemUTC());
    private byte[] v1;

    @BeforeAll
    static void pollQuickly() {
        Awaitility.setDefaultPollInterval(Duration.ofMillis(5));
        Awaitility.setDefaultTimeout(Duration.ofSeconds(20));
    }

    private static MqttLink link(String uri, String id) {
        return AgentFixtures.link(uri, id);
    }

    private Path stateDir() {
        return tmp.resolve("state");
    }

    private GatewayAgent.Config config() {
        return new GatewayAgent.Config("gw-s", "kws", "pi4", "0.1.0", TrustStore.empty().trust("k1", KEY.getPublic()),
                1 << 20, 1 << 20, stateDir(), Topics.DEFAULT);
    }

    @org.junit.jupiter.api.BeforeEach
    void loadBaseline() throws Exception {
        v1 = TestModels.int8("kws01_dscnn_int8");
    }

    private byte[] variant(int seed) throws Exception {
        return AgentFixtures.variant(v1, seed);
    }

    private Path pack(long version, byte[] model) throws Exception {
        return AgentFixtures.pack(packer, tmp, version, model);
    }

    private static void publishFile(MqttLink pub, long version, Path f) throws Exception {
        AgentFixtures.publishFile(pub, version, f);
    }

    private void awaitStatus(String state, long version, String extra) {
        AgentFixtures.awaitStatus(statuses, state, version, extra);
    }

    private boolean anyStatus(String state, long version) {
        return AgentFixtures.anyStatus(statuses, state, version);
    }

    private GatewayAgent agent(MqttLink gw, ModelActivator activator, LongSupplier headroom) throws Exception {
        gw.subscribe(config().statusTopic(), 1, m -> statuses.add(m.payloadText())).get(5, TimeUnit.SECONDS);
        GatewayAgent a = new GatewayAgent(config(), gw, (manifest, model) -> { }, activator, headroom);
        a.installBaseline(1, v1);
        return a;
    }

    private GatewayAgent agent(MqttLink gw) throws Exception {
        return agent(gw, (id, version, model) -> activated.add(version), () -> PLENTY);
    }

    @Test
    void a_package_that_cannot_fit_in_the_heap_is_refused_before_downloading_and_stays_refused(
            MosquittoBroker broker) throws Exception {
        byte[] v2 = variant(3);
        Path p2 = pack(2, v2);
        // Package + base + new model is about three model sizes; the agent may take half the headroom.
        AtomicLong headroom = new AtomicLong(4L * v1.length);
        try (MqttLink pub = link(broker.uri(), "publisher")) {
            await().until(pub::isConnected);
            try (MqttLink gw = link(broker.uri(), "gw-s")) {
                await().until(gw::isConnected);
                GatewayAgent agent = agent(gw, (id, version, model) -> activated.add(version), headroom::get);
                agent.start();
                awaitStatus("active", 1, "");
                publishFile(pub, 2, p2);
                awaitStatus("rejected", 2, "reason=too-large-for-memory\ndetail=installing needs about ");
                awaitStatus("rejected", 2, ""); // and the status names the version running
                assertTrue(agent.latestStatus().endsWith("\nactive-version=1\n"), agent.latestStatus());
                assertFalse(anyStatus("downloading", 2), "nothing of it was downloaded: " + statuses);
                assertEquals(List.of(), activated);

                // Enough heap now: the next version is taken.
                headroom.set(PLENTY);
                publishFile(pub, 3, pack(3, variant(4)));
                awaitStatus("active", 3, "active-version=3");
                assertEquals(List.of(3L), activated);
            }
            // v2 is retained still; after a restart (with plenty of heap) it is not taken: the refusal is remembered.
            statuses.clear();
            activated.clear();
            publishFile(pub, 2, p2);
            try (MqttLink gw = link(broker.uri(), "gw-s")) {
                await().until(gw::isConnected);
                GatewayAgent again = agent(gw);
                again.start();
                awaitStatus("active", 3, "");
                publishFile(pub, 4, pack(4, variant(5)));
                awaitStatus("active", 4, "active-version=4");
                assertEquals(List.of(4L), activated);
                assertFalse(anyStatus("downloading", 2), statuses.toString());
            }
        }
    }

    @Test
    void the_real_heap_budget_refuses_what_exceeds_half_the_headroom() {
        HeapBudget jvm = HeapBudget.ofThisJvm();
        long maxHeap = Runtime.getRuntime().maxMemory();
        assertTrue(jvm.fits(1 << 20));
        assertFalse(jvm.fits(HeapBudget.estimate(maxHeap / 2, maxHeap / 4)));
        assertEquals(1000 + 500 + 1000, HeapBudget.estimate(1000, 500), "a full package: its model may be as big");
        assertEquals(200 + 5000 + 5000, HeapBudget.estimate(200, 5000), "a delta: the new model as big as the base");
    }

    @Test
    void an_install_that_killed_the_process_is_refused_at_the_restart_and_its_download_deleted(
            MosquittoBroker broker) throws Exception {
        Path p2 = pack(2, variant(6));
        String sha2 = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(p2)));
        // The state a process leaves when it dies verifying v2: the complete download and the install marker.
        Path downloads = stateDir().resolve("downloads");
        Files.createDirectories(downloads);
        Files.copy(p2, downloads.resolve("kws-v2.pkg"));
        Files.writeString(downloads.resolve("kws-v2.part"), "partial");
        // It had died in that install once before (the first death may be a power cut: that one is retried).
        new AgentMemory(stateDir()).markInstalling(2, sha2, 1);

        try (MqttLink pub = link(broker.uri(), "publisher")) {
            await().until(pub::isConnected);
            publishFile(pub, 2, p2); // still retained, as the rollout that announced it keeps it
            try (MqttLink gw = link(broker.uri(), "gw-s")) {
                await().until(gw::isConnected);
                GatewayAgent agent = agent(gw);
                agent.start();
                awaitStatus("rejected", 2, "reason=crashed-during-install\ndetail=the process stopped 2 times");
                assertTrue(agent.latestStatus().endsWith("\nactive-version=1\n"), agent.latestStatus());
                assertFalse(Files.exists(downloads.resolve("kws-v2.pkg")));
                assertFalse(Files.exists(downloads.resolve("kws-v2.part")));
                assertTrue(new AgentMemory(stateDir()).installing().isEmpty(), "the marker is cleared");

                // A later version installs normally, and its marker is cleared with its outcome.
                publishFile(pub, 3, pack(3, variant(7)));
                awaitStatus("active", 3, "active-version=3");
                assertEquals(List.of(3L), activated);
                assertTrue(new AgentMemory(stateDir()).installing().isEmpty());
                assertFalse(anyStatus("downloading", 2), statuses.toString());
                assertFalse(anyStatus("verifying", 2), statuses.toString());
            }
            // And v2 stays refused after one more restart.
            statuses.clear();
            activated.clear();
            try (MqttLink gw = link(broker.uri(), "gw-s")) {
                await().until(gw::isConnected);
                agent(gw).start();
                publishFile(pub, 4, pack(4, variant(8)));
                awaitStatus("active", 4, "active-version=4");
                assertEquals(List.of(4L), activated);
                assertFalse(anyStatus("downloading", 2), statuses.toString());
            }
        }
    }

    @Test
    void an_install_interrupted_once_is_tried_again_and_a_second_death_in_it_refuses_the_version(
            MosquittoBroker broker) throws Exception {
        Path p2 = pack(2, variant(11));
        String sha2 = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(p2)));
        new AgentMemory(stateDir()).markInstalling(2, sha2, 0); // the first death in v2's install
        List<String> markers = new CopyOnWriteArrayList<>();
        try (MqttLink pub = link(broker.uri(), "publisher"); MqttLink gw = link(broker.uri(), "gw-s")) {
            await().until(() -> pub.isConnected() && gw.isConnected());
            publishFile(pub, 2, p2);
            gw.subscribe(config().statusTopic(), 1, m -> statuses.add(m.payloadText())).get(5, TimeUnit.SECONDS);
            // The validator sees what a death at this point would leave behind.
            GatewayAgent agent = new GatewayAgent(config(), gw,
                    (manifest, model) -> {
                        try {
                            markers.add(Files.readString(stateDir().resolve("installing")));
                        } catch (IOException e) {
                            markers.add("none: " + e);
                        }
                    },
                    (id, version, model) -> activated.add(version), () -> PLENTY);
            agent.installBaseline(1, v1);
            agent.start();
            awaitStatus("active", 2, "active-version=2");
            assertEquals(List.of("2 " + sha2 + " 1\n"), markers, "the retry's marker counts the earlier death");
            assertFalse(anyStatus("rejected", 2), statuses.toString());
            assertFalse(Files.exists(stateDir().resolve("installing")), "cleared with the outcome");
        }
    }

    @Test
    void a_rollback_whose_refusal_cannot_be_written_still_puts_the_old_model_back(MosquittoBroker broker)
            throws Exception {
        byte[] v2 = variant(9);
        try (MqttLink pub = link(broker.uri(), "publisher"); MqttLink gw = link(broker.uri(), "gw-s")) {
            await().until(() -> pub.isConnected() && gw.isConnected());
            GatewayAgent agent = agent(gw);
            agent.start();
            publishFile(pub, 2, pack(2, v2));
            awaitStatus("active", 2, "active-version=2");
            // The memory's file cannot be replaced any more (as on a full or read-only disk).
            Path blocker = stateDir().resolve("refused.tmp");
            Files.createDirectories(blocker.resolve("x"));

            assertTrue(agent.rollback(2, "health-errors: 3 of 8 windows failed"));
            assertEquals(List.of(2L, 1L), activated, "the runtime runs v1 again");
            assertEquals(1, agent.installedVersion().orElseThrow());
            assertArrayEquals(v1, agent.activeModel());
            awaitStatus("rolled-back", 2, "reason=health-errors: 3 of 8 windows failed\nactive-version=1\n"
                    + "warning=refusal-not-remembered: ");
        }
    }

    @Test
    void a_rollback_whose_slot_pointer_cannot_be_written_still_runs_the_old_model_and_says_so(
            MosquittoBroker broker) throws Exception {
        try (MqttLink pub = link(broker.uri(), "publisher"); MqttLink gw = link(broker.uri(), "gw-s")) {
            await().until(() -> pub.isConnected() && gw.isConnected());
            GatewayAgent agent = agent(gw);
            agent.start();
            publishFile(pub, 2, pack(2, variant(12)));
            awaitStatus("active", 2, "active-version=2");
            Files.createDirectories(stateDir().resolve("slots").resolve("active.tmp").resolve("x"));

            assertTrue(agent.rollback(2, "health-latency: 5 slow windows"));
            assertEquals(List.of(2L, 1L), activated, "the runtime runs v1 again");
            awaitStatus("rolled-back", 2, "reason=health-latency: 5 slow windows\nactive-version=1\n"
                    + "warning=slot-store-not-switched: ");
            assertTrue(Files.readString(stateDir().resolve("refused")).startsWith("2 "), "v2 is remembered as bad");
        }
    }

    @Test
    void a_rollback_whose_old_model_cannot_be_activated_is_reported_as_failed_and_keeps_the_store_truthful(
            MosquittoBroker broker) throws Exception {
        byte[] v2 = variant(10);
        try (MqttLink pub = link(broker.uri(), "publisher"); MqttLink gw = link(broker.uri(), "gw-s")) {
            await().until(() -> pub.isConnected() && gw.isConnected());
            GatewayAgent agent = agent(gw, (id, version, model) -> {
                if (version == 1) {
                    throw new IllegalStateException("stream s1 is stopping");
                }
                activated.add(version);
            }, () -> PLENTY);
            agent.start();
            publishFile(pub, 2, pack(2, v2));
            awaitStatus("active", 2, "active-version=2");

            assertThrows(IOException.class, () -> agent.rollback(2, "health-outputs: constant"));
            awaitStatus("rollback-failed", 2, "reason=rollback-activation-failed\n"
                    + "detail=health-outputs: constant; stream s1 is stopping\nactive-version=2\n");
            assertEquals(2, agent.installedVersion().orElseThrow(), "the slot store says what runs");
            assertArrayEquals(v2, agent.activeModel());
            assertTrue(Files.readString(stateDir().resolve("refused")).startsWith("2 "), "v2 is remembered as bad");
        }
    }
}
