package dev.octet.runtime.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JsonWriterTest {

    private static JsonObject sample() {
        return JsonObject.builder()
                .put("s", "x")
                .put("n", 3)
                .put("d", 0.25)
                .put("b", true)
                .putNull("z")
                .put("a", JsonArray.builder().add(1).add("two").add(JsonObject.empty()).add(JsonArray.empty()).build())
                .put("o", JsonObject.builder().put("k", false).build())
                .build();
    }

    @Test
    void compact_and_pretty_forms() {
        assertEquals("{\"s\":\"x\",\"n\":3,\"d\":0.25,\"b\":true,\"z\":null,\"a\":[1,\"two\",{},[]],\"o\":{\"k\":false}}",
                Json.write(sample()));
        assertEquals("""
                {
                  "s": "x",
                  "n": 3,
                  "d": 0.25,
                  "b": true,
                  "z": null,
                  "a": [
                    1,
                    "two",
                    {},
                    []
                  ],
                  "o": {
                    "k": false
                  }
                }""", Json.pretty(sample()));
        assertEquals(Json.write(sample()), sample().toString());
        assertEquals("""
                {
                  "shape": [1, 49, 10.5, "x\\n", true, null],
                  "m": [
                    [1]
                  ]
                }""", Json.pretty(JsonObject.builder()
                .put("shape", Json.from(java.util.Arrays.asList(1, 49, 10.5, "x\n", true, null)))
                .put("m", Json.from(List.of(List.of(1)))).build()), "arrays of scalars on one line");
    }

    @Test
    void strings_are_escaped_so_that_they_read_back_unchanged() throws Exception {
        String nasty = "q\" b\\ /\b\f\n\r\t\u0000\u001f\u007f \u2028\u2029 é 😀 \ud800 x\udc00";
        String json = Json.write(new JsonString(nasty));
        assertEquals("\"q\\\" b\\\\ /\\b\\f\\n\\r\\t\\u0000\\u001f\u007f \\u2028\\u2029 é 😀 \\ud800 x\\udc00\"", json);
        assertEquals(nasty, Json.parse(json).asText());
        Random random = new Random(7);
        for (int i = 0; i < 2000; i++) {
            char[] c = new char[random.nextInt(12)];
            for (int k = 0; k < c.length; k++) {
                c[k] = (char) (random.nextBoolean() ? random.nextInt(0x80) : random.nextInt(0x10000));
            }
            String s = new String(c);
            assertEquals(s, Json.parse(Json.write(new JsonString(s))).asText());
        }
    }

    @Test
    void floats_and_doubles_read_back_as_the_same_value() throws Exception {
        assertEquals("[0.1,1.0E-5,3.4028235E38,-0.0,1.4E-45,100.0]", write(w -> {
            w.beginArray();
            for (float f : new float[] {0.1f, 1e-5f, Float.MAX_VALUE, -0.0f, Float.MIN_VALUE, 100f}) {
                w.value(f);
            }
            w.endArray();
        }), "Float.toString's forms, as Jackson wrote them");
        Random random = new Random(11);
        for (int i = 0; i < 20_000; i++) {
            float f = Float.intBitsToFloat(random.nextInt());
            double d = Double.longBitsToDouble(random.nextLong());
            if (!Float.isFinite(f) || !Double.isFinite(d)) {
                continue;
            }
            JsonValue back = Json.parse(write(w -> w.beginArray().value(f).value(d).endArray()));
            assertEquals(Float.floatToIntBits(f), Float.floatToIntBits(back.get(0).asNumber().floatValue()));
            assertEquals(Double.doubleToLongBits(d), Double.doubleToLongBits(back.get(1).asDouble()));
        }
    }

    @Test
    void nan_and_infinities_are_written_as_strings_so_the_output_stays_json() throws Exception {
        String json = write(w -> w.beginArray().value(Float.NaN).value(Double.POSITIVE_INFINITY)
                .value(Float.NEGATIVE_INFINITY).endArray());
        assertEquals("[\"NaN\",\"Infinity\",\"-Infinity\"]", json);
        Json.parse(json);
        assertEquals("{\"x\":\"NaN\"}", JsonObject.builder().put("x", Double.NaN).build().toString());
        assertThrows(IllegalArgumentException.class, () -> JsonNumber.of(Double.NaN));
    }

    @Test
    void integers_of_any_size() {
        assertEquals("[-9223372036854775808,123456789012345678901234567890,1.50]", Json.write(JsonArray.builder()
                .add(Long.MIN_VALUE).add(JsonNumber.of(new BigInteger("123456789012345678901234567890")))
                .add(JsonNumber.of(new BigDecimal("1.50"))).build()));
    }

    @Test
    void plain_java_values_convert_to_a_tree() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("list", List.of(1, 2L, "x"));
        m.put("ints", new int[] {1, 2});
        m.put("floats", new float[] {0.5f, Float.NaN});
        m.put("longs", new long[] {-1});
        m.put("doubles", new double[] {0.1});
        m.put("none", null);
        m.put("opt", Optional.of(true));
        m.put("kind", JsonValue.Kind.ARRAY);
        m.put("nested", Map.of("k", new Object[] {null}));
        assertEquals("{\"list\":[1,2,\"x\"],\"ints\":[1,2],\"floats\":[0.5,\"NaN\"],\"longs\":[-1],\"doubles\":[0.1],"
                + "\"none\":null,\"opt\":true,\"kind\":\"ARRAY\",\"nested\":{\"k\":[null]}}", Json.from(m).toString());
        assertThrows(IllegalArgumentException.class, () -> Json.from(new Object()));
        assertEquals("{\"f\":0.1,\"a\":[0.1,\"NaN\"],\"d\":0.10000000149011612}", JsonObject.builder()
                .put("f", 0.1f).put("a", JsonArray.builder().add(0.1f).add(Float.NaN).build())
                .put("d", (double) 0.1f).build().toString(), "floats are not widened to double");
    }

    @Test
    void misuse_is_refused() {
        assertThrows(IllegalStateException.class, () -> JsonWriter.compact(new StringBuilder()).beginObject()
                .value(1));
        assertThrows(IllegalStateException.class, () -> JsonWriter.compact(new StringBuilder()).beginArray()
                .name("x"));
        assertThrows(IllegalStateException.class, () -> JsonWriter.compact(new StringBuilder()).beginArray()
                .endObject());
        assertThrows(IllegalStateException.class, () -> JsonWriter.compact(new StringBuilder()).value(1).value(2));
        assertThrows(IllegalStateException.class, () -> JsonWriter.compact(new StringBuilder()).beginObject()
                .name("a").endObject());
        JsonObject.Builder b = JsonObject.builder();
        b.build();
        assertThrows(IllegalStateException.class, () -> b.put("a", 1));
    }

    private interface Writes {
        void to(JsonWriter w);
    }

    private static String write(Writes body) {
        StringBuilder sb = new StringBuilder();
        body.to(JsonWriter.compact(sb));
        return sb.toString();
    }
}
