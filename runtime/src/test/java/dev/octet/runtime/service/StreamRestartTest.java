package dev.octet.runtime.service;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.drivers.bus.I2cDevice;
import dev.octet.drivers.bus.SpiDevice;
import dev.octet.drivers.fake.FakeAdxl345;
import dev.octet.drivers.time.TimeSource;
import dev.octet.runtime.pipeline.StreamHealth;
import dev.octet.runtime.pipeline.StreamPipeline;
import dev.octet.runtime.pipeline.config.ConfigLoader;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Supervised restart: an accelerometer (the register-level fake) is unplugged, its stream fails, the service keeps
 * closing and reopening the source with growing waits, and once the part is plugged back the stream is OK again
 * and produces results; attempts are counted in /metrics.
 */
class StreamRestartTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void pollQuickly() {
        Awaitility.setDefaultPollInterval(Duration.ofMillis(10));
        Awaitility.setDefaultTimeout(Duration.ofSeconds(30));
    }

    static String vibration(String restart) {
        return """
                gateway: {id: gw1}
                models:
                  - id: ad01
                    path: bundled:ad01
                streams:
                  - id: vibration
                    source: {type: adxl345, bus: 1, address: 0x53, range_g: 2}
                    sample_rate_hz: 1000
                    channels: 3
                    windows: {size: 256, stride: 128}
                    preprocess:
                      - log_mel: {n_fft: 256, hop_length: 128, n_mels: 128, channel: 2}
                      - frames: {count: 5}
                    model: ad01
                    postprocess:
                      - anomaly_score: {threshold: 20.0}
                health:
                  fail_after: 5
                  recover_after: 3
                  restart: %s
                sinks:
                  - type: stdout
                http: {bind: 127.0.0.1, port: 0}
                """.formatted(restart);
    }

    /** The fake accelerometer on every I2C open, counting the opens (each restart opens the bus again). */
    private static HardwareSources hardware(FakeAdxl345 part, AtomicInteger opens) {
        return new HardwareSources(new HardwareSources.Buses() {
            @Override
            public I2cDevice i2c(int bus, int address) {
                opens.incrementAndGet();
                return part;
            }

            @Override
            public SpiDevice spi(int bus, int chipSelect, int baud) throws IOException {
                throw new IOException("no SPI in this test");
            }
        });
    }

    /** Polled at 1 kHz, converting at 1.6 kHz, with noise: every poll finds a fresh, different reading. */
    private static FakeAdxl345 accelerometer() {
        return new FakeAdxl345(new TimeSource() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public long epochMillis() {
                return System.currentTimeMillis();
            }
        }, 42, 3.0);
    }

    @Test
    void a_sensor_that_disappears_and_comes_back_is_restarted_until_its_stream_is_ok_again() throws Exception {
        FakeAdxl345 part = accelerometer();
        AtomicInteger opens = new AtomicInteger();
        Path file = ServiceFixtures.write(dir, "octet.yaml", vibration("{initial_ms: 50, max_ms: 200}"));
        try (GatewayService service = GatewayService.create(ConfigLoader.load(file),
                ServiceFixtures.options(dir.resolve("state")).withHardware(hardware(part, opens)))) {
            service.start();
            StreamPipeline stream = service.pipeline().stream("vibration");
            await().until(() -> stream.status().inferences() > 0);
            assertEquals(1, opens.get());

            part.faults().disconnect(); // unplugged: every bus access fails
            await().until(() -> stream.health() == StreamHealth.FAILED);
            assertTrue(stream.status().reason().contains("DEVICE_GONE"), stream.status().reason());
            // While it is gone: reopened, failed again (the driver gives up after its fault policy), reopened...
            await().until(() -> stream.status().restarts() >= 2);
            assertEquals(StreamHealth.FAILED, stream.health(), "still failed while the part is away");
            // Each restart opens the bus again. The restart counter moves just before the open, so compare them
            // between two attempts (while the restart waits out its backoff), not at an arbitrary instant.
            await().until(() -> opens.get() == 1 + stream.status().restarts());

            long inferences = stream.status().inferences();
            part.faults().reconnect(); // plugged back
            // Recovered: no longer FAILED, results again. (OK, or DEGRADED when a poll on a busy machine happens to
            // find no fresh conversion: the stale-data check is the driver's, not the restart's.)
            await().until(() -> stream.health() != StreamHealth.FAILED
                    && stream.status().inferences() > inferences);
            long restarts = stream.status().restarts();
            String metrics = service.metrics().render();
            assertTrue(metrics.contains("# TYPE octet_stream_restarts_total counter\n"), metrics);
            assertTrue(metrics.contains("octet_stream_restarts_total{stream=\"vibration\"} " + restarts + "\n"),
                    metrics);
            assertTrue(metrics.matches("(?s).*octet_stream_health\\{stream=\"vibration\"} [01]\n.*"), metrics);
        }
    }

    @Test
    void a_streams_own_restart_settings_override_the_global_ones() throws Exception {
        FakeAdxl345 part = accelerometer();
        AtomicInteger opens = new AtomicInteger();
        // Restarts are off for the gateway, on for this stream.
        Path file = ServiceFixtures.write(dir, "octet.yaml", vibration("{enabled: false}").replace(
                "    model: ad01\n", "    model: ad01\n    restart: {enabled: true, initial_ms: 20, max_ms: 100}\n"));
        try (GatewayService service = GatewayService.create(ConfigLoader.load(file),
                ServiceFixtures.options(dir.resolve("state")).withHardware(hardware(part, opens)))) {
            service.start();
            StreamPipeline stream = service.pipeline().stream("vibration");
            await().until(() -> stream.status().inferences() > 0);
            part.faults().disconnect();
            await().until(() -> stream.health() == StreamHealth.FAILED);
            await().until(() -> stream.status().restarts() >= 2);
            part.faults().reconnect();
            long inferences = stream.status().inferences();
            await().until(() -> stream.health() != StreamHealth.FAILED
                    && stream.status().inferences() > inferences);
            assertEquals(1 + stream.status().restarts(), opens.get(), "each restart opens the bus again");
        }
    }

    @Test
    void with_restart_disabled_a_failed_stream_stays_failed() throws Exception {
        FakeAdxl345 part = accelerometer();
        AtomicInteger opens = new AtomicInteger();
        Path file = ServiceFixtures.write(dir, "octet.yaml", vibration("{enabled: false}"));
        try (GatewayService service = GatewayService.create(ConfigLoader.load(file),
                ServiceFixtures.options(dir.resolve("state")).withHardware(hardware(part, opens)))) {
            service.start();
            StreamPipeline stream = service.pipeline().stream("vibration");
            await().until(() -> stream.status().samples() > 100);
            part.faults().disconnect();
            await().until(() -> stream.health() == StreamHealth.FAILED);
            part.faults().reconnect();
            long samples = stream.status().samples();
            // The failed driver has stopped itself: no sample arrives, the stream is not reopened.
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                    .until(() -> stream.status().samples() == samples && stream.health() == StreamHealth.FAILED);
            assertEquals(0, stream.status().restarts());
            assertEquals(1, opens.get());
        }
    }
}
