package dev.octet.runtime.service;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.runtime.json.JsonValue;
import dev.octet.mqtt.DurableOutbox;
import dev.octet.testing.MosquittoBroker;
import dev.octet.testing.MosquittoExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code octet run} as its own process, the way systemd runs it. */
@ExtendWith(MosquittoExtension.class)
class RunCommandProcessTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void pollQuickly() {
        Awaitility.setDefaultPollInterval(Duration.ofMillis(20));
        Awaitility.setDefaultTimeout(Duration.ofSeconds(30));
    }

    private Process start(Path config, Path log) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "dev.octet.runtime.cli.OctetCommand", "run", "--config", config.toString(),
                "--state-dir", dir.resolve("state").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    @Test
    void sigterm_stops_cleanly_delivering_every_result_and_leaving_offline_retained(MosquittoBroker broker)
            throws Exception {
        // A looping replay in real time: only a signal ends it.
        String yaml = ServiceFixtures.adReplay(broker.uri(), 100, 0)
                .replace("pace: true}", "pace: true, loop: true}");
        Path config = ServiceFixtures.write(dir, "octet.yaml", yaml);
        Path log = dir.resolve("octet.log");
        try (Dashboard dashboard = Dashboard.connect(broker.uri(), "dashboard", true, "octet/gw1/#")) {
            Process octet = start(config, log);
            try {
                await().until(() -> dashboard.on(ServiceFixtures.TOPIC).size() >= 30);
                octet.destroy(); // SIGTERM
                assertTrue(octet.waitFor(30, TimeUnit.SECONDS), Files.readString(log));
                // The JVM's exit status after SIGTERM with completed shutdown hooks: 128 + 15.
                assertEquals(143, octet.exitValue(), Files.readString(log));
            } finally {
                octet.destroyForcibly();
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertTrue(output.contains("octet: gateway gw1 running 1 stream(s), results to " + broker.uri()), output);
            await().until(() -> dashboard.on("octet/gw1/status").stream().anyMatch(m -> m.payload().equals("offline")));
            // Flushed: every result produced before the signal reached the broker, in order, none missing.
            List<JsonValue> results = dashboard.deduplicated(ServiceFixtures.TOPIC);
            for (int i = 0; i < results.size(); i++) {
                assertEquals(i, results.get(i).get("window").get("seq").asLong(), output);
            }
            assertTrue(results.size() >= 30);
            try (DurableOutbox outbox = DurableOutbox.open(dir.resolve("state/outbox"), DurableOutbox.Config.defaults())) {
                assertEquals(0, outbox.stats().pendingMessages(), "the shutdown drained the outbox");
                assertEquals(results.get(results.size() - 1).get("window").get("seq").asLong() + 1,
                        outbox.stats().nextSequence() - 1, "the last result stored is the last one received");
            }
        }
        try (Dashboard late = Dashboard.connect(broker.uri(), "late", true, "octet/gw1/status")) {
            await().until(() -> !late.messages.isEmpty());
            assertEquals("offline", late.messages.get(0).payload());
        }
    }

    @Test
    void a_finite_replay_runs_to_the_end_and_exits_zero(MosquittoBroker broker) throws Exception {
        Path config = ServiceFixtures.write(dir, "octet.yaml", ServiceFixtures.adReplay(broker.uri(), 0, 0));
        Path log = dir.resolve("octet.log");
        try (Dashboard dashboard = Dashboard.connect(broker.uri(), "dashboard", true, ServiceFixtures.TOPIC)) {
            Process octet = start(config, log);
            try {
                assertTrue(octet.waitFor(60, TimeUnit.SECONDS), Files.readString(log));
                assertEquals(0, octet.exitValue(), Files.readString(log));
            } finally {
                octet.destroyForcibly();
            }
            assertTrue(Files.readString(log).contains("every stream ended"), Files.readString(log));
            await().until(() -> dashboard.deduplicated(ServiceFixtures.TOPIC).size() == 196);
        }
    }
}
