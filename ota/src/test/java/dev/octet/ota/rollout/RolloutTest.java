package dev.octet.ota.rollout;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.mqtt.MqttLink;
import dev.octet.mqtt.MqttSettings;
import dev.octet.ota.TestModels;
import dev.octet.ota.agent.GatewayAgent;
import dev.octet.ota.agent.ModelActivator;
import dev.octet.ota.agent.ModelValidator;
import dev.octet.ota.delta.TfliteBuffers;
import dev.octet.ota.pkg.Keys;
import dev.octet.ota.pkg.Packer;
import dev.octet.ota.pkg.TrustStore;
import dev.octet.ota.transfer.Announcement;
import dev.octet.ota.transfer.PackagePublisher;
import dev.octet.ota.transfer.Topics;
import dev.octet.testing.MosquittoBroker;
import dev.octet.testing.MosquittoExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(MosquittoExtension.class)
class RolloutTest {
    private static final KeyPair KEY = Keys.generate();
    private static final int GATEWAYS = 10;

    @TempDir
    Path tmp;

    private final List<MqttLink> links = new ArrayList<>();
    private final List<GatewayAgent> agents = new ArrayList<>();

    @BeforeAll
    static void pollQuickly() {
        Awaitility.setDefaultPollInterval(Duration.ofMillis(10));
        Awaitility.setDefaultTimeout(Duration.ofSeconds(30));
    }

    /** Gives the simulated health watches' verdicts to the agents off their MQTT callback threads. */
    private final ExecutorService verdicts = Executors.newSingleThreadExecutor();

    @AfterEach
    void closeLinks() {
        verdicts.shutdownNow();
        links.forEach(MqttLink::close);
    }

