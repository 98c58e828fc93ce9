package dev.octet.runtime.service;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.runtime.json.JsonValue;
import dev.octet.runtime.json.Json;
import dev.octet.drivers.bus.I2cDevice;
import dev.octet.drivers.bus.SpiDevice;
import dev.octet.drivers.fake.FakeAdxl345;
import dev.octet.drivers.time.TimeSource;
import dev.octet.runtime.cli.OctetCommand;
import dev.octet.runtime.pipeline.StreamHealth;
import dev.octet.runtime.pipeline.config.ConfigLoader;
import dev.octet.testing.MosquittoBroker;
import dev.octet.testing.MosquittoExtension;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A sensor that disappears, and configurations that must not start anything. */
class ServiceFaultsTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void pollQuickly() {
        Awaitility.setDefaultPollInterval(Duration.ofMillis(10));
        Awaitility.setDefaultTimeout(Duration.ofSeconds(30));
    }

    /** An accelerometer stream (log-mel of the z axis into the AD model) next to a looping replay. */
    static String twoStreams(String uri, int httpPort) {
        return """
                gateway: {id: gw1}
                models:
                  - id: ad01
                    path: bundled:ad01
                streams:
                  - id: vibration
                    source: {type: adxl345, bus: 1, address: 0x53, range_g: 2}
                    sample_rate_hz: 1600
                    channels: 3
                    windows: {size: 1024, stride: 512}
                    preprocess:
                      - log_mel: {n_fft: 1024, hop_length: 512, n_mels: 128, channel: 2}
                      - frames: {count: 5}
                    model: ad01
                    postprocess:
                      - anomaly_score: {threshold: 20.0}
                  - id: toycar
                    source: {type: replay_features, file: "bundled:ad01_spectrogram", loop: true, pace: true}
                    sample_rate_hz: 200
                    channels: 128
                    windows: {size: 5, stride: 1}
                    preprocess: []
                    model: ad01
                    postprocess:
                      - anomaly_score: {threshold: 20.0}
                sinks:
                  - type: mqtt
                    topic: "octet/{gateway}/{stream}/inference"
                    qos: 1
                mqtt:
                  uri: %s
                http: {bind: 127.0.0.1, port: %d}
                """.formatted(uri, httpPort);
    }

    @Test
    @ExtendWith(MosquittoExtension.class)
    void a_sensor_that_disappears_fails_its_stream_while_the_other_keeps_publishing(MosquittoBroker broker)
            throws Exception {
        FakeAdxl345 accelerometer = new FakeAdxl345(new TimeSource() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public long epochMillis() {
                return System.currentTimeMillis();
            }
        });
        HardwareSources hardware = new HardwareSources(new HardwareSources.Buses() {
            @Override
            public I2cDevice i2c(int bus, int address) {
                return accelerometer;
            }

            @Override
            public SpiDevice spi(int bus, int chipSelect, int baud) throws IOException {
                throw new IOException("no SPI in this test");
            }
        });
        Path file = ServiceFixtures.write(dir, "octet.yaml", twoStreams(broker.uri(), ServiceFixtures.freePort()));
        String replayTopic = "octet/gw1/toycar/inference";
        try (Dashboard dashboard = Dashboard.connect(broker.uri(), "dashboard", true, "octet/gw1/+/inference");
             GatewayService service = GatewayService.create(ConfigLoader.load(file),
                     ServiceFixtures.options(dir.resolve("state")).withHardware(hardware))) {
            service.start();
            await().until(() -> service.pipeline().stream("vibration").status().samples() > 100);
            await().until(() -> dashboard.on(replayTopic).size() > 5);
            // (It may be DEGRADED already: polling at the part's own data rate sometimes finds no new sample.)
            assertTrue(service.pipeline().stream("vibration").status().health() != StreamHealth.FAILED);

            accelerometer.faults().disconnect(); // the part is unplugged: every bus access fails from now on

            await().until(() -> service.pipeline().stream("vibration").status().health() == StreamHealth.FAILED);
            String reason = service.pipeline().stream("vibration").status().reason();
            assertTrue(reason.contains("DEVICE_GONE"), reason);
            int before = dashboard.on(replayTopic).size();
            await().until(() -> dashboard.on(replayTopic).size() >= before + 20);
            assertEquals(StreamHealth.OK, service.pipeline().stream("toycar").status().health());

            HttpResponse<String> health = ServiceFixtures.get(service.httpPort(), "/health");
            assertEquals(503, health.statusCode());
            JsonValue h = Json.parse(health.body());
            assertEquals("unhealthy", h.get("status").asText());
            assertEquals("failed", h.get("streams").get(0).get("health").asText());
            assertTrue(h.get("streams").get(0).get("reason").asText().contains("DEVICE_GONE"));
            assertEquals("ok", h.get("streams").get(1).get("health").asText());
            String metrics = ServiceFixtures.get(service.httpPort(), "/metrics").body();
            assertTrue(metrics.contains("octet_stream_health{stream=\"vibration\"} 2\n"), metrics);
            assertTrue(metrics.contains("octet_stream_health{stream=\"toycar\"} 0\n"), metrics);
            assertTrue(metrics.contains("octet_source_errors_total{stream=\"vibration\"} "), metrics);
        }
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = OctetCommand.newCommandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    /**
     * A listening socket stands in for the broker: after the command returned, an empty accept queue proves that no
     * MQTT connection was even attempted.
     */
    private void assertNothingStarts(String yaml, String... expectedInMessage) throws Exception {
        try (ServerSocketChannel fakeBroker = ServerSocketChannel.open()) {
            fakeBroker.bind(new InetSocketAddress("127.0.0.1", 0));
            fakeBroker.configureBlocking(false);
            int port = ServiceFixtures.freePort();
            Path file = ServiceFixtures.write(dir, "octet.yaml", yaml.replace("URI",
                    "tcp://127.0.0.1:" + fakeBroker.socket().getLocalPort()).replace("HTTP", Integer.toString(port)));
            Path state = dir.resolve("state");
            Set<String> threadsBefore = new HashSet<>(ServiceFixtures.serviceThreads());

            Run r = run("run", "--config", file.toString(), "--state-dir", state.toString());

            assertEquals(OctetCommand.EXIT_CONFIG_ERROR, r.exit, r.out + r.err);
            assertTrue(r.err.contains(file.toString()), "names the file: " + r.err);
            for (String s : expectedInMessage) {
                assertTrue(r.err.contains(s), "names " + s + ": " + r.err);
            }
            assertNull(fakeBroker.accept(), "no MQTT connection was made");
            assertFalse(Files.exists(state), "no outbox was created");
            Set<String> left = new HashSet<>(ServiceFixtures.serviceThreads());
            left.removeAll(threadsBefore);
            assertEquals(Set.of(), left, "no thread left running");
            try (ServerSocketChannel http = ServerSocketChannel.open()) {
                http.bind(new InetSocketAddress("127.0.0.1", port)); // the metrics port was never bound
            }
        }
    }

    @Test
    void a_malformed_configuration_names_the_field_and_starts_nothing() throws Exception {
        String yaml = ServiceFixtures.adReplay("URI", 0, 1).replace("windows: {size: 5, stride: 1}",
                "windows: {size: 5, stride: 0}").replace("port: 1}", "port: HTTP}");
        assertNothingStarts(yaml, "streams[0].windows.stride");
    }

    @Test
    void a_hardware_stream_without_its_bus_names_the_stream_and_starts_nothing() throws Exception {
        // This machine has no Raspberry Pi I2C bus (no Pi4J provider): the accelerometer stream cannot be created.
        assertNothingStarts(twoStreams("URI", 1).replace("port: 1}", "port: HTTP}"),
                "streams[0].source", "\"vibration\"", "I2C bus 1 address 0x53");
    }

    @Test
    void a_taken_metrics_port_fails_the_start_before_any_connection_and_leaves_nothing_running() throws Exception {
        try (ServerSocketChannel fakeBroker = ServerSocketChannel.open();
             ServerSocketChannel taken = ServerSocketChannel.open()) {
            fakeBroker.bind(new InetSocketAddress("127.0.0.1", 0));
            fakeBroker.configureBlocking(false);
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            Path file = ServiceFixtures.write(dir, "octet.yaml", ServiceFixtures.adReplay(
                    "tcp://127.0.0.1:" + fakeBroker.socket().getLocalPort(), 0, taken.socket().getLocalPort()));
            Set<String> threadsBefore = new HashSet<>(ServiceFixtures.serviceThreads());
            GatewayService service = GatewayService.create(ConfigLoader.load(file),
                    ServiceFixtures.options(dir.resolve("state")));
            IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, service::start);
            assertTrue(e.getMessage() != null, "says why");
            assertNull(fakeBroker.accept(), "no MQTT connection was made");
            assertFalse(Files.exists(dir.resolve("state")), "no outbox was created");
            Set<String> left = new HashSet<>(ServiceFixtures.serviceThreads());
            left.removeAll(threadsBefore);
            assertEquals(Set.of(), left, "no thread left running");
            service.close();
        }
    }

    @Test
    void a_stuck_sink_stops_the_watchdog_progress_check() throws Exception {
        String yaml = ServiceFixtures.adReplay("tcp://127.0.0.1:1", 0, 0)
                .replace("  - type: mqtt\n    topic: \"octet/{gateway}/{stream}/inference\"\n    qos: 1\n",
                        "  - type: stdout\n")
                .replace("mqtt:\n  uri: tcp://127.0.0.1:1\n  client_id: octet-gw1\n", "");
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Path file = ServiceFixtures.write(dir, "octet.yaml", yaml);
        try (GatewayService service = GatewayService.create(ConfigLoader.load(file),
                ServiceFixtures.options(dir.resolve("state")).withSink(r -> {
                    try {
                        release.await(); // a sink that hangs: the dispatcher is stuck
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }))) {
            service.start();
            assertNull(service.link(), "no MQTT in this configuration");
            await().until(() -> service.pipeline().resultQueue().size() > 2);
            service.progressing(); // first look: remembers what was taken
            assertFalse(service.progressing(), "results waiting, none taken since the last look");
            release.countDown();
            assertTrue(service.awaitCompletion(Duration.ofSeconds(30)));
        }
    }
}
