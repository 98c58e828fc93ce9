package dev.octet.ota.agent;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.mqtt.MqttLink;
import dev.octet.ota.TestModels;
import dev.octet.ota.delta.TfliteBuffers;
import dev.octet.ota.pkg.Keys;
import dev.octet.ota.pkg.Packer;
import dev.octet.ota.pkg.TrustStore;
import dev.octet.ota.transfer.Topics;
import dev.octet.testing.MosquittoBroker;
import dev.octet.testing.MosquittoExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the agent remembers and re-sends: refused and rolled-back versions across restarts, the last status after a
 * restart and after a broker that lost it, validator reason codes, a failed activation.
 */
@ExtendWith(MosquittoExtension.class)
class GatewayAgentMemoryTest {
    private static final KeyPair KEY = Keys.generate();

    @TempDir
    Path tmp;

    private final List<String> statuses = new CopyOnWriteArrayList<>();
    private final List<Long> activated = new CopyOnWriteArrayList<>();
    private final Packer packer = new Packer(KEY.getPrivate(), "k1", Clock.systemUTC());

    @BeforeAll
    static void pollQuickly() {
        Awaitility.setDefaultPollInterval(Duration.ofMillis(5));
        Awaitility.setDefaultTimeout(Duration.ofSeconds(20));
    }

    private static MqttLink link(String uri, String id) {
        return AgentFixtures.link(uri, id);
    }

    private GatewayAgent.Config config() {
        return new GatewayAgent.Config("gw-m", "kws", "pi4", "0.1.0", TrustStore.empty().trust("k1", KEY.getPublic()),
                1 << 20, 1 << 20, tmp.resolve("state"), Topics.DEFAULT);
    }

    private Path publish(MqttLink pub, long version, byte[] model) throws Exception {
        Path f = tmp.resolve("v" + version + "-" + System.nanoTime());
        Files.write(f, packer.pack(Packer.Spec.of("kws", version), model));
        publishFile(pub, version, f);
        return f;
    }

    private static void publishFile(MqttLink pub, long version, Path f) throws Exception {
        AgentFixtures.publishFile(pub, version, f);
    }

    private void awaitStatus(String state, long version, String extra) {
        AgentFixtures.awaitStatus(statuses, state, version, extra);
    }

    /** Refuses models of 1000 bytes or fewer with a code of its own. */
    private static final ModelValidator SIZE_CHECK = (manifest, model) -> {
        if (model.length <= 1000) {
            throw new ModelValidator.InvalidModelException("too-small", model.length + " bytes");
        }
    };

    private GatewayAgent agent(MqttLink gw, ModelActivator activator) throws Exception {
        gw.subscribe(config().statusTopic(), 1, m -> statuses.add(m.payloadText())).get(5, TimeUnit.SECONDS);
        GatewayAgent a = new GatewayAgent(config(), gw, SIZE_CHECK, activator);
        return a;
    }

    @Test
    void refusals_and_rollbacks_are_remembered_across_restarts_and_the_status_is_told_again(MosquittoBroker broker)
            throws Exception {
        byte[] v1 = TestModels.int8("kws01_dscnn_int8");
        byte[] v2 = TestModels.perturb(v1, TfliteBuffers.locate(v1).subList(0, 2), 3);
        Path v3;
        try (MqttLink pub = link(broker.uri(), "publisher")) {
            await().until(pub::isConnected);
            try (MqttLink gw = link(broker.uri(), "gw-m")) {
                await().until(gw::isConnected);
                GatewayAgent agent = agent(gw, (id, version, model) -> activated.add(version));
                assertTrue(agent.installBaseline(1, v1));
                assertFalse(agent.installBaseline(1, v1), "already there");
                agent.start();
                awaitStatus("active", 1, "active-version=1");

                publish(pub, 2, new byte[500]);
                awaitStatus("rejected", 2, "reason=too-small\ndetail=500 bytes\nactive-version=1");

                v3 = publish(pub, 3, v2);
                awaitStatus("active", 3, "active-version=3");
                assertEquals(List.of(3L), activated);
                assertFalse(agent.rollback(2, "not the active version"));
                assertTrue(agent.rollback(3, "health-outputs: constant"));
                awaitStatus("rolled-back", 3, "reason=health-outputs: constant\nactive-version=1");
                assertEquals(List.of(3L, 1L), activated);
                assertArrayEquals(v1, agent.activeModel());

                // The broker crashes and forgets everything; the agent tells its status again when it is back.
                statuses.clear();
                broker.kill();
                broker.restart();
                awaitStatus("rolled-back", 3, "reason=health-outputs");
            }
            statuses.clear();
            activated.clear();
            try (MqttLink gw = link(broker.uri(), "gw-m")) {
                await().until(gw::isConnected);
                // The broker lost the retained announcement of v3: publish the same package again (as a rollout
                // still running would have it retained); a restarted agent must not take it again.
                publishFile(pub, 3, v3);
                GatewayAgent again = agent(gw, (id, version, model) -> activated.add(version));
                again.start();
                awaitStatus("rolled-back", 3, "reason=health-outputs");
                publish(pub, 4, v2);
                awaitStatus("active", 4, "");
                assertEquals(List.of(4L), activated, "v3 was not taken again; v4 was");
                assertFalse(statuses.stream().anyMatch(s -> s.startsWith("state=downloading\nmodel-id=kws\nversion=3")),
                        statuses.toString());
            }
        }
    }

