package dev.octet.runtime.service.remote;

import dev.octet.drivers.time.TimeSource;
import dev.octet.mqtt.LinkState;
import dev.octet.mqtt.MqttLink;
import dev.octet.mqtt.MqttSettings;
import dev.octet.mqtt.Topics;
import java.util.Objects;

/**
 * Readings that nodes publish on an MQTT topic filter ({@code +} and {@code #} allowed), received through the
 * gateway's broker. Each run has its own {@link MqttLink} (client id {@code <gateway client id>-<stream>}, no
 * availability topic of its own), which reconnects with backoff and subscribes again after every connection: a
 * broker restart degrades the stream while it lasts, and the next good message recovers it. Nothing connects before
 * {@link #start}.
 */
public final class MqttNodeSource extends RemoteSource {
    private final MqttSettings settings;
    private final String topic;
    private final int qos;
    private final PayloadFormat format;
    private volatile MqttLink link;

    /**
     * @param settings the connection settings of this source's own client (see {@link #settingsFor})
     * @param topic    the topic filter nodes publish on
     * @param qos      the subscription's QoS (0, 1 or 2)
     */
    public MqttNodeSource(String name, int channels, double sampleRateHz, PayloadFormat format, MqttSettings settings,
                          String topic, int qos, TimeSource clock) {
        super(name, channels, sampleRateHz, clock);
        this.format = Objects.requireNonNull(format, "format");
        Topics.validateFilter(topic);
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("qos must be 0, 1 or 2: " + qos);
        }
        this.settings = Objects.requireNonNull(settings, "settings");
        this.topic = topic;
        this.qos = qos;
    }

    /**
     * The gateway's connection settings for a stream's subscriber: same broker, credentials and TLS, its own client
     * id (a broker allows one connection per client id), no Last Will or availability messages (the gateway's own
     * link announces the gateway).
     */
    public static MqttSettings settingsFor(MqttSettings gateway, String streamId) {
        return gateway.toBuilder().clientId(gateway.clientId() + "-" + streamId).noAvailabilityTopic().build();
    }

    public String topic() {
        return topic;
    }

    @Override
    protected void open() {
        MqttLink l = MqttLink.builder(settings).build();
        l.addListener((from, to) -> {
            if (to == LinkState.CONNECTED) {
                connected("connected to " + settings.serverUris().get(0) + ", subscribed to " + topic);
            } else if (to == LinkState.DISCONNECTED) {
                connectionLost((from == LinkState.CONNECTED ? "lost the broker " : "cannot reach the broker ")
                        + settings.serverUris().get(0) + "; reconnecting", null);
            }
        });
        l.subscribe(topic, qos, message -> accept(message.payload(), format));
        link = l;
        l.start();
    }

    @Override
    protected void shutdown() {
        MqttLink l = link;
        link = null;
        if (l != null) {
            l.close();
        }
    }
}
