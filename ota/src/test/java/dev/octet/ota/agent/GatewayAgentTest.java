package dev.octet.ota.agent;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.octet.mqtt.MqttLink;
import dev.octet.ota.TestModels;
import dev.octet.ota.delta.Compression;
import dev.octet.ota.delta.TfliteBuffers;
import dev.octet.ota.pkg.Keys;
import dev.octet.ota.pkg.Manifest;
import dev.octet.ota.pkg.PackageContainer;
import dev.octet.ota.pkg.Packer;
import dev.octet.ota.pkg.TrustStore;
import dev.octet.ota.transfer.PackagePublisher;
import dev.octet.ota.transfer.Topics;
import dev.octet.testing.MosquittoBroker;
import dev.octet.testing.MosquittoExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(MosquittoExtension.class)
class GatewayAgentTest {
    private static final KeyPair KEY = Keys.generate();
    private static final KeyPair OTHER = Keys.generate();
    private static final Clock CLOCK = Clock.systemUTC();

    @TempDir
    Path tmp;

    private final List<String> statuses = new CopyOnWriteArrayList<>();
    private final List<byte[]> activated = new CopyOnWriteArrayList<>();
    private final Packer packer = new Packer(KEY.getPrivate(), "k1", CLOCK);

    @BeforeAll
    static void pollQuickly() {
        Awaitility.setDefaultPollInterval(Duration.ofMillis(5));
        Awaitility.setDefaultTimeout(Duration.ofSeconds(20));
    }

    private static MqttLink link(String uri, String id) {
        return AgentFixtures.link(uri, id);
    }

    private void publish(MqttLink pub, long version, byte[] pkg) throws Exception {
        Path f = tmp.resolve("pub-v" + version + "-" + System.nanoTime());
        Files.write(f, pkg);
        new PackagePublisher(pub, Topics.DEFAULT).publish("kws", version, f, 4096).get(20, TimeUnit.SECONDS);
    }

    private void awaitStatus(String state, long version, String extra) {
        AgentFixtures.awaitStatus(statuses, state, version, extra);
    }

