package dev.octet.runtime.pipeline.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.ota.pkg.Keys;
import dev.octet.runtime.pipeline.config.OctetConfig.HealthWatchConfig;
import dev.octet.runtime.pipeline.config.OctetConfig.OtaConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code ota} section: defaults, the documented example, and errors naming file and field. */
class OtaConfigTest {
    private static final String BASE = """
            gateway: {id: gw-1}
            models:
              - id: ad01
                path: bundled:ad01
                version: "3"
            streams:
              - id: toycar
                source: {type: replay_features, file: "bundled:ad01_spectrogram", pace: false}
                sample_rate_hz: 31.25
                channels: 128
                windows: {size: 5, stride: 1}
                model: ad01
            sinks:
              - type: stdout
            mqtt: {uri: "tcp://localhost:1883"}
            """;

    @TempDir
    Path dir;

    private Path write(String yaml) throws Exception {
        Path keys = Files.createDirectories(dir.resolve("keys"));
        Keys.writePublic(keys.resolve("release-2026.pub"), "release-2026", Keys.generate().getPublic());
        Files.writeString(keys.resolve("junk.pub"), "not a key\n");
        Path f = dir.resolve("octet.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    private void assertError(String yaml, String path, String reason) throws Exception {
        Path f = write(yaml);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f));
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        assertTrue(e.errors().stream().anyMatch(x -> x.path().equals(path) && x.reason().contains(reason)),
                "no error at " + path + " containing \"" + reason + "\": " + e.errors());
    }

    @Test
    void defaults_are_filled_in_and_the_baseline_version_comes_from_the_model_version() throws Exception {
        OctetConfig c = ConfigLoader.load(write(BASE + """
                ota:
                  trusted_keys: [keys/release-2026.pub]
                  models:
                    - id: ad01
                """));
        OtaConfig ota = c.ota().orElseThrow();
        assertEquals(List.of(dir.resolve("keys/release-2026.pub").toAbsolutePath()), ota.trustedKeys());
        assertEquals("generic", ota.deviceClass());
        assertNull(ota.stateDir());
        assertEquals(16L << 20, ota.maxModelBytes());
        var m = ota.models().get("ad01");
        assertEquals(3, m.baselineVersion());
        assertNull(m.latencyBudgetMs());
        assertEquals(8, m.dryRunWindows());
        assertEquals(new HealthWatchConfig(20, 0, null, 5, true, true, null, 0), m.healthWatch());
        assertTrue(ConfigLoader.load(write(BASE)).ota().isEmpty());
    }

    @Test
    void the_documented_example_section_loads() throws Exception {
        String example = Files.readString(Path.of("..", "config", "octet.example.yaml"));
        int at = example.indexOf("# ota:");
        assertTrue(at > 0, "the example documents the ota section");
        StringBuilder section = new StringBuilder();
        for (String line : example.substring(at).split("\n")) {
            section.append(line.startsWith("# ") ? line.substring(2) : line).append('\n');
        }
        OctetConfig c = ConfigLoader.load(write(BASE + section));
        var m = c.ota().orElseThrow().models().get("ad01");
        assertEquals(20.0, m.latencyBudgetMs());
        assertEquals(new HealthWatchConfig(20, 0, 20.0, 5, true, true, null, 0), m.healthWatch());
        assertEquals("pi4", c.ota().orElseThrow().deviceClass());
    }

    @Test
    void every_problem_names_its_field() throws Exception {
        assertError(BASE + "ota: {models: [{id: ad01}]}\n", "ota.trusted_keys", "missing");
        assertError(BASE + "ota: {trusted_keys: [keys/nope.pub], models: [{id: ad01}]}\n", "ota.trusted_keys[0]",
                "file not found");
        assertError(BASE + "ota: {trusted_keys: [keys/junk.pub], models: [{id: ad01}]}\n", "ota.trusted_keys[0]",
                "not an Ed25519 public key file");
        assertError(BASE + "ota: {trusted_keys: [keys/release-2026.pub], models: [{id: kws}]}\n", "ota.models[0].id",
                "no model \"kws\"");
        assertError(BASE + "ota: {trusted_keys: [keys/release-2026.pub], device_class: 'a b', models: [{id: ad01}]}\n",
                "ota.device_class", "not a device class");
        assertError(BASE + "ota: {trusted_keys: [keys/release-2026.pub], models: [{id: ad01, latency_budget_ms: 0}]}\n",
                "ota.models[0].latency_budget_ms", "must be");
        assertError(BASE + "ota: {trusted_keys: [keys/release-2026.pub], models: [{id: ad01, health_watch: "
                + "{windows: 0}}]}\n", "ota.models[0].health_watch.windows", "between 1");
        assertError(BASE + "ota: {trusted_keys: [keys/release-2026.pub], models: [{id: ad01, health_watch: "
                + "{window: 3}}]}\n", "ota.models[0].health_watch.window", "unknown key");
        assertError(BASE + "ota: {trusted_keys: [keys/release-2026.pub], models: [{id: ad01, health_watch: "
                + "{max_errors: 5}}]}\n", "ota.models[0].health_watch.max_errors",
                "must be below health.fail_after (5), got 5");
        assertError(BASE + "health: {fail_after: 2}\nota: {trusted_keys: [keys/release-2026.pub], models: [{id: ad01, "
                + "health_watch: {max_errors: 2}}]}\n", "ota.models[0].health_watch.max_errors",
                "below health.fail_after (2)");
        assertError(BASE + "ota: {trusted_keys: [keys/release-2026.pub], models: [{id: ad01}, {id: ad01}]}\n",
                "ota.models[1].id", "listed twice");
        assertError(BASE + "ota: {trusted_keys: [keys/release-2026.pub], max_model_bytes: 10, models: [{id: ad01}]}\n",
                "ota.max_model_bytes", "between 1024");
        assertError(BASE + "ota: {trusted_keys: [keys/release-2026.pub], models: [{id: ad01, baseline_version: 2}]}\n",
                "ota.models[0].baseline_version", "must equal the model's version (3)");
        assertError(BASE.replace("mqtt: {uri: \"tcp://localhost:1883\"}\n", "")
                + "ota: {trusted_keys: [keys/release-2026.pub], models: [{id: ad01}]}\n", "ota", "mqtt section");
    }
}
