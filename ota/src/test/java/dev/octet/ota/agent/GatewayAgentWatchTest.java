package dev.octet.ota.agent;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.mqtt.LinkState;
import dev.octet.mqtt.MqttLink;
import dev.octet.ota.TestModels;
import dev.octet.ota.pkg.Keys;
import dev.octet.ota.pkg.Packer;
import dev.octet.ota.pkg.TrustStore;
import dev.octet.ota.slot.SlotStore;
import dev.octet.ota.transfer.Topics;
import dev.octet.testing.MosquittoBroker;
import dev.octet.testing.MosquittoExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A version that ever ran is watched until its verdict, whatever status was saved meanwhile (the durable
 * {@code watching} marker), the runtime runs a new model before the slot store names it, a rollback that could not
 * switch the slot store is done again at the next start, and an agent whose start failed republishes nothing.
 */
@ExtendWith(MosquittoExtension.class)
class GatewayAgentWatchTest {
    private static final KeyPair KEY = Keys.generate();

    @TempDir
    Path tmp;

    private final List<String> statuses = new CopyOnWriteArrayList<>();
    /** "activate v" or "restore v", in call order. */
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final Packer packer = new Packer(KEY.getPrivate(), "k1", Clock.systemUTC());
    private byte[] v1;

    @BeforeAll
    static void pollQuickly() {
        Awaitility.setDefaultPollInterval(Duration.ofMillis(5));
        Awaitility.setDefaultTimeout(Duration.ofSeconds(20));
    }

    @BeforeEach
    void loadBaseline() throws Exception {
        v1 = TestModels.int8("kws01_dscnn_int8");
    }

    private static MqttLink link(String uri, String id) {
        return AgentFixtures.link(uri, id);
    }

    private Path stateDir() {
        return tmp.resolve("state");
    }

    private GatewayAgent.Config config(Path state) {
        return new GatewayAgent.Config("gw-w", "kws", "pi4", "0.1.0", TrustStore.empty().trust("k1", KEY.getPublic()),
                1 << 20, 1 << 20, state, Topics.DEFAULT);
    }

    private byte[] variant(int seed) throws Exception {
        return AgentFixtures.variant(v1, seed);
    }

    private Path pack(long version, byte[] model) throws Exception {
        return AgentFixtures.pack(packer, tmp, version, model);
    }

    private static void publishFile(MqttLink pub, long version, Path f) throws Exception {
        AgentFixtures.publishFile(pub, version, f);
    }

    private void awaitStatus(String state, long version, String extra) {
        AgentFixtures.awaitStatus(statuses, state, version, extra);
    }

    /** The agent's own latest status (not a retained one left by an earlier run). */
    private static void awaitLatest(GatewayAgent agent, String state, long version, String extra) {
        String prefix = "state=" + state + "\nmodel-id=kws\nversion=" + version + "\n" + extra;
        await().until(() -> agent.latestStatus() != null && agent.latestStatus().startsWith(prefix));
    }

    /** A runtime that watches health, recording each call; {@code during} runs inside every activation. */
    private ModelActivator watchingRuntime(ThrowingRunnable during) {
        return new ModelActivator() {
            @Override
            public void activate(String modelId, long version, byte[] model) throws Exception {
                during.run(version);
                calls.add("activate " + version);
            }

            @Override
            public void restore(String modelId, long version, byte[] model) {
                calls.add("restore " + version);
            }

            @Override
            public boolean watchesHealth() {
                return true;
            }
        };
    }

    interface ThrowingRunnable {
        void run(long version) throws Exception;
    }

    private GatewayAgent agent(MqttLink gw, Path state, ModelValidator validator, ModelActivator activator)
            throws Exception {
        GatewayAgent a = new GatewayAgent(config(state), gw, validator, activator, () -> 1L << 30);
        a.installBaseline(1, v1);
        return a;
    }

    private void subscribe(MqttLink gw) throws Exception {
        gw.subscribe(config(stateDir()).statusTopic(), 1, m -> statuses.add(m.payloadText()))
                .get(5, TimeUnit.SECONDS);
    }

