package dev.octet.runtime.service;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.runtime.json.JsonValue;
import dev.octet.mqtt.MqttLink;
import dev.octet.mqtt.MqttSettings;
import dev.octet.runtime.pipeline.StreamPipeline;
import dev.octet.runtime.pipeline.config.ConfigLoader;
import dev.octet.testing.MosquittoBroker;
import dev.octet.testing.MosquittoExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * CSV readings with the node's time and counter in leading columns ({@code columns: [t, seq]}) through a real
 * Mosquitto: the results' windows carry the node's times, a skipped counter is a gap.
 */
@ExtendWith(MosquittoExtension.class)
class MqttNodeCsvColumnsTest {
    private static final String TOPIC = "nodes/n1/spectrum";
    private static final String RESULTS = "octet/gw1/node/inference";
    private static final long T0 = 1_767_780_000_000L; // 2026-01-07T10:00:00Z
    private static final long PERIOD_MS = 32; // 31.25 Hz

    @TempDir
    Path dir;

    private static byte[] line(long seq, float[] frame) {
        StringJoiner j = new StringJoiner(",", (T0 + seq * PERIOD_MS) + "," + seq + ",", "\n");
        for (float v : frame) {
            j.add(Float.toString(v));
        }
        return j.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void lines_carry_the_nodes_time_and_counter(MosquittoBroker broker) throws Exception {
        float[][] frames = RemoteFixtures.frames();
        Path file = ServiceFixtures.write(dir, "octet.yaml", RemoteFixtures.nodeStream(
                "{type: mqtt_node, topic: \"nodes/+/spectrum\", format: csv, columns: [t, seq]}", broker.uri()));
        MqttSettings nodeSettings = MqttSettings.builder(broker.uri(), "node-n1").noAvailabilityTopic()
                .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200)).build();
        try (Dashboard dashboard = Dashboard.connect(broker.uri(), "dashboard", true, RESULTS);
             GatewayService service = GatewayService.create(ConfigLoader.load(file),
                     ServiceFixtures.options(dir.resolve("state")));
             MqttLink node = MqttLink.start(nodeSettings)) {
            service.start();
            StreamPipeline stream = service.pipeline().stream("node");
            await().atMost(Duration.ofSeconds(30)).until(node::isConnected);
            // Line 0 until the gateway's subscription is in place (its repeats are dropped as duplicates).
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10)).until(() -> {
                node.publish(TOPIC, line(0, frames[0]), 1, false);
                return stream.status().samples() > 0;
            });
            for (int i = 1; i < 10; i++) {
                node.publish(TOPIC, line(i, frames[i]), 1, false).get(10, TimeUnit.SECONDS);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> dashboard.deduplicated(RESULTS).size() >= 6);
            List<JsonValue> results = dashboard.deduplicated(RESULTS);
            assertEquals("2026-01-07T10:00:00Z", results.get(0).get("window").get("start").asText(),
                    results.get(0).toString());
            assertEquals("2026-01-07T10:00:00.032Z", results.get(1).get("window").get("start").asText());
            assertEquals(10, stream.status().samples(), "every line once, the repeats of line 0 dropped");
            assertEquals(0, stream.status().sourceErrors());

            // Line 10 never sent: line 11 is a gap of one, reported and counted.
            node.publish(TOPIC, line(11, frames[11]), 1, false).get(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(30)).until(() -> stream.status().sourceErrors() == 1);
            assertTrue(stream.status().reason().contains("sequence gap, 1 message(s) lost"),
                    stream.status().reason());
        }
    }
}
