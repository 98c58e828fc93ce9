package dev.octet.runtime.pipeline.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.runtime.TestModels;
import dev.octet.runtime.pipeline.Backpressure;
import dev.octet.runtime.pipeline.Pipeline;
import dev.octet.runtime.pipeline.PipelineFactory;
import dev.octet.runtime.pipeline.config.OctetConfig.LogMelStep;
import dev.octet.runtime.pipeline.config.OctetConfig.MqttSink;
import dev.octet.runtime.pipeline.config.OctetConfig.StreamConfig;
import dev.octet.runtime.pipeline.preprocess.MelScale;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    private static final String VALID = """
            gateway:
              id: gw-1
            models:
              - id: ad01
                path: bundled:ad01
            streams:
              - id: toycar
                source: {type: replay_features, file: bundled:ad01_spectrogram}
                sample_rate_hz: 31.25
                channels: 128
                windows: {size: 5, stride: 1}
                model: ad01
                postprocess:
                  - anomaly_score: {threshold: 20.0}
              - id: mic
                source: {type: simulated, signal: sine, frequency_hz: 440.0, duration_s: 0.5, pace: false}
                sample_rate_hz: 16000
                channels: 1
                windows: {size: 1024, stride: 512}
                preprocess:
                  - scale: {multiply: 0.5}
                  - log_mel: {n_fft: 1024, hop_length: 512, n_mels: 128}
                  - frames: {count: 5}
                  - quantize
                model: ad01
                postprocess:
                  - dequantize: {include_outputs: true}
                  - anomaly_score: {threshold: 20.0}
            sinks:
              - type: stdout
            """;

    @TempDir
    Path dir;

    private Path write(String yaml) throws IOException {
        Path file = dir.resolve("octet.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    /** The valid file with {@code from} replaced by {@code to} (which must occur). */
    private Path variant(String from, String to) throws IOException {
        assertTrue(VALID.contains(from), "test bug: \"" + from + "\" not in the base file");
        return write(VALID.replace(from, to));
    }

    private static ConfigException refused(Path file) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
    }

    /** Asserts the file is refused with an error at {@code path} whose reason contains {@code reason}. */
    private static void assertError(Path file, String path, String reason) {
        ConfigException e = refused(file);
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        List<String> found = new ArrayList<>();
        for (ConfigError error : e.errors()) {
            found.add(error.toString());
            if (error.path().equals(path) && error.reason().contains(reason)) {
                assertTrue(e.getMessage().contains(path + ": "), "the message names the field: " + e.getMessage());
                return;
            }
        }
        throw new AssertionError("no error at " + path + " containing \"" + reason + "\"; got " + found);
    }

    @Test
    void the_valid_file_loads_into_typed_records_with_defaults_filled_in() throws Exception {
        OctetConfig c = ConfigLoader.load(write(VALID));
        assertEquals("gw-1", c.gatewayId());
        assertEquals("bundled", c.models().get("ad01").version());
        StreamConfig mic = c.stream("mic");
        assertEquals(16000, mic.sampleRateHz());
        assertEquals(new LogMelStep(1024, 512, 128, 0, null, MelScale.SLANEY, true, 2.0, 0), mic.preprocess().get(1));
        assertEquals(Backpressure.DROP_OLDEST, mic.queue().backpressure());
        assertEquals(8, mic.queue().capacity());
        assertEquals(5, c.health().failAfter());
        assertEquals(9464, c.http().port());
        assertTrue(c.mqtt().isEmpty());
        assertThrows(UnsupportedOperationException.class, () -> c.streams().add(mic), "immutable");
    }

    @Test
    void a_missing_required_field_is_named() throws Exception {
        assertError(variant("gateway:\n  id: gw-1\n", "gateway: {}\n"), "gateway.id", "missing");
        assertError(variant("gateway:\n  id: gw-1\n", "gateway:\n"), "gateway", "missing");
        assertError(variant("    channels: 128\n", ""), "streams[0].channels", "missing");
    }

    @Test
    void a_value_of_the_wrong_type_is_named() throws Exception {
        assertError(variant("windows: {size: 5, stride: 1}", "windows: {size: \"5\", stride: 1}"),
                "streams[0].windows.size", "expected an integer, got a string (\"5\")");
    }

    @Test
    void an_unknown_key_is_named_with_a_suggestion() throws Exception {
        assertError(variant("windows: {size: 5, stride: 1}", "windows: {size: 5, strid: 1}"),
                "streams[0].windows.strid", "unknown key; did you mean \"stride\"?");
    }

    @Test
    void a_value_out_of_range_is_named() throws Exception {
        assertError(variant("windows: {size: 1024, stride: 512}", "windows: {size: 1024, stride: 0}"),
                "streams[1].windows.stride", "must be between 1 and 16777216, got 0");
    }

    @Test
    void an_unknown_step_is_named() throws Exception {
        assertError(variant("  - scale: {multiply: 0.5}", "  - fourier: {bins: 3}"),
                "streams[1].preprocess[0]", "unknown step \"fourier\"");
    }

    @Test
    void an_unknown_step_parameter_is_named() throws Exception {
        assertError(variant("{n_fft: 1024, hop_length: 512, n_mels: 128}", "{n_fft: 1024, hop: 512, n_mels: 128}"),
                "streams[1].preprocess[1].log_mel.hop", "unknown key; did you mean \"hop_length\"?");
    }

    @Test
    void an_unknown_sink_type_is_named() throws Exception {
        assertError(variant("  - type: stdout", "  - type: kafka"), "sinks[0].type", "unknown sink type \"kafka\"");
    }

    @Test
    void an_unknown_source_type_is_named() throws Exception {
        assertError(variant("{type: simulated,", "{type: lidar,"), "streams[1].source.type",
                "unknown source type \"lidar\"");
    }

    @Test
    void a_missing_model_file_is_named() throws Exception {
        assertError(variant("path: bundled:ad01", "path: models/missing.tflite"), "models[0].path",
                "model file not found: " + dir.resolve("models/missing.tflite"));
    }

    @Test
    void a_file_that_is_not_a_model_is_named() throws Exception {
        Files.writeString(dir.resolve("junk.tflite"), "not a flatbuffer at all");
        assertError(variant("path: bundled:ad01", "path: junk.tflite"), "models[0].path", "not a usable model");
    }

    @Test
    void a_window_that_does_not_match_the_model_input_is_named() throws Exception {
        assertError(variant("windows: {size: 5, stride: 1}", "windows: {size: 6, stride: 1}"),
                "streams[0].windows.size", "windows of 6 samples x 128 channels give 768 values, but model \"ad01\" "
                        + "takes 640 [1, 640]");
    }

    @Test
    void preprocessing_that_does_not_produce_the_model_input_is_named() throws Exception {
        assertError(variant("n_mels: 128}", "n_mels: 64}"), "streams[1].preprocess",
                "give 320 values after preprocessing (1024 x 1 window -> 5 x 64)");
    }

    @Test
    void stacking_frames_needs_windows_that_advance_by_the_hop() throws Exception {
        assertError(variant("windows: {size: 1024, stride: 512}", "windows: {size: 1024, stride: 256}"),
                "streams[1].windows.stride", "so windows must advance by 512 samples, got 256");
    }

    @Test
    void a_mel_range_above_nyquist_is_named() throws Exception {
        assertError(variant("n_mels: 128}", "n_mels: 128, fmax: 9000.0}"), "streams[1].preprocess[1].log_mel.fmax",
                "must be at most half the sample rate (8000.0 Hz), got 9000.0");
    }

    @Test
    void quantize_anywhere_but_last_is_named() throws Exception {
        assertError(variant("  - scale: {multiply: 0.5}", "  - quantize\n      - scale: {multiply: 0.5}"),
                "streams[1].preprocess[0]", "quantize must be the last step");
    }

    @Test
    void an_unknown_model_reference_is_named() throws Exception {
        assertError(variant("    model: ad01\n    postprocess:\n      - dequantize",
                "    model: kws\n    postprocess:\n      - dequantize"), "streams[1].model",
                "unknown model \"kws\" (declared: ad01)");
    }

    @Test
    void an_unknown_backpressure_policy_is_named() throws Exception {
        assertError(write(VALID + "queues:\n  windows: {capacity: 4, backpressure: drop_random}\n"),
                "queues.windows.backpressure", "unknown value \"drop_random\" (expected one of block, drop_oldest, "
                        + "drop_newest)");
    }

    @Test
    void a_missing_replay_file_is_named() throws Exception {
        assertError(variant("file: bundled:ad01_spectrogram", "file: recordings/day1.bin"),
                "streams[0].source.file", "file not found: " + dir.resolve("recordings/day1.bin"));
    }

    @Test
    void a_replay_file_that_is_not_whole_samples_is_named() throws Exception {
        Files.write(dir.resolve("short.bin"), new byte[1000]);
        assertError(variant("file: bundled:ad01_spectrogram", "file: short.bin"), "streams[0].source.file",
                "1000 bytes is not a whole number of 128-channel samples (512 bytes each)");
    }

    @Test
    void a_duplicate_stream_id_is_named() throws Exception {
        assertError(variant("  - id: mic", "  - id: toycar"), "streams[1].id", "duplicate stream id \"toycar\"");
    }

    @Test
    void a_sensor_with_the_wrong_channel_count_is_named() throws Exception {
        assertError(variant("{type: simulated, signal: sine, frequency_hz: 440.0, duration_s: 0.5, pace: false}",
                "{type: adxl345, bus: 1, address: 0x53, range_g: 4}"), "streams[1].channels",
                "a adxl345 source delivers 3 channels, got 1");
    }

    @Test
    void an_mqtt_sink_without_an_mqtt_section_is_named() throws Exception {
        assertError(variant("  - type: stdout", "  - type: mqtt"), "sinks[0].type",
                "an mqtt sink needs the top-level mqtt section");
    }

    @Test
    void a_topic_template_with_an_unknown_placeholder_or_a_wildcard_is_named() throws Exception {
        String mqtt = "mqtt: {uri: \"tcp://localhost:1883\"}\n";
        assertError(write(VALID.replace("  - type: stdout", "  - {type: mqtt, topic: \"octet/{host}/{stream}\"}")
                + mqtt), "sinks[0].topic", "unknown placeholder {host}");
        assertError(write(VALID.replace("  - type: stdout", "  - {type: mqtt, topic: \"octet/+/x\"}") + mqtt),
                "sinks[0].topic", "cannot contain the wildcards");
        assertError(write(VALID.replace("  - type: stdout", "  - {type: mqtt, qos: 3}") + mqtt), "sinks[0].qos",
                "must be between 0 and 2, got 3");
    }

    @Test
    void mqtt_settings_are_checked_and_a_client_certificate_needs_both_files() throws Exception {
        Files.writeString(dir.resolve("client.pem"), "x");
        assertError(write(VALID + "mqtt: {uri: \"http://broker\"}\n"), "mqtt.uri", "expected tcp://host[:port]");
        assertError(write(VALID + "mqtt:\n  uri: ssl://broker:8883\n  tls: {cert_file: client.pem}\n"),
                "mqtt.tls.key_file", "missing (a client certificate needs both cert_file and key_file)");
        assertError(write(VALID + "mqtt:\n  uri: ssl://broker:8883\n  tls: {ca_file: ca.pem}\n"),
                "mqtt.tls.ca_file", "file not found");
    }

    @Test
    void labels_must_match_the_classifiers_outputs() throws Exception {
        String kws = TestModels.path("kws01_dscnn_int8.tflite").toAbsolutePath().toString();
        String yaml = """
                gateway: {id: gw}
                models:
                  - {id: kws, path: "%s"}
                streams:
                  - id: mfcc
                    source: {type: replay_features, file: "%s"}
                    sample_rate_hz: 50
                    channels: 10
                    windows: {size: 49, stride: 49}
                    model: kws
                    postprocess:
                      - classification: {labels: ["yes", "no", "up"], top_k: 2}
                sinks: [{type: stdout}]
                """;
        Path features = dir.resolve("mfcc.bin");
        Files.write(features, new byte[49 * 10 * 4]);
        assertError(write(String.format(yaml, kws, features)), "streams[0].postprocess[0].classification.labels",
                "3 labels for a model with 12 outputs");
    }

    @Test
    void yes_and_no_are_labels_as_written_and_a_boolean_label_or_a_yes_switch_gets_a_hint() throws Exception {
        // YAML 1.2 (and Octet) read yes/no/on/off as strings; YAML 1.1 readers turned them into booleans.
        assertError(write(VALID.replace("- anomaly_score: {threshold: 20.0}\n  - id: mic",
                "- classification: {labels: [yes, \"no\"]}\n  - id: mic")),
                "streams[0].postprocess[0].classification.labels", "2 labels for a model with 640 outputs");
        assertError(write(VALID.replace("- anomaly_score: {threshold: 20.0}\n  - id: mic",
                "- classification: {labels: [true, \"no\"]}\n  - id: mic")),
                "streams[0].postprocess[0].classification.labels[0]", "a boolean (true) (quote the label)");
        assertError(variant("pace: false", "pace: yes"), "streams[1].source.pace",
                "expected true or false, got a string (\"yes\") (write true or false)");
    }

    @Test
    void broken_yaml_duplicate_keys_and_an_empty_file_are_refused_with_the_line() throws Exception {
        assertError(write("gateway: {id: gw\nmodels: ["), "", "not valid YAML: line");
        assertError(write("gateway: {id: a}\ngateway: {id: b}\n"), "",
                "not valid YAML: line 2, column 1: duplicate key \"gateway\" (first at line 1, column 1)");
        assertError(write("# nothing\n"), "", "the file is empty");
        assertError(variant("  id: gw-1", "  id: &gw gw-1"), "",
                "unsupported YAML: line 2, column 7: anchors (&name) are not supported");
    }

    @Test
    void every_problem_is_reported_at_once() throws Exception {
        ConfigException e = refused(write(VALID.replace("channels: 128", "channels: 0")
                .replace("  - type: stdout", "  - type: kafka").replace("id: gw-1", "id: \"gw/1\"")));
        List<String> paths = e.errors().stream().map(ConfigError::path).toList();
        assertEquals(List.of("gateway.id", "streams[0].channels", "sinks[0].type"), paths);
        assertTrue(e.getMessage().contains("3 errors"), e.getMessage());
    }

    @Test
    void the_shipped_example_and_demo_configurations_load() throws Exception {
        OctetConfig example = ConfigLoader.load(Path.of("..", "config", "octet.example.yaml"));
        assertEquals("gw-01", example.gatewayId());
        assertEquals(List.of("pump-mic", "toycar-replay"), example.streams().stream().map(StreamConfig::id).toList());
        MqttSink mqtt = (MqttSink) example.sinks().get(0);
        assertEquals("octet/gw-01/pump-mic/inference", mqtt.topicFor("gw-01", "pump-mic", "ad01"));
        assertEquals("octet-gw-01", example.mqtt().orElseThrow().clientId());
        OctetConfig demo = ConfigLoader.load(Path.of("..", "config", "demo.yaml"));
        assertEquals(Backpressure.BLOCK, demo.stream("toycar").queue().backpressure());
    }

    @Test
    void building_the_pipeline_names_a_missing_transport_or_driver_and_starts_nothing() throws Exception {
        OctetConfig example = ConfigLoader.load(Path.of("..", "config", "octet.example.yaml"));
        ConfigException noMqtt = assertThrows(ConfigException.class, () -> PipelineFactory.defaults().build(example));
        assertEquals("sinks[0].type", noMqtt.errors().get(0).path());
        List<String> published = new ArrayList<>();
        try (Pipeline p = PipelineFactory.defaults().withMqtt((t, b, q, r) -> published.add(t)).build(example)) {
            assertEquals(2, p.streams().size());
        }
        // A hardware source validates (its driver comes from the drivers module) but cannot be built here.
        OctetConfig sensor = ConfigLoader.load(write(VALID.replace("channels: 1\n", "channels: 3\n").replace(
                "{type: simulated, signal: sine, frequency_hz: 440.0, duration_s: 0.5, pace: false}",
                "{type: adxl345, range_g: 4}")));
        assertEquals("4", sensor.stream("mic").source().string("range_g"));
        assertEquals(0x53L, sensor.stream("mic").source().integer("address"));
        ConfigException noDriver = assertThrows(ConfigException.class,
                () -> PipelineFactory.defaults().build(sensor));
        assertEquals("streams[1].source.type", noDriver.errors().get(0).path());
        assertTrue(noDriver.getMessage().contains("source type \"adxl345\" has no driver in this build"),
                noDriver.getMessage());
    }
}