    private MqttLink link(String uri, String id) {
        MqttLink l = MqttLink.start(MqttSettings.builder(uri, id).keepAlive(Duration.ofSeconds(10))
                .connectionTimeout(Duration.ofSeconds(5))
                .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200)).build());
        links.add(l);
        return l;
    }

    private static String gw(int i) {
        return "gw-" + i;
    }

    private Announcement setUp(MosquittoBroker broker, int faulty) throws Exception {
        for (int i = 0; i < GATEWAYS; i++) {
            var config = new GatewayAgent.Config(gw(i), "kws", "pi4", "0.1.0",
                    TrustStore.empty().trust("k1", KEY.getPublic()), 1 << 20, 1 << 20, tmp.resolve(gw(i)),
                    Topics.DEFAULT);
            ModelValidator validator = i == faulty
                    ? (m, model) -> {
                        throw new ModelValidator.InvalidModelException("dry run: output out of range");
                    }
                    : ModelValidator.ACCEPT_ALL;
            GatewayAgent agent = new GatewayAgent(config, link(broker.uri(), gw(i)), validator, model -> { });
            agents.add(agent);
        }
        await().until(() -> links.stream().allMatch(MqttLink::isConnected));
        for (GatewayAgent a : agents) {
            a.start();
        }
        MqttLink pub = link(broker.uri(), "publisher");
        await().until(pub::isConnected);
        Path pkg = tmp.resolve("kws-v1.otapkg");
        Files.write(pkg, new Packer(KEY.getPrivate(), "k1", Clock.systemUTC())
                .pack(Packer.Spec.of("kws", 1), TestModels.int8("kws01_dscnn_int8")));
        return new PackagePublisher(pub, Topics.DEFAULT).publishChunks("kws", 1, pkg, 8192)
                .get(20, TimeUnit.SECONDS);
    }

    private static RolloutPlan plan() {
        return plan(1);
    }

    private static RolloutPlan plan(long version) {
        List<String> all = new ArrayList<>();
        for (int i = 0; i < GATEWAYS; i++) {
            all.add(gw(i));
        }
        return new RolloutPlan("kws", version, all, List.of(gw(0)), List.of(50, 100), 1.0, 1);
    }

    /**
     * Agents that run kws v1 and whose runtime watches health (as {@code octet run} does): a healthy gateway's
     * watch passes right after the activation; the watch of {@code rollsBack} fails when {@code failWatch}
     * completes, and its agent rolls v2 back. Publishes v2 (retrained weights) and returns its announcement.
     */
    private Announcement setUpWatched(MosquittoBroker broker, int rollsBack, CompletableFuture<Void> failWatch)
            throws Exception {
        byte[] v1 = TestModels.int8("kws01_dscnn_int8");
        byte[] v2 = TestModels.perturb(v1, TfliteBuffers.locate(v1).subList(0, 2), 5);
        for (int i = 0; i < GATEWAYS; i++) {
            var config = new GatewayAgent.Config(gw(i), "kws", "pi4", "0.1.0",
                    TrustStore.empty().trust("k1", KEY.getPublic()), 1 << 20, 1 << 20, tmp.resolve(gw(i)),
                    Topics.DEFAULT);
            GatewayAgent[] self = new GatewayAgent[1];
            boolean faulty = i == rollsBack;
            ModelActivator watched = new ModelActivator() {
                @Override
                public void activate(String modelId, long version, byte[] model) {
                    if (version == 1) {
                        return; // the rollback target going back into service: nothing to watch
                    }
                    if (faulty) {
                        failWatch.thenRunAsync(() -> rollback(self[0], version), verdicts);
                    } else {
                        verdicts.execute(() -> self[0].healthPassed(version));
                    }
                }

                @Override
                public boolean watchesHealth() {
                    return true;
                }
            };
            self[0] = new GatewayAgent(config, link(broker.uri(), gw(i)), ModelValidator.ACCEPT_ALL, watched);
            self[0].installBaseline(1, v1);
            agents.add(self[0]);
        }
        await().until(() -> links.stream().allMatch(MqttLink::isConnected));
        for (GatewayAgent a : agents) {
            a.start();
        }
        MqttLink pub = link(broker.uri(), "publisher");
        await().until(pub::isConnected);
        Path pkg = tmp.resolve("kws-v2.otapkg");
        Files.write(pkg, new Packer(KEY.getPrivate(), "k1", Clock.systemUTC()).pack(Packer.Spec.of("kws", 2), v2));
        return new PackagePublisher(pub, Topics.DEFAULT).publishChunks("kws", 2, pkg, 8192)
                .get(20, TimeUnit.SECONDS);
    }

    private static void rollback(GatewayAgent agent, long version) {
        try {
            agent.rollback(version, "health-outputs: constant outputs");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void waves_are_planned_from_the_canary_and_cumulative_percentages() {
        assertEquals(List.of(List.of("gw-0"), List.of("gw-1", "gw-2", "gw-3", "gw-4"),
                List.of("gw-5", "gw-6", "gw-7", "gw-8", "gw-9")), plan().waves());
    }

    @Test
    void a_rollout_across_ten_gateways_succeeds(MosquittoBroker broker) throws Exception {
        Announcement a = setUp(broker, -1);
        MqttLink control = link(broker.uri(), "rollout");
        await().until(control::isConnected);
        RolloutCoordinator c = RolloutCoordinator.start(control, Topics.DEFAULT, tmp.resolve("rollout.state"),
                plan(), a);
        await().until(() -> c.state() == RolloutCoordinator.State.DONE);
        assertTrue(c.gateways().values().stream().allMatch("active"::equals), c.table());
        byte[] model = TestModels.int8("kws01_dscnn_int8");
        for (GatewayAgent agent : agents) {
            assertArrayEquals(model, agent.activeModel());
        }
        assertTrue(c.table().contains("DONE, wave 3/3, 10/10 active"), c.table());
    }

    @Test
    void a_faulty_gateway_pauses_the_rollout_at_its_wave_and_the_state_survives_a_restart(MosquittoBroker broker)
            throws Exception {
        Announcement a = setUp(broker, 3);
        MqttLink control = link(broker.uri(), "rollout");
        await().until(control::isConnected);
        Path state = tmp.resolve("rollout.state");
        RolloutCoordinator c = RolloutCoordinator.start(control, Topics.DEFAULT, state, plan(), a);
        await().until(() -> c.state() == RolloutCoordinator.State.PAUSED);
        assertEquals(1, c.wave(), "paused in the second wave");
        assertEquals("rejected (invalid-model)", c.gateways().get("gw-3"), c.table());
        for (int i = 5; i < GATEWAYS; i++) {
            assertEquals("pending", c.gateways().get(gw(i)), "wave 3 never announced: " + c.table());
            assertTrue(agents.get(i).installedVersion().isEmpty());
        }
        assertTrue(agents.get(0).installedVersion().isPresent(), "the canary updated");

        control.close();
        MqttLink again = link(broker.uri(), "rollout-2");
        await().until(again::isConnected);
        RolloutCoordinator resumed = RolloutCoordinator.resume(again, Topics.DEFAULT, state);
        assertEquals(RolloutCoordinator.State.PAUSED, resumed.state());
        assertEquals(1, resumed.wave());
        assertTrue(resumed.pauseReason().contains("1 gateway(s) failed"), resumed.pauseReason());
        resumed.abort();
        assertEquals(RolloutCoordinator.State.ABORTED, RolloutCoordinator.resume(again, Topics.DEFAULT, state).state());
    }

    @Test
    void a_gateway_under_its_health_watch_holds_its_wave_and_its_rollback_counts_as_a_failure(
            MosquittoBroker broker) throws Exception {
        CompletableFuture<Void> failWatch = new CompletableFuture<>();
        Announcement a = setUpWatched(broker, 3, failWatch);
        MqttLink control = link(broker.uri(), "rollout");
        await().until(control::isConnected);
        RolloutCoordinator c = RolloutCoordinator.start(control, Topics.DEFAULT, tmp.resolve("rollout.state"),
                plan(2), a);

        // gw-3 runs v2 but its watch has not ended: the wave waits (success 1.0), nobody of wave 3 is announced.
        await().until(() -> RolloutCoordinator.WATCHING.equals(c.gateways().get("gw-3"))
                && List.of(0, 1, 2, 4).stream().allMatch(i -> "active".equals(c.gateways().get(gw(i)))));
        assertEquals(RolloutCoordinator.State.RUNNING, c.state(), c.table());
        assertEquals(1, c.wave(), c.table());
        assertTrue(c.table().contains("4/10 active") && c.table().contains("active (health watch)"), c.table());
        assertTrue(agents.get(3).latestStatus().endsWith("active-version=2\nhealth=watching\n"),
                agents.get(3).latestStatus());
        assertTrue(agents.get(1).latestStatus().endsWith("active-version=2\nhealth=passed\n"),
                agents.get(1).latestStatus());

        // Its watch fails: the agent rolls back to v1, and the rollback reaches the failure limit.
        failWatch.complete(null);
        await().until(() -> c.state() == RolloutCoordinator.State.PAUSED);
        assertEquals("rolled-back (health-outputs: constant outputs)", c.gateways().get("gw-3"), c.table());
        assertEquals(1, c.wave());
        assertTrue(c.pauseReason().contains("1 gateway(s) failed"), c.pauseReason());
        assertEquals(1L, agents.get(3).installedVersion().orElseThrow(), "gw-3 is back on v1");
        for (int i = 5; i < GATEWAYS; i++) {
            assertEquals("pending", c.gateways().get(gw(i)), "wave 3 never announced: " + c.table());
            assertEquals(1L, agents.get(i).installedVersion().orElseThrow());
        }
    }

    /**
     * A gateway whose health watch failed and whose rollback then failed too still runs the bad version: the worst
     * outcome, so it counts as a failure (the canary here: the rollout pauses before the first wave).
     */
    @Test
    void a_failed_rollback_counts_as_a_failure(MosquittoBroker broker) throws Exception {
        String sha = "0".repeat(64);
        Announcement a = new Announcement("kws", 2, 100, sha, 100, List.of(sha));
        MqttLink control = link(broker.uri(), "rollout");
        MqttLink canary = link(broker.uri(), "ghost-0");
        await().until(() -> control.isConnected() && canary.isConnected());
        RolloutCoordinator c = RolloutCoordinator.start(control, Topics.DEFAULT, tmp.resolve("rollout.state"),
                new RolloutPlan("kws", 2, List.of("ghost-0", "ghost-1"), List.of("ghost-0"), List.of(100), 1.0, 1), a);
        canary.publish("octet/ghost-0/ota/status", ("state=rollback-failed\nmodel-id=kws\nversion=2\n"
                + "reason=rollback-activation-failed\ndetail=health-outputs; no memory\nactive-version=2\n")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8), 1, true);
        await().until(() -> c.state() == RolloutCoordinator.State.PAUSED);
        assertEquals("rollback-failed (rollback-activation-failed)", c.gateways().get("ghost-0"), c.table());
        assertEquals("pending", c.gateways().get("ghost-1"), "the next wave is never announced: " + c.table());
        assertTrue(c.pauseReason().contains("1 gateway(s) failed"), c.pauseReason());
    }

    @Test
    void the_rollout_command_runs_the_waves_to_the_end_and_status_prints_the_state(MosquittoBroker broker)
            throws Exception {
        setUp(broker, -1);
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine cli = dev.octet.ota.cli.OtaCommand.create(dev.octet.ota.cli.ContractExtractor.NONE);
        cli.setOut(new java.io.PrintWriter(out, true));
        cli.setErr(new java.io.PrintWriter(err, true));
        Path state = tmp.resolve("cli.state");
        int exit = cli.execute("rollout", "start", tmp.resolve("kws-v1.otapkg").toString(), "--broker", broker.uri(),
                "--gateways", String.join(",", plan().gateways()), "--canary", "gw-0", "--waves", "30,100",
                "--state", state.toString(), "--chunk-size", "8192", "--timeout", "60");
        assertEquals(0, exit, err + "\n" + out);
        assertTrue(out.toString().contains("DONE, wave 3/3, 10/10 active"), out.toString());
        out.getBuffer().setLength(0);
        assertEquals(0, cli.execute("rollout", "status", "--state", state.toString()));
        assertTrue(out.toString().contains("state=DONE") && out.toString().contains("gateway.gw-9=active"),
                out.toString());
    }
}
