package dev.octet.runtime.pipeline.recording;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.runtime.json.JsonValue;
import dev.octet.runtime.json.Json;
import dev.octet.runtime.TestModels;
import dev.octet.runtime.engine.Interpreter;
import dev.octet.runtime.pipeline.Bundled;
import dev.octet.runtime.pipeline.InputQuantizer;
import dev.octet.runtime.pipeline.config.ConfigException;
import dev.octet.runtime.pipeline.config.ConfigLoader;
import dev.octet.runtime.pipeline.config.OctetConfig;
import dev.octet.runtime.pipeline.preprocess.Shape;
import dev.octet.runtime.pipeline.source.ReplaySource;
import dev.octet.runtime.pipeline.source.SampleListener;
import dev.octet.runtime.pipeline.source.SampleSource;
import dev.octet.runtime.pipeline.source.SourceRegistry;
import dev.octet.runtime.quant.calibration.CalibrationData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Recording windows from configured streams: the bundled AD replay, a seeded simulation, and sources that fail. */
class StreamRecorderTest {
    /** The demo's stream, paced in real time and looping as the example configuration's replay is. */
    static final String REPLAY = """
            gateway: {id: gw}
            models:
              - {id: ad01, path: "bundled:ad01"}
            streams:
              - id: toycar
                source: {type: replay_features, file: "bundled:ad01_spectrogram", pace: %s, loop: %s}
                sample_rate_hz: 31.25
                channels: 128
                windows: {size: 5, stride: 1}
                preprocess: []
                model: ad01
                postprocess: [{anomaly_score: {threshold: 20.0}}]
                queue: {capacity: 4, backpressure: drop_oldest}
            sinks: [{type: stdout}]
            """;

    /** 128 channels at 100 Hz, windows of 5 samples every 3, scaled: 640 values, the AD model's input. */
    static final String SIMULATED = """
            gateway: {id: gw}
            models:
              - {id: ad01, path: "bundled:ad01"}
            streams:
              - id: vib
                source: {type: simulated, signal: sine_noise, frequency_hz: 7.0, amplitude: 2.0, noise: 0.5,
                         seed: 1234, pace: %s}
                sample_rate_hz: %s
                channels: 128
                windows: {size: 5, stride: 3}
                preprocess: [{scale: {multiply: 0.5, offset: 1.0}}]
                model: ad01
            sinks: [{type: stdout}]
            """;

    @TempDir
    Path dir;

    private OctetConfig load(String yaml) throws Exception {
        Path file = dir.resolve("octet.yaml");
        Files.writeString(file, yaml);
        return ConfigLoader.load(file);
    }

    private static StreamRecorder recorder(OctetConfig config, String stream) throws ConfigException {
        return StreamRecorder.forStream(config, stream, SourceRegistry.builtin());
    }

    @Test
    void replayed_windows_are_the_replay_files_frames_and_quantize_to_the_harness_inputs() throws Exception {
        // pace: true at 31.25 frames/s would take 6 s; recording runs the replay unpaced.
        OctetConfig config = load(REPLAY.formatted(true, false));
        StreamRecorder recorder = recorder(config, "toycar");
        assertEquals(new Shape(5, 128, 1), recorder.featureShape());
        Recording r = recorder.record(RecordingOptions.of(196), StreamRecorder.Progress.NONE);
        assertEquals(196, r.count());
        assertFalse(r.paced());
        float[] frames = ReplaySource.float32(Bundled.read("bundled:ad01_spectrogram"));
        for (int w = 0; w < 196; w++) {
            float[] expected = java.util.Arrays.copyOfRange(frames, 128 * w, 128 * (w + 5));
            assertArrayEquals(expected, r.windows().get(w), "window " + w);
        }
        // What the pipeline feeds the model is these windows quantized with the model's input parameters: the
        // MLPerf Tiny harness's int8 inputs, byte for byte.
        Interpreter model = Interpreter.create(config.models().get("ad01").model());
        InputQuantizer quantizer = new InputQuantizer(model.input(0));
        byte[] harness = TestModels.bytes("testdata/ad01_normal_id_01_00000000_196windows_input_int8_640.bin");
        for (int w = 0; w < 196; w++) {
            quantizer.write(r.windows().get(w));
            for (int i = 0; i < 640; i++) {
                assertEquals(harness[640 * w + i], model.input(0).getInt8(i), "window " + w + " value " + i);
            }
        }
    }

    @Test
    void skip_and_every_select_windows_across_the_stream() throws Exception {
        OctetConfig config = load(REPLAY.formatted(false, false));
        List<int[]> progress = new ArrayList<>();
        Recording r = recorder(config, "toycar").record(RecordingOptions.of(10).withSkip(3).withEvery(7),
                (done, total) -> progress.add(new int[] {done, total}));
        float[] frames = ReplaySource.float32(Bundled.read("bundled:ad01_spectrogram"));
        for (int j = 0; j < 10; j++) {
            int first = 3 + 7 * j;
            assertArrayEquals(java.util.Arrays.copyOfRange(frames, 128 * first, 128 * (first + 5)),
                    r.windows().get(j), "recorded window " + j + " is stream window " + first);
        }
        assertEquals(3 + 9 * 7 + 1, r.seen());
        assertEquals(10, progress.size());
        assertArrayEquals(new int[] {10, 10}, progress.get(9));
    }

