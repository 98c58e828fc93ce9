package dev.octet.runtime.service;

import dev.octet.runtime.json.JsonValue;
import dev.octet.runtime.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** A plain Paho subscriber standing in for a dashboard: records every message it receives, in arrival order. */
final class Dashboard implements AutoCloseable {

    record Message(String topic, String payload, boolean retained) {
        JsonValue json() {
            try {
                return Json.parse(payload);
            } catch (Exception e) {
                throw new AssertionError("not JSON on " + topic + ": " + payload, e);
            }
        }
    }

    private final MqttClient client;
    private final MqttConnectOptions options;
    final List<Message> messages = new CopyOnWriteArrayList<>();

    private Dashboard(MqttClient client, MqttConnectOptions options) {
        this.client = client;
        this.options = options;
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage m) {
                messages.add(new Message(topic, new String(m.getPayload(), StandardCharsets.UTF_8), m.isRetained()));
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
    }

    /** Connects and subscribes to {@code filter} with QoS 1; a persistent session if not {@code cleanSession}. */
    static Dashboard connect(String uri, String clientId, boolean cleanSession, String filter) throws MqttException {
        MqttClient c = new MqttClient(uri, clientId, new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(cleanSession);
        o.setAutomaticReconnect(false);
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setConnectionTimeout(5);
        o.setMaxInflight(1000);
        Dashboard d = new Dashboard(c, o);
        c.connect(o);
        c.subscribe(filter, 1);
        return d;
    }

    /** Connects again; a just-restarted broker may drop the first attempts while it loads its persistence file. */
    void reconnect() {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> {
            if (!client.isConnected()) {
                try {
                    client.connect(options);
                } catch (MqttException e) {
                    return false;
                }
            }
            return true;
        });
    }

    List<Message> on(String topic) {
        List<Message> out = new ArrayList<>();
        for (Message m : messages) {
            if (m.topic().equals(topic)) {
                out.add(m);
            }
        }
        return out;
    }

    /** The window sequence numbers of the results on {@code topic}, in arrival order (with any redelivery). */
    List<Long> sequences(String topic) {
        List<Long> out = new ArrayList<>();
        for (Message m : on(topic)) {
            out.add(m.json().get("window").get("seq").asLong());
        }
        return out;
    }

    /**
     * The results after removing QoS 1 redeliveries: a sequence number not above the highest seen so far is a
     * duplicate. What is left must be increasing; a gap is visible to the caller.
     */
    List<JsonValue> deduplicated(String topic) {
        List<JsonValue> out = new ArrayList<>();
        long highest = -1;
        for (Message m : on(topic)) {
            JsonValue j = m.json();
            long seq = j.get("window").get("seq").asLong();
            if (seq > highest) {
                out.add(j);
                highest = seq;
            }
        }
        return out;
    }

    @Override
    public void close() throws MqttException {
        if (client.isConnected()) {
            client.disconnect(1000);
        }
        client.close(true);
    }
}
