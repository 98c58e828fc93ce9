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

    /** Random configuration-like documents in the supported subset, in random block and flow layouts. */
    @Test
    void random_yaml_documents_read_like_jackson() throws Exception {
        Random random = new Random(2024);
        int[] layouts = new int[4];
        for (int i = 0; i < 1500; i++) {
            JsonValue tree = randomYamlTree(random, 0, true);
            StringBuilder yaml = new StringBuilder(random.nextBoolean() ? "---\n" : "# generated\n");
            new YamlEmitter(random, yaml).block(tree, 0);
            String text = yaml.toString();
            assertEquals(emptyAsNull(convert(YAML.readTree(text))), emptyAsNull(Yaml.parse(text)), text);
            layouts[0] += text.contains("\n- ") || text.contains(" - ") ? 1 : 0;
            layouts[1] += text.contains("- - ") || text.matches("(?s).*- [^\n]*: .*") ? 1 : 0;
            layouts[2] += text.contains("{") || text.contains("[") ? 1 : 0;
            layouts[3] += text.contains("\n    ") ? 1 : 0;
        }
        for (int n : layouts) {
            assertTrue(n > 150, "each layout is exercised: " + java.util.Arrays.toString(layouts));
        }
    }

    private static JsonValue randomYamlTree(Random r, int depth, boolean mapping) {
        int kind = mapping ? 0 : depth > 3 ? 2 : r.nextInt(4);
        if (kind == 0) {
            JsonObject.Builder b = JsonObject.builder();
            int n = (depth == 0 ? 1 : 0) + r.nextInt(4);
            for (int i = 0; i < n; i++) {
                b.put(randomWord(r) + i, randomYamlTree(r, depth + 1, false));
            }
            return b.build();
        }
        if (kind == 1) {
            JsonArray.Builder b = JsonArray.builder();
            for (int i = r.nextInt(4); i > 0; i--) {
                b.add(randomYamlTree(r, depth + 1, r.nextInt(3) == 0));
            }
            return b.build();
        }
        switch (r.nextInt(8)) {
            case 0:
                return JsonNumber.of(r.nextInt(2_000_001) - 1_000_000L);
            case 1:
                return JsonNumber.of(new BigDecimal(BigDecimal.valueOf(r.nextInt(200_000) - 100_000, 3)
                        .toPlainString()));
            case 2:
                return JsonBoolean.of(r.nextBoolean());
            case 3:
                return JsonNull.INSTANCE;
            case 4:
                return new JsonString(randomWord(r) + " " + randomWord(r));
            case 5: {
                char[] c = new char[r.nextInt(8)];
                String pool = "ab #:,[]{}'\"\\-?&*!|>%@`\té";
                for (int k = 0; k < c.length; k++) {
                    c[k] = pool.charAt(r.nextInt(pool.length()));
                }
                return new JsonString(new String(c));
            }
            default:
                return new JsonString(randomWord(r));
        }
    }

    private static String randomWord(Random r) {
        String[] words = {"id", "gw-01", "bundled:ad01", "tcp://host:1883", "a.b", "x_y", "octet/{gateway}/{stream}",
            "drop_oldest", "path/to/file.tflite", "v1.2", "node-7", "sine", "Z", "k8"};
        return words[r.nextInt(words.length)];
    }

    /** Writes a tree as YAML, choosing among the layouts the subset allows. */
    private static final class YamlEmitter {
        private final Random r;
        private final StringBuilder out;

        YamlEmitter(Random r, StringBuilder out) {
            this.r = r;
            this.out = out;
        }

        void block(JsonValue v, int indent) {
            if (v instanceof JsonObject o && !o.isEmpty()) {
                boolean first = true;
                for (Map.Entry<String, JsonValue> e : o.members().entrySet()) {
                    if (!first || out.length() == 0 || out.charAt(out.length() - 1) == '\n') {
                        out.append(" ".repeat(indent));
                    }
                    first = false;
                    out.append(r.nextInt(5) == 0 ? "\"" + e.getKey() + "\"" : e.getKey()).append(':');
                    value(e.getValue(), indent);
                }
            } else if (v instanceof JsonArray a && !a.isEmpty()) {
                boolean first = true;
                for (JsonValue e : a) {
                    if (!first || out.length() == 0 || out.charAt(out.length() - 1) == '\n') {
                        out.append(" ".repeat(indent));
                    }
                    first = false;
                    out.append('-');
                    if ((e.isObject() || e.isArray()) && !e.isEmpty() && r.nextBoolean()) {
                        out.append(' ');
                        block(e, indent + 2); // "- key: v" / "- - a": the rest lines up after "- "
                    } else {
                        value(e, indent);
                    }
                }
            } else {
                out.append(" ".repeat(indent));
                flow(v);
                out.append('\n');
            }
        }

        /** After "key:" or "-": the value inline, or on the next lines. */
        private void value(JsonValue v, int indent) {
            boolean collection = (v.isObject() || v.isArray()) && !v.isEmpty();
            if (collection && r.nextInt(3) > 0) {
                out.append(r.nextInt(4) == 0 ? "   # comment\n" : "\n");
                int deeper = v.isArray() && out.length() > 1 && r.nextBoolean() && isAfterKey() ? indent
                        : indent + (r.nextBoolean() ? 2 : 4);
                block(v, deeper);
                return;
            }
            if (v.isNull() && r.nextBoolean()) {
                out.append('\n');
                return;
            }
            out.append(' ');
            flow(v);
            out.append(r.nextInt(4) == 0 ? "  # comment\n" : "\n");
        }

        private boolean isAfterKey() {
            return out.charAt(out.length() - 2) == ':' || out.charAt(out.length() - 1) == ':';
        }

        private void flow(JsonValue v) {
            if (v instanceof JsonObject o) {
                out.append('{');
                boolean first = true;
                for (Map.Entry<String, JsonValue> e : o.members().entrySet()) {
                    String k = e.getKey();
                    out.append(first ? "" : ", ").append(k.matches("[a-z][a-zA-Z0-9_.-]*") ? k : "\"" + k + "\"")
                            .append(": ");
                    flow(e.getValue());
                    first = false;
                }
                out.append('}');
            } else if (v instanceof JsonArray a) {
                out.append('[');
                for (int i = 0; i < a.size(); i++) {
                    out.append(i == 0 ? "" : ", ");
                    flow(a.get(i));
                }
                out.append(']');
            } else if (v instanceof JsonString s) {
                String t = s.value();
                if (t.matches("[a-z][a-zA-Z0-9_./-]*") && r.nextBoolean()) {
                    out.append(t);
                } else if (r.nextBoolean()) {
                    out.append('\'').append(t.replace("'", "''")).append('\'');
                } else {
                    out.append('"').append(t.replace("\\", "\\\\").replace("\"", "\\\"").replace("\t", "\\t"))
                            .append('"');
                }
            } else if (v.isNull()) {
                out.append(r.nextBoolean() ? "null" : "~");
            } else {
                out.append(v.asText());
            }
        }
    }

    /**
     * Where Octet follows YAML 1.2 and Jackson's YAML (SnakeYAML, YAML 1.1) does not, each pinned so that a change on
     * either side shows up here. Documented in docs/CONFIG_SYNTAX.md.
     */
    @Test
    void the_documented_differences_from_jackson() throws Exception {
        String[][] cases = {
            // plain scalar, Jackson's reading, ours
            {"yes", "true", "\"yes\""}, {"no", "false", "\"no\""}, {"on", "true", "\"on\""},
            {"off", "false", "\"off\""}, {"1_000", "1000", "\"1_000\""}, {"0o17", "\"0o17\"", "15"},
        };
        for (String[] c : cases) {
            assertEquals(c[1], YAML.readTree("k: " + c[0]).get("k").toString(), "Jackson, " + c[0]);
            assertEquals(c[2], Yaml.parse("k: " + c[0]).get("k").toString(), "ours, " + c[0]);
        }
        assertEquals(493, YAML.readTree("k: 0755").get("k").asInt(), "Jackson reads a leading zero as octal");
        JsonParseException e = org.junit.jupiter.api.Assertions.assertThrows(JsonParseException.class,
                () -> Yaml.parse("k: 0755"));
        assertTrue(e.reason().contains("leading zero"), "ours refuses to guess: " + e.getMessage());
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
