package dev.octet.runtime.service;

import dev.octet.runtime.pipeline.BoundedQueue;
import dev.octet.runtime.pipeline.InferenceResult;
import dev.octet.runtime.pipeline.Pipeline;
import dev.octet.runtime.pipeline.ResultSink;
import dev.octet.runtime.pipeline.StreamHealth;
import dev.octet.runtime.pipeline.StreamStatus;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The service's metrics in the Prometheus text exposition format (version 0.0.4). Counters the pipeline keeps
 * itself are read from its {@link StreamStatus} snapshots; the latency histogram is kept here, fed as a
 * {@link ResultSink} on the dispatcher thread.
 */
public final class Metrics implements ResultSink {
    /** Histogram bucket upper bounds in seconds (inference latency: tens of µs on a desktop, ms on a Pi). */
    static final double[] BUCKETS = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25};

    /** What the MQTT transport reports, read at scrape time. */
    public record Transport(boolean connected, long connects, long connectionLosses, long outboxPending,
                            long outboxDelivered, long outboxDropped) {
    }

    private final Map<String, Histogram> latency = new ConcurrentHashMap<>();
    private volatile Pipeline pipeline;
    private volatile Supplier<Transport> transport = () -> null;
    /** Further metrics rendered after the service's own (such as the OTA agent's), in the order added. */
    private final List<Consumer<StringBuilder>> sections = new CopyOnWriteArrayList<>();

    void bind(Pipeline pipeline, Supplier<Transport> transport) {
        this.pipeline = pipeline;
        this.transport = transport;
    }

    /** Adds metrics of another part of the service: {@code section} appends complete families to each scrape. */
    public void addSection(Consumer<StringBuilder> section) {
        sections.add(section);
    }

    @Override
    public void accept(InferenceResult result) {
        latency.computeIfAbsent(result.streamId(), k -> new Histogram()).observe(result.latencyMicros());
    }

    /** Gauge value of a stream's health: 0 OK, 1 DEGRADED, 2 FAILED. */
    static int healthValue(StreamHealth h) {
        return h.ordinal();
    }

    /** The whole scrape. */
    public String render() {
        StringBuilder b = new StringBuilder(4096);
        Pipeline p = pipeline;
        List<StreamStatus> streams = p == null ? List.of() : p.status();
        header(b, "octet_inferences_total", "counter", "Inference results produced, per stream.");
        for (StreamStatus s : streams) {
            line(b, "octet_inferences_total", s.streamId(), s.inferences());
        }
        header(b, "octet_inference_failures_total", "counter", "Windows whose preprocessing, model or postprocessing failed.");
        for (StreamStatus s : streams) {
            line(b, "octet_inference_failures_total", s.streamId(), s.failures());
        }
        header(b, "octet_inference_latency_seconds", "histogram", "Time from window to result (preprocess, model, postprocess).");
        for (StreamStatus s : streams) {
            Histogram h = latency.getOrDefault(s.streamId(), new Histogram());
            h.render(b, s.streamId());
        }
        header(b, "octet_samples_total", "counter", "Samples received from the stream's source.");
        for (StreamStatus s : streams) {
            line(b, "octet_samples_total", s.streamId(), s.samples());
        }
        header(b, "octet_windows_total", "counter", "Windows cut from the stream.");
        for (StreamStatus s : streams) {
            line(b, "octet_windows_total", s.streamId(), s.windows());
        }
        header(b, "octet_windows_dropped_total", "counter", "Windows dropped by the window queue's backpressure policy or discarded by a FAILED stream.");
        for (StreamStatus s : streams) {
            line(b, "octet_windows_dropped_total", s.streamId(), s.windowsDropped() + s.windowsDiscarded());
        }
        header(b, "octet_window_queue_depth", "gauge", "Windows waiting for the stream's worker.");
        for (StreamStatus s : streams) {
            line(b, "octet_window_queue_depth", s.streamId(), s.windowQueue().size());
        }
        header(b, "octet_source_errors_total", "counter", "Errors reported by the stream's source.");
        for (StreamStatus s : streams) {
            line(b, "octet_source_errors_total", s.streamId(), s.sourceErrors());
        }
        header(b, "octet_stream_health", "gauge", "Stream health: 0 ok, 1 degraded, 2 failed.");
        for (StreamStatus s : streams) {
            line(b, "octet_stream_health", s.streamId(), healthValue(s.health()));
        }
        header(b, "octet_stream_restarts_total", "counter", "Times the stream's failed source was closed and reopened.");
        for (StreamStatus s : streams) {
            line(b, "octet_stream_restarts_total", s.streamId(), s.restarts());
        }
        if (p != null) {
            BoundedQueue.Stats r = p.resultQueue();
            header(b, "octet_result_queue_depth", "gauge", "Results waiting for the sinks.");
            b.append("octet_result_queue_depth ").append(r.size()).append('\n');
            header(b, "octet_results_dropped_total", "counter", "Results dropped by the result queue's backpressure policy.");
            b.append("octet_results_dropped_total ").append(r.dropped()).append('\n');
        }
        Transport t = transport.get();
        if (t != null) {
            header(b, "octet_mqtt_connected", "gauge", "1 while connected to the MQTT broker.");
            b.append("octet_mqtt_connected ").append(t.connected() ? 1 : 0).append('\n');
            header(b, "octet_mqtt_connects_total", "counter", "Successful MQTT connections (first and reconnections).");
            b.append("octet_mqtt_connects_total ").append(t.connects()).append('\n');
            header(b, "octet_mqtt_connection_losses_total", "counter", "Established MQTT connections that were lost.");
            b.append("octet_mqtt_connection_losses_total ").append(t.connectionLosses()).append('\n');
            header(b, "octet_outbox_buffered", "gauge", "Results stored on disk and not yet acknowledged by the broker.");
            b.append("octet_outbox_buffered ").append(t.outboxPending()).append('\n');
            header(b, "octet_outbox_delivered_total", "counter", "Results acknowledged by the broker.");
            b.append("octet_outbox_delivered_total ").append(t.outboxDelivered()).append('\n');
            header(b, "octet_outbox_dropped_total", "counter", "Results dropped because the outbox was full.");
            b.append("octet_outbox_dropped_total ").append(t.outboxDropped()).append('\n');
        }
        for (Consumer<StringBuilder> section : sections) {
            section.accept(b);
        }
        return b.toString();
    }

    private static void header(StringBuilder b, String name, String type, String help) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n');
        b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void line(StringBuilder b, String name, String stream, long value) {
        b.append(name).append("{stream=\"").append(escape(stream)).append("\"} ").append(value).append('\n');
    }

    static String escape(String label) {
        return label.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    /** Cumulative buckets as Prometheus defines them; written by the dispatcher, read by scrapes. */
    static final class Histogram {
        private final AtomicLongArray counts = new AtomicLongArray(BUCKETS.length + 1);
        private final java.util.concurrent.atomic.AtomicLong sumMicros = new java.util.concurrent.atomic.AtomicLong();

        void observe(long micros) {
            double seconds = micros / 1e6;
            int i = 0;
            while (i < BUCKETS.length && seconds > BUCKETS[i]) {
                i++;
            }
            counts.incrementAndGet(i);
            sumMicros.addAndGet(micros);
        }

        void render(StringBuilder b, String stream) {
            String s = escape(stream);
            long cumulative = 0;
            for (int i = 0; i < BUCKETS.length; i++) {
                cumulative += counts.get(i);
                b.append("octet_inference_latency_seconds_bucket{stream=\"").append(s).append("\",le=\"")
                        .append(format(BUCKETS[i])).append("\"} ").append(cumulative).append('\n');
            }
            cumulative += counts.get(BUCKETS.length);
            b.append("octet_inference_latency_seconds_bucket{stream=\"").append(s).append("\",le=\"+Inf\"} ")
                    .append(cumulative).append('\n');
            b.append("octet_inference_latency_seconds_sum{stream=\"").append(s).append("\"} ")
                    .append(format(sumMicros.get() / 1e6)).append('\n');
            b.append("octet_inference_latency_seconds_count{stream=\"").append(s).append("\"} ")
                    .append(cumulative).append('\n');
        }

        private static String format(double v) {
            return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString(); // "0.0001", not "1.0E-4"
        }
    }
}
