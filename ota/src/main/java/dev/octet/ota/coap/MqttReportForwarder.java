package dev.octet.ota.coap;

import dev.octet.mqtt.MqttLink;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Publishes every node report a {@link ModelDeliveryServer} receives on MQTT, as one JSON object on
 * {@code PREFIX/NODE/ota} at QoS 1:
 * {@code {"node":"...","model":"...","status":"ACCEPTED|REFUSED|FAILED","detail":"..."}} ({@link NodeReport#toJson()}:
 * refusals add {@code reason}, {@code required_bytes} and {@code available_bytes}).
 * Publishing goes through {@link MqttLink}, so reports sent while the broker is unreachable fail their future
 * and are logged by the link's statistics; the server keeps every report in {@link ModelDeliveryServer#reports()}.
 */
public final class MqttReportForwarder {
    private final MqttLink link;
    private final String prefix;

    private MqttReportForwarder(MqttLink link, String prefix) {
        this.link = Objects.requireNonNull(link);
        if (prefix.isEmpty() || prefix.contains("+") || prefix.contains("#")) {
            throw new IllegalArgumentException("bad topic prefix: " + prefix);
        }
        this.prefix = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
    }

    /** Starts forwarding the server's reports to MQTT. */
    public static MqttReportForwarder attach(ModelDeliveryServer server, MqttLink link, String prefix) {
        MqttReportForwarder f = new MqttReportForwarder(link, prefix);
        server.onReport(f::publish);
        return f;
    }

    /** The topic of a node's reports. Characters MQTT reserves in topic levels are replaced by '_'. */
    public String topicFor(String node) {
        return prefix + "/" + node.replaceAll("[/+#]", "_") + "/ota";
    }

    void publish(NodeReport r) {
        link.publish(topicFor(r.node()), json(r).getBytes(StandardCharsets.UTF_8), 1, false);
    }

    static String json(NodeReport r) {
        return r.toJson();
    }
}