    @Test
    void a_failed_activation_puts_the_slot_store_back(MosquittoBroker broker) throws Exception {
        byte[] v1 = TestModels.int8("kws01_dscnn_int8");
        byte[] v2 = TestModels.perturb(v1, TfliteBuffers.locate(v1).subList(0, 2), 5);
        try (MqttLink pub = link(broker.uri(), "publisher"); MqttLink gw = link(broker.uri(), "gw-m")) {
            await().until(() -> pub.isConnected() && gw.isConnected());
            GatewayAgent agent = agent(gw, (id, version, model) -> {
                throw new IllegalArgumentException("does not fit stream s1");
            });
            agent.installBaseline(1, v1);
            agent.start();
            publish(pub, 2, v2);
            awaitStatus("rejected", 2, "reason=activation-failed\ndetail=does not fit stream s1\nactive-version=1");
            assertEquals(1, agent.installedVersion().orElseThrow());
            assertArrayEquals(v1, agent.activeModel());
        }
    }

    /** An activator whose runtime watches health (the verdict is given by the test). */
    private ModelActivator watching() {
        return new ModelActivator() {
            @Override
            public void activate(String modelId, long version, byte[] model) {
                activated.add(version);
            }

            @Override
            public boolean watchesHealth() {
                return true;
            }
        };
    }

    @Test
    void a_watched_version_is_active_watching_until_it_passes_and_a_restart_during_the_watch_resumes_it(
            MosquittoBroker broker) throws Exception {
        byte[] v1 = TestModels.int8("kws01_dscnn_int8");
        byte[] v2 = TestModels.perturb(v1, TfliteBuffers.locate(v1).subList(0, 2), 7);
        try (MqttLink pub = link(broker.uri(), "publisher")) {
            await().until(pub::isConnected);
            try (MqttLink gw = link(broker.uri(), "gw-m")) {
                await().until(gw::isConnected);
                GatewayAgent agent = agent(gw, watching());
                agent.installBaseline(1, v1);
                assertEquals(java.util.Optional.empty(), agent.healthPending());
                agent.start();
                awaitStatus("active", 1, "active-version=1\nhealth=passed\n"); // the baseline: nothing to watch
                publish(pub, 2, v2);
                awaitStatus("active", 2, "active-version=2\nhealth=watching\n");
                assertFalse(agent.healthPassed(1), "not the active version");
            }
            // The process stops during the watch: the restarted runtime learns that v2 still needs a verdict.
            statuses.clear();
            try (MqttLink gw = link(broker.uri(), "gw-m")) {
                await().until(gw::isConnected);
                GatewayAgent again = agent(gw, watching());
                assertEquals(java.util.Optional.of(2L), again.healthPending());
                again.start();
                awaitStatus("active", 2, "active-version=2\nhealth=watching\n");
                assertTrue(again.healthPassed(2));
                awaitStatus("active", 2, "active-version=2\nhealth=passed\n");
                assertEquals(java.util.Optional.empty(), again.healthPending());
            }
        }
    }

    @Test
    void an_agent_without_a_watch_does_not_report_a_watch_it_remembers_as_unfinished(MosquittoBroker broker)
            throws Exception {
        byte[] v1 = TestModels.int8("kws01_dscnn_int8");
        byte[] v2 = TestModels.perturb(v1, TfliteBuffers.locate(v1).subList(0, 2), 8);
        try (MqttLink pub = link(broker.uri(), "publisher")) {
            await().until(pub::isConnected);
            try (MqttLink gw = link(broker.uri(), "gw-m")) {
                await().until(gw::isConnected);
                GatewayAgent agent = agent(gw, watching());
                agent.installBaseline(1, v1);
                agent.start();
                publish(pub, 2, v2);
                awaitStatus("active", 2, "active-version=2\nhealth=watching\n");
            }
            statuses.clear();
            try (MqttLink gw = link(broker.uri(), "gw-m")) {
                await().until(gw::isConnected);
                GatewayAgent plain = agent(gw, (id, version, model) -> activated.add(version));
                assertEquals(java.util.Optional.empty(), plain.healthPending());
                plain.start();
                awaitStatus("active", 2, "active-version=2\nhealth=passed\n");
            }
        }
    }
}
