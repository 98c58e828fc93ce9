package dev.octet.runtime.service.ota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.ota.agent.AgentEvents;
import dev.octet.runtime.service.Metrics;
import org.junit.jupiter.api.Test;

/** The OTA families in the Prometheus text: counts per outcome and reason, active version, download figures. */
class OtaMetricsTest {
    @Test
    void agent_events_become_counters_and_gauges_in_the_scrape() {
        OtaMetrics ota = new OtaMetrics();
        Metrics metrics = new Metrics();
        metrics.addSection(ota::render);
        assertTrue(!metrics.render().contains("octet_ota_"), "nothing before a model is known");

        ota.activeVersion("kws", 1);
        AgentEvents e = ota.events("kws");
        e.downloading(2, 8192, 20000);
        e.rejected(2, "bad-signature");
        e.downloading(3, 20000, 20000);
        e.activated(3);
        e.rolledBack(3, "health-latency", 1);
        e.activated(4);
        e.healthPassed(4);
        e.rejected(5, "bad-signature");
        e.rejected(6, "input-contract");
        ota.events("ad\"01").activated(2);

        String m = metrics.render();
        assertTrue(m.contains("# TYPE octet_ota_updates_total counter\n"), m);
        assertTrue(m.contains("octet_ota_active_version{model=\"kws\"} 4\n"), m);
        assertTrue(m.contains("octet_ota_active_version{model=\"ad\\\"01\"} 2\n"), m);
        assertTrue(m.contains("octet_ota_updates_total{model=\"kws\",outcome=\"activated\"} 2\n"), m);
        assertTrue(m.contains("octet_ota_updates_total{model=\"kws\",outcome=\"passed\"} 1\n"), m);
        assertTrue(m.contains("octet_ota_updates_total{model=\"kws\",outcome=\"rejected\"} 3\n"), m);
        assertTrue(m.contains("octet_ota_updates_total{model=\"kws\",outcome=\"rolled_back\"} 1\n"), m);
        assertTrue(m.contains("octet_ota_updates_total{model=\"ad\\\"01\",outcome=\"rejected\"} 0\n"), m);
        assertTrue(m.contains("octet_ota_rejections_total{model=\"kws\",reason=\"bad-signature\"} 2\n"), m);
        assertTrue(m.contains("octet_ota_rejections_total{model=\"kws\",reason=\"input-contract\"} 1\n"), m);
        assertTrue(m.contains("octet_ota_rollbacks_total{model=\"kws\",reason=\"health-latency\"} 1\n"), m);
        assertTrue(m.contains("octet_ota_download_bytes{model=\"kws\"} 20000\n"), m);
        assertTrue(m.contains("octet_ota_download_size_bytes{model=\"kws\"} 20000\n"), m);
        assertTrue(m.contains("octet_ota_download_version{model=\"kws\"} 3\n"), m);
        assertTrue(!m.contains("octet_ota_download_bytes{model=\"ad\\\"01\"}"), "no download yet: no sample");
        assertEquals(1, m.split("# TYPE octet_ota_active_version ", -1).length - 1, "one family header");
    }
}
