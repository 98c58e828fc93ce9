package dev.octet.ota.agent;

import static org.awaitility.Awaitility.await;

import dev.octet.mqtt.MqttLink;
import dev.octet.mqtt.MqttSettings;
import dev.octet.ota.TestModels;
import dev.octet.ota.delta.TfliteBuffers;
import dev.octet.ota.pkg.Packer;
import dev.octet.ota.transfer.PackagePublisher;
import dev.octet.ota.transfer.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What the gateway-agent tests share: a quickly reconnecting link, packages of model "kws", status waits. */
final class AgentFixtures {
    static final String MODEL = "kws";

    private AgentFixtures() {
    }

    /** A link that reconnects within 200 ms, so broker restarts in the tests take little time. */
    static MqttLink link(String uri, String id) {
        return MqttLink.start(MqttSettings.builder(uri, id).keepAlive(Duration.ofSeconds(10))
                .connectionTimeout(Duration.ofSeconds(5))
                .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200)).build());
    }

    /** {@code base} with its first two buffers perturbed (seeded): a retrained version of the same graph. */
    static byte[] variant(byte[] base, int seed) throws Exception {
        return TestModels.perturb(base, TfliteBuffers.locate(base).subList(0, 2), seed);
    }

    /** Packs {@code model} as {@code version} of "kws" into a new file under {@code dir}. */
    static Path pack(Packer packer, Path dir, long version, byte[] model) throws Exception {
        Path f = dir.resolve("v" + version + "-" + System.nanoTime());
        Files.write(f, packer.pack(Packer.Spec.of(MODEL, version), model));
        return f;
    }

    /** Announces and sends a package file in 8 KiB chunks. */
    static void publishFile(MqttLink pub, long version, Path f) throws Exception {
        new PackagePublisher(pub, Topics.DEFAULT).publish(MODEL, version, f, 8192).get(20, TimeUnit.SECONDS);
    }

    static String statusPrefix(String state, long version) {
        return "state=" + state + "\nmodel-id=" + MODEL + "\nversion=" + version + "\n";
    }

    /** Waits until a received status starts with state, version and then {@code extra}. */
    static void awaitStatus(List<String> statuses, String state, long version, String extra) {
        String prefix = statusPrefix(state, version) + extra;
        await().until(() -> statuses.stream().anyMatch(s -> s.startsWith(prefix)));
    }

    static boolean anyStatus(List<String> statuses, String state, long version) {
        String prefix = statusPrefix(state, version);
        return statuses.stream().anyMatch(s -> s.startsWith(prefix));
    }
}
