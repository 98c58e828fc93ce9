package dev.octet.runtime.service;

import static dev.octet.runtime.service.ServiceFixtures.TOPIC;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.runtime.json.JsonValue;
import dev.octet.runtime.json.Json;
import dev.octet.mqtt.LinkState;
import dev.octet.runtime.TestModels;
import dev.octet.runtime.pipeline.config.ConfigLoader;
import dev.octet.testing.MosquittoBroker;
import dev.octet.testing.MosquittoExtension;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The service end to end against a real Mosquitto: reference scores, availability, discovery, broker outages. */
@ExtendWith(MosquittoExtension.class)
class GatewayServiceMosquittoTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void pollQuickly() {
        Awaitility.setDefaultPollInterval(Duration.ofMillis(10));
        Awaitility.setDefaultTimeout(Duration.ofSeconds(30));
    }

    @Test
    void publishes_the_reference_anomaly_scores_with_availability_discovery_and_metrics(MosquittoBroker broker)
            throws Exception {
        JsonValue expected = Json.parse(java.nio.file.Files.readString(TestModels.path("testdata/expected_summary.json")))
                .get("ad01_normal_id_01_00000000");
        int port = ServiceFixtures.freePort();
        Path file = ServiceFixtures.write(dir, "octet.yaml", ServiceFixtures.adReplay(broker.uri(), 0, port));
        try (Dashboard dashboard = Dashboard.connect(broker.uri(), "dashboard", true, "#")) {
            GatewayService service = GatewayService.create(ConfigLoader.load(file),
                    ServiceFixtures.options(dir.resolve("state")));
            try {
                service.start();
                assertTrue(service.awaitCompletion(Duration.ofSeconds(60)));
                await().until(() -> dashboard.on(TOPIC).size() >= 196);

                List<JsonValue> results = dashboard.deduplicated(TOPIC);
                assertEquals(196, results.size());
                double sum = 0;
                for (int i = 0; i < results.size(); i++) {
                    JsonValue r = results.get(i);
                    assertEquals(i, r.get("window").get("seq").asLong(), "in order, none missing");
                    assertEquals("ad01", r.get("model").get("id").asText());
                    double score = r.get("outputs").get("score").asDouble();
                    if (i < 5) {
                        assertEquals(expected.get("first5_mse").get(i).asDouble(), score, 1e-3, "window " + i);
                    }
                    sum += score;
                }
                assertEquals(expected.get("mean_mse").asDouble(), sum / 196, 1e-3);

                // Availability: a retained online (the will says offline if the process dies).
                Dashboard.Message online = dashboard.on("octet/gw1/status").get(0);
                assertEquals("online", online.payload());
                // Home Assistant discovery: retained, pointing at the results topic and the availability topic.
                List<Dashboard.Message> discovery = dashboard.on("homeassistant/sensor/gw1_toycar/config");
                assertEquals(1, discovery.size());
                JsonValue d = discovery.get(0).json();
                assertEquals(TOPIC, d.get("state_topic").asText());
                assertEquals("{{ value_json.outputs.score }}", d.get("value_template").asText());
                assertEquals("octet/gw1/status", d.get("availability_topic").asText());
                assertEquals("octet_gw1_toycar", d.get("unique_id").asText());
                assertEquals("octet_gw1", d.get("device").get("identifiers").get(0).asText());

                assertTrue(service.progressing(), "idle queues are not stuck");
                assertTrue(service.progressing());

                HttpResponse<String> metrics = ServiceFixtures.get(service.httpPort(), "/metrics");
                assertEquals(200, metrics.statusCode());
                assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
                String m = metrics.body();
                assertTrue(m.contains("# TYPE octet_inferences_total counter\n"), m);
                assertTrue(m.contains("octet_inferences_total{stream=\"toycar\"} 196\n"), m);
                assertTrue(m.contains("octet_inference_latency_seconds_bucket{stream=\"toycar\",le=\"+Inf\"} 196\n"), m);
                assertTrue(m.contains("octet_inference_latency_seconds_count{stream=\"toycar\"} 196\n"), m);
                assertTrue(m.contains("octet_windows_dropped_total{stream=\"toycar\"} 0\n"), m);
                assertTrue(m.contains("octet_window_queue_depth{stream=\"toycar\"} 0\n"), m);
                assertTrue(m.contains("octet_stream_health{stream=\"toycar\"} 0\n"), m);
                assertTrue(m.contains("octet_mqtt_connected 1\n"), m);
                assertTrue(m.contains("octet_outbox_buffered 0\n"), m);
                assertTrue(m.contains("octet_outbox_delivered_total 196\n"), m);
                assertTrue(m.contains("octet_outbox_dropped_total 0\n"), m);

                HttpResponse<String> health = ServiceFixtures.get(service.httpPort(), "/health");
                assertEquals(200, health.statusCode(), health.body());
                JsonValue h = Json.parse(health.body());
                assertEquals("ok", h.get("status").asText());
                assertEquals("connected", h.get("mqtt").asText());
                assertEquals("ok", h.get("streams").get(0).get("health").asText());
            } finally {
                service.close();
            }
        }
        // After a clean stop the retained availability says offline.
        try (Dashboard late = Dashboard.connect(broker.uri(), "late", true, "octet/gw1/status")) {
            await().until(() -> !late.messages.isEmpty());
            assertEquals("offline", late.messages.get(0).payload());
            assertTrue(late.messages.get(0).retained());
        }
    }

    @Test
    void a_graceful_broker_restart_mid_stream_loses_nothing() throws Exception {
        Outage o = streamThroughOutage(false);
        assertEquals(196, o.results.size());
        for (int i = 0; i < 196; i++) {
            assertEquals(i, o.results.get(i).get("window").get("seq").asLong(), "every result, in order");
        }
    }

    /**
     * mqtt/README.md: Mosquitto acknowledges a QoS 1 message before it is on disk, so a SIGKILL can lose what it
     * acknowledged just before; no client can prevent that. Everything it had not acknowledged when it died must
     * arrive, in order, and nothing may arrive out of order.
     */
    @Test
    void a_broker_crash_mid_stream_loses_nothing_the_broker_had_not_acknowledged() throws Exception {
        Outage o = streamThroughOutage(true);
        long previous = -1;
        for (JsonValue r : o.results) {
            long seq = r.get("window").get("seq").asLong();
            assertTrue(seq > previous, "in order");
            previous = seq;
        }
        int n = o.results.size();
        int unacknowledged = (int) (196 - o.acknowledgedBeforeCrash);
        assertTrue(n >= unacknowledged, "got " + n + ", the broker had not acknowledged " + unacknowledged);
        for (int i = 0; i < unacknowledged; i++) {
            long seq = o.results.get(n - unacknowledged + i).get("window").get("seq").asLong();
            assertEquals(o.acknowledgedBeforeCrash + i, seq, "none lost after the last acknowledged result");
        }
        for (int i = 0; i < 20; i++) {
            assertEquals(i, o.results.get(i).get("window").get("seq").asLong(), "what was seen stays seen");
        }
    }

    private record Outage(List<JsonValue> results, long acknowledgedBeforeCrash) {
    }

    private Outage streamThroughOutage(boolean crash) throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.builder().persistence(true)
                .configLine("max_inflight_messages 0").configLine("max_queued_messages 100000").start();
             Dashboard dashboard = Dashboard.connect(broker.uri(), "dashboard", false, TOPIC)) {
            broker.savePersistence(); // the dashboard's persistent session survives even the crash
            // Paced at 100 frames/s: the 196 windows take about 2 s, so the outage happens mid-stream.
            Path file = ServiceFixtures.write(dir, "octet.yaml", ServiceFixtures.adReplay(broker.uri(), 100, 0));
            try (GatewayService service = GatewayService.create(ConfigLoader.load(file),
                    ServiceFixtures.options(dir.resolve("state")))) {
                service.start();
                await().until(() -> dashboard.on(TOPIC).size() >= 20);
                if (crash) {
                    broker.kill();
                } else {
                    broker.stop();
                }
                await().until(() -> service.link().state() != LinkState.CONNECTED);
                long acknowledged = service.outboxStats().delivered();
                long before = service.pipeline().delivered();
                await().until(() -> service.pipeline().delivered() >= before + 20); // results pile up meanwhile
                assertTrue(service.outboxStats().pendingMessages() > 0, "the outage left results in the outbox");
                broker.restart();
                dashboard.reconnect();
                assertTrue(service.awaitCompletion(Duration.ofSeconds(60)));
                assertEquals(196, service.outboxStats().delivered());
                assertTrue(service.link().stats().connectionLosses() >= 1);
                await().until(() -> dashboard.sequences(TOPIC).contains(195L));
                return new Outage(dashboard.deduplicated(TOPIC), acknowledged);
            }
        }
    }
}
