package dev.octet.runtime.service;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.runtime.json.JsonValue;
import dev.octet.runtime.json.Json;
import dev.octet.mqtt.MqttLink;
import dev.octet.mqtt.MqttSettings;
import dev.octet.runtime.TestModels;
import dev.octet.runtime.pipeline.StreamHealth;
import dev.octet.runtime.pipeline.StreamPipeline;
import dev.octet.runtime.pipeline.config.ConfigLoader;
import dev.octet.testing.MosquittoBroker;
import dev.octet.testing.MosquittoExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * An {@code mqtt_node} stream against a real Mosquitto: a node publishes the ToyADMOS spectrogram frame by frame,
 * the gateway's windows reach the AD model and give the reference scores; bad payloads, a sequence gap and a broker
 * restart degrade the stream, which recovers by itself.
 */
@ExtendWith(MosquittoExtension.class)
class MqttNodeSourceServiceTest {
    static final String NODE_TOPIC = "nodes/n1/spectrum";
    static final String RESULTS = "octet/gw1/node/inference";

    @TempDir
    Path dir;

    @BeforeAll
    static void pollQuickly() {
        Awaitility.setDefaultPollInterval(Duration.ofMillis(10));
        Awaitility.setDefaultTimeout(Duration.ofSeconds(30));
    }

    private static void publish(MqttLink node, byte[] payload) throws Exception {
        node.publish(NODE_TOPIC, payload, 1, false).get(10, TimeUnit.SECONDS);
    }

    /** Publishes one message until the stream has received it (duplicates of its seq are dropped by the source). */
    private static void publishUntilReceived(MqttLink node, StreamPipeline stream, long seq, float[] frame) {
        long before = stream.status().samples();
        await().until(() -> {
            if (node.isConnected()) {
                node.publish(NODE_TOPIC, RemoteFixtures.json(seq, frame), 1, false);
            }
            return stream.status().samples() > before;
        });
    }

    @Test
    void node_readings_reach_the_model_and_the_stream_survives_bad_payloads_and_a_broker_restart(
            MosquittoBroker broker) throws Exception {
        JsonValue expected = Json.parse(java.nio.file.Files.readString(TestModels.path("testdata/expected_summary.json")))
                .get("ad01_normal_id_01_00000000");
        float[][] frames = RemoteFixtures.frames();
        Path file = ServiceFixtures.write(dir, "octet.yaml", RemoteFixtures.nodeStream(
                "{type: mqtt_node, topic: \"nodes/+/spectrum\", format: json, qos: 1}", broker.uri()));
        MqttSettings nodeSettings = MqttSettings.builder(broker.uri(), "node-n1").noAvailabilityTopic()
                .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200)).build();
        try (Dashboard dashboard = Dashboard.connect(broker.uri(), "dashboard", true, RESULTS);
             GatewayService service = GatewayService.create(ConfigLoader.load(file),
                     ServiceFixtures.options(dir.resolve("state")));
             MqttLink node = MqttLink.start(nodeSettings)) {
            service.start();
            StreamPipeline stream = service.pipeline().stream("node");
            await().until(node::isConnected);

            // Frame 0 until the gateway's subscription is in place (repeats of seq 0 are dropped), then the rest.
            publishUntilReceived(node, stream, 0, frames[0]);
            for (int i = 1; i < frames.length; i++) {
                publish(node, RemoteFixtures.json(i, frames[i]));
            }
            await().until(() -> dashboard.deduplicated(RESULTS).size() >= 196);
            List<JsonValue> results = dashboard.deduplicated(RESULTS);
            double sum = 0;
            for (int i = 0; i < 196; i++) {
                double score = results.get(i).get("outputs").get("score").asDouble();
                if (i < 5) {
                    assertEquals(expected.get("first5_mse").get(i).asDouble(), score, 1e-3, "window " + i);
                }
                sum += score;
            }
            assertEquals(expected.get("mean_mse").asDouble(), sum / 196, 1e-3, "the reference mean score");
            assertEquals(200, stream.status().samples(), "every frame once, the repeats of frame 0 dropped");
            assertEquals(StreamHealth.OK, stream.health());
            assertEquals(0, stream.status().sourceErrors());

            // Malformed JSON, then a sample with 3 values for 128 channels: each refused, counted, stream degraded.
            publish(node, "{\"seq\": 200, \"values\": [1.0, ".getBytes(StandardCharsets.UTF_8));
            await().until(() -> stream.health() == StreamHealth.DEGRADED);
            publish(node, "{\"seq\": 200, \"values\": [1.0, 2.0, 3.0]}".getBytes(StandardCharsets.UTF_8));
            await().until(() -> stream.status().sourceErrors() == 2);
            assertTrue(stream.status().reason().contains("3 values, the stream has 128 channels"),
                    stream.status().reason());
            // Seq 200 never arrived intact: 201 is a gap (reported), then good frames bring the stream back.
            long inferences = stream.status().inferences();
            for (int i = 0; i < 10; i++) {
                publish(node, RemoteFixtures.json(201 + i, frames[i]));
            }
            await().until(() -> stream.health() == StreamHealth.OK);
            assertEquals(3, stream.status().sourceErrors(), "malformed, wrong channel count, one gap");
            assertTrue(stream.status().inferences() >= inferences + 3);
            assertEquals(210, stream.status().samples(), "refused payloads deliver nothing");

            // The broker restarts: degraded while it is away, results again once the node's data flows.
            broker.stop();
            await().until(() -> stream.health() == StreamHealth.DEGRADED);
            assertTrue(stream.status().reason().contains("broker"), stream.status().reason());
            broker.restart();
            await().until(() -> node.isConnected() && service.link().isConnected());
            publishUntilReceived(node, stream, 211, frames[10]);
            long afterRestart = stream.status().inferences();
            for (int i = 11; i < 20; i++) {
                publish(node, RemoteFixtures.json(201 + i, frames[i]));
            }
            await().until(() -> stream.health() == StreamHealth.OK);
            assertTrue(stream.status().inferences() >= afterRestart + 3, "results flow after the restart");
            String metrics = service.metrics().render();
            assertTrue(metrics.contains("octet_stream_health{stream=\"node\"} 0\n"), metrics);
        }
    }
}
