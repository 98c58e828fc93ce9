package dev.octet.runtime.service;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.runtime.json.JsonValue;
import dev.octet.runtime.json.Json;
import dev.octet.runtime.TestModels;
import dev.octet.runtime.pipeline.StreamHealth;
import dev.octet.runtime.pipeline.StreamPipeline;
import dev.octet.runtime.pipeline.config.ConfigLoader;
import dev.octet.testing.MosquittoBroker;
import dev.octet.testing.MosquittoExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.awaitility.Awaitility;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code coap_node} stream against real Californium servers on loopback: observed notifications reach the AD model
 * (plain and DTLS-PSK), a node that goes away degrades the stream and the observation is registered again when it is
 * back, and a node without observe support is polled.
 */
@ExtendWith(MosquittoExtension.class)
class CoapNodeSourceServiceTest {
    static final String RESULTS = "octet/gw1/node/inference";

    @TempDir
    Path dir;

    @BeforeAll
    static void pollQuickly() {
        Awaitility.setDefaultPollInterval(Duration.ofMillis(10));
        Awaitility.setDefaultTimeout(Duration.ofSeconds(30));
    }

    private static JsonValue expected() throws Exception {
        return Json.parse(java.nio.file.Files.readString(TestModels.path("testdata/expected_summary.json")))
                .get("ad01_normal_id_01_00000000");
    }

    /** Frames {@code from..to} one notification each, waiting for each to arrive (notifications carry state). */
    private static void feed(CoapTestNode node, StreamPipeline stream, float[][] frames, int from, int to,
                             boolean json) {
        for (int i = from; i < to; i++) {
            long before = stream.status().samples();
            node.publish(json ? RemoteFixtures.json(i, frames[i]) : RemoteFixtures.f32le(frames[i]));
            await().until(() -> stream.status().samples() > before);
        }
    }

    private static void assertReferenceScores(Dashboard dashboard) throws Exception {
        JsonValue expected = expected();
        await().until(() -> dashboard.deduplicated(RESULTS).size() >= 5);
        List<JsonValue> results = dashboard.deduplicated(RESULTS);
        for (int i = 0; i < 5; i++) {
            assertEquals(i, results.get(i).get("window").get("seq").asLong());
            assertEquals(expected.get("first5_mse").get(i).asDouble(),
                    results.get(i).get("outputs").get("score").asDouble(), 1e-3, "window " + i);
        }
    }

    /** Waits; on timeout prints every thread's stack (a stuck client thread is the likely cause) and fails. */
    private static void awaitOrDumpThreads(java.util.concurrent.Callable<Boolean> condition) {
        try {
            await().until(condition);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            Thread.getAllStackTraces().forEach((t, stack) -> {
                System.err.println("thread " + t.getName() + " " + t.getState());
                for (StackTraceElement f : stack) {
                    System.err.println("    at " + f);
                }
            });
            throw e;
        }
    }

