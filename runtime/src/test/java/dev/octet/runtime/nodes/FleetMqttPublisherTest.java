package dev.octet.runtime.nodes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.octet.mqtt.MqttLink;
import dev.octet.mqtt.MqttSettings;
import dev.octet.runtime.pipeline.config.OctetConfig.MqttConfig;
import dev.octet.testing.MosquittoBroker;
import dev.octet.testing.MosquittoExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Decisions and reports are retained states: none is lost while the broker is away, the latest one wins. */
@ExtendWith(MosquittoExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class FleetMqttPublisherTest {

    @Test
    void what_is_published_while_the_broker_is_down_arrives_after_it_returns(MosquittoBroker broker)
            throws Exception {
        MqttConfig config = new MqttConfig(broker.uri(), "octet-gw-t-nodes", null, null, null, 30);
        try (FleetMqttPublisher publisher = FleetMqttPublisher.start(config, "gw-t")) {
            publisher.publishDecision("f7", "{\"model\":\"vww01\"}");
            assertEquals(List.of(), publisher.flush(Duration.ofSeconds(30)));

            broker.kill(); // nothing saved: the retained decision is gone with it
            publisher.publishReport("g0-02", "{\"status\":\"FAILED\"}");
            publisher.publishReport("g0-02", "{\"status\":\"REFUSED\",\"reason\":\"ram\"}");
            for (int i = 0; i < 20; i++) {
                publisher.publishReport("n" + i, "{\"status\":\"ACCEPTED\"}"); // more than the in-flight window
            }
            assertEquals(21, publisher.unconfirmed().size(), "held, not dropped");
            broker.restart();
            assertEquals(List.of(), publisher.flush(Duration.ofSeconds(60)));
        }
        Map<String, String> seen = new ConcurrentHashMap<>();
        try (MqttLink observer = MqttLink.start(MqttSettings.builder(broker.uri(), "observer").build())) {
            await().atMost(Duration.ofSeconds(20)).until(observer::isConnected);
            observer.subscribe("octet/gw-t/nodes/#", 1,
                    m -> seen.put(m.topic(), new String(m.payload(), StandardCharsets.UTF_8))).get(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() >= 23);
        }
        assertEquals("{\"model\":\"vww01\"}", seen.get(FleetMqttPublisher.decisionTopic("gw-t", "f7")),
                "sent again after the reconnection");
        assertEquals("{\"status\":\"REFUSED\",\"reason\":\"ram\"}",
                seen.get(FleetMqttPublisher.reportTopic("gw-t", "g0-02")), "the latest report of a node wins");
        assertEquals("{\"status\":\"ACCEPTED\"}", seen.get("octet/gw-t/nodes/n19/report"));
        assertEquals("offline", seen.get(FleetMqttPublisher.statusTopic("gw-t")));
    }
}
