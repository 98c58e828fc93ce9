package dev.octet.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.runtime.TestModels;
import dev.octet.runtime.engine.Interpreter;
import dev.octet.runtime.model.Model;
import dev.octet.runtime.model.ModelReader;
import dev.octet.runtime.model.TensorType;
import dev.octet.runtime.pipeline.InputQuantizer;
import dev.octet.runtime.pipeline.OutputDequantizer;
import dev.octet.runtime.quant.calibration.CalibrationData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code octet record} and {@code octet quantize --calibration-config} end to end, on the bundled AD replay. */
class RecordCommandTest {
    private static final String CONFIG = """
            gateway: {id: gw}
            models:
              - {id: ad01, path: "bundled:ad01"}
            streams:
              - id: toycar
                source: {type: replay_features, file: "bundled:ad01_spectrogram", pace: true}
                sample_rate_hz: 31.25
                channels: 128
                windows: {size: 5, stride: 1}
                preprocess: []
                model: ad01
                postprocess: [{anomaly_score: {threshold: 20.0}}]
              - id: remote
                source: {type: mqtt_node, topic: nodes/n1/samples}
                sample_rate_hz: 31.25
                channels: 128
                windows: {size: 5, stride: 1}
                model: ad01
            sinks: [{type: stdout}]
            """;

    @TempDir
    Path tmp;
    private Path config;

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

    @BeforeEach
    void writeConfig() throws Exception {
        config = tmp.resolve("octet.yaml");
        Files.writeString(config, CONFIG);
    }

