package dev.octet.runtime.pipeline.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.runtime.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FleetConfigLoaderTest {
    @TempDir
    Path dir;

    private Path write(String yaml) throws Exception {
        Path f = dir.resolve("fleet.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    private static String models() {
        return TestModels.dir().toAbsolutePath().toString();
    }

    @Test
    void the_example_file_is_valid_and_says_what_the_docs_say() throws Exception {
        FleetConfig c = FleetConfigLoader.load(Path.of("..", "config", "fleet.example.yaml"));
        assertEquals("gw-01", c.gatewayId());
        assertEquals(List.of("vww01", "kws01", "ad01"), c.candidates().stream().map(FleetConfig.Candidate::name)
                .toList());
        assertEquals(List.of("f7-camera", "g0-sensor"), c.classes().stream().map(FleetConfig.NodeClassEntry::name)
                .toList());
        assertEquals("stm32g0b1", c.classes().get(1).nodeClass().profile().id());
        assertEquals(0.5, c.classes().get(1).nodeClass().ramHeadroom());
        assertEquals(List.of("vww01", "kws01", "ad01"), c.classes().get(0).candidates(), "default: every candidate");
        assertEquals(List.of("f7-01", "f7-02", "g0-01"), c.expectedNodes());
        assertEquals("octet-gw-01-nodes", c.mqtt().orElseThrow().clientId(), "not the gateway service's client id");
        assertEquals(5683, c.coap().port());
        assertTrue(!c.coap().dtls());
        assertEquals(new FleetConfig.Serve(false, Optional.empty()), c.serve());
    }

    @Test
    void dtls_keys_come_from_hex_files_and_defaults_fill_the_rest() throws Exception {
        Files.writeString(dir.resolve("n1.psk"), "00112233445566778899aabbccddeeff\n");
        FleetConfig c = FleetConfigLoader.load(write("""
                gateway: {id: gw-t}
                coap:
                  bind: 127.0.0.1
                  dtls:
                    psk:
                      - {identity: n1, key_file: n1.psk}
                serve: {until_reported: true}
                candidates:
                  - {name: ad01, path: %s/ad01_fc_autoencoder_int8.tflite, priority: 3}
                node_classes:
                  - name: g0
                    profile: stm32g0b1
                    energy: {microwatts_per_mhz: 120, budget_uj: 9000}
                    nodes: [n1]
                """.formatted(models())));
        assertEquals(5684, c.coap().port(), "coaps default port");
        assertArrayEquals(java.util.HexFormat.of().parseHex("00112233445566778899aabbccddeeff"),
                c.coap().pskKeys().get("n1"));
        assertTrue(!c.coap().toString().contains("0011"), "keys never printed");
        assertEquals(new FleetConfig.Serve(true, Optional.of(Duration.ofMinutes(10))), c.serve());
        assertEquals(0.25, c.classes().get(0).nodeClass().ramHeadroom());
        assertEquals(9000, c.classes().get(0).nodeClass().energyBudgetMicrojoules().getAsDouble());
        assertEquals(3, c.candidates().get(0).priority());
        assertTrue(c.mqtt().isEmpty());
    }

    @Test
    void every_problem_is_reported_with_its_field_path() throws Exception {
        Files.writeString(dir.resolve("bad.psk"), "not hex");
        ConfigException e = assertThrows(ConfigException.class, () -> FleetConfigLoader.load(write("""
                gateway: {id: gw-t}
                coap:
                  port: 70000
                  dtls:
                    psk: [{identity: n1, key_file: bad.psk}]
                candidates:
                  - {name: kws01, path: %s/kws01_dscnn_int8.tflite, accuracy: 1.5}
                  - {name: kws01, path: nowhere.tflite}
                node_classes:
                  - name: f7
                    profile: stm32f999
                    ram_headroom: 1.0
                    candidates: [kws01, vww01]
                    nodes: [a, b]
                  - name: g0
                    profile: raspberry-pi-4
                    deadline_ms: -3
                    nodes: [b]
                    ram_headrom: 0.3
                """.formatted(models()))));
        String m = e.getMessage();
        assertTrue(m.startsWith(dir.resolve("fleet.yaml") + ": "), m);
        for (String expected : List.of(
                "coap.port: must be between 0 and 65535, got 70000",
                "coap.dtls.psk[0].key_file: " + dir.resolve("bad.psk") + ": expected a pre-shared key",
                "candidates[0].accuracy: must be between 0 and 1, got 1.5",
                "candidates[1].path: file not found",
                "candidates[1].name: duplicate candidate \"kws01\"",
                "node_classes[0].profile: unknown board profile \"stm32f999\"",
                "node_classes[0].ram_headroom: must be at least 0 and below 1",
                "node_classes[0].candidates[1]: unknown candidate \"vww01\"",
                "node_classes[1].profile: \"raspberry-pi-4\" is a gateway board",
                "node_classes[1].deadline_ms: must be greater than 0",
                "node_classes[1].nodes[0]: \"b\" is listed twice",
                "node_classes[1].ram_headrom: unknown key; did you mean \"ram_headroom\"?")) {
            assertTrue(m.contains(expected), "missing <" + expected + "> in:\n" + m);
        }
    }

    @Test
    void waiting_for_reports_needs_nodes_and_the_file_must_be_a_mapping() throws Exception {
        ConfigException e = assertThrows(ConfigException.class, () -> FleetConfigLoader.load(write("""
                gateway: {id: gw-t}
                serve: {until_reported: true, timeout_s: 5}
                candidates: [{name: ad01, path: %s/ad01_fc_autoencoder_int8.tflite}]
                node_classes: [{name: g0, profile: stm32g0b1}]
                """.formatted(models()))));
        assertTrue(e.getMessage().contains("serve.until_reported: no node class lists nodes"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> FleetConfigLoader.load(write("- just\n- a list\n")));
        assertTrue(e.getMessage().contains("expected a mapping at the top"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> FleetConfigLoader.load(write("gateway: {id: gw}\n")));
        assertTrue(e.getMessage().contains("candidates: missing") && e.getMessage().contains("node_classes: missing"),
                e.getMessage());
        e = assertThrows(ConfigException.class, () -> FleetConfigLoader.load(dir.resolve("absent.yaml")));
        assertTrue(e.getMessage().contains("cannot read the file"), e.getMessage());
    }
}
