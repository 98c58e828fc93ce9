package dev.octet.runtime.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.runtime.json.JsonValue;
import dev.octet.runtime.json.Json;
import dev.octet.runtime.TestModels;
import dev.octet.runtime.engine.Interpreter;
import dev.octet.runtime.engine.InterpreterOptions;
import dev.octet.runtime.model.Model;
import dev.octet.runtime.model.ModelReader;
import dev.octet.runtime.pipeline.config.ConfigLoader;
import dev.octet.runtime.pipeline.config.OctetConfig;
import dev.octet.runtime.pipeline.postprocess.AnomalyScore;
import dev.octet.runtime.pipeline.preprocess.PreprocessChain;
import dev.octet.runtime.pipeline.preprocess.Shape;
import dev.octet.runtime.pipeline.source.ReplaySource;
import dev.octet.runtime.pipeline.window.WindowBuffer;
import dev.octet.runtime.pipeline.window.WindowSink;
import dev.octet.runtime.pipeline.window.Windower;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The whole anomaly-detection path on the bundled ToyADMOS spectrogram, against the MLPerf Tiny harness's vectors:
 * replay (200 frames × 128 bins) → windows of 5 frames, stride 1 (196 windows) → quantize → ad01 → anomaly_score.
 */
class AnomalyDetectionPathTest {
    private static final String SPECTROGRAM = "testdata/ad01_normal_id_01_00000000_hist_librosa.bin";
    private static final String INPUTS = "testdata/ad01_normal_id_01_00000000_196windows_input_int8_640.bin";

    private static JsonValue expected() throws Exception {
        return Json.parse(java.nio.file.Files.readString(TestModels.path("testdata/expected_summary.json")))
                .get("ad01_normal_id_01_00000000");
    }

    private static Model model() throws Exception {
        return ModelReader.withDefaults().read(TestModels.path("ad01_fc_autoencoder_int8.tflite"));
    }

    @Test
    void replayed_windows_quantize_to_the_harness_inputs_and_score_like_the_reference() throws Exception {
        // Preserve every tensor: the arena planner would otherwise reuse the input's bytes during invoke.
        Interpreter interpreter = Interpreter.create(model(),
                InterpreterOptions.defaults().withPreserveAllTensors(true));
        ModelRunner runner = new ModelRunner(new ModelHandle("ad01", "test", interpreter), 640);
        StreamPipeline stream = new StreamPipeline("toycar", null, 5, 1, 128, 4, Backpressure.BLOCK,
                PreprocessChain.builder(Shape.samples(5, 128)).build(), runner,
                List.of(new AnomalyScore(640, 640, 20.0)), 5, 10, null);
        byte[] harnessInputs = TestModels.bytes(INPUTS);
        float[] frames = ReplaySource.float32(TestModels.bytes(SPECTROGRAM));
        List<InferenceResult> results = new ArrayList<>();
        List<byte[]> quantized = new ArrayList<>();
        WindowBuffer buffer = new WindowBuffer(5, 128);
        Windower windower = new Windower(5, 1, 128, new WindowSink() {
            @Override
            public WindowBuffer acquire() {
                return buffer;
            }

            @Override
            public void publish(WindowBuffer window) {
                results.add(stream.process(window));
                quantized.add(interpreter.input(0).toByteArray());
            }
        });
        for (int f = 0; f < 200; f++) {
            windower.push(f * 32_000_000L, f * 32_000L, frames, f * 128);
        }

        assertEquals(196, results.size());
        int differing = 0;
        for (int w = 0; w < 196; w++) {
            byte[] harness = java.util.Arrays.copyOfRange(harnessInputs, w * 640, (w + 1) * 640);
            for (int i = 0; i < 640; i++) {
                differing += harness[i] == quantized.get(w)[i] ? 0 : 1;
            }
        }
        assertEquals(0, differing, "quantized inputs differing from the harness's");

        JsonValue expected = expected();
        for (int w = 0; w < 5; w++) {
            assertEquals(expected.get("first5_mse").get(w).asDouble(), results.get(w).outputs().score(), 1e-3,
                    "window " + w);
        }
        double mean = results.stream().mapToDouble(r -> r.outputs().score()).average().orElseThrow();
        assertEquals(expected.get("mean_mse").asDouble(), mean, 1e-3);
        assertEquals(10.2645, mean, 1e-3);
        for (int w = 0; w < 196; w++) {
            InferenceResult r = results.get(w);
            assertEquals(w, r.windowSequence());
            assertEquals(w * 32_000_000L, r.windowStartNanos());
            assertEquals((w + 4) * 32_000_000L, r.windowEndNanos());
            assertEquals(r.outputs().score() > 20.0, r.outputs().anomaly());
            assertEquals("ad01", r.modelId());
        }
    }

    @Test
    void the_demo_configuration_runs_the_same_path_through_threads_queues_and_sinks() throws Exception {
        OctetConfig config = ConfigLoader.load(Path.of("..", "config", "demo.yaml"));
        List<InferenceResult> collected = Collections.synchronizedList(new ArrayList<>());
        java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream();
        Pipeline pipeline = PipelineFactory.defaults().withStdout(new PrintStream(text, true, "UTF-8"))
                .withSink(collected::add).build(config);
        pipeline.start();
        assertTrue(pipeline.awaitCompletion(Duration.ofSeconds(60)), "the replay finishes");
        pipeline.close();

        assertEquals(196, collected.size());
        for (int w = 0; w < 196; w++) {
            assertEquals(w, collected.get(w).windowSequence(), "windows in order, none lost or repeated");
        }
        JsonValue expected = expected();
        for (int w = 0; w < 5; w++) {
            assertEquals(expected.get("first5_mse").get(w).asDouble(), collected.get(w).outputs().score(), 1e-3);
        }
        double mean = collected.stream().mapToDouble(r -> r.outputs().score()).average().orElseThrow();
        assertEquals(expected.get("mean_mse").asDouble(), mean, 1e-3);
        assertEquals("bundled", collected.get(0).modelVersion());
        String printed = text.toString("UTF-8");
        assertEquals(196, printed.lines().count());
        assertTrue(printed.startsWith("toycar  window    0  score   11.67"), printed.lines().findFirst().orElse(""));
        StreamStatus status = pipeline.status().get(0);
        assertEquals(StreamHealth.OK, status.health());
        assertEquals(200, status.samples());
        assertEquals(196, status.inferences());
        assertEquals(0, status.windowsDropped());
        assertNotNull(pipeline.resultQueue());
        assertArrayEquals(new Object[] {0L, 0L}, pipeline.sinkFailures().toArray());
    }
}
