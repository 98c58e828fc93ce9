package dev.octet.runtime.service.ota;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.mqtt.DurableOutbox;
import dev.octet.mqtt.FsyncPolicy;
import dev.octet.mqtt.MqttLink;
import dev.octet.mqtt.MqttSettings;
import dev.octet.ota.delta.TfliteBuffers;
import dev.octet.ota.pkg.Keys;
import dev.octet.ota.pkg.Packer;
import dev.octet.ota.transfer.PackagePublisher;
import dev.octet.ota.transfer.Topics;
import dev.octet.runtime.TestModels;
import dev.octet.runtime.pipeline.Bundled;
import dev.octet.runtime.pipeline.InferenceResult;
import dev.octet.runtime.pipeline.ResultSink;
import dev.octet.runtime.pipeline.config.ConfigLoader;
import dev.octet.runtime.service.GatewayService;
import dev.octet.testing.MosquittoBroker;
import dev.octet.testing.MosquittoExtension;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway service taking OTA packages while it runs: a real Mosquitto, the AD model over the bundled
 * spectrogram replayed in a loop, packages published with the production packer and publisher.
 */
@ExtendWith(MosquittoExtension.class)
class GatewayOtaTest {
    private static final KeyPair KEY = Keys.generate();
    private static final String STATUS = "octet/gw-ota/ota/status";

    @TempDir
    Path tmp;

    private final Packer packer = new Packer(KEY.getPrivate(), "release-1", Clock.systemUTC());
    private final List<String> statuses = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void pollQuickly() {
        Awaitility.setDefaultPollInterval(Duration.ofMillis(5));
        Awaitility.setDefaultTimeout(Duration.ofSeconds(30));
    }

    /** Results as the service hands them to its sinks, in order. */
    private static final class Recorder implements ResultSink {
        final List<InferenceResult> results = new CopyOnWriteArrayList<>();

        @Override
        public void accept(InferenceResult r) {
            results.add(r);
        }

        long count(String version) {
            return results.stream().filter(r -> r.modelVersion().equals(version)).count();
        }

        /** Whether every result so far (a snapshot: the list grows while the service runs) has {@code version}. */
        boolean allOf(String version) {
            List<InferenceResult> now = List.copyOf(results);
            return !now.isEmpty() && now.stream().allMatch(r -> r.modelVersion().equals(version));
        }

        @Override
        public void close() {
        }
    }

    private Path config(String uri, String healthWatch) throws Exception {
        Path keys = Files.createDirectories(tmp.resolve("keys"));
        Keys.writePublic(keys.resolve("release-1.pub"), "release-1", KEY.getPublic());
        Path f = tmp.resolve("octet.yaml");
        Files.writeString(f, """
                gateway: {id: gw-ota}
                models:
                  - id: ad01
                    path: bundled:ad01
                    version: "1"
                streams:
                  - id: toycar
                    source: {type: replay_features, file: "bundled:ad01_spectrogram", loop: true, pace: true}
                    sample_rate_hz: 500
                    channels: 128
                    windows: {size: 5, stride: 1}
                    model: ad01
                    postprocess:
                      - anomaly_score: {threshold: 20.0}
                    queue: {capacity: 64, backpressure: block}
                queues:
                  results: {capacity: 4096, backpressure: block}
                sinks:
                  - {type: file, path: results.jsonl}
                mqtt: {uri: "%s", client_id: octet-gw-ota}
                http: {port: 0}
                ota:
                  trusted_keys: [keys/release-1.pub]
                  device_class: pi4
                  models:
                    - id: ad01
                      latency_budget_ms: 2000
                      health_watch: %s
                """.formatted(uri, healthWatch));
        return f;
    }

    private GatewayService start(Path config, Recorder sink) throws Exception {
        GatewayService.Options options = GatewayService.Options.defaults().withStateDir(tmp.resolve("state"))
                .withStdout(new PrintStream(OutputStream.nullOutputStream()))
                .withMqttTuning(b -> b.reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
                        .connectionTimeout(Duration.ofSeconds(5)))
                .withOutbox(DurableOutbox.Config.builder().fsyncPolicy(FsyncPolicy.never()).build())
                .withSink(sink);
        GatewayService service = GatewayService.create(ConfigLoader.load(config), options);
        service.start();
        return service;
    }