    /** The versions the watch marker lists ("" for none or no marker). */
    private static String marker(Path state) throws IOException {
        Path f = state.resolve("watching");
        return Files.exists(f) ? Files.readString(f).trim() : "";
    }

    private static Optional<Long> slotVersion(Path state) throws IOException {
        return SlotStore.open(state.resolve("slots")).active().map(SlotStore.SlotModel::version);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (!p.getFileName().toString().endsWith(".part")) {
                    Files.copy(p, target);
                }
            }
        }
    }

    @Test
    void the_runtime_runs_a_new_version_before_the_slot_store_names_it_and_a_death_there_restarts_on_the_old(
            MosquittoBroker broker) throws Exception {
        Path snapshot = tmp.resolve("died-in-activation");
        List<String> seen = new CopyOnWriteArrayList<>();
        try (MqttLink pub = link(broker.uri(), "publisher"); MqttLink gw = link(broker.uri(), "gw-w")) {
            await().until(() -> pub.isConnected() && gw.isConnected());
            subscribe(gw);
            GatewayAgent agent = agent(gw, stateDir(), (m, b) -> { }, watchingRuntime(version -> {
                if (version == 2 && !Files.exists(snapshot)) {
                    // What a death (out of memory) inside the activation would leave on disk.
                    seen.add("slot store names v" + slotVersion(stateDir()).orElseThrow());
                    seen.add("watching " + Files.readString(stateDir().resolve("watching")).trim());
                    copyTree(stateDir(), snapshot);
                }
            }));
            agent.start();
            publishFile(pub, 2, pack(2, variant(21)));
            awaitStatus("active", 2, "active-version=2\nhealth=watching");
            assertEquals(List.of("slot store names v1", "watching 2"), seen);
            assertEquals(2, slotVersion(stateDir()).orElseThrow());
        }
        // The restart after that death: the old model, nothing pending, the install tried once more.
        calls.clear();
        statuses.clear();
        try (MqttLink pub = link(broker.uri(), "publisher2"); MqttLink gw = link(broker.uri(), "gw-w2")) {
            await().until(() -> pub.isConnected() && gw.isConnected());
            subscribe(gw);
            GatewayAgent restarted = agent(gw, snapshot, (m, b) -> { }, watchingRuntime(version -> { }));
            assertEquals(Optional.empty(), restarted.healthPending(), "v1 runs; v2 never did after the restart");
            restarted.start();
            await().until(() -> calls.contains("activate 2")); // retried from the retained announcement
            awaitLatest(restarted, "active", 2, "active-version=2\nhealth=watching");
            assertEquals(List.of("activate 2"), calls);
            assertEquals(2, restarted.installedVersion().orElseThrow());
        }
    }

    @Test
    void an_activation_that_fails_leaves_the_slot_store_and_the_watch_marker_as_they_were(MosquittoBroker broker)
            throws Exception {
        try (MqttLink pub = link(broker.uri(), "publisher"); MqttLink gw = link(broker.uri(), "gw-w")) {
            await().until(() -> pub.isConnected() && gw.isConnected());
            subscribe(gw);
            GatewayAgent agent = agent(gw, stateDir(), (m, b) -> { }, watchingRuntime(version -> {
                throw new IllegalStateException("no memory for the interpreters");
            }));
            agent.start();
            publishFile(pub, 2, pack(2, variant(22)));
            awaitStatus("rejected", 2, "reason=activation-failed\ndetail=no memory for the interpreters\n"
                    + "active-version=1");
            assertEquals(1, slotVersion(stateDir()).orElseThrow(), "the store never named v2");
            assertEquals("", marker(stateDir()), "no watch pending");
            assertFalse(Files.exists(stateDir().resolve("installing")));
        }
    }

    @Test
    void a_slot_store_that_cannot_take_the_activated_model_gets_the_old_model_put_back(MosquittoBroker broker)
            throws Exception {
        try (MqttLink pub = link(broker.uri(), "publisher"); MqttLink gw = link(broker.uri(), "gw-w")) {
            await().until(() -> pub.isConnected() && gw.isConnected());
            subscribe(gw);
            GatewayAgent agent = agent(gw, stateDir(), (m, b) -> { }, watchingRuntime(version -> { }));
            agent.start();
            Files.createDirectories(stateDir().resolve("slots").resolve("active.tmp").resolve("x")); // full disk
            publishFile(pub, 2, pack(2, variant(26)));
            awaitStatus("rejected", 2, "reason=io-error\ndetail=slot store install failed: ");
            assertEquals(List.of("activate 2", "restore 1"), calls, "v1 runs again, unwatched");
            assertEquals(1, agent.installedVersion().orElseThrow());
            assertTrue(agent.latestStatus().contains("\nactive-version=1\n"), agent.latestStatus());
            assertEquals("", marker(stateDir()), "no watch pending");
        }
    }

    @Test
    void a_refusal_during_the_watch_does_not_end_it_and_a_restart_watches_again_until_the_verdict(
            MosquittoBroker broker) throws Exception {
        byte[] v3 = variant(24);
        try (MqttLink pub = link(broker.uri(), "publisher"); MqttLink gw = link(broker.uri(), "gw-w")) {
            await().until(() -> pub.isConnected() && gw.isConnected());
            subscribe(gw);
            ModelValidator refusesV3 = (manifest, model) -> {
                if (manifest.version() == 3) {
                    throw new ModelValidator.InvalidModelException("input-contract", "not this stream's input");
                }
            };
            GatewayAgent agent = agent(gw, stateDir(), refusesV3, watchingRuntime(version -> { }));
            agent.start();
            publishFile(pub, 2, pack(2, variant(23)));
            awaitStatus("active", 2, "active-version=2\nhealth=watching");
            publishFile(pub, 3, pack(3, v3));
            awaitStatus("rejected", 3, "reason=input-contract");
            assertTrue(Files.readString(stateDir().resolve("status")).startsWith("state=rejected"),
                    "the saved status is the refusal");
        }
        statuses.clear();
        try (MqttLink gw = link(broker.uri(), "gw-w")) {
            await().until(gw::isConnected);
            subscribe(gw);
            GatewayAgent restarted = agent(gw, stateDir(), (m, b) -> { }, watchingRuntime(version -> { }));
            assertEquals(Optional.of(2L), restarted.healthPending(), "v2 still has no verdict");
            restarted.start();
            awaitLatest(restarted, "active", 2, "active-version=2\nhealth=watching");
            assertTrue(restarted.healthPassed(2));
            awaitStatus("active", 2, "active-version=2\nhealth=passed");
            assertEquals("", marker(stateDir()), "cleared by the verdict");
        }
        statuses.clear();
        try (MqttLink gw = link(broker.uri(), "gw-w")) {
            await().until(gw::isConnected);
            subscribe(gw);
            GatewayAgent again = agent(gw, stateDir(), (m, b) -> { }, watchingRuntime(version -> { }));
            assertEquals(Optional.empty(), again.healthPending());
            again.start();
            awaitLatest(again, "active", 2, "active-version=2\nhealth=passed");
        }
    }

    @Test
    void a_rollback_that_could_not_switch_the_slot_store_is_done_again_at_the_next_start(MosquittoBroker broker)
            throws Exception {
        Path blocker = stateDir().resolve("slots").resolve("active.tmp");
        try (MqttLink pub = link(broker.uri(), "publisher"); MqttLink gw = link(broker.uri(), "gw-w")) {
            await().until(() -> pub.isConnected() && gw.isConnected());
            subscribe(gw);
            GatewayAgent agent = agent(gw, stateDir(), (m, b) -> { }, watchingRuntime(version -> { }));
            agent.start();
            publishFile(pub, 2, pack(2, variant(25)));
            awaitStatus("active", 2, "active-version=2\nhealth=watching");
            Files.createDirectories(blocker.resolve("x"));
            assertTrue(agent.rollback(2, "health-outputs: constant"));
            awaitStatus("rolled-back", 2, "reason=health-outputs: constant\nactive-version=1\n"
                    + "warning=slot-store-not-switched: ");
            assertEquals(2, agent.installedVersion().orElseThrow());
        }
        Files.delete(blocker.resolve("x"));
        Files.delete(blocker);
        calls.clear();
        statuses.clear();
        try (MqttLink gw = link(broker.uri(), "gw-w")) {
            await().until(gw::isConnected);
            subscribe(gw);
            // The restarted runtime runs v2 (the slot store names it); nothing may call it a success.
            GatewayAgent restarted = agent(gw, stateDir(), (m, b) -> { }, watchingRuntime(version -> { }));
            assertEquals(Optional.empty(), restarted.healthPending(), "no watch: it is rolled back");
            restarted.start();
            awaitLatest(restarted, "rolled-back", 2, "reason=health-outputs: constant\nactive-version=1\n");
            assertFalse(restarted.latestStatus().contains("warning"), restarted.latestStatus());
            assertEquals(List.of("restore 1"), calls);
            assertEquals(1, slotVersion(stateDir()).orElseThrow());
            assertFalse(Files.exists(stateDir().resolve("rolling-back")));
            assertFalse(statuses.stream().anyMatch(s -> s.contains("health=passed")), statuses.toString());
        }
    }

    @Test
    void state_from_before_the_marker_keeps_a_watch_the_status_says_is_pending(MosquittoBroker broker)
            throws Exception {
        try (MqttLink gw = link(broker.uri(), "gw-w")) {
            await().until(gw::isConnected);
            agent(gw, stateDir(), (m, b) -> { }, watchingRuntime(version -> { })); // the baseline, v1
            SlotStore.open(stateDir().resolve("slots")).install("kws", 2, variant(27));
            new AgentMemory(stateDir()).rememberStatus("state=active\nmodel-id=kws\nversion=2\nactive-version=2"
                    + GatewayAgent.HEALTH_WATCHING + "\n");
            GatewayAgent upgraded = new GatewayAgent(config(stateDir()), gw, (m, b) -> { },
                    watchingRuntime(version -> { }), () -> 1L << 30);
            assertEquals(Optional.of(2L), upgraded.healthPending());
            upgraded.start();
            awaitLatest(upgraded, "active", 2, "active-version=2\nhealth=watching");
            assertTrue(upgraded.healthPassed(2));
            assertEquals(Optional.empty(), upgraded.healthPending(), "the verdict is in the marker now");
        }
    }

    @Test
    void an_agent_whose_start_fails_does_not_republish_after_a_reconnection(MosquittoBroker broker)
            throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        try (MqttLink gw = link(broker.uri(), "gw-w")) {
            await().until(gw::isConnected);
            gw.subscribe(config(stateDir()).statusTopic(), 1, m -> seen.add("status")).get(5, TimeUnit.SECONDS);
            gw.subscribe("test/sentinel", 1, m -> seen.add("sentinel")).get(5, TimeUnit.SECONDS);
            GatewayAgent agent = agent(gw, stateDir(), (m, b) -> { }, watchingRuntime(version -> { }));
            Files.createDirectories(stateDir().resolve("installing")); // unreadable state: start() fails late
            assertThrows(IOException.class, agent::start);
            await().until(() -> seen.contains("status")); // it had reported before failing
            // Published on every reconnection after whatever the agent's listener (registered earlier) sends.
            gw.addListener((from, to) -> {
                if (to == LinkState.CONNECTED) {
                    gw.publish("test/sentinel", "x".getBytes(StandardCharsets.UTF_8), 1, false);
                }
            });
            seen.clear();
            long generation = gw.connectionGeneration();
            broker.restart();
            await().until(() -> gw.connectionGeneration() > generation && seen.contains("sentinel"));
            assertEquals(List.of("sentinel"), seen, "the failed agent republished its status");
        }
    }
}
