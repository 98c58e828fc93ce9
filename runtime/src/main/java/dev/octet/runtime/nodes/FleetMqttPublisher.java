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
    /** At most this many publishes outstanding: half the link's default in-flight window of 16. */
    private static final int WINDOW = 8;

    private final MqttLink link;
    private final String prefix;
    /** Guarded by {@code latest}: per topic its latest payload, the payload the broker confirmed, and the send
     * in progress (a fresh token per send, so that a late answer to a send from an older connection is ignored). */
    private final Map<String, byte[]> latest = new LinkedHashMap<>();
    private final Map<String, byte[]> confirmed = new LinkedHashMap<>();
    private final Map<String, Object> inFlight = new LinkedHashMap<>();

    private FleetMqttPublisher(MqttLink link, String gatewayId) {
        this.link = link;
        this.prefix = "octet/" + gatewayId + "/nodes/";
        link.addListener((from, to) -> {
            if (to == LinkState.CONNECTED) {
                // The broker may have lost its retained messages (a restart without persistence): send all again.
                synchronized (latest) {
                    confirmed.clear();
                    inFlight.clear();
                }
                pump();
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
        pump();
    }

    /**
     * Sends the latest payload of every unconfirmed topic that has no send in progress, at most {@link #WINDOW} at a
     * time. Called on every change, confirmation, connection and while flushing, so a publish that failed (the
     * window was full, the connection dropped) is simply sent again later.
     */
    private void pump() {
        if (!link.isConnected()) {
            return; // sent on connection
        }
        List<Map.Entry<String, byte[]>> due = new java.util.ArrayList<>();
        List<Object> tokens = new java.util.ArrayList<>();
        synchronized (latest) {
            for (Map.Entry<String, byte[]> e : latest.entrySet()) {
                if (inFlight.size() >= WINDOW) {
                    break;
                }
                if (confirmed.get(e.getKey()) != e.getValue() && !inFlight.containsKey(e.getKey())) {
                    Object token = new Object();
                    inFlight.put(e.getKey(), token);
                    due.add(Map.entry(e.getKey(), e.getValue()));
                    tokens.add(token);
                }
            }
        }
        for (int i = 0; i < due.size(); i++) {
            String topic = due.get(i).getKey();
            byte[] payload = due.get(i).getValue();
            Object token = tokens.get(i);
            link.publish(topic, payload, QOS, true).whenComplete((ok, failure) -> {
                boolean progressed;
                synchronized (latest) {
                    progressed = inFlight.remove(topic, token) && failure == null;
                    if (progressed) {
                        confirmed.put(topic, payload);
                        latest.notifyAll();
                    }
                }
                if (progressed) {
                    pump(); // a newer payload of this topic, or a topic that waited for the window
                }
                // On failure the payload stays unconfirmed: flush or the next connection sends it again.
            });
        }
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
        while (true) {
            pump(); // sends again what failed, e.g. while the in-flight window was full
            synchronized (latest) {
                List<String> open = unconfirmed();
                long left = deadline - System.nanoTime();
                if (open.isEmpty() || left <= 0) {
                    return open;
                }
                latest.wait(Math.max(1, Math.min(left / 1_000_000, 200))); // woken by each confirmation
            }
        }
    }

    @Override
    public void close() {
        link.close();
    }
}
