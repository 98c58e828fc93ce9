package dev.octet.runtime.pipeline;

import dev.octet.runtime.json.Json;
import dev.octet.runtime.json.JsonArray;
import dev.octet.runtime.json.JsonParseException;
import dev.octet.runtime.json.JsonValue;
import dev.octet.runtime.json.JsonWriter;
import dev.octet.runtime.pipeline.postprocess.Outputs;
import dev.octet.runtime.pipeline.postprocess.Prediction;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The result of one window on one stream. Immutable.
 *
 * @param streamId            the stream's configured id
 * @param windowSequence      the window's number in its stream (0, 1, 2, …; a gap means windows were dropped)
 * @param windowStartNanos    monotonic timestamp of the window's first sample
 * @param windowEndNanos      monotonic timestamp of its last sample
 * @param windowStartEpochMicros wall-clock time of the first sample, µs since the epoch
 * @param windowEndEpochMicros   wall-clock time of the last sample
 * @param modelId             the model that ran
 * @param modelVersion        its version
 * @param outputs             labels / top-k, anomaly score and flag, raw outputs, as configured
 * @param latencyMicros       time to preprocess, quantize, invoke and postprocess this window
 */
public record InferenceResult(String streamId, long windowSequence, long windowStartNanos, long windowEndNanos,
                              long windowStartEpochMicros, long windowEndEpochMicros, String modelId,
                              String modelVersion, Outputs outputs, long latencyMicros) {
    public InferenceResult {
        Objects.requireNonNull(streamId, "streamId");
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(modelVersion, "modelVersion");
        Objects.requireNonNull(outputs, "outputs");
    }

    /**
     * The JSON form published to sinks:
     * <pre>
     * {"stream":"toycar","window":{"seq":0,"start":"2025-01-01T00:00:00.000001Z","end":"…",
     *  "start_mono_ns":…,"end_mono_ns":…},"model":{"id":"ad01","version":"bundled"},
     *  "outputs":{"label":…,"top_k":[{"index":5,"label":"on","confidence":0.99}],"score":11.68,"anomaly":false,
     *  "raw":[…]},"latency_us":412}
     * </pre>
     * Output fields that were not configured are left out.
     */
    public String toJson() {
        StringBuilder sb = new StringBuilder(256);
        JsonWriter g = JsonWriter.compact(sb);
        g.beginObject();
        g.field("stream", streamId);
        g.name("window").beginObject();
        g.field("seq", windowSequence);
        g.field("start", iso(windowStartEpochMicros));
        g.field("end", iso(windowEndEpochMicros));
        g.field("start_mono_ns", windowStartNanos);
        g.field("end_mono_ns", windowEndNanos);
        g.endObject();
        g.name("model").beginObject();
        g.field("id", modelId);
        g.field("version", modelVersion);
        g.endObject();
        g.name("outputs").beginObject();
        if (outputs.label() != null) {
            g.field("label", outputs.label());
        }
        if (outputs.topK() != null) {
            g.name("top_k").beginArray();
            for (Prediction p : outputs.topK()) {
                g.beginObject();
                g.field("index", p.index());
                g.field("label", p.label());
                g.field("confidence", p.confidence());
                g.endObject();
            }
            g.endArray();
        }
        if (outputs.score() != null) {
            g.field("score", outputs.score().doubleValue());
        }
        if (outputs.anomaly() != null) {
            g.field("anomaly", outputs.anomaly().booleanValue());
        }
        float[] raw = outputs.raw();
        if (raw != null) {
            g.name("raw").beginArray();
            for (float v : raw) {
                g.value(v);
            }
            g.endArray();
        }
        g.endObject();
        g.field("latency_us", latencyMicros);
        g.endObject();
        return sb.toString();
    }

    /** Parses {@link #toJson()} back (for consumers and tests); IllegalArgumentException if it is not one. */
    public static InferenceResult fromJson(String json) {
        try {
            JsonValue root = Json.parse(json);
            JsonValue window = required(root, "window");
            JsonValue model = required(root, "model");
            JsonValue out = required(root, "outputs");
            List<Prediction> topK = null;
            if (out.get("top_k") != null) {
                topK = new ArrayList<>();
                for (JsonValue p : out.get("top_k").asArray()) {
                    topK.add(new Prediction(Math.toIntExact(required(p, "index").asNumber().longValue()),
                            required(p, "label").asText(), (float) real(required(p, "confidence"))));
                }
            }
            float[] raw = null;
            if (out.get("raw") != null) {
                JsonArray r = out.get("raw").asArray();
                raw = new float[r.size()];
                for (int i = 0; i < raw.length; i++) {
                    JsonValue v = r.get(i);
                    raw[i] = v.isNumber() ? v.asNumber().floatValue() : (float) real(v);
                }
            }
            Outputs outputs = new Outputs(out.get("label") != null ? out.get("label").asText() : null, topK,
                    out.get("score") != null ? real(out.get("score")) : null,
                    out.get("anomaly") != null ? out.get("anomaly").asBoolean() : null, raw);
            return new InferenceResult(required(root, "stream").asText(), integer(window, "seq"),
                    integer(window, "start_mono_ns"), integer(window, "end_mono_ns"),
                    micros(required(window, "start").asText()), micros(required(window, "end").asText()),
                    required(model, "id").asText(), required(model, "version").asText(), outputs,
                    integer(root, "latency_us"));
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("not an inference result: " + e.getMessage(), e);
        } catch (IllegalStateException | ArithmeticException | DateTimeParseException e) {
            throw new IllegalArgumentException("not an inference result: " + e.getMessage(), e);
        }
    }

    private static JsonValue required(JsonValue o, String key) {
        JsonValue v = o.get(key);
        if (v == null) {
            throw new IllegalArgumentException("not an inference result: no \"" + key + "\" in " + o);
        }
        return v;
    }

    private static long integer(JsonValue o, String key) {
        return required(o, key).asNumber().longValue();
    }

    /** A number, or one of the strings toJson writes for NaN and the infinities. */
    private static double real(JsonValue v) {
        if (v.isString()) {
            switch (v.asText()) {
                case "NaN":
                    return Double.NaN;
                case "Infinity":
                    return Double.POSITIVE_INFINITY;
                case "-Infinity":
                    return Double.NEGATIVE_INFINITY;
                default:
                    break;
            }
        }
        return v.asNumber().doubleValue();
    }

    private static String iso(long epochMicros) {
        return Instant.ofEpochSecond(Math.floorDiv(epochMicros, 1_000_000L),
                Math.floorMod(epochMicros, 1_000_000L) * 1000L).toString();
    }

    private static long micros(String iso) {
        Instant t = Instant.parse(iso);
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
    }
}