    private static MqttLink link(String uri, String id) {
        return MqttLink.start(MqttSettings.builder(uri, id).keepAlive(Duration.ofSeconds(10))
                .connectionTimeout(Duration.ofSeconds(5))
                .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200)).build());
    }

    private void publish(MqttLink pub, long version, byte[] pkg) throws Exception {
        Path f = tmp.resolve("ad01-v" + version + ".otapkg");
        Files.write(f, pkg);
        new PackagePublisher(pub, Topics.DEFAULT).publish("ad01", version, f, 16384).get(30, TimeUnit.SECONDS);
    }

    private void awaitStatus(String state, long version, String extra) {
        String prefix = "state=" + state + "\nmodel-id=ad01\nversion=" + version + "\n" + extra;
        await().until(() -> statuses.stream().anyMatch(s -> s.startsWith(prefix)));
    }

    /** The value of one sample line of a scrape ({@code name{labels}}). */
    private static long metric(String scrape, String series) {
        for (String line : scrape.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Long.parseLong(line.substring(series.length() + 1));
            }
        }
        throw new AssertionError(series + " not in\n" + scrape);
    }

    private static byte[] ad01() throws Exception {
        return Bundled.read("bundled:ad01");
    }

    /** ad01 with a few weights of its first layer nudged by one step: a "retrained" version. */
    private static byte[] retrained(byte[] model) throws Exception {
        byte[] out = model.clone();
        TfliteBuffers.Region first = TfliteBuffers.locate(out).get(0);
        for (int i = 0; i < Math.min(64, first.length()); i += 4) {
            out[first.offset() + i] = (byte) (out[first.offset() + i] ^ 1);
        }
        return out;
    }

    /** ad01 whose last layer's weights and bias are zero: its reconstruction is the same value everywhere. */
    private static byte[] zeroedHead(byte[] model) throws Exception {
        byte[] out = model.clone();
        List<Integer> head = TfliteBuffers.lastLayerBuffers(out);
        for (TfliteBuffers.Region r : TfliteBuffers.locate(out)) {
            if (head.contains(r.index())) {
                java.util.Arrays.fill(out, r.offset(), r.offset() + r.length(), (byte) 0);
            }
        }
        return out;
    }

    /** Window numbers are consecutive (none dropped or run twice) and the version changes from a to b once. */
    private static void assertSeamless(List<InferenceResult> results, String a, String b) {
        List<String> versions = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            InferenceResult r = results.get(i);
            if (i > 0) {
                assertEquals(results.get(i - 1).windowSequence() + 1, r.windowSequence(), "window after "
                        + results.get(i - 1).windowSequence());
                assertTrue(r.windowStartNanos() > results.get(i - 1).windowStartNanos(), "time moves on");
            }
            if (versions.isEmpty() || !versions.get(versions.size() - 1).equals(r.modelVersion())) {
                versions.add(r.modelVersion());
            }
        }
        assertEquals(List.of(a, b), versions, "one switch, between two windows");
    }

    @Test
    void a_new_version_is_validated_swapped_between_two_windows_kept_after_restart_and_its_status_resent(
            MosquittoBroker broker) throws Exception {
        Path config = config(broker.uri(), "{windows: 20}");
        byte[] v1 = ad01();
        byte[] v2 = retrained(v1);
        try (MqttLink pub = link(broker.uri(), "publisher"); MqttLink watcher = link(broker.uri(), "watcher")) {
            await().until(() -> pub.isConnected() && watcher.isConnected());
            watcher.subscribe(STATUS, 1, m -> statuses.add(m.payloadText())).get(5, TimeUnit.SECONDS);
            Recorder first = new Recorder();
            GatewayService service = start(config, first);
            try {
                awaitStatus("active", 1, "");
                await().until(() -> first.count("1") >= 20);
                publish(pub, 2, packer.pack(Packer.Spec.of("ad01", 2), v2, Optional.of(new Packer.Base(1, v1))));
                awaitStatus("active", 2, "");
                await().until(() -> first.count("2") >= 40);
                await().until(() -> service.ota().healthWatchState("ad01").startsWith("PASSED"));
                awaitStatus("active", 2, "active-version=2\nhealth=passed\n"); // what a rollout counts
                String m = service.metrics().render();
                assertTrue(m.contains("octet_ota_active_version{model=\"ad01\"} 2\n"), m);
                assertTrue(m.contains("octet_ota_updates_total{model=\"ad01\",outcome=\"activated\"} 1\n"), m);
                assertTrue(m.contains("octet_ota_updates_total{model=\"ad01\",outcome=\"passed\"} 1\n"), m);
                assertTrue(m.contains("octet_ota_updates_total{model=\"ad01\",outcome=\"rolled_back\"} 0\n"), m);
                assertTrue(m.contains("octet_ota_download_version{model=\"ad01\"} 2\n"), m);
                long size = metric(m, "octet_ota_download_size_bytes{model=\"ad01\"}");
                assertTrue(size > 0, m);
                assertEquals(size, metric(m, "octet_ota_download_bytes{model=\"ad01\"}"), "downloaded whole");
                assertTrue(service.ota().lastValidationReport("ad01").contains("8 recorded windows"),
                        service.ota().lastValidationReport("ad01"));

                // The broker crashes and comes back with nothing retained (no persistence): the gateway publishes
                // its status again. (A crash rather than a graceful stop: a broker that closes connections it has
                // just accepted while stopping can leave a Paho connect thread spinning forever.)
                statuses.clear();
                broker.kill();
                broker.restart();
                await().until(() -> statuses.stream().anyMatch(s -> s.equals(
                        "state=active\nmodel-id=ad01\nversion=2\nactive-version=2\nhealth=passed\n")));
            } finally {
                service.close();
            }
            assertSeamless(first.results, "1", "2");

            Recorder second = new Recorder();
            GatewayService again = start(config, second);
            try {
                await().until(() -> second.results.size() >= 20);
                assertTrue(second.allOf("2"), "the updated model runs after a restart");
                assertTrue(again.metrics().render().contains("octet_ota_active_version{model=\"ad01\"} 2\n"));
                assertEquals(0, second.results.get(0).windowSequence());
            } finally {
                again.close();
            }
        }
    }

    @Test
    void a_slot_model_that_no_longer_fits_the_streams_gives_way_to_the_configured_file(MosquittoBroker broker)
            throws Exception {
        Path config = config(broker.uri(), "{windows: 20}");
        dev.octet.ota.slot.SlotStore.open(tmp.resolve("state/ota/ad01/slots"))
                .install("ad01", 5, TestModels.bytes("kws01_dscnn_int8.tflite"));
        try (MqttLink watcher = link(broker.uri(), "watcher")) {
            await().until(watcher::isConnected);
            watcher.subscribe(STATUS, 1, m -> statuses.add(m.payloadText())).get(5, TimeUnit.SECONDS);
            Recorder sink = new Recorder();
            GatewayService service = start(config, sink);
            try {
                awaitStatus("active", 1, "active-version=1");
                await().until(() -> sink.results.size() >= 20);
                assertTrue(sink.allOf("1"));
                assertEquals(1, service.ota().agent("ad01").orElseThrow().installedVersion().orElseThrow(),
                        "the slot store agrees with what runs");
            } finally {
                service.close();
            }
        }
    }

    @Test
    void a_model_that_does_not_fit_the_stream_is_rejected_with_its_reason(MosquittoBroker broker) throws Exception {
        Path config = config(broker.uri(), "{windows: 20}");
        try (MqttLink pub = link(broker.uri(), "publisher"); MqttLink watcher = link(broker.uri(), "watcher")) {
            await().until(() -> pub.isConnected() && watcher.isConnected());
            watcher.subscribe(STATUS, 1, m -> statuses.add(m.payloadText())).get(5, TimeUnit.SECONDS);
            Recorder sink = new Recorder();
            GatewayService service = start(config, sink);
            try {
                awaitStatus("active", 1, "");
                publish(pub, 2, packer.pack(Packer.Spec.of("ad01", 2), TestModels.bytes("kws01_dscnn_int8.tflite")));
                awaitStatus("rejected", 2, "reason=input-contract\ndetail=stream toycar gives 640 values");
                int before = sink.results.size();
                await().until(() -> sink.results.size() >= before + 20);
                assertTrue(sink.allOf("1"), "the active model is untouched");
                assertEquals(1, service.ota().agent("ad01").orElseThrow().installedVersion().orElseThrow());
                String m = service.metrics().render();
                assertTrue(m.contains("octet_ota_rejections_total{model=\"ad01\",reason=\"input-contract\"} 1\n"), m);
                assertTrue(m.contains("octet_ota_updates_total{model=\"ad01\",outcome=\"rejected\"} 1\n"), m);
                assertTrue(m.contains("octet_ota_updates_total{model=\"ad01\",outcome=\"activated\"} 0\n"), m);
                assertTrue(m.contains("octet_ota_active_version{model=\"ad01\"} 1\n"), m);
            } finally {
                service.close();
            }
        }
    }

    @Test
    void a_version_failing_its_health_watch_is_rolled_back_and_never_taken_again(MosquittoBroker broker)
            throws Exception {
        Path config = config(broker.uri(), "{windows: 20, max_bad_outputs: 0}");
        byte[] v1 = ad01();
        try (MqttLink pub = link(broker.uri(), "publisher"); MqttLink watcher = link(broker.uri(), "watcher")) {
            await().until(() -> pub.isConnected() && watcher.isConnected());
            watcher.subscribe(STATUS, 1, m -> statuses.add(m.payloadText())).get(5, TimeUnit.SECONDS);
            Recorder first = new Recorder();
            GatewayService service = start(config, first);
            try {
                awaitStatus("active", 1, "");
                await().until(() -> first.count("1") >= 20);
                publish(pub, 3, packer.pack(Packer.Spec.of("ad01", 3), zeroedHead(v1)));
                awaitStatus("rolled-back", 3, "reason=health-outputs");
                // That v3 passed validation and went live shows in the results below (1, 3, 1); its "active" status
                // itself may never reach the broker: the agent keeps only the latest of the statuses queued behind
                // one in flight, and "rolled-back" can follow "active" within a window.
                assertTrue(statuses.stream().anyMatch(s -> s.startsWith("state=rolled-back\nmodel-id=ad01\nversion=3\n")
                        && s.endsWith("active-version=1\n")), statuses.toString());
                assertFalse(statuses.stream().anyMatch(s -> s.contains("\nversion=3\n")
                        && s.contains("health=passed")), "v3 never passed its watch: " + statuses);
                await().until(() -> service.metrics().render().contains(
                        "octet_ota_rollbacks_total{model=\"ad01\",reason=\"health-outputs\"} 1\n"));
                String m = service.metrics().render();
                assertTrue(m.contains("octet_ota_updates_total{model=\"ad01\",outcome=\"rolled_back\"} 1\n"), m);
                assertTrue(m.contains("octet_ota_updates_total{model=\"ad01\",outcome=\"passed\"} 0\n"), m);
                assertTrue(m.contains("octet_ota_active_version{model=\"ad01\"} 1\n"), m);
                await().until(() -> {
                    List<InferenceResult> r = List.copyOf(first.results); // a snapshot: it grows meanwhile
                    return r.size() > 20 && r.subList(r.size() - 20, r.size()).stream()
                            .allMatch(x -> x.modelVersion().equals("1"));
                });
            } finally {
                service.close();
            }
            // v3 ran on consecutive windows and v1 took over again on the next one.
            List<String> versions = new ArrayList<>();
            for (int i = 0; i < first.results.size(); i++) {
                if (i > 0) {
                    assertEquals(first.results.get(i - 1).windowSequence() + 1, first.results.get(i).windowSequence());
                }
                String v = first.results.get(i).modelVersion();
                if (versions.isEmpty() || !versions.get(versions.size() - 1).equals(v)) {
                    versions.add(v);
                }
            }
            assertEquals(List.of("1", "3", "1"), versions);

            // Restart: the retained announcement of v3 is still there; it is not taken again.
            statuses.clear();
            Recorder second = new Recorder();
            GatewayService again = start(config, second);
            try {
                await().until(() -> second.results.size() >= 50);
                awaitStatus("rolled-back", 3, "reason=health-outputs");
                assertTrue(second.allOf("1"));
                assertFalse(statuses.stream().anyMatch(s -> s.contains("state=downloading")
                        || s.startsWith("state=active\nmodel-id=ad01\nversion=3")), statuses.toString());
            } finally {
                again.close();
            }
        }
    }

    /** Two updatable models on one gateway: ad01 and ad02 (the same file under another id), one stream each. */
    private Path twoModelConfig(String uri) throws Exception {
        Path keys = Files.createDirectories(tmp.resolve("keys"));
        Keys.writePublic(keys.resolve("release-1.pub"), "release-1", KEY.getPublic());
        Path f = tmp.resolve("octet-two.yaml");
        String stream = """
                  - id: %s
                    source: {type: replay_features, file: "bundled:ad01_spectrogram", loop: true, pace: true}
                    sample_rate_hz: 250
                    channels: 128
                    windows: {size: 5, stride: 1}
                    model: %s
                    postprocess:
                      - anomaly_score: {threshold: 20.0}
                    queue: {capacity: 64, backpressure: block}
                """;
        Files.writeString(f, """
                gateway: {id: gw-ota}
                models:
                  - {id: ad01, path: "bundled:ad01", version: "1"}
                  - {id: ad02, path: "bundled:ad01", version: "1"}
                streams:
                %s%s
                queues:
                  results: {capacity: 4096, backpressure: block}
                sinks:
                  - {type: file, path: results.jsonl}
                mqtt: {uri: "%s", client_id: octet-gw-ota}
                ota:
                  trusted_keys: [keys/release-1.pub]
                  device_class: pi4
                  models:
                    - {id: ad01, latency_budget_ms: 2000, health_watch: {windows: 10}}
                    - {id: ad02, latency_budget_ms: 2000, health_watch: {windows: 10}}
                """.formatted(stream.formatted("toycar-1", "ad01"), stream.formatted("toycar-2", "ad02"), uri));
        return f;
    }

    @Test
    void two_updatable_models_on_one_gateway_update_independently_and_report_on_their_own_topics(
            MosquittoBroker broker) throws Exception {
        Path config = twoModelConfig(broker.uri());
        byte[] v1 = ad01();
        byte[] v2 = retrained(v1);
        List<String> perModel = new CopyOnWriteArrayList<>();
        try (MqttLink pub = link(broker.uri(), "publisher"); MqttLink watcher = link(broker.uri(), "watcher")) {
            await().until(() -> pub.isConnected() && watcher.isConnected());
            watcher.subscribe(STATUS + "/+", 1, m -> perModel.add(m.topic() + " " + m.payloadText()))
                    .get(5, TimeUnit.SECONDS);
            watcher.subscribe(STATUS, 1, m -> statuses.add(m.payloadText())).get(5, TimeUnit.SECONDS);
            Recorder sink = new Recorder();
            GatewayService service = start(config, sink);
            try {
                for (String model : List.of("ad01", "ad02")) {
                    await().until(() -> perModel.stream().anyMatch(s -> s.startsWith(STATUS + "/" + model
                            + " state=active\nmodel-id=" + model + "\nversion=1\nactive-version=1\nhealth=passed")));
                }
                // ad02 v2 goes through a staged rollout (one gateway), which follows the per-model status topic.
                Path pkg = tmp.resolve("ad02-v2.otapkg");
                Files.write(pkg, packer.pack(Packer.Spec.of("ad02", 2), v2, Optional.of(new Packer.Base(1, v1))));
                var announcement = new PackagePublisher(pub, Topics.DEFAULT).publishChunks("ad02", 2, pkg, 16384)
                        .get(30, TimeUnit.SECONDS);
                var rollout = dev.octet.ota.rollout.RolloutCoordinator.start(pub, Topics.DEFAULT,
                        tmp.resolve("ad02.rollout"), new dev.octet.ota.rollout.RolloutPlan("ad02", 2,
                                List.of("gw-ota"), List.of(), List.of(), 1.0, 1), announcement);
                await().until(() -> rollout.state() == dev.octet.ota.rollout.RolloutCoordinator.State.DONE);
                assertEquals("active", rollout.gateways().get("gw-ota"), rollout.table());
                // Then ad01 v3, announced to everyone: the other agent takes it, ad02 keeps v2.
                Files.write(tmp.resolve("ad01-v3.otapkg"), packer.pack(Packer.Spec.of("ad01", 3), v2));
                new PackagePublisher(pub, Topics.DEFAULT).publish("ad01", 3, tmp.resolve("ad01-v3.otapkg"), 16384)
                        .get(30, TimeUnit.SECONDS);
                await().until(() -> perModel.stream().anyMatch(s -> s.startsWith(STATUS + "/ad01 state=active\n"
                        + "model-id=ad01\nversion=3\nactive-version=3\nhealth=passed")));
                await().until(() -> {
                    List<InferenceResult> r = List.copyOf(sink.results);
                    return r.stream().filter(x -> x.streamId().equals("toycar-1")).reduce((a, b) -> b)
                            .map(x -> x.modelVersion().equals("3")).orElse(false)
                            && r.stream().filter(x -> x.streamId().equals("toycar-2")).reduce((a, b) -> b)
                            .map(x -> x.modelVersion().equals("2")).orElse(false);
                });
                assertEquals(3, service.ota().agent("ad01").orElseThrow().installedVersion().orElseThrow());
                assertEquals(2, service.ota().agent("ad02").orElseThrow().installedVersion().orElseThrow());
                assertTrue(sink.results.stream().noneMatch(x -> x.streamId().equals("toycar-1")
                        && x.modelVersion().equals("2")), "ad01 never ran ad02's update");
                String m = service.metrics().render();
                assertTrue(m.contains("octet_ota_active_version{model=\"ad01\"} 3\n"), m);
                assertTrue(m.contains("octet_ota_active_version{model=\"ad02\"} 2\n"), m);
                assertEquals(List.of(), statuses, "nothing on the single-model status topic");
            } finally {
                service.close();
            }
        }
    }

    @Test
    void a_restart_during_the_health_watch_watches_the_new_version_again_until_its_verdict(MosquittoBroker broker)
            throws Exception {
        byte[] v1 = ad01();
        byte[] v2 = retrained(v1);
        try (MqttLink pub = link(broker.uri(), "publisher"); MqttLink watcher = link(broker.uri(), "watcher")) {
            await().until(() -> pub.isConnected() && watcher.isConnected());
            watcher.subscribe(STATUS, 1, m -> statuses.add(m.payloadText())).get(5, TimeUnit.SECONDS);
            // A watch far longer than this run: the service stops while v2 is still watched.
            Recorder first = new Recorder();
            GatewayService service = start(config(broker.uri(), "{windows: 1000000}"), first);
            try {
                awaitStatus("active", 1, "active-version=1\nhealth=passed\n");
                publish(pub, 2, packer.pack(Packer.Spec.of("ad01", 2), v2, Optional.of(new Packer.Base(1, v1))));
                awaitStatus("active", 2, "active-version=2\nhealth=watching\n");
                await().until(() -> first.count("2") >= 5);
                assertTrue(service.ota().healthWatchState("ad01").startsWith("WATCHING"));
            } finally {
                service.close();
            }
            // Restarted with a short watch: v2 is watched again from its first window and passes.
            statuses.clear();
            Recorder second = new Recorder();
            GatewayService again = start(config(broker.uri(), "{windows: 20}"), second);
            try {
                awaitStatus("active", 2, "active-version=2\nhealth=passed\n");
                // The verdict came from 20 windows watched in this run.
                assertTrue(again.ota().healthWatchState("ad01").startsWith("PASSED: passed: 20 windows"),
                        again.ota().healthWatchState("ad01"));
                assertTrue(again.metrics().render().contains(
                        "octet_ota_updates_total{model=\"ad01\",outcome=\"passed\"} 1\n"));
            } finally {
                again.close();
            }
        }
    }
}
