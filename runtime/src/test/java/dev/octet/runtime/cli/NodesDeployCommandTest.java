package dev.octet.runtime.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.runtime.json.JsonValue;
import dev.octet.runtime.json.Json;
import dev.octet.mqtt.MqttLink;
import dev.octet.mqtt.MqttSettings;
import dev.octet.ota.coap.CoapSettings;
import dev.octet.ota.coap.NodeReport;
import dev.octet.ota.coap.NodeSimulator;
import dev.octet.ota.coap.PskDtls;
import dev.octet.runtime.TestModels;
import dev.octet.testing.MosquittoBroker;
import dev.octet.testing.MosquittoExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.californium.elements.config.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code octet nodes deploy} end to end: the real command, real Californium endpoints on loopback (plain and
 * DTLS-PSK), simulated nodes, and a real Mosquitto for the decisions and reports.
 */
@ExtendWith(MosquittoExtension.class)
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class NodesDeployCommandTest {
    static final Configuration NODE_COAP = CoapSettings.configuration(Duration.ofMillis(500), 4);
    static final Pattern SERVING = Pattern.compile("serving on coaps?://127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path dir;

    private record Result(int exit, String out, String err) {}

    private static Result run(String... args) {
        CommandLine cli = OctetCommand.newCommandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    /** The command on its own thread; its output can be read while it runs (StringWriter is synchronized). */
    private static final class Running {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final Future<Integer> exit;
        final ExecutorService thread = Executors.newSingleThreadExecutor();

        Running(String... args) {
            CommandLine cli = OctetCommand.newCommandLine();
            cli.setOut(new PrintWriter(out, true));
            cli.setErr(new PrintWriter(err, true));
            exit = thread.submit(() -> cli.execute(args));
        }

        int port() {
            await().atMost(Duration.ofSeconds(20)).until(() -> SERVING.matcher(out.toString()).find()
                    || exit.isDone());
            Matcher m = SERVING.matcher(out.toString());
            assertTrue(m.find(), "not serving: " + out + err);
            return Integer.parseInt(m.group(1));
        }

        int awaitExit() throws Exception {
            try {
                return exit.get(100, TimeUnit.SECONDS);
            } finally {
                thread.shutdownNow();
            }
        }
    }

    private static String model(String file) {
        return TestModels.path(file).toAbsolutePath().toString();
    }

    /** Two classes (a Cortex-M7 and a Cortex-M0+ board), the three MLPerf Tiny candidates. */
    private Path fleet(String extra, String coap) throws Exception {
        Path f = dir.resolve("fleet.yaml");
        Files.writeString(f, """
                gateway: {id: gw-t}
                coap:
                  bind: 127.0.0.1
                  port: 0
                %s
                candidates:
                  - {name: vww01, path: %s, accuracy: 0.86}
                  - {name: kws01, path: %s, accuracy: 0.82}
                  - {name: ad01, path: %s}
                node_classes:
                  - name: f7-camera
                    profile: stm32f746
                    deadline_ms: 150
                    nodes: [f7-01, f7-02]
                  - name: g0-sensor
                    profile: stm32g0b1
                    ram_headroom: 0.5
                    deadline_ms: 1000
                    nodes: [g0-01, g0-02]
                %s
                """.formatted(coap.indent(2).stripTrailing(), model("vww01_mobilenetv1_0.25_96_int8.tflite"),
                model("kws01_dscnn_int8.tflite"), model("ad01_fc_autoencoder_int8.tflite"), extra));
        return f;
    }

    @Test
    void is_listed_with_help() {
        assertTrue(run("--help").out.contains("nodes"));
        Result r = run("nodes", "deploy", "--help");
        assertEquals(0, r.exit);
        assertTrue(r.out.contains("--fleet") && r.out.contains("--dry-run") && r.out.contains("--until-reported"),
                r.out);
        assertEquals(2, run("nodes", "deploy").exit, "--fleet is required");
    }

    @Test
    void dry_run_prints_the_decision_table_of_every_class() throws Exception {
        Result r = run("nodes", "deploy", "--fleet", fleet("", "").toString(), "--dry-run");
        assertEquals(0, r.exit, r.err);
        String f7 = r.out.substring(r.out.indexOf("class f7-camera"), r.out.indexOf("class g0-sensor"));
        String g0 = r.out.substring(r.out.indexOf("class g0-sensor"));
        assertTrue(f7.contains("candidate  latency ms  arena B  flash B  fits  decision"), f7);
        assertTrue(f7.matches("(?s).*\\nvww01 +124\\.76 +91,184 +380,136 +yes +PUSH \\(chosen\\).*"), f7);
        assertTrue(f7.contains("=> push vww01 as /models/f7-camera: 333,288 B, sha256 "), f7);
        assertTrue(g0.matches("(?s).*\\nvww01 +2608\\.49 +91,176 .* hold +arena 91,176 B exceeds budget 73,728 B.*"),
                g0);
        assertTrue(g0.contains("latency 2608.49 ms misses deadline 1000.00 ms"), g0);
        assertTrue(g0.contains("=> push kws01 as /models/g0-sensor: 53,936 B"), g0);
        assertTrue(!r.out.contains("serving"), "a dry run serves nothing");
    }

    @Test
    void dry_run_json_is_one_decisions_document() throws Exception {
        Result r = run("nodes", "deploy", "--fleet", fleet("", "").toString(), "--dry-run", "--json");
        assertEquals(0, r.exit, r.err);
        List<String> lines = r.out.lines().toList();
        assertEquals(1, lines.size(), r.out);
        JsonValue doc = Json.parse(lines.get(0));
        assertEquals("decisions", doc.get("event").asText());
        JsonValue f7 = doc.get("classes").get(0);
        assertEquals("push", f7.get("action").asText());
        assertEquals("vww01", f7.get("model").asText());
        assertEquals(91_184, f7.get("arena_bytes").asLong());
        JsonValue g0 = doc.get("classes").get(1);
        assertEquals("kws01", g0.get("model").asText());
        JsonValue vwwOnG0 = g0.get("candidates").get(0);
        assertEquals(false, vwwOnG0.get("push").asBoolean());
        assertTrue(vwwOnG0.get("reasons").get(0).asText().startsWith("arena 91,176 B exceeds"), vwwOnG0.toString());
    }

    @Test
    void a_malformed_fleet_file_exits_5_naming_the_field() throws Exception {
        Path f = dir.resolve("bad.yaml");
        Files.writeString(f, Files.readString(fleet("", "")).replace("ram_headroom: 0.5", "ram_headroom: half"));
        Result r = run("nodes", "deploy", "--fleet", f.toString(), "--dry-run");
        assertEquals(5, r.exit, r.out + r.err);
        assertTrue(r.err.contains("octet: invalid fleet file " + f + ": node_classes[1].ram_headroom: expected a "
                + "number, got a string (\"half\")"), r.err);
        assertEquals("", r.out);
    }

    @Test
    void a_malformed_candidate_model_exits_3_naming_it() throws Exception {
        Path broken = dir.resolve("broken.tflite");
        Files.write(broken, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        Path f = dir.resolve("fleet-broken.yaml");
        Files.writeString(f, Files.readString(fleet("", "")).replace(model("ad01_fc_autoencoder_int8.tflite"),
                broken.toString()));
        Result r = run("nodes", "deploy", "--fleet", f.toString(), "--dry-run");
        assertEquals(3, r.exit, r.out + r.err);
        assertTrue(r.err.contains("candidate ad01 (" + broken + ")"), r.err);
    }

    @Test
    void nodes_pull_the_model_chosen_for_their_class_and_the_small_one_refuses_on_ram_over_mqtt(
            MosquittoBroker broker) throws Exception {
        Path f = fleet("", "").resolveSibling("fleet-mqtt.yaml");
        Files.writeString(f, Files.readString(fleet("", "")) + "mqtt: {uri: \"" + broker.uri() + "\"}\n");
        Running deploy = new Running("nodes", "deploy", "--fleet", f.toString(), "--until-reported",
                "--timeout", "100");
        String gateway = "coap://127.0.0.1:" + deploy.port();

        Map<String, NodeReport> reports = pullAll(gateway, Map.of(), "vww01_mobilenetv1_0.25_96_int8.tflite", 4);
        assertEquals(0, deploy.awaitExit(), deploy.out + "\n" + deploy.err);

        assertEquals(NodeReport.Status.ACCEPTED, reports.get("f7-01").status(), reports.toString());
        assertEquals(NodeReport.Status.ACCEPTED, reports.get("f7-02").status(), reports.toString());
        assertEquals(NodeReport.Status.ACCEPTED, reports.get("g0-01").status(), reports.toString());
        NodeReport refused = reports.get("g0-02");
        assertEquals(NodeReport.Status.REFUSED, refused.status());
        assertEquals("ram", refused.reason());
        assertTrue(deploy.out.toString().contains("report g0-02 (class g0-sensor, kws01): REFUSED (ram): tensor arena of 22756 "
                + "bytes does not fit the 16384 bytes of RAM budget"), deploy.out.toString());
        assertTrue(deploy.out.toString().contains("4 node(s) reported: 3 accepted, 1 refused, 0 failed"), deploy.out.toString());

        // Subscribing only now: decisions and reports are retained, and were confirmed before the command ended.
        Map<String, JsonValue> seen = retained(broker.uri(), "octet/gw-t/nodes/#", 6);
        JsonValue f7 = seen.get("octet/gw-t/nodes/f7-camera/decision");
        assertEquals("vww01", f7.get("model").asText());
        assertEquals("push", f7.get("action").asText());
        assertEquals(91_184, f7.get("arena_bytes").asLong());
        assertEquals("kws01", seen.get("octet/gw-t/nodes/g0-sensor/decision").get("model").asText());
        JsonValue why = seen.get("octet/gw-t/nodes/g0-02/report");
        assertEquals("REFUSED", why.get("status").asText());
        assertEquals("ram", why.get("reason").asText());
        assertEquals(22_756, why.get("required_bytes").asLong());
        assertEquals(16_384, why.get("available_bytes").asLong());
        assertEquals("g0-sensor", why.get("class").asText());
        assertEquals("kws01", why.get("model").asText());
        assertEquals("ACCEPTED", seen.get("octet/gw-t/nodes/f7-02/report").get("status").asText());
        assertEquals("vww01", seen.get("octet/gw-t/nodes/f7-02/report").get("model").asText());
    }

    @Test
    void over_dtls_with_psk_only_nodes_with_a_known_key_get_the_model_and_json_lines_tell_the_story()
            throws Exception {
        Map<String, byte[]> keys = new java.util.LinkedHashMap<>();
        StringBuilder psk = new StringBuilder("dtls:\n  psk:\n");
        java.util.Random random = new java.util.Random(5);
        for (String node : List.of("f7-01", "f7-02", "g0-01", "g0-02")) {
            byte[] key = new byte[16];
            random.nextBytes(key);
            keys.put(node, key);
            Files.writeString(dir.resolve(node + ".psk"), HexFormat.of().formatHex(key) + "\n");
            psk.append("    - {identity: ").append(node).append(", key_file: ").append(node).append(".psk}\n");
        }
        // The F7 class is offered the small models only: over DTLS every 1 KiB block is a record of its own, and the
        // plain test already moves the 333 KB vww01 to two nodes.
        Path f = dir.resolve("fleet-dtls.yaml");
        Files.writeString(f, Files.readString(fleet("", psk.toString())).replace("    deadline_ms: 150\n",
                "    deadline_ms: 150\n    candidates: [kws01, ad01]\n"));
        Running deploy = new Running("nodes", "deploy", "--fleet", f.toString(), "--until-reported",
                "--timeout", "100", "--json");
        await().atMost(Duration.ofSeconds(20)).until(() -> deploy.out.toString().contains("\"event\":\"serving\"")
                || deploy.exit.isDone());
        JsonValue serving = deploy.out.toString().lines().map(NodesDeployCommandTest::json)
                .filter(j -> j.get("event").asText().equals("serving")).findFirst().orElseThrow();
        assertTrue(serving.get("dtls").asBoolean());
        String gateway = serving.get("uri").asText();
        assertTrue(gateway.startsWith("coaps://127.0.0.1:"), gateway);

        // An intruder with a key the gateway does not know gets nothing, and its report never arrives.
        // Short timers: its handshake never completes, and each of its two requests (manifest, report) gives up.
        Configuration impatient = CoapSettings.configuration(Duration.ofMillis(100), 1);
        try (NodeSimulator intruder = new NodeSimulator("f7-01", 1 << 20, impatient, PskDtls.client(loopback(),
                impatient, "f7-01", new byte[16])).withAttemptsPerRequest(1)) {
            NodeReport r = intruder.fetch(gateway, "f7-camera");
            assertEquals(NodeReport.Status.FAILED, r.status());
            assertTrue(intruder.installed().isEmpty());
        }
        Map<String, NodeReport> reports = pullAll(gateway, keys, "kws01_dscnn_int8.tflite", 4);
        assertEquals(0, deploy.awaitExit(), deploy.out + "\n" + deploy.err);
        assertEquals(NodeReport.Status.REFUSED, reports.get("g0-02").status());

        List<JsonValue> events = deploy.out.toString().lines().map(NodesDeployCommandTest::json).toList();
        assertEquals(List.of("decisions", "serving", "report", "report", "report", "report", "summary"),
                events.stream().map(e -> e.get("event").asText()).toList());
        JsonValue summary = events.get(events.size() - 1);
        assertEquals(3, summary.get("accepted").asInt());
        assertEquals(1, summary.get("refused").asInt());
        assertEquals(0, summary.get("missing").size());
        assertTrue(events.stream().filter(e -> e.get("event").asText().equals("report"))
                .noneMatch(e -> e.get("status").asText().equals("FAILED")), "the intruder's report never arrived");
    }

    @Test
    void until_reported_ends_at_the_timeout_with_exit_1_naming_the_missing_nodes() throws Exception {
        Result r = run("nodes", "deploy", "--fleet", fleet("", "").toString(), "--until-reported",
                "--timeout", "0.5");
        assertEquals(1, r.exit, r.out + r.err);
        assertTrue(r.out.contains("0 node(s) reported: 0 accepted, 0 refused, 0 failed; not reported: f7-01, f7-02, "
                + "g0-01, g0-02"), r.out);
    }

    /**
     * Four nodes pull (concurrently, or not): two F7s and a G0 with room, and a G0 whose firmware leaves only 16 KiB for the
     * arena. Checks that every accepted model is byte for byte the candidate file chosen for the node's class.
     */
    private static Map<String, NodeReport> pullAll(String gateway, Map<String, byte[]> keys, String f7File,
                                                   int concurrently) throws Exception {
        record Node(String id, String resource, long ram, String expectedFile) {}
        List<Node> nodes = List.of(
                new Node("f7-01", "f7-camera", 128 * 1024, f7File),
                new Node("f7-02", "f7-camera", 128 * 1024, f7File),
                new Node("g0-01", "g0-sensor", 32 * 1024, "kws01_dscnn_int8.tflite"),
                new Node("g0-02", "g0-sensor", 16 * 1024, null));
        Map<String, NodeReport> reports = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(concurrently);
        List<NodeSimulator> sims = new ArrayList<>();
        try {
            List<Future<?>> done = new ArrayList<>();
            for (Node n : nodes) {
                NodeSimulator sim = keys.isEmpty() ? new NodeSimulator(n.id(), 1 << 20, NODE_COAP)
                        : new NodeSimulator(n.id(), 1 << 20, NODE_COAP, PskDtls.client(loopback(), NODE_COAP, n.id(),
                        keys.get(n.id())));
                sims.add(sim);
                sim.withRamBudgetBytes(n.ram());
                done.add(pool.submit(() -> {
                    NodeReport r = sim.fetch(gateway, n.resource());
                    reports.put(n.id(), r);
                    if (n.expectedFile() != null) {
                        assertArrayEquals(TestModels.bytes(n.expectedFile()), sim.installed().get(n.resource()),
                                n.id() + " got exactly the chosen model");
                    } else {
                        assertTrue(sim.installed().isEmpty());
                    }
                    return null;
                }));
            }
            for (Future<?> d : done) {
                // Two seconds on an idle machine; the bound only has to end a hung transfer, not time a slow one
                // (the suite runs beside other builds on two cores).
                d.get(90, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
            sims.forEach(NodeSimulator::close);
        }
        return reports;
    }

    private static InetSocketAddress loopback() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    private static JsonValue json(String line) {
        try {
            return Json.parse(line);
        } catch (dev.octet.runtime.json.JsonParseException e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }

    /** Subscribes and collects retained decisions and reports until {@code count} topics have arrived. */
    private static Map<String, JsonValue> retained(String uri, String filter, int count) throws Exception {
        Map<String, JsonValue> seen = new ConcurrentHashMap<>();
        try (MqttLink observer = MqttLink.start(MqttSettings.builder(uri, "observer").build())) {
            await().atMost(Duration.ofSeconds(10)).until(observer::isConnected);
            observer.subscribe(filter, 1, m -> {
                if (m.topic().endsWith("/decision") || m.topic().endsWith("/report")) {
                    seen.put(m.topic(), json(new String(m.payload(), StandardCharsets.UTF_8)));
                }
            }).get(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() >= count);
        }
        return seen;
    }
}