    private List<String> files() throws Exception {
        try (var list = Files.list(tmp)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** The 196 five-frame windows of the clip: the shared AD test data of the quantizer tests. */
    private static List<float[]> adWindows() {
        return CalibrationData.sliding(TestModels.bytes("testdata/ad01_normal_id_01_00000000_hist_librosa.bin"),
                640, 128, "hist");
    }

    /** Mean anomaly score of an int8-I/O model over the windows, as the pipeline computes it. */
    private static double score(Model model, List<float[]> windows) {
        Interpreter interpreter = Interpreter.create(model);
        InputQuantizer in = new InputQuantizer(interpreter.input(0));
        OutputDequantizer out = new OutputDequantizer(interpreter.output(0));
        float[] y = new float[640];
        double sum = 0;
        for (float[] x : windows) {
            in.write(x);
            interpreter.invoke();
            out.read(y);
            double mse = 0;
            for (int i = 0; i < 640; i++) {
                mse += (double) (y[i] - x[i]) * (y[i] - x[i]);
            }
            sum += mse / 640;
        }
        return sum / windows.size();
    }

    @Test
    void record_writes_the_windows_and_their_description() throws Exception {
        Path out = tmp.resolve("toycar.bin");
        Result r = run("record", "--config", config.toString(), "--stream", "toycar", "--windows", "40",
                "--skip", "10", "--every", "4", "--output", out.toString());
        assertEquals(0, r.exit, r.err);
        assertTrue(r.out.contains("recorded 40 window(s) of 640 float32 values (5 x 128) from stream toycar"), r.out);
        assertTrue(r.out.contains("unpaced"), r.out);
        assertTrue(r.err.contains("recording") && r.err.contains("40/40"), r.err);
        List<float[]> recorded = CalibrationData.read(out, 640);
        List<float[]> all = adWindows();
        for (int j = 0; j < 40; j++) {
            assertArrayEquals(all.get(10 + 4 * j), recorded.get(j), "window " + j);
        }
        String json = Files.readString(tmp.resolve("toycar.bin.json"));
        assertTrue(json.contains("\"stream\": \"toycar\"") && json.contains("\"count\": 40"), json);
        assertEquals(List.of("octet.yaml", "toycar.bin", "toycar.bin.json"), files());
    }

    @Test
    void quantizing_with_windows_recorded_from_the_replay_scores_like_the_official_int8_model() throws Exception {
        Path out = tmp.resolve("ad_stream_int8.tflite");
        // 49 windows spread over the whole clip (every 4th).
        Result r = run("quantize", TestModels.path("float/ad01_fc_autoencoder_fp32.tflite").toString(),
                "--calibration-config", config.toString(), "--stream", "toycar", "--windows", "49", "--every", "4",
                "--output", out.toString());
        assertEquals(0, r.exit, r.err);
        assertTrue(r.err.contains("recorded 49 window(s) from stream toycar"), r.err);
        assertTrue(r.out.contains("49 sample(s)"), r.out);
        Model quantized = ModelReader.withDefaults().read(Files.readAllBytes(out));
        assertEquals(TensorType.INT8, quantized.mainSubgraph().input(0).type());
        List<float[]> windows = adWindows();
        double official = score(ModelReader.withDefaults().read(
                TestModels.path("ad01_fc_autoencoder_int8.tflite")), windows);
        assertEquals(10.2645, official, 1e-4, "the official int8 model's score");
        double recalibrated = score(quantized, windows);
        System.out.printf("AD int8 calibrated on 49 recorded windows: %.4f (official %.4f, %+.2f%%)%n",
                recalibrated, official, 100 * (recalibrated - official) / official);
        assertTrue(Math.abs(recalibrated - official) / official < 0.03,
                "score " + recalibrated + " vs official " + official);
        assertEquals(List.of("ad_stream_int8.tflite", "octet.yaml"), files());
    }

    @Test
    void a_model_that_does_not_take_the_streams_windows_is_refused_before_recording() throws Exception {
        Path out = tmp.resolve("kws.tflite");
        Result r = run("quantize", TestModels.path("float/kws01_dscnn_fp32.tflite").toString(),
                "--calibration-config", config.toString(), "--stream", "toycar", "--windows", "10",
                "--output", out.toString());
        assertEquals(4, r.exit, r.err);
        assertTrue(r.err.contains("takes 490 values [1, 49, 10, 1], but stream \"toycar\""), r.err);
        assertFalse(r.err.contains("recording "), "refused before the source ran: " + r.err);
        assertEquals(List.of("octet.yaml"), files());
    }

    @Test
    void an_unknown_stream_exits_5() throws Exception {
        Result r = run("record", "--config", config.toString(), "--stream", "pump", "--windows", "10",
                "--output", tmp.resolve("x.bin").toString());
        assertEquals(5, r.exit, r.err);
        assertTrue(r.err.contains("no stream \"pump\" (streams: toycar, remote)"), r.err);
        Result q = run("quantize", TestModels.path("float/ad01_fc_autoencoder_fp32.tflite").toString(),
                "--calibration-config", config.toString(), "--stream", "pump", "--windows", "10",
                "--output", tmp.resolve("x.tflite").toString());
        assertEquals(5, q.exit, q.err);
        assertEquals(List.of("octet.yaml"), files());
    }

    @Test
    void a_remote_stream_without_the_mqtt_section_exits_5_and_an_invalid_config_too() throws Exception {
        Result r = run("record", "--config", config.toString(), "--stream", "remote", "--windows", "10",
                "--output", tmp.resolve("x.bin").toString());
        assertEquals(5, r.exit, r.err);
        assertTrue(r.err.contains("streams[1].source") && r.err.contains("add the mqtt section"), r.err);
        Path bad = tmp.resolve("bad.yaml");
        Files.writeString(bad, CONFIG.replace("size: 5, stride: 1}\n    preprocess",
                "size: 0, stride: 1}\n    preprocess"));
        Result b = run("record", "--config", bad.toString(), "--stream", "toycar", "--windows", "10",
                "--output", tmp.resolve("x.bin").toString());
        assertEquals(5, b.exit, b.err);
        assertTrue(b.err.contains("streams[0].windows.size"), b.err);
    }

    @Test
    void a_stream_that_delivers_too_few_windows_exits_4_and_writes_nothing() throws Exception {
        Result r = run("record", "--config", config.toString(), "--stream", "toycar", "--windows", "100",
                "--every", "2", "--output", tmp.resolve("x.bin").toString());
        assertEquals(4, r.exit, r.err);
        assertTrue(r.err.contains("recording failed: stream \"toycar\": the source ended"), r.err);
        Result q = run("quantize", TestModels.path("float/ad01_fc_autoencoder_fp32.tflite").toString(),
                "--calibration-config", config.toString(), "--stream", "toycar", "--windows", "197",
                "--output", tmp.resolve("x.tflite").toString());
        assertEquals(4, q.exit, q.err);
        assertEquals(List.of("octet.yaml"), files());
    }

    @Test
    void a_paced_source_that_is_too_slow_times_out_with_exit_4() throws Exception {
        // Paced at 31.25 frames/s, 196 windows need 6 s; the limit is 0.2 s.
        Result r = run("record", "--config", config.toString(), "--stream", "toycar", "--windows", "196",
                "--paced", "--timeout", "0.2", "--output", tmp.resolve("x.bin").toString());
        assertEquals(4, r.exit, r.err);
        assertTrue(r.err.contains("timed out after 0.2 s"), r.err);
        assertEquals(List.of("octet.yaml"), files());
    }

    @Test
    void usage_errors_exit_2() throws Exception {
        String model = TestModels.path("float/ad01_fc_autoencoder_fp32.tflite").toString();
        String out = tmp.resolve("x").toString();
        assertEquals(2, run("record", "--config", config.toString(), "--stream", "toycar", "--windows", "0",
                "--output", out).exit);
        assertEquals(2, run("record", "--config", config.toString(), "--stream", "toycar", "--windows", "5",
                "--every", "0", "--output", out).exit);
        assertEquals(2, run("record", "--config", config.toString(), "--windows", "5", "--output", out).exit);
        assertEquals(2, run("record", "--config", config.toString(), "--stream", "toycar", "--windows", "5",
                "--timeout", "-1", "--output", out).exit);
        Result both = run("quantize", model, "--calibration", out, "--calibration-config", config.toString(),
                "--stream", "toycar", "--windows", "5", "--output", out);
        assertEquals(2, both.exit);
        assertTrue(both.err.contains("do not give --calibration"), both.err);
        Result neither = run("quantize", model, "--output", out);
        assertEquals(2, neither.exit);
        assertTrue(neither.err.contains("give --calibration FILE, or --calibration-config"), neither.err);
        assertEquals(2, run("quantize", model, "--calibration-config", config.toString(), "--output", out).exit);
        assertEquals(List.of("octet.yaml"), files());
    }

    @Test
    void a_missing_output_folder_exits_4_before_recording() {
        Result r = run("record", "--config", config.toString(), "--stream", "toycar", "--windows", "5",
                "--output", tmp.resolve("no/such/dir/x.bin").toString());
        assertEquals(4, r.exit, r.err);
        assertFalse(r.err.contains("recording "), r.err);
    }

    @Test
    void record_has_help() {
        Result r = run("record", "--help");
        assertEquals(0, r.exit);
        assertTrue(r.out.contains("--every") && r.out.contains("--timeout") && r.out.contains("--paced"), r.out);
        assertTrue(run("--help").out.contains("record"));
    }
}
