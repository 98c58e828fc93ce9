package dev.octet.runtime.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.octet.runtime.pipeline.InferenceResult;
import dev.octet.runtime.pipeline.postprocess.Outputs;
import dev.octet.runtime.pipeline.postprocess.Prediction;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Our reader and writer against Jackson (test scope only; the runtime does not use it) on the same documents: the
 * shipped configurations, a corpus of YAML snippets, random JSON, and the published result format, which must stay
 * exactly what Jackson's generator wrote.
 */
class JacksonDifferentialTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** Jackson's tree as ours: same kinds, same order, numbers by value (integer vs decimal kept). */
    private static JsonValue convert(JsonNode n) {
        if (n.isObject()) {
            JsonObject.Builder b = JsonObject.builder();
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                b.put(e.getKey(), convert(e.getValue()));
            }
            return b.build();
        }
        if (n.isArray()) {
            JsonArray.Builder b = JsonArray.builder();
            n.forEach(e -> b.add(convert(e)));
            return b.build();
        }
        if (n.isIntegralNumber()) {
            return JsonNumber.of(n.bigIntegerValue());
        }
        if (n.isNumber()) {
            return JsonNumber.of(new BigDecimal(n.isBigDecimal() ? n.decimalValue().toString()
                    : Double.toString(n.doubleValue())));
        }
        if (n.isBoolean()) {
            return JsonBoolean.of(n.booleanValue());
        }
        if (n.isNull() || n.isMissingNode()) {
            return JsonNull.INSTANCE;
        }
        return new JsonString(n.asText());
    }

    /** Jackson's YAML reads "key:" as an empty string where YAML says null; compare after mapping that. */
    private static JsonValue emptyAsNull(JsonValue v) {
        if (v instanceof JsonObject o) {
            JsonObject.Builder b = JsonObject.builder();
            o.members().forEach((k, e) -> b.put(k, emptyAsNull(e)));
            return b.build();
        }
        if (v instanceof JsonArray a) {
            JsonArray.Builder b = JsonArray.builder();
            a.forEach(e -> b.add(emptyAsNull(e)));
            return b.build();
        }
        return v.isString() && v.asText().isEmpty() ? JsonNull.INSTANCE : v;
    }

    @Test
    void every_shipped_yaml_reads_like_jackson() throws Exception {
        List<Path> files = new ArrayList<>();
        Path root = YamlTest.ROOT;
        for (Path dir : new Path[] {root.resolve("config"), root.resolve("docker")}) {
            try (var paths = Files.walk(dir)) {
                paths.filter(f -> f.toString().endsWith(".yaml")).forEach(files::add);
            }
        }
        assertTrue(files.size() >= 6);
        for (Path f : files) {
            String text = Files.readString(f);
            assertEquals(emptyAsNull(convert(YAML.readTree(text))), emptyAsNull(Yaml.parse(text)), f.toString());
        }
    }

    @Test
    void yaml_snippets_read_like_jackson() throws Exception {
        String[] corpus = {
            "a: 1\nb: -2\nc: 1.5\nd: true\ne: false\nf: ~\ng: null\nh: text with spaces\n",
            "list:\n  - 1\n  - two\n  - {x: 1, y: [a, b]}\n  - [1, [2, [3]]]\n",
            "seq:\n- a\n- b\nnext: {}\nempty: []\n",
            "- - a\n  - b\n- c: 1\n  d: 2\n-   e\n",
            "s: 'single ''quoted'''\nd: \"double \\\"quoted\\\" \\t \\u00e9\"\nu: \"\\U0001F600\"\n",
            "url: tcp://host:1883\ntopic: \"octet/{gateway}/{stream}\"\nhash: a#b  # comment\n",
            "n: [0, -0, +5, 12345678901234567890, 0.5, -1.25, 1.0, 100.0]\n",
            "flow: {a: [1, 2,\n          3], b: 'x'}\n",
            "---\nk: v\n",
            "k:\n  deep:\n    deeper:\n      deepest: [x]\n",
            "\"quoted key\": 1\n'other': 2\n",
            "spaces  : 1\ntrailing: value   \n",
        };
        for (String yaml : corpus) {
            assertEquals(emptyAsNull(convert(YAML.readTree(yaml))), emptyAsNull(Yaml.parse(yaml)), yaml);
        }
    }

    /**
     * Where Octet follows YAML 1.2 and Jackson's YAML (SnakeYAML, YAML 1.1) does not: yes/no/on/off are strings, and
     * an exponent without a dot is a number. Documented in docs/CONFIG_SYNTAX.md.
     */
    @Test
    void the_documented_differences_from_jackson() throws Exception {
        assertEquals("{\"a\":\"yes\",\"b\":\"off\",\"c\":1e-3}", Yaml.parse("a: yes\nb: off\nc: 1e-3").toString());
        JsonNode jackson = YAML.readTree("a: yes\nb: off\nc: 1e-3");
        assertTrue(jackson.get("a").isBoolean() || jackson.get("a").isTextual());
        assertTrue(jackson.get("c").isTextual() || jackson.get("c").isNumber());
    }

    @Test
    void random_json_reads_the_same_both_ways() throws Exception {
        Random random = new Random(99);
        for (int i = 0; i < 2000; i++) {
            JsonValue v = randomValue(random, 0);
            String ours = Json.write(v);
            assertEquals(v, convertExact(JSON.readTree(ours)), ours);
            String theirs = JSON.writeValueAsString(JSON.readTree(ours));
            assertEquals(v, Json.parse(theirs), theirs);
            assertEquals(v, Json.parse(Json.pretty(v)));
        }
    }

    /** Jackson's reading of our text, exactly (decimals through BigDecimal, so nothing is rounded). */
    private static JsonValue convertExact(JsonNode n) throws Exception {
        return Json.parse(new ObjectMapper().enable(
                com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .writeValueAsString(n));
    }

    private static JsonValue randomValue(Random r, int depth) {
        int kind = depth > 3 ? 2 + r.nextInt(4) : r.nextInt(6);
        switch (kind) {
            case 0: {
                JsonObject.Builder b = JsonObject.builder();
                for (int i = r.nextInt(4); i > 0; i--) {
                    b.put(randomString(r), randomValue(r, depth + 1));
                }
                return b.build();
            }
            case 1: {
                JsonArray.Builder b = JsonArray.builder();
                for (int i = r.nextInt(4); i > 0; i--) {
                    b.add(randomValue(r, depth + 1));
                }
                return b.build();
            }
            case 2:
                return new JsonString(randomString(r));
            case 3:
                return r.nextBoolean() ? JsonNumber.of(r.nextLong()) : JsonNumber.of((float) r.nextGaussian());
            case 4:
                return JsonNumber.of(r.nextGaussian() * Math.pow(10, r.nextInt(40) - 20));
            default:
                return r.nextBoolean() ? JsonBoolean.of(r.nextBoolean()) : JsonNull.INSTANCE;
        }
    }

    private static String randomString(Random r) {
        char[] c = new char[r.nextInt(6)];
        for (int i = 0; i < c.length; i++) {
            int k = r.nextInt(10);
            c[i] = k < 6 ? (char) ('a' + r.nextInt(26)) : k < 8 ? (char) r.nextInt(0x20) : (char) (0xA0 + r.nextInt(
                    0x2000));
        }
        return new String(c);
    }

    /** The published result: byte for byte what the Jackson generator wrote before. */
    @Test
    void results_are_written_exactly_as_jackson_wrote_them() throws Exception {
        Random random = new Random(5);
        for (int i = 0; i < 500; i++) {
            List<Prediction> topK = random.nextBoolean() ? null : List.of(
                    new Prediction(random.nextInt(12), "label \"" + i + "\"\n", random.nextFloat()),
                    new Prediction(1, "é", i % 7 == 0 ? Float.NaN : random.nextFloat() / 1000));
            float[] raw = random.nextBoolean() ? null : new float[random.nextInt(5)];
            if (raw != null) {
                for (int k = 0; k < raw.length; k++) {
                    raw[k] = k == 3 ? Float.POSITIVE_INFINITY : (float) (random.nextGaussian() * Math.pow(10,
                            random.nextInt(20) - 10));
                }
            }
            Outputs outputs = new Outputs(random.nextBoolean() ? "on" : null, topK,
                    random.nextBoolean() ? null : random.nextDouble() * 100, random.nextBoolean() ? null : i % 2 == 0,
                    raw);
            InferenceResult r = new InferenceResult("s-" + i, i, random.nextLong(), random.nextLong(),
                    random.nextLong() / 1000, 1_700_000_000_000_000L + i, "m", "v1", outputs, random.nextInt(5000));
            String ours = r.toJson();
            assertEquals(jacksonJson(r), ours);
            InferenceResult back = InferenceResult.fromJson(ours);
            assertEquals(ours, back.toJson(), "reads back to the same result");
        }
    }

    /** InferenceResult.toJson() as it was with Jackson's JsonGenerator. */
    private static String jacksonJson(InferenceResult r) throws Exception {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
            g.writeStartObject();
            g.writeStringField("stream", r.streamId());
            g.writeObjectFieldStart("window");
            g.writeNumberField("seq", r.windowSequence());
            g.writeStringField("start", iso(r.windowStartEpochMicros()));
            g.writeStringField("end", iso(r.windowEndEpochMicros()));
            g.writeNumberField("start_mono_ns", r.windowStartNanos());
            g.writeNumberField("end_mono_ns", r.windowEndNanos());
            g.writeEndObject();
            g.writeObjectFieldStart("model");
            g.writeStringField("id", r.modelId());
            g.writeStringField("version", r.modelVersion());
            g.writeEndObject();
            g.writeObjectFieldStart("outputs");
            Outputs o = r.outputs();
            if (o.label() != null) {
                g.writeStringField("label", o.label());
            }
            if (o.topK() != null) {
                g.writeArrayFieldStart("top_k");
                for (Prediction p : o.topK()) {
                    g.writeStartObject();
                    g.writeNumberField("index", p.index());
                    g.writeStringField("label", p.label());
                    g.writeNumberField("confidence", p.confidence());
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            if (o.score() != null) {
                g.writeNumberField("score", o.score());
            }
            if (o.anomaly() != null) {
                g.writeBooleanField("anomaly", o.anomaly());
            }
            if (o.raw() != null) {
                g.writeArrayFieldStart("raw");
                for (float v : o.raw()) {
                    g.writeNumber(v);
                }
                g.writeEndArray();
            }
            g.writeEndObject();
            g.writeNumberField("latency_us", r.latencyMicros());
            g.writeEndObject();
        }
        return w.toString();
    }

    private static String iso(long epochMicros) {
        return Instant.ofEpochSecond(Math.floorDiv(epochMicros, 1_000_000L),
                Math.floorMod(epochMicros, 1_000_000L) * 1000L).toString();
    }
}
