package dev.octet.runtime.nodes;

import dev.octet.mqtt.LinkState;
import dev.octet.mqtt.MqttLink;
import dev.octet.mqtt.MqttSettings;
import dev.octet.runtime.pipeline.config.OctetConfig.MqttConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Puts the deployment's state on MQTT: each class's decision on {@code octet/<gateway>/nodes/<class>/decision} and
 * each node's latest report on {@code octet/<gateway>/nodes/<node>/report}, both retained (QoS 1), so a dashboard
 * that subscribes later sees the current state of every class and node.
 *
 * <p>Because every message is a retained state, delivery is simple and loses nothing: the publisher keeps the latest
 * payload per topic, sends it at once when connected and sends every one again after each (re)connection;
 * {@link #flush} waits until the broker confirmed the latest payload of every topic. While the broker is unreachable
 * nothing is dropped, only held (one message per topic).
 */
public final class FleetMqttPublisher implements AutoCloseable {
    private static final int QOS = 1;

    private final MqttLink link;
    private final String prefix;
    /** Guarded by itself: topic to its latest payload, and to the payload the broker confirmed last. */
    private final Map<String, byte[]> latest = new LinkedHashMap<>();
    private final Map<String, byte[]> confirmed = new LinkedHashMap<>();

    private FleetMqttPublisher(MqttLink link, String gatewayId) {
        this.link = link;
        this.prefix = "octet/" + gatewayId + "/nodes/";
        link.addListener((from, to) -> {
            if (to == LinkState.CONNECTED) {
                resendAll();
            }
        });
    }

    /** Connects (in the background) with the fleet file's broker settings. */
    public static FleetMqttPublisher start(MqttConfig config, String gatewayId) {
        MqttSettings.Builder b = MqttSettings.builder(config.uri(), config.clientId())
                .keepAlive(Duration.ofSeconds(config.keepAliveSeconds()))
                .availabilityTopic(statusTopic(gatewayId));
        if (config.username() != null) {
            b.credentials(config.username(), config.password() == null ? null : config.password().toCharArray());
        }
        if (config.tls() != null) {
            if (config.tls().caFile() != null) {
                b.caCertificates(config.tls().caFile());
            }
            if (config.tls().certFile() != null) {
                b.clientCertificate(config.tls().certFile(), config.tls().keyFile());
            }
        }
        MqttLink link = MqttLink.builder(b.build()).build();
        FleetMqttPublisher p = new FleetMqttPublisher(link, gatewayId);
        link.start();
        return p;
    }

    /** Retained {@code online} while the deploy command serves, {@code offline} after (and as the Last Will). */
    public static String statusTopic(String gatewayId) {
        return "octet/" + gatewayId + "/nodes/status";
    }

    public static String decisionTopic(String gatewayId, String nodeClass) {
        return "octet/" + gatewayId + "/nodes/" + level(nodeClass) + "/decision";
    }

    public static String reportTopic(String gatewayId, String node) {
        return "octet/" + gatewayId + "/nodes/" + level(node) + "/report";
    }

    /** Node ids come from the network: characters MQTT reserves in a topic level become '_'. */
    private static String level(String name) {
        return name.replaceAll("[/+#\\u0000]", "_");
    }

    public String uri() {
        return link.settings().serverUris().get(0);
    }

    public void publishDecision(String nodeClass, String json) {
        put(prefix + level(nodeClass) + "/decision", json);
    }

    public void publishReport(String node, String json) {
        put(prefix + level(node) + "/report", json);
    }

    private void put(String topic, String json) {
        byte[] payload = json.getBytes(StandardCharsets.UTF_8);
        synchronized (latest) {
            latest.put(topic, payload);
        }
        send(topic, payload);
    }

    private void resendAll() {
        List<Map.Entry<String, byte[]>> all;
        synchronized (latest) {
            all = List.copyOf(latest.entrySet());
        }
        all.forEach(e -> send(e.getKey(), e.getValue()));
    }

    private void send(String topic, byte[] payload) {
        if (!link.isConnected()) {
            return; // sent again on connection
        }
        link.publish(topic, payload, QOS, true).whenComplete((ok, failure) -> {
            if (failure == null) {
                synchronized (latest) {
                    confirmed.put(topic, payload);
                    latest.notifyAll();
                }
            }
            // On failure the payload stays unconfirmed; the next connection sends it again.
        });
    }

    /** Topics whose latest payload the broker has not confirmed yet. */
    public List<String> unconfirmed() {
        synchronized (latest) {
            return latest.entrySet().stream().filter(e -> confirmed.get(e.getKey()) != e.getValue())
                    .map(Map.Entry::getKey).toList();
        }
    }

    /**
     * Waits until the broker confirmed the latest payload of every topic, at most {@code timeout}.
     *
     * @return the topics still unconfirmed (empty when everything arrived)
     */
    public List<String> flush(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (latest) {
            while (true) {
                List<String> open = unconfirmed();
                long left = deadline - System.nanoTime();
                if (open.isEmpty() || left <= 0) {
                    return open;
                }
                // Woken by each confirmation; the bounded wait also covers a resend after a reconnection.
                latest.wait(Math.max(1, Math.min(left / 1_000_000, 200)));
            }
        }
    }

    @Override
    public void close() {
        link.close();
    }
}
