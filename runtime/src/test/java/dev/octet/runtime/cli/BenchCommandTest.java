package dev.octet.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.runtime.json.JsonValue;
import dev.octet.runtime.json.Json;
import dev.octet.profiles.DeviceProfiles;
import dev.octet.runtime.TestModels;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BenchCommandTest {
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

    private static String kws() {
        return TestModels.path("kws01_dscnn_int8.tflite").toString();
    }

    @Test
    void has_help_and_is_listed_by_octet_help() {
        Result r = run("bench", "--help");
        assertEquals(0, r.exit);
        assertTrue(r.out.contains("--profile") && r.out.contains("--all") && r.out.contains("--html"), r.out);
        assertTrue(run("--help").out.contains("bench"));
    }

    @Test
    void prints_a_per_layer_table_and_the_total_for_one_profile() {
        Result r = run("bench", kws(), "--profile", "stm32l4r5");
        assertEquals(0, r.exit, r.err);
        assertTrue(r.out.contains("DEPTHWISE_CONV_2D"), r.out);
        assertTrue(r.out.contains("conv, few input channels"), r.out);
        assertTrue(r.out.contains("latency ms"), r.out);
        assertTrue(r.out.contains("stm32l4r5"), r.out);
    }

    @Test
    void all_covers_every_microcontroller_profile_and_no_gateway() throws Exception {
        Result r = run("bench", kws(), "--all", "--json");
        assertEquals(0, r.exit, r.err);
        JsonValue doc = Json.parse(r.out);
        JsonValue profiles = doc.get("profiles");
        long micros = DeviceProfiles.bundled().all().stream().filter(p -> !p.isGateway()).count();
        assertEquals(micros, profiles.size());
        for (JsonValue p : profiles.asArray()) {
            for (String field : new String[] {"profile", "core", "clock_mhz", "latency_ms", "cycles", "arena_bytes",
                "flash_bytes", "fits"}) {
                assertTrue(p.has(field), field + " missing in " + p);
            }
            assertTrue(p.get("latency_ms").asDouble() > 0);
            assertTrue(p.get("fits").isBoolean());
            assertEquals(13, p.get("layers").size());
            assertFalse(p.get("profile").asText().startsWith("raspberry"));
        }
        assertEquals(2_656_768, doc.get("macs").asLong());
    }

    @Test
    void json_is_a_single_document_with_the_chosen_profiles_in_order() throws Exception {
        Result r = run("bench", kws(), "--profile", "ra6m4,stm32h7a3", "--json");
        assertEquals(0, r.exit, r.err);
        JsonValue doc = Json.parse(r.out);
        assertEquals("ra6m4", doc.get("profiles").get(0).get("profile").asText());
        assertEquals("cortex-m33", doc.get("profiles").get(0).get("core").asText());
        assertEquals(200, doc.get("profiles").get(0).get("clock_mhz").asInt());
        assertEquals("stm32h7a3", doc.get("profiles").get(1).get("profile").asText());
    }

    @Test
    void writes_a_self_contained_html_report() throws Exception {
        Path html = tmp.resolve("report.html");
        Result r = run("bench", kws(), "--all", "--html", html.toString());
        assertEquals(0, r.exit, r.err);
        String page = Files.readString(html);
        assertTrue(page.startsWith("<!DOCTYPE html>"));
        assertTrue(page.contains("<svg"), "inline chart");
        assertTrue(page.contains("alif-e7-hp") && page.contains("stm32g0b1"));
        assertTrue(page.contains("fits"));
        // One bar per layer per board.
        int bars = page.split("class=\"bar\"", -1).length - 1;
        assertEquals(13 * 9, bars);
        assertFalse(page.contains("<script") || page.contains("http://") && !page.contains("http://www.w3.org/2000/svg"));
        assertTrue(page.trim().endsWith("</html>"));
    }

    @Test
    void marks_boards_that_do_not_fit_in_text_json_and_html() throws Exception {
        String big = TestModels.path("extra/ic02_resnet8_large_int8.tflite").toString();
        Result text = run("bench", big, "--profile", "stm32g0b1,stm32h7a3");
        assertEquals(0, text.exit, text.err);
        assertTrue(text.out.contains("NO (flash)"), text.out);
        Result json = run("bench", big, "--profile", "stm32g0b1", "--json");
        JsonValue p = Json.parse(json.out).get("profiles").get(0);
        assertFalse(p.get("fits").asBoolean());
        assertFalse(p.get("fits_flash").asBoolean());
        Path html = tmp.resolve("big.html");
        assertEquals(0, run("bench", big, "--profile", "stm32g0b1", "--html", html.toString()).exit);
        assertTrue(Files.readString(html).contains("does not fit (exceeds flash)"));
    }

    @Test
    void reports_a_model_that_does_not_fit() throws Exception {
        // ResNet-8 on the STM32G0B1 (144 KiB SRAM): whatever the verdict, it must agree with the numbers.
        Result r = run("bench", TestModels.path("ic01_resnet8_cifar10_int8.tflite").toString(), "--profile",
                "stm32g0b1", "--json");
        assertEquals(0, r.exit, r.err);
        JsonValue p = Json.parse(r.out).get("profiles").get(0);
        boolean fits = p.get("arena_bytes").asLong() <= p.get("sram_bytes").asLong()
                && p.get("flash_bytes").asLong() <= p.get("flash_capacity_bytes").asLong();
        assertEquals(fits, p.get("fits").asBoolean());
    }

    @Test
    void an_unknown_profile_is_a_usage_error_listing_the_known_ones() {
        Result r = run("bench", kws(), "--profile", "stm32nope");
        assertEquals(2, r.exit);
        assertTrue(r.err.contains("unknown profile 'stm32nope'") && r.err.contains("stm32l4r5"), r.err);
    }

    @Test
    void a_gateway_profile_is_refused() {
        Result r = run("bench", kws(), "--profile", "raspberry-pi-5");
        assertEquals(2, r.exit);
        assertTrue(r.err.contains("gateway"), r.err);
    }

    @Test
    void profile_or_all_is_required_and_exclusive() {
        assertEquals(2, run("bench", kws()).exit);
        assertEquals(2, run("bench", kws(), "--all", "--profile", "ra6m4").exit);
    }

    @Test
    void a_missing_model_is_an_io_error_and_a_malformed_one_a_model_error() throws Exception {
        assertEquals(OctetCommand.EXIT_IO_ERROR, run("bench", tmp.resolve("none.tflite").toString(), "--all").exit);
        Path junk = tmp.resolve("junk.tflite");
        Files.write(junk, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
        assertEquals(OctetCommand.EXIT_MODEL_ERROR, run("bench", junk.toString(), "--all").exit);
    }

    @Test
    void a_user_profile_file_can_be_benched() throws Exception {
        Path file = tmp.resolve("my-board.properties");
        String text = new String(DeviceProfiles.class.getResourceAsStream("/dev/octet/profiles/stm32l4r5.properties")
                .readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).replace("id = stm32l4r5", "id = my-board");
        Files.writeString(file, text);
        Result r = run("bench", kws(), "--profile-file", file.toString(), "--profile", "my-board", "--json");
        assertEquals(0, r.exit, r.err);
        assertEquals("my-board", Json.parse(r.out).get("profiles").get(0).get("profile").asText());
    }

    @Test
    void notes_the_shift_only_variant_of_a_power_of_two_scale_model() throws Exception {
        dev.octet.runtime.model.Model f = dev.octet.runtime.model.ModelReader.withDefaults().read(
                TestModels.bytes("float/ad01_fc_autoencoder_fp32.tflite"));
        float[] window = new float[640];
        for (int i = 0; i < window.length; i++) {
            window[i] = (float) Math.sin(i * 0.1);
        }
        var stats = dev.octet.runtime.quant.calibration.Calibration.collect(f, java.util.List.of(window),
                dev.octet.runtime.quant.calibration.ProgressListener.NONE);
        Path marked = tmp.resolve("ad_pow2.tflite");
        Files.write(marked, dev.octet.runtime.quant.ptq.Quantizer.quantize(f, stats,
                dev.octet.runtime.quant.ptq.Quantizer.Options.defaults().withPowerOfTwoScales(true)).bytes());
        Result r = run("bench", marked.toString(), "--profile", "stm32g0b1");
        assertEquals(0, r.exit, r.err);
        assertTrue(r.out.contains("requantization: shift-only"), r.out);
        assertFalse(run("bench", kws(), "--profile", "stm32g0b1").out.contains("shift-only"));
        System.out.println(r.out);
        System.out.println(run("bench", marked.toString(), "--profile", "stm32l4r5").out);
    }
}
