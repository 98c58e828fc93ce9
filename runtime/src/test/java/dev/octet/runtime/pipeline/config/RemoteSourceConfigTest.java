package dev.octet.runtime.pipeline.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.runtime.pipeline.PipelineFactory;
import dev.octet.runtime.pipeline.source.RestartPolicy;
import dev.octet.runtime.pipeline.source.SourceRegistry;
import dev.octet.runtime.service.remote.RemoteSources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fields of {@code mqtt_node} and {@code coap_node} sources and of {@code health.restart}. */
class RemoteSourceConfigTest {
    @TempDir
    Path dir;

    private Path write(String source, String extra) throws IOException {
        Path file = dir.resolve("octet.yaml");
        Files.writeString(file, """
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
                    model: ad01
                    postprocess:
                      - anomaly_score: {threshold: 20.0}
                sinks:
                  - type: stdout
                %s
                """.formatted(source, extra));
        return file;
    }

    private static void assertError(Path file, String path, String reason) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
        List<String> found = new ArrayList<>();
        for (ConfigError error : e.errors()) {
            found.add(error.toString());
            if (error.path().equals(path) && error.reason().contains(reason)) {
                return;
            }
        }
        throw new AssertionError("no error at " + path + " containing \"" + reason + "\"; got " + found);
    }

    @Test
    void remote_sources_load_with_their_defaults() throws Exception {
        OctetConfig c = ConfigLoader.load(write("{type: mqtt_node, topic: \"nodes/+/spectrum\"}", ""));
        OctetConfig.SourceConfig s = c.stream("node").source();
        assertEquals("json", s.string("format"));
        assertEquals(1, s.integer("qos"));
        c = ConfigLoader.load(write("{type: coap_node, uri: \"coap://10.0.0.7/samples\"}", ""));
        s = c.stream("node").source();
        assertEquals("auto", s.string("format"));
        assertTrue(s.flag("observe"));
        assertEquals(1000, s.integer("poll_interval_ms"));
        assertEquals(5000, s.integer("timeout_ms"));
        assertEquals(RestartPolicy.DEFAULT, c.health().restart());
    }

    @Test
    void remote_source_mistakes_are_named() throws Exception {
        assertError(write("{type: mqtt_node, topic: \"nodes/#/x\"}", ""), "streams[0].source.topic", "#");
        assertError(write("{type: mqtt_node, topic: a, format: float32}", ""), "streams[0].source.format",
                "float32");
        assertError(write("{type: mqtt_node, topic: a, qos: 3}", ""), "streams[0].source.qos", "");
        assertError(write("{type: coap_node, uri: \"http://n1/samples\"}", ""), "streams[0].source.uri",
                "coap://");
        assertError(write("{type: coap_node, uri: \"coaps://n1/samples\"}", ""), "streams[0].source.uri",
                "psk_identity");
        assertError(write("{type: coap_node, uri: \"coap://n1/samples\", psk_identity: gw, psk_key: \"00ff\"}", ""),
                "streams[0].source.psk_identity", "coaps://");
        assertError(write("{type: coap_node, uri: \"coaps://n1/samples\", psk_identity: gw, psk_key: \"0g\"}", ""),
                "streams[0].source.psk_key", "hexadecimal");
        assertError(write("{type: coap_node, uri: \"coaps://n1/s\", psk_identity: gw, psk_key_file: nope.key}", ""),
                "streams[0].source.psk_key_file", "file not found");
    }

    @Test
    void a_psk_key_file_is_accepted() throws Exception {
        Files.writeString(dir.resolve("node.key"), "00112233445566778899aabbccddeeff\n");
        OctetConfig c = ConfigLoader.load(write(
                "{type: coap_node, uri: \"coaps://n1/s\", psk_identity: gw, psk_key_file: node.key}", ""));
        assertTrue(c.stream("node").source().string("psk_key_file").endsWith("node.key"));
    }

    @Test
    void restart_settings_are_read_and_checked() throws Exception {
        OctetConfig c = ConfigLoader.load(write("{type: mqtt_node, topic: a}",
                "health: {restart: {initial_ms: 200, max_ms: 5000}}"));
        assertEquals(new RestartPolicy(true, Duration.ofMillis(200), Duration.ofMillis(5000)), c.health().restart());
        c = ConfigLoader.load(write("{type: mqtt_node, topic: a}", "health: {restart: {enabled: false}}"));
        assertFalse(c.health().restart().enabled());
        assertError(write("{type: mqtt_node, topic: a}", "health: {restart: {initial_ms: 2000, max_ms: 1000}}"),
                "health.restart.max_ms", "at least initial_ms");
        assertError(write("{type: mqtt_node, topic: a}", "health: {restart: {initial: 5}}"),
                "health.restart.initial", "unknown");
    }

    @Test
    void a_stream_overrides_the_restart_settings_and_inherits_what_it_does_not_say() throws Exception {
        String node = "{type: mqtt_node, topic: a}\n    restart: ";
        OctetConfig c = ConfigLoader.load(write(node + "{enabled: false}",
                "health: {restart: {initial_ms: 200, max_ms: 5000}}"));
        assertEquals(new RestartPolicy(false, Duration.ofMillis(200), Duration.ofMillis(5000)),
                c.restartPolicy(c.stream("node")), "enabled from the stream, the delays from health.restart");
        assertTrue(c.health().restart().enabled(), "the global settings are unchanged");
        c = ConfigLoader.load(write(node + "{initial_ms: 10, max_ms: 40}", ""));
        assertEquals(new RestartPolicy(true, Duration.ofMillis(10), Duration.ofMillis(40)),
                c.restartPolicy(c.stream("node")));
        c = ConfigLoader.load(write("{type: mqtt_node, topic: a}", "health: {restart: {enabled: false}}"));
        assertFalse(c.restartPolicy(c.stream("node")).enabled(), "without its own section: health.restart");

        assertError(write(node + "{max_ms: 100}", "health: {restart: {initial_ms: 500}}"),
                "streams[0].restart.max_ms", "at least initial_ms (500, inherited)");
        assertError(write(node + "{initial_ms: 0}", ""), "streams[0].restart.initial_ms", "");
        assertError(write(node + "{enable: true}", ""), "streams[0].restart.enable", "unknown");
        assertError(write(node + "yes", ""), "streams[0].restart", "mapping");
        assertError(write("{type: replay_features, file: \"bundled:ad01_spectrogram\"}\n    restart: {enabled: true}",
                ""), "streams[0].restart", "never restarted");
    }

    @Test
    void the_coap_retry_maximum_has_a_default_and_is_at_least_the_poll_interval() throws Exception {
        OctetConfig c = ConfigLoader.load(write("{type: coap_node, uri: \"coap://n1/s\"}", ""));
        assertEquals(60_000, c.stream("node").source().integer("retry_max_ms"));
        c = ConfigLoader.load(write("{type: coap_node, uri: \"coap://n1/s\", poll_interval_ms: 120000}", ""));
        assertEquals(120_000, c.stream("node").source().integer("retry_max_ms"), "never below a long poll interval");
        c = ConfigLoader.load(write("{type: coap_node, uri: \"coap://n1/s\", retry_max_ms: 5000}", ""));
        assertEquals(5000, c.stream("node").source().integer("retry_max_ms"));
        assertError(write("{type: coap_node, uri: \"coap://n1/s\", poll_interval_ms: 2000, retry_max_ms: 1000}", ""),
                "streams[0].source.retry_max_ms", "at least poll_interval_ms (2000)");
    }

    @Test
    void csv_leading_columns_are_checked() throws Exception {
        OctetConfig c = ConfigLoader.load(write("{type: mqtt_node, topic: a, format: csv, columns: [t, seq]}", ""));
        assertEquals(List.of("t", "seq"), c.stream("node").source().parameters().get("columns"));
        c = ConfigLoader.load(write("{type: coap_node, uri: \"coap://n1/s\", columns: [seq]}", ""));
        assertEquals(List.of("seq"), c.stream("node").source().parameters().get("columns"));
        assertError(write("{type: mqtt_node, topic: a, format: csv, columns: [time]}", ""),
                "streams[0].source.columns[0]", "expected one of t, seq");
        assertError(write("{type: mqtt_node, topic: a, format: csv, columns: [seq, seq]}", ""),
                "streams[0].source.columns[1]", "twice");
        assertError(write("{type: mqtt_node, topic: a, columns: [seq]}", ""), "streams[0].source.columns",
                "format: csv");
        assertError(write("{type: coap_node, uri: \"coap://n1/s\", format: f32le, columns: [t]}", ""),
                "streams[0].source.columns", "format: csv");
    }

    @Test
    void an_mqtt_node_without_the_gateways_broker_is_refused_before_anything_starts() throws Exception {
        OctetConfig c = ConfigLoader.load(write("{type: mqtt_node, topic: a}", ""));
        ConfigException e = assertThrows(ConfigException.class, () -> PipelineFactory.defaults()
                .withSources(new RemoteSources(null).register(SourceRegistry.builtin())).build(c));
        assertTrue(e.getMessage().contains("streams[0].source"), e.getMessage());
        assertTrue(e.getMessage().contains("add the mqtt section"), e.getMessage());
    }
}