    @Test
    void observed_readings_reach_the_model_and_observation_resumes_after_the_node_restarts(MosquittoBroker broker)
            throws Exception {
        float[][] frames = RemoteFixtures.frames();
        try (CoapTestNode first = new CoapTestNode(0, null, true, RemoteFixtures.json(0, frames[0]),
                MediaTypeRegistry.APPLICATION_JSON)) {
            int port = first.port();
            Path file = ServiceFixtures.write(dir, "octet.yaml", RemoteFixtures.nodeStream(
                    "{type: coap_node, uri: \"" + first.uri(false) + "\", observe: true, poll_interval_ms: 100, "
                            + "timeout_ms: 1500}", broker.uri()));
            try (Dashboard dashboard = Dashboard.connect(broker.uri(), "dashboard", true, RESULTS);
                 GatewayService service = GatewayService.create(ConfigLoader.load(file),
                         ServiceFixtures.options(dir.resolve("state")))) {
                service.start();
                StreamPipeline stream = service.pipeline().stream("node");
                await().until(() -> stream.status().samples() == 1); // the registration's answer: frame 0
                feed(first, stream, frames, 1, 12, true);
                assertReferenceScores(dashboard);
                // OK; on a loaded machine a notification may come later than Max-Age, and the stream may have been
                // degraded and registered again meanwhile: then it is OK again after three good windows.
                await().until(() -> stream.health() == StreamHealth.OK);

                first.close(); // the node goes away: no notifications past Max-Age, so the stream degrades
                awaitOrDumpThreads(() -> stream.health() == StreamHealth.DEGRADED);
                assertTrue(stream.status().reason().contains("coap://127.0.0.1:" + port), stream.status().reason());

                // The node reboots on the same port without any observer: the gateway registers again.
                try (CoapTestNode second = new CoapTestNode(port, null, true, RemoteFixtures.json(12, frames[12]),
                        MediaTypeRegistry.APPLICATION_JSON)) {
                    await().until(() -> second.observers() == 1 && stream.status().samples() == 13);
                    long inferences = stream.status().inferences();
                    feed(second, stream, frames, 13, 30, true);
                    await().until(() -> stream.health() == StreamHealth.OK
                            && stream.status().inferences() >= inferences + 3);
                }
            }
        }
    }

    @Test
    void observes_over_dtls_psk_with_raw_float_payloads(MosquittoBroker broker) throws Exception {
        float[][] frames = RemoteFixtures.frames();
        byte[] key = new byte[16];
        new SplittableRandom(7).nextBytes(key);
        try (CoapTestNode node = new CoapTestNode(0, Map.of("gw1", key), true, RemoteFixtures.f32le(frames[0]),
                MediaTypeRegistry.APPLICATION_OCTET_STREAM)) {
            Path file = ServiceFixtures.write(dir, "octet.yaml", RemoteFixtures.nodeStream(
                    "{type: coap_node, uri: \"" + node.uri(true) + "\", psk_identity: gw1, psk_key: \""
                            + HexFormat.of().formatHex(key) + "\", poll_interval_ms: 100, timeout_ms: 2000}",
                    broker.uri()));
            try (Dashboard dashboard = Dashboard.connect(broker.uri(), "dashboard", true, RESULTS);
                 GatewayService service = GatewayService.create(ConfigLoader.load(file),
                         ServiceFixtures.options(dir.resolve("state")))) {
                service.start();
                StreamPipeline stream = service.pipeline().stream("node");
                await().until(() -> stream.status().samples() == 1);
                feed(node, stream, frames, 1, 10, false);
                assertReferenceScores(dashboard);
                assertEquals(StreamHealth.OK, stream.health(), stream.status().reason());
                assertEquals(0, stream.status().sourceErrors());
            }
        }
    }

    @Test
    void a_node_that_refuses_observe_is_polled(MosquittoBroker broker) throws Exception {
        float[][] frames = RemoteFixtures.frames();
        try (CoapTestNode node = new CoapTestNode(0, null, false, RemoteFixtures.json(0, frames[0]),
                MediaTypeRegistry.APPLICATION_JSON)) {
            Path file = ServiceFixtures.write(dir, "octet.yaml", RemoteFixtures.nodeStream(
                    "{type: coap_node, uri: \"" + node.uri(false) + "\", poll_interval_ms: 20, timeout_ms: 1000}",
                    broker.uri()));
            try (GatewayService service = GatewayService.create(ConfigLoader.load(file),
                    ServiceFixtures.options(dir.resolve("state")))) {
                service.start();
                StreamPipeline stream = service.pipeline().stream("node");
                await().until(() -> stream.status().samples() == 1);
                // Polls see each reading at least once; repeats of a seq are dropped, so each counts once.
                feed(node, stream, frames, 1, 8, true);
                await().until(() -> stream.status().inferences() >= 3);
                assertEquals(8, stream.status().samples());
                assertEquals(0, node.observers());
                assertEquals(StreamHealth.OK, stream.health(), stream.status().reason());
            }
        }
    }
}