    @Test
    void installs_full_and_delta_packages_and_reports_every_rejection_with_its_reason(MosquittoBroker broker)
            throws Exception {
        byte[] v1 = TestModels.int8("kws01_dscnn_int8");
        byte[] v2 = TestModels.perturb(v1, TfliteBuffers.locate(v1).subList(0, 2), 9);
        var config = new GatewayAgent.Config("gw-1", "kws", "pi4", "0.1.0",
                TrustStore.empty().trust("k1", KEY.getPublic()), 200_000, 1 << 20, tmp.resolve("state"),
                Topics.DEFAULT);
        try (MqttLink pub = link(broker.uri(), "publisher"); MqttLink gw = link(broker.uri(), "gw-1")) {
            await().until(() -> pub.isConnected() && gw.isConnected());
            gw.subscribe(config.statusTopic(), 1, m -> statuses.add(m.payloadText())).get(5, TimeUnit.SECONDS);
            GatewayAgent agent = new GatewayAgent(config, gw, ModelValidator.ACCEPT_ALL, activated::add);
            agent.start();

            publish(pub, 1, packer.pack(Packer.Spec.of("kws", 1), v1));
            awaitStatus("active", 1, "");
            assertArrayEquals(v1, agent.activeModel());
            publish(pub, 2, packer.pack(Packer.Spec.of("kws", 2), v2, Optional.of(new Packer.Base(1, v1))));
            awaitStatus("active", 2, "");
            assertArrayEquals(v2, activated.get(activated.size() - 1));
            assertEquals(true, statuses.stream().anyMatch(s -> s.startsWith("state=downloading") && s.contains("percent=")));

            byte[] good3 = packer.pack(Packer.Spec.of("kws", 3), v1);
            PackageContainer c = PackageContainer.decode(good3);

            publish(pub, 3, new PackageContainer(c.manifest(), new byte[0], c.payload()).encode());
            awaitStatus("rejected", 3, "reason=unsigned");

            publish(pub, 4, new Packer(OTHER.getPrivate(), "k9", CLOCK).pack(Packer.Spec.of("kws", 4), v1));
            awaitStatus("rejected", 4, "reason=untrusted-key");

            byte[] c5 = packer.pack(Packer.Spec.of("kws", 5), v1);
            PackageContainer p5 = PackageContainer.decode(c5);
            byte[] m5 = new String(p5.manifest(), StandardCharsets.UTF_8).replace("targets=*", "targets=pi4,pi5")
                    .getBytes(StandardCharsets.UTF_8);
            publish(pub, 5, new PackageContainer(m5, p5.signature(), p5.payload()).encode());
            awaitStatus("rejected", 5, "reason=bad-signature");

            byte[] c6 = packer.pack(Packer.Spec.of("kws", 6), v1);
            c6[c6.length - 50] ^= 1;
            publish(pub, 6, c6);
            awaitStatus("rejected", 6, "reason=payload-hash-mismatch");

            publish(pub, 7, packer.pack(Packer.Spec.of("kws", 7).withTargets(List.of("jetson")), v1));
            awaitStatus("rejected", 7, "reason=wrong-target");

            byte[] bomb = Compression.deflate(new byte[4 << 20], 9);
            Manifest m8 = new Manifest("kws", 8, List.of("*"), "k1", Manifest.PayloadKind.FULL, "deflate",
                    bomb.length, Packer.sha256(bomb), 1000, 1000, new byte[32], OptionalLong.empty(),
                    Optional.empty(), CLOCK.instant(), "0.1.0", List.of(), List.of());
            publish(pub, 8, packer.seal(m8, bomb));
            awaitStatus("rejected", 8, "reason=decompression-bomb");

            byte[] c9 = packer.pack(Packer.Spec.of("kws", 9), v1);
            publish(pub, 9, Arrays.copyOf(c9, c9.length - 100));
            awaitStatus("rejected", 9, "reason=truncated");

            byte[] big = new byte[300_000];
            new java.util.Random(42).nextBytes(big);
            publish(pub, 10, packer.pack(Packer.Spec.of("kws", 10), big));
            awaitStatus("rejected", 10, "reason=oversized");

            publish(pub, 1, packer.pack(Packer.Spec.of("kws", 1), v1));
            awaitStatus("rejected", 1, "reason=stale-version");

            assertArrayEquals(v2, agent.activeModel(), "the active model is untouched by every refusal");
            assertEquals(2, agent.installedVersion().orElseThrow());

            agent.rollback("latency budget exceeded");
            awaitStatus("rolled-back", 2, "reason=latency budget exceeded");
            assertArrayEquals(v1, agent.activeModel());
        }
    }

    @Test
    void a_restarted_agent_reports_its_active_model_and_ignores_the_retained_announcement(MosquittoBroker broker)
            throws Exception {
        byte[] v1 = TestModels.int8("kws01_dscnn_int8");
        var config = new GatewayAgent.Config("gw-2", "kws", "pi4", "0.1.0",
                TrustStore.empty().trust("k1", KEY.getPublic()), 1 << 20, 1 << 20, tmp.resolve("state"),
                Topics.DEFAULT);
        try (MqttLink pub = link(broker.uri(), "publisher")) {
            await().until(pub::isConnected);
            try (MqttLink gw = link(broker.uri(), "gw-2")) {
                await().until(gw::isConnected);
                gw.subscribe(config.statusTopic(), 1, m -> statuses.add(m.payloadText())).get(5, TimeUnit.SECONDS);
                new GatewayAgent(config, gw, ModelValidator.ACCEPT_ALL, activated::add).start();
                publish(pub, 1, packer.pack(Packer.Spec.of("kws", 1), v1));
                awaitStatus("active", 1, "");
            }
            statuses.clear();
            activated.clear();
            try (MqttLink gw = link(broker.uri(), "gw-2")) {
                await().until(gw::isConnected);
                gw.subscribe(config.statusTopic(), 1, m -> statuses.add(m.payloadText())).get(5, TimeUnit.SECONDS);
                GatewayAgent again = new GatewayAgent(config, gw, ModelValidator.ACCEPT_ALL, activated::add);
                again.start();
                awaitStatus("active", 1, "");
                assertArrayEquals(v1, again.activeModel());
                assertEquals(0, activated.size(), "nothing re-installed");
            }
        }
    }
}
