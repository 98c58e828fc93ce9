package dev.octet.runtime.service;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.runtime.json.JsonValue;
import dev.octet.runtime.json.Json;
import dev.octet.mqtt.MqttLink;
import dev.octet.mqtt.MqttSettings;
import dev.octet.runtime.cli.OctetCommand;
import dev.octet.runtime.pipeline.StreamPipeline;
import dev.octet.runtime.pipeline.config.ConfigLoader;
import dev.octet.testing.MosquittoBroker;
import dev.octet.testing.MosquittoExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code octet record} from an {@code mqtt_node} stream through a real Mosquitto, while {@code octet run} serves the
 * same configuration: the recorder opens the stream with the service's source types and MQTT settings, records
 * consecutive windows of what the node publishes, and its own client id leaves the running service's subscriber
 * connected.
 */
@ExtendWith(MosquittoExtension.class)
class RecordRemoteStreamTest {
    private static final int WINDOWS = 20;

    @TempDir
    Path dir;

    @Test
    void records_windows_of_an_mqtt_node_stream_beside_the_running_service(MosquittoBroker broker) throws Exception {
        float[][] frames = RemoteFixtures.frames();
        Path config = ServiceFixtures.write(dir, "octet.yaml", RemoteFixtures.nodeStream(
                "{type: mqtt_node, topic: \"nodes/+/spectrum\", format: json, qos: 1}", broker.uri()));
        Path output = dir.resolve("node.bin");
        MqttSettings nodeSettings = MqttSettings.builder(broker.uri(), "node-n1").noAvailabilityTopic()
                .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200)).build();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        try (GatewayService service = GatewayService.create(ConfigLoader.load(config),
                ServiceFixtures.options(dir.resolve("state")));
             MqttLink node = MqttLink.start(nodeSettings)) {
            service.start();
            StreamPipeline running = service.pipeline().stream("node");
            await().atMost(Duration.ofSeconds(30)).until(() -> node.isConnected() && service.link().isConnected());

            CompletableFuture<Integer> record = CompletableFuture.supplyAsync(() -> {
                CommandLine cli = OctetCommand.newCommandLine();
                cli.setOut(new PrintWriter(out, true));
                cli.setErr(new PrintWriter(err, true));
                return cli.execute("record", "--config", config.toString(), "--stream", "node",
                        "--windows", String.valueOf(WINDOWS), "--timeout", "60", "--output", output.toString());
            });
            // The node publishes the spectrogram over and over (seq keeps counting) until the recording is done;
            // what it publishes before the recorder has subscribed is simply not seen by it.
            long seq = 0;
            while (!record.isDone()) {
                node.publish("nodes/n1/spectrum", RemoteFixtures.json(seq, frames[(int) (seq % frames.length)]), 1,
                        false).get(10, TimeUnit.SECONDS);
                seq++;
            }
            assertEquals(0, record.get(), err.toString());
            assertTrue(out.toString().contains("recorded " + WINDOWS + " window(s) of 640 float32 values"),
                    out.toString());

            // Every window is five consecutive frames of what the node sent, each window one frame after the last.
            float[] recorded = floats(Files.readAllBytes(output));
            assertEquals(WINDOWS * 640, recorded.length);
            int first = indexOf(frames, Arrays.copyOfRange(recorded, 0, 128));
            assertTrue(first >= 0, "the first recorded frame is a frame of the spectrogram");
            for (int w = 0; w < WINDOWS; w++) {
                for (int f = 0; f < 5; f++) {
                    int at = w * 640 + f * 128;
                    assertArrayEquals(frames[(first + w + f) % frames.length],
                            Arrays.copyOfRange(recorded, at, at + 128), "window " + w + ", frame " + f);
                }
            }
            JsonValue description = Json.parse(java.nio.file.Files.readString(dir.resolve("node.bin.json")));
            assertEquals("mqtt_node", description.get("source").get("type").asText(), description.toString());
            assertEquals(WINDOWS, description.get("count").asInt());

            // The service's own subscriber (client id octet-gw1-node) was never pushed off the broker by the
            // recorder's (octet-gw1-record-node): no connection loss, and it saw the node's messages throughout.
            assertEquals(0, running.status().sourceErrors(), running.status().reason());
            assertTrue(running.status().samples() > 0);
        }
    }

    private static float[] floats(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[bytes.length / 4];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.getFloat();
        }
        return out;
    }

    private static int indexOf(float[][] frames, float[] frame) {
        for (int i = 0; i < frames.length; i++) {
            if (Arrays.equals(frames[i], frame)) {
                return i;
            }
        }
        return -1;
    }
}