    @Test
    void written_recording_is_read_by_the_calibration_loader_and_described_beside_it() throws Exception {
        OctetConfig config = load(REPLAY.formatted(false, true));
        Recording r = recorder(config, "toycar").record(RecordingOptions.of(250).withEvery(2),
                StreamRecorder.Progress.NONE);
        Path out = dir.resolve("calibration.bin");
        RecordingFiles.write(out, r, config.file());
        List<float[]> back = CalibrationData.read(out, 640);
        assertEquals(250, back.size());
        for (int i = 0; i < back.size(); i++) {
            assertArrayEquals(r.windows().get(i), back.get(i));
        }
        // The looped replay: recorded window 100 is stream window 200, frames 4..8 of the second pass.
        float[] frames = ReplaySource.float32(Bundled.read("bundled:ad01_spectrogram"));
        float[] expected = new float[640];
        for (int k = 0; k < 5; k++) {
            System.arraycopy(frames, 128 * ((200 + k) % 200), expected, 128 * k, 128);
        }
        assertArrayEquals(expected, back.get(100), "looped replay");
        JsonValue json = Json.parse(java.nio.file.Files.readString(RecordingFiles.sidecarOf(out)));
        assertEquals("toycar", json.get("stream").asText());
        assertEquals("ad01", json.get("model").get("id").asText());
        assertEquals("[1,640]", json.get("model").get("input_shape").toString());
        assertEquals(250, json.get("count").asInt());
        assertEquals(640, json.get("values_per_window").asInt());
        assertEquals("replay_features", json.get("source").get("type").asText());
        assertEquals("bundled:ad01_spectrogram", json.get("source").get("parameters").get("file").asText());
        assertTrue(json.get("seed").isNull());
        assertEquals(2, json.get("selection").get("every").asInt());
        assertTrue(json.get("started").asText().endsWith("Z"), json.toString());
        try (var files = Files.list(dir)) {
            assertEquals(List.of("calibration.bin", "calibration.bin.json", "octet.yaml"),
                    files.map(p -> p.getFileName().toString()).sorted().toList(), "no temporary files left");
        }
    }

    @Test
    void simulated_windows_are_the_seeded_signal_windowed_and_scaled() throws Exception {
        OctetConfig config = load(SIMULATED.formatted(true, 100));
        Recording r = recorder(config, "vib").record(RecordingOptions.of(6).withSkip(2).withEvery(3),
                StreamRecorder.Progress.NONE);
        assertFalse(r.paced(), "a simulation runs unpaced unless asked");
        // The same signal computed here: sample i of channel c, Gaussian noise drawn sample by sample.
        Random random = new Random(1234);
        int samples = 3 * (2 + 5 * 3) + 5;
        float[] signal = new float[samples * 128];
        for (int i = 0; i < samples; i++) {
            for (int c = 0; c < 128; c++) {
                double v = 2.0 * Math.sin(2 * Math.PI * 7.0 * (i / 100.0) + c * Math.PI / 4)
                        + 0.5 * random.nextGaussian();
                signal[128 * i + c] = (float) v;
            }
        }
        for (int j = 0; j < 6; j++) {
            int start = 3 * (2 + 3 * j); // window 2 + 3j starts at sample stride * window
            float[] expected = new float[640];
            for (int k = 0; k < 640; k++) {
                expected[k] = signal[128 * start + k] * 0.5f + 1.0f;
            }
            assertArrayEquals(expected, r.windows().get(j), "recorded window " + j);
        }
        Recording again = recorder(config, "vib").record(RecordingOptions.of(6).withSkip(2).withEvery(3),
                StreamRecorder.Progress.NONE);
        assertArrayEquals(r.toBytes(), again.toBytes(), "same seed, same recording");
        JsonValue json = Json.parse(RecordingFiles.describe(r, config.file()));
        assertEquals(1234, json.get("seed").asLong());
    }

    @Test
    void an_unknown_stream_is_a_config_error_naming_the_streams() throws Exception {
        OctetConfig config = load(REPLAY.formatted(false, false));
        ConfigException e = assertThrows(ConfigException.class, () -> recorder(config, "pump"));
        assertTrue(e.getMessage().contains("no stream \"pump\" (streams: toycar)"), e.getMessage());
    }

    @Test
    void a_source_type_without_driver_is_a_config_error() throws Exception {
        OctetConfig config = load(REPLAY.formatted(false, false)
                .replace("{type: replay_features, file: \"bundled:ad01_spectrogram\", pace: false, loop: false}",
                        "{type: mqtt_node, topic: nodes/n1/samples}"));
        ConfigException e = assertThrows(ConfigException.class, () -> recorder(config, "toycar"));
        assertTrue(e.getMessage().contains("streams[0].source.type") && e.getMessage().contains("no driver"),
                e.getMessage());
    }

