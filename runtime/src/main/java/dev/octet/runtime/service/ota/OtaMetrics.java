package dev.octet.runtime.service.ota;

import dev.octet.ota.agent.AgentEvents;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The OTA counters and gauges of one gateway, per updatable model, in the Prometheus text format: fed by each
 * model's {@code GatewayAgent} through {@link AgentEvents}, rendered by the service's metrics endpoint.
 *
 * <ul>
 *   <li>{@code octet_ota_active_version{model}}: the OTA version running now (after activations and rollbacks);</li>
 *   <li>{@code octet_ota_updates_total{model,outcome}}: {@code activated} (swapped in), {@code passed} (health
 *       watch passed: the update succeeded), {@code rejected}, {@code rolled_back};</li>
 *   <li>{@code octet_ota_rejections_total{model,reason}} and {@code octet_ota_rollbacks_total{model,reason}}: by
 *       reason code ({@code input-contract}, {@code bad-signature}, {@code health-outputs}, ...);</li>
 *   <li>{@code octet_ota_download_bytes{model}} / {@code octet_ota_download_size_bytes{model}}: the latest
 *       download's bytes on disk (whole chunks) and its package size; {@code octet_ota_download_version{model}}.</li>
 * </ul>
 *
 * Thread-safe: agents record on their threads, scrapes read on the HTTP thread.
 */
public final class OtaMetrics {
    static final String[] OUTCOMES = {"activated", "passed", "rejected", "rolled_back"};

    /** One model's figures. */
    private static final class ModelFigures implements AgentEvents {
        final AtomicLong activeVersion = new AtomicLong(-1);
        final Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
        final Map<String, AtomicLong> rejections = new ConcurrentHashMap<>();
        final Map<String, AtomicLong> rollbacks = new ConcurrentHashMap<>();
        /** {version, bytes on disk, package size} of the latest download, replaced as a whole. */
        volatile long[] download;

        private void count(String outcome) {
            outcomes.computeIfAbsent(outcome, k -> new AtomicLong()).incrementAndGet();
        }

        @Override
        public void downloading(long version, long bytesOnDisk, long packageBytes) {
            download = new long[] {version, bytesOnDisk, packageBytes};
        }

        @Override
        public void activated(long version) {
            activeVersion.set(version);
            count("activated");
        }

        @Override
        public void healthPassed(long version) {
            count("passed");
        }

        @Override
        public void rejected(long version, String reason) {
            count("rejected");
            rejections.computeIfAbsent(reason, k -> new AtomicLong()).incrementAndGet();
        }

        @Override
        public void rolledBack(long version, String reason, long now) {
            activeVersion.set(now);
            count("rolled_back");
            rollbacks.computeIfAbsent(reason, k -> new AtomicLong()).incrementAndGet();
        }
    }

    private final Map<String, ModelFigures> models = new ConcurrentHashMap<>();

    /** The events sink of {@code modelId}'s agent. */
    public AgentEvents events(String modelId) {
        return figures(modelId);
    }

    /** The version running at start (the agent reports changes afterwards). */
    public void activeVersion(String modelId, long version) {
        figures(modelId).activeVersion.set(version);
    }

    private ModelFigures figures(String modelId) {
        return models.computeIfAbsent(modelId, k -> new ModelFigures());
    }

    /** Appends the OTA metrics (nothing before a model is known). */
    public void render(StringBuilder b) {
        Map<String, ModelFigures> sorted = new TreeMap<>(models);
        if (sorted.isEmpty()) {
            return;
        }
        header(b, "octet_ota_active_version", "gauge", "OTA version of the model running now.");
        sorted.forEach((m, f) -> {
            if (f.activeVersion.get() >= 0) {
                b.append("octet_ota_active_version{model=\"").append(escape(m)).append("\"} ")
                        .append(f.activeVersion.get()).append('\n');
            }
        });
        header(b, "octet_ota_updates_total", "counter", "OTA updates by outcome: activated, passed (health watch"
                + " passed), rejected, rolled_back.");
        sorted.forEach((m, f) -> {
            for (String o : OUTCOMES) {
                AtomicLong n = f.outcomes.get(o);
                b.append("octet_ota_updates_total{model=\"").append(escape(m)).append("\",outcome=\"").append(o)
                        .append("\"} ").append(n == null ? 0 : n.get()).append('\n');
            }
        });
        header(b, "octet_ota_rejections_total", "counter", "OTA packages refused before activation, by reason.");
        sorted.forEach((m, f) -> byReason(b, "octet_ota_rejections_total", m, f.rejections));
        header(b, "octet_ota_rollbacks_total", "counter", "OTA versions rolled back after activation, by reason.");
        sorted.forEach((m, f) -> byReason(b, "octet_ota_rollbacks_total", m, f.rollbacks));
        header(b, "octet_ota_download_bytes", "gauge", "Bytes on disk of the latest OTA package download.");
        sorted.forEach((m, f) -> download(b, "octet_ota_download_bytes", m, f.download, 1));
        header(b, "octet_ota_download_size_bytes", "gauge", "Size of the latest OTA package download.");
        sorted.forEach((m, f) -> download(b, "octet_ota_download_size_bytes", m, f.download, 2));
        header(b, "octet_ota_download_version", "gauge", "OTA version of the latest package download.");
        sorted.forEach((m, f) -> download(b, "octet_ota_download_version", m, f.download, 0));
    }

    private static void byReason(StringBuilder b, String name, String model, Map<String, AtomicLong> counts) {
        new TreeMap<>(counts).forEach((reason, n) -> b.append(name).append("{model=\"").append(escape(model))
                .append("\",reason=\"").append(escape(reason)).append("\"} ").append(n.get()).append('\n'));
    }

    private static void download(StringBuilder b, String name, String model, long[] d, int field) {
        if (d != null) {
            b.append(name).append("{model=\"").append(escape(model)).append("\"} ").append(d[field]).append('\n');
        }
    }

    private static void header(StringBuilder b, String name, String type, String help) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n');
        b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    /** Label value escaping of the text format (backslash, quote, newline). */
    static String escape(String label) {
        return label.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
