package dev.octet.runtime.service;

import dev.octet.runtime.pipeline.Bundled;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.StringJoiner;

/** The AD model fed by a remote node that sends the bundled ToyADMOS spectrogram, one 128-bin frame per message. */
final class RemoteFixtures {
    static final int CHANNELS = 128;

    private RemoteFixtures() {
    }

    /** A gateway with one stream {@code node} from {@code source} (a YAML flow mapping) into the AD model. */
    static String nodeStream(String source, String mqttUri) {
        return """
                gateway: {id: gw1}
                models:
                  - id: ad01
                    path: bundled:ad01
                streams:
                  - id: node
                    source: %s
                    sample_rate_hz: 31.25
                    channels: 128
                    windows: {size: 5, stride: 1}
                    preprocess: []
                    model: ad01
                    postprocess:
                      - anomaly_score: {threshold: 20.0}
                    queue: {capacity: 256, backpressure: block}
                queues:
                  results: {capacity: 1024, backpressure: block}
                health: {fail_after: 5, recover_after: 3}
                sinks:
                  - type: mqtt
                    topic: "octet/{gateway}/{stream}/inference"
                    qos: 1
                mqtt:
                  uri: %s
                  client_id: octet-gw1
                http: {bind: 127.0.0.1, port: 0}
                """.formatted(source, mqttUri);
    }

    /** The 200 frames of the bundled spectrogram. */
    static float[][] frames() {
        byte[] raw;
        try {
            raw = Bundled.read("bundled:ad01_spectrogram");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        float[][] out = new float[raw.length / (4 * CHANNELS)][CHANNELS];
        for (float[] f : out) {
            for (int c = 0; c < CHANNELS; c++) {
                f[c] = b.getFloat();
            }
        }
        return out;
    }

    static byte[] json(long seq, float[] frame) {
        StringJoiner j = new StringJoiner(",", "{\"seq\":" + seq + ",\"values\":[", "]}");
        for (float v : frame) {
            j.add(Float.toString(v));
        }
        return j.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    static byte[] f32le(float[] frame) {
        ByteBuffer b = ByteBuffer.allocate(4 * frame.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : frame) {
            b.putFloat(v);
        }
        return b.array();
    }
}