    @Test
    void a_finite_replay_with_too_few_windows_ends_the_recording_with_an_error() throws Exception {
        OctetConfig config = load(REPLAY.formatted(false, false));
        RecordingException e = assertThrows(RecordingException.class, () -> recorder(config, "toycar")
                .record(RecordingOptions.of(100).withEvery(2), StreamRecorder.Progress.NONE));
        assertEquals(RecordingException.Reason.SOURCE_ENDED, e.reason());
        assertEquals(98, e.recorded());
        assertTrue(e.getMessage().contains("recorded 98 of 100 windows (196 produced, 199 needed"), e.getMessage());
    }

    @Test
    void a_paced_slow_source_times_out() throws Exception {
        // 2 samples/s in real time: the first 5-sample window cannot exist before 2 s.
        OctetConfig config = load(SIMULATED.formatted(true, 2));
        RecordingException e = assertThrows(RecordingException.class, () -> recorder(config, "vib")
                .record(RecordingOptions.of(1).withPaced(true).withTimeout(Duration.ofMillis(300)),
                        StreamRecorder.Progress.NONE));
        assertEquals(RecordingException.Reason.TIMED_OUT, e.reason());
        assertTrue(e.getMessage().contains("timed out after 0.3 s"), e.getMessage());
    }

    @Test
    void a_dead_sensor_times_out_and_its_source_is_closed() throws Exception {
        OctetConfig config = load(SIMULATED.formatted(true, 100));
        Dead dead = new Dead();
        StreamRecorder recorder = StreamRecorder.forStream(config, "vib",
                SourceRegistry.builtin().with("simulated", stream -> dead));
        RecordingException e = assertThrows(RecordingException.class, () -> recorder.record(
                RecordingOptions.of(5).withTimeout(Duration.ofMillis(200)), StreamRecorder.Progress.NONE));
        assertEquals(RecordingException.Reason.TIMED_OUT, e.reason());
        assertTrue(e.getMessage().contains("with 0 samples from the source (is the sensor delivering?)"),
                e.getMessage());
        assertTrue(dead.closed);
    }

    @Test
    void a_source_that_fails_midway_is_a_recording_error_with_its_reason() throws Exception {
        OctetConfig config = load(SIMULATED.formatted(true, 100));
        StreamRecorder recorder = StreamRecorder.forStream(config, "vib",
                SourceRegistry.builtin().with("simulated", stream -> new Failing(12)));
        RecordingException e = assertThrows(RecordingException.class, () -> recorder.record(
                RecordingOptions.of(5), StreamRecorder.Progress.NONE));
        assertEquals(RecordingException.Reason.SOURCE_FAILED, e.reason());
        // 12 samples give windows starting at 0, 3 and 6 (the one at 9 is incomplete).
        assertEquals(3, e.recorded());
        assertTrue(e.getMessage().contains("the source failed: I2C read failed: device gone"), e.getMessage());
    }

    @Test
    void a_source_that_cannot_be_opened_is_a_config_error() throws Exception {
        OctetConfig config = load(SIMULATED.formatted(true, 100));
        StreamRecorder recorder = StreamRecorder.forStream(config, "vib", SourceRegistry.builtin()
                .with("simulated", stream -> {
                    throw new java.io.IOException("no I2C bus 1");
                }));
        ConfigException e = assertThrows(ConfigException.class, () -> recorder.record(RecordingOptions.of(5),
                StreamRecorder.Progress.NONE));
        assertTrue(e.getMessage().contains("streams[0].source: cannot open the source: no I2C bus 1"),
                e.getMessage());
    }

    @Test
    void options_are_checked() {
        assertThrows(IllegalArgumentException.class, () -> RecordingOptions.of(0));
        assertThrows(IllegalArgumentException.class, () -> RecordingOptions.of(1).withSkip(-1));
        assertThrows(IllegalArgumentException.class, () -> RecordingOptions.of(1).withEvery(0));
        assertThrows(IllegalArgumentException.class, () -> RecordingOptions.of(1).withTimeout(Duration.ZERO));
        assertEquals(3 + 4 * 5 + 1, RecordingOptions.of(5).withSkip(3).withEvery(5).windowsNeeded());
    }

    /** A sensor that never delivers. */
    private static final class Dead implements SampleSource {
        volatile boolean closed;

        @Override
        public void start(SampleListener listener) {
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** A sensor that delivers {@code samples} samples on its own thread, then loses its device. */
    private static final class Failing implements SampleSource {
        private final int samples;
        private Thread thread;

        Failing(int samples) {
            this.samples = samples;
        }

        @Override
        public void start(SampleListener listener) {
            thread = new Thread(() -> {
                float[] sample = new float[128];
                for (int i = 0; i < samples; i++) {
                    sample[0] = i;
                    listener.onSample(i * 10_000_000L, i * 10_000L, sample, 0);
                }
                listener.onError("I2C read failed: device gone", new java.io.IOException("EIO"), true);
            }, "failing-sensor");
            thread.start();
        }

        @Override
        public void close() {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
