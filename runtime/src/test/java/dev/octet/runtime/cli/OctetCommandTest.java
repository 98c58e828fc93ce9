package dev.octet.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.runtime.json.JsonValue;
import dev.octet.runtime.json.Json;
import dev.octet.runtime.TestModels;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class OctetCommandTest {
    @TempDir
    Path tmp;

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

    @ParameterizedTest
    @ValueSource(strings = {"", "inspect", "infer", "demo", "run"})
    void every_command_has_help(String command) {
        Result r = command.isEmpty() ? run("--help") : run(command, "--help");
        assertEquals(0, r.exit);
        assertTrue(r.out.contains("Usage:"), r.out);
    }

    @Test
    void inspect_prints_operators_macs_and_arena() {
        Result r = run("inspect", TestModels.path("kws01_dscnn_int8.tflite").toString());
        assertEquals(0, r.exit, r.err);
        assertTrue(r.out.contains("DEPTHWISE_CONV_2D"), r.out);
        assertTrue(r.out.contains("2,656,768"), "total MACs as MLPerf Tiny counts them:\n" + r.out);
        assertTrue(r.out.contains("arena bytes"), r.out);
    }

    @Test
    void inspect_json_is_one_machine_readable_document() throws Exception {
        Result r = run("inspect", "--json", TestModels.path("ad01_fc_autoencoder_int8.tflite").toString());
        assertEquals(0, r.exit, r.err);
        JsonValue doc = Json.parse(r.out);
        assertEquals(264_192, doc.get("totals").get("macs").asLong());
        assertEquals(10, doc.get("operators").size());
        assertEquals(31, doc.get("tensors").size());
        assertTrue(doc.get("totals").get("arena_bytes").asLong() < doc.get("totals").get("naive_activation_bytes").asLong());
        assertEquals("FULLY_CONNECTED", doc.get("operators").get(0).get("op").asText());
    }

    @Test
    void infer_prints_the_top_class_and_writes_raw_outputs() throws Exception {
        Path labels = tmp.resolve("labels.txt");
        Files.write(labels, Arrays.asList("down", "go", "left", "no", "off", "on", "right", "stop", "up", "yes",
                "silence", "unknown"));
        Path output = tmp.resolve("out.bin");
        Result r = run("infer", TestModels.path("kws01_dscnn_int8.tflite").toString(),
                "--input", TestModels.path("testdata/kws01_sample0_int8_49x10.bin").toString(),
                "--labels", labels.toString(), "--output", output.toString(), "--top", "1");
        assertEquals(0, r.exit, r.err);
        assertTrue(r.out.startsWith("#0: on 0.99"), r.out);
        assertArrayEquals(TestModels.bytes("testdata/kws01_sample0_expected_int8_12.bin"), Files.readAllBytes(output));
    }

    @Test
    void infer_runs_a_batch_in_tflite_semantics() throws Exception {
        Path output = tmp.resolve("ad.bin");
        Result r = run("infer", TestModels.path("ad01_fc_autoencoder_int8.tflite").toString(), "--semantics", "tflite",
                "--input", TestModels.path("testdata/ad01_normal_id_01_00000000_196windows_input_int8_640.bin").toString(),
                "--output", output.toString(), "--quiet");
        assertEquals(0, r.exit, r.err);
        assertArrayEquals(TestModels.bytes("testdata/ad01_normal_id_01_00000000_196windows_expected_tflite_int8_640.bin"),
                Files.readAllBytes(output));
    }

    @Test
    void an_input_file_of_the_wrong_size_is_refused_with_exit_4() throws Exception {
        Path bad = tmp.resolve("bad.bin");
        Files.write(bad, new byte[491]);
        Result r = run("infer", TestModels.path("kws01_dscnn_int8.tflite").toString(), "--input", bad.toString());
        assertEquals(OctetCommand.EXIT_IO_ERROR, r.exit);
        assertTrue(r.err.contains("not a whole number of inputs of 490 bytes"), r.err);
    }

    @Test
    void a_malformed_model_is_refused_with_exit_3_and_a_reason() throws Exception {
        Path truncated = tmp.resolve("truncated.tflite");
        Files.write(truncated, Arrays.copyOf(TestModels.bytes("kws01_dscnn_int8.tflite"), 1000));
        Result r = run("inspect", truncated.toString());
        assertEquals(OctetCommand.EXIT_MODEL_ERROR, r.exit);
        assertTrue(r.err.startsWith("octet: invalid model: "), r.err);
    }

    @Test
    void a_missing_file_is_reported_with_exit_4() {
        Result r = run("inspect", tmp.resolve("nope.tflite").toString());
        assertEquals(OctetCommand.EXIT_IO_ERROR, r.exit);
        assertTrue(r.err.contains("nope.tflite"), r.err);
    }

    @Test
    void demo_scores_the_replayed_clip_like_the_reference() {
        Result r = run("demo");
        assertEquals(0, r.exit, r.err);
        // Every result went through the in-process broker: the demo prints what its subscriber receives.
        assertTrue(r.out.contains("in-process MQTT at mqtt://127.0.0.1:"), r.out);
        assertTrue(r.out.contains("results on topic octet/demo/toycar/inference"), r.out);
        assertTrue(r.out.contains("window 195"), r.out);
        assertEquals(196, r.out.lines().filter(l -> l.startsWith("window ")).count(), "each window once, none lost");
        // The reference mean score over the 196 windows is 10.2645 (models/testdata/README.md); the demo quantizes
        // the spectrogram itself, so allow for rounding of a few input values.
        String line = r.out.lines().filter(l -> l.startsWith("windows 196")).findFirst().orElseThrow();
        double mean = Double.parseDouble(line.replaceAll(".*mean score ([0-9.]+).*", "$1"));
        assertEquals(10.2645, mean, 0.01, line);
    }
}
