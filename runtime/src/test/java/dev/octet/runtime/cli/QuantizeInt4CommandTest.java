package dev.octet.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.runtime.TestModels;
import dev.octet.runtime.model.Model;
import dev.octet.runtime.model.ModelReader;
import dev.octet.runtime.model.TensorType;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code octet quantize --weights int4 [--group-size G]}: the int4 variant from the command line, and its bench. */
class QuantizeInt4CommandTest {
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

    private static String ad() {
        return TestModels.path("float/ad01_fc_autoencoder_fp32.tflite").toString();
    }

    /** The first 44 frames of the AD stream: 40 five-frame windows with {@code --stride 128}. */
    private String adStream() throws Exception {
        byte[] all = TestModels.bytes("testdata/ad01_normal_id_01_00000000_hist_librosa.bin");
        Path file = tmp.resolve("ad44.bin");
        Files.write(file, java.util.Arrays.copyOf(all, 44 * 128 * 4));
        return file.toString();
    }

    @Test
    void int4_writes_the_variant_and_compares_with_int8() throws Exception {
        Path out = tmp.resolve("ad_int4.tflite");
        Result r = run("quantize", ad(), "--calibration", adStream(), "--stride", "128", "--output", out.toString(),
                "--weights", "int4", "--group-size", "16");
        assertEquals(0, r.exit, r.err);
        assertTrue(r.out.contains("int8 SQNR dB"), r.out);
        assertTrue(r.out.contains("int4-g16") && r.out.contains("not TFLite"), r.out);
        assertTrue(r.out.contains("40 sample(s)") && r.out.contains("; int8 "), r.out);
        Model m = ModelReader.withDefaults().read(Files.readAllBytes(out));
        assertEquals(16, m.int4Layout().orElseThrow().groupSize());
        assertEquals(TensorType.INT4, m.mainSubgraph().tensor(m.mainSubgraph().operators().get(0).input(1)).type());

        Result bench = run("bench", out.toString(), "--profile", "stm32l4r5,ra6m4");
        assertEquals(0, bench.exit, bench.err);
        assertTrue(bench.out.contains("weights: int4 in groups of 16"), bench.out);
        assertTrue(bench.out.contains("stm32l4r5") && bench.out.contains("ra6m4"), bench.out);
    }

    @Test
    void unknown_weights_and_int4_with_clustering_are_usage_errors() throws Exception {
        Path out = tmp.resolve("never.tflite");
        Result r = run("quantize", ad(), "--calibration", adStream(), "--stride", "128", "--output", out.toString(),
                "--weights", "int3");
        assertEquals(2, r.exit, r.out);
        assertTrue(r.err.contains("unknown weights 'int3'"), r.err);
        r = run("quantize", ad(), "--calibration", adStream(), "--stride", "128", "--output", out.toString(),
                "--weights", "int4", "--clusters", "16");
        assertEquals(2, r.exit, r.out);
        r = run("quantize", ad(), "--calibration", adStream(), "--stride", "128", "--output", out.toString(),
                "--weights", "int4", "--group-size", "0");
        assertEquals(2, r.exit, r.out);
        assertFalse(Files.exists(out));
    }
}
