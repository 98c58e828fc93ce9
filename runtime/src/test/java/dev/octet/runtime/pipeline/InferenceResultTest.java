package dev.octet.runtime.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.runtime.json.JsonValue;
import dev.octet.runtime.json.Json;
import dev.octet.runtime.pipeline.postprocess.AnomalyScore;
import dev.octet.runtime.pipeline.postprocess.Classification;
import dev.octet.runtime.pipeline.postprocess.Outputs;
import dev.octet.runtime.pipeline.postprocess.Prediction;
import dev.octet.runtime.pipeline.sink.StdoutSink;
import java.util.List;
import org.junit.jupiter.api.Test;

class InferenceResultTest {

    @Test
    void classification_reports_the_top_k_with_labels_and_the_best_label() {
        Classification c = new Classification(4, List.of("idle", "run", "fault", "off"), 2, 0.5f);
        Outputs.Builder b = new Outputs.Builder();
        c.apply(null, new float[] {0.1f, 0.7f, 0.15f, 0.05f}, b);
        Outputs o = b.build();
        assertEquals("run", o.label());
        assertEquals(List.of(new Prediction(1, "run", 0.7f), new Prediction(2, "fault", 0.15f)), o.topK());
    }

    @Test
    void classification_gives_no_label_below_the_minimum_confidence_and_breaks_ties_by_index() {
        Classification c = new Classification(3, List.of(), 3, 0.5f);
        Outputs.Builder b = new Outputs.Builder();
        c.apply(null, new float[] {0.3f, 0.4f, 0.3f}, b);
        Outputs o = b.build();
        assertNull(o.label());
        assertEquals(List.of(1, 0, 2), o.topK().stream().map(Prediction::index).toList());
        assertEquals("1", o.topK().get(0).label(), "no labels: the index is the label");
    }

    @Test
    void anomaly_score_is_the_mean_squared_error_and_flags_above_the_threshold() {
        // errors 1, −2, 0, 3 → (1 + 4 + 0 + 9) / 4 = 3.5
        AnomalyScore a = new AnomalyScore(4, 4, 3.0);
        Outputs.Builder b = new Outputs.Builder();
        a.apply(new float[] {0, 2, 5, 1}, new float[] {1, 0, 5, 4}, b);
        assertEquals(3.5, b.build().score(), 1e-12);
        assertTrue(b.build().anomaly());
        Outputs.Builder low = new Outputs.Builder();
        new AnomalyScore(4, 4, 3.5).apply(new float[] {0, 2, 5, 1}, new float[] {1, 0, 5, 4}, low);
        assertFalse(low.build().anomaly(), "equal to the threshold is not above it");
    }

    @Test
    void json_form_has_stream_window_model_outputs_and_latency_and_parses_back() throws Exception {
        Outputs outputs = new Outputs("run", List.of(new Prediction(1, "run", 0.75f)), 11.5, false,
                new float[] {0.25f, -1.5f});
        InferenceResult r = new InferenceResult("pump-1", 42, 5_000_000_000L, 5_031_937_500L,
                1_736_208_000_123_456L, 1_736_208_000_155_393L, "ad01", "2025-01-07", outputs, 412);
        String json = r.toJson();
        JsonValue n = Json.parse(json);
        assertEquals("pump-1", n.get("stream").asText());
        assertEquals(42, n.get("window").get("seq").asLong());
        assertEquals("2025-01-07T00:00:00.123456Z", n.get("window").get("start").asText());
        assertEquals(5_031_937_500L, n.get("window").get("end_mono_ns").asLong());
        assertEquals("ad01", n.get("model").get("id").asText());
        assertEquals(11.5, n.get("outputs").get("score").asDouble());
        assertFalse(n.get("outputs").get("anomaly").asBoolean());
        assertEquals(0.75, n.get("outputs").get("top_k").get(0).get("confidence").asDouble());
        assertEquals(412, n.get("latency_us").asLong());
        assertEquals(r, InferenceResult.fromJson(json));
        assertArrayEquals(new float[] {0.25f, -1.5f}, InferenceResult.fromJson(json).outputs().raw());
    }

    @Test
    void outputs_that_were_not_configured_are_left_out_of_the_json() throws Exception {
        InferenceResult r = new InferenceResult("s", 0, 0, 0, 0, 0, "m", "1",
                new Outputs(null, null, 2.0, true, null), 1);
        JsonValue out = Json.parse(r.toJson()).get("outputs");
        assertEquals(List.of("score", "anomaly"), iterable(out));
        assertEquals("s  window    0  score    2.0000  ANOMALY  m 1  1 us", StdoutSink.text(r));
    }

    @Test
    void a_result_cannot_be_changed_through_its_raw_outputs() {
        float[] raw = {1, 2};
        Outputs o = new Outputs(null, null, null, null, raw);
        raw[0] = 99;
        o.raw()[1] = 99;
        assertArrayEquals(new float[] {1, 2}, o.raw());
    }

    private static List<String> iterable(JsonValue node) {
        List<String> names = new java.util.ArrayList<>();
        names.addAll(node.asObject().keys());
        return names;
    }
}
