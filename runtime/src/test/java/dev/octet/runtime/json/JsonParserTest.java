package dev.octet.runtime.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JsonParserTest {

    private static JsonParseException refused(String json) {
        return assertThrows(JsonParseException.class, () -> Json.parse(json), json);
    }

    private static void assertRefused(String json, int line, int column, String reason) {
        JsonParseException e = refused(json);
        assertEquals(line + ":" + column, e.line() + ":" + e.column(), json + " -> " + e.getMessage());
        assertTrue(e.reason().contains(reason), json + " -> " + e.getMessage());
        assertTrue(e.getMessage().startsWith("line " + line + ", column " + column + ": "), e.getMessage());
    }

    @Test
    void reads_every_kind_of_value_keeping_member_order() throws Exception {
        JsonValue v = Json.parse(" {\"z\": 1, \"a\": [true, false, null, \"s\", -2.5e3, {}], \"m\": {\"x\": []}} ");
        assertEquals(List.of("z", "a", "m"), List.copyOf(v.asObject().keys()));
        assertEquals(1, v.get("z").asLong());
        JsonValue a = v.get("a");
        assertEquals(6, a.size());
        assertSame(JsonBoolean.TRUE, a.get(0));
        assertSame(JsonBoolean.FALSE, a.get(1));
        assertSame(JsonNull.INSTANCE, a.get(2));
        assertEquals("s", a.get(3).asText());
        assertEquals(-2500.0, a.get(4).asDouble());
        assertFalse(a.get(4).isIntegral());
        assertTrue(a.get(5).isObject() && a.get(5).isEmpty());
        assertTrue(v.get("m").get("x").isArray());
        assertEquals(null, v.get("missing"));
        assertEquals(null, a.get(6));
        assertEquals(null, a.get("z"), "get(key) of an array is null");
    }

    @Test
    void numbers_keep_integer_or_decimal_and_every_digit() throws Exception {
        JsonNumber big = Json.parse("123456789012345678901234567890").asNumber();
        assertTrue(big.isIntegral());
        assertFalse(big.fitsLong());
        assertEquals("123456789012345678901234567890", big.asText());
        assertEquals(new BigDecimal("123456789012345678901234567890"), big.bigDecimalValue());
        assertThrows(ArithmeticException.class, big::longValue);

        assertEquals(Long.MAX_VALUE, Json.parse("9223372036854775807").asLong());
        assertEquals(Long.MIN_VALUE, Json.parse("-9223372036854775808").asLong());
        assertFalse(Json.parse("9223372036854775808").asNumber().fitsLong());

        JsonNumber d = Json.parse("0.10000000000000000000000001").asNumber();
        assertEquals("0.10000000000000000000000001", d.asText(), "decimals keep their digits too");
        assertEquals(new BigDecimal("0.10000000000000000000000001"), d.bigDecimalValue());
        assertFalse(Json.parse("1.0").isIntegral());
        assertFalse(Json.parse("1e2").isIntegral());
        assertThrows(ArithmeticException.class, () -> Json.parse("1.0").asLong(), "a decimal is not an integer");
        assertEquals(Json.parse("1.50"), Json.parse("1.5"), "equal by value");
        assertFalse(Json.parse("1").equals(Json.parse("1.0")), "an integer is not a decimal");
        assertEquals(-0.0, Json.parse("-0.0").asDouble());
        assertEquals(Double.POSITIVE_INFINITY, Json.parse("1e400").asDouble(), "out of range is infinite, no error");
    }

    @Test
    void strings_decode_every_escape() throws Exception {
        assertEquals("\"\\/\b\f\n\r\t\u00e9\u2028\ud83d\ude00",
                Json.parse("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00E9\\u2028\\ud83d\\ude00\"").asText());
        assertEquals("\ud800", Json.parse("\"\\ud800\"").asText(), "a lone surrogate escape is kept as is");
        assertEquals("é😀", Json.parse("\"é😀\"").asText());
    }

    @Test
    void errors_name_line_column_and_what_is_wrong() {
        assertRefused("", 1, 1, "no JSON value");
        assertRefused("   ", 1, 4, "no JSON value");
        assertRefused("{\"a\":1,}", 1, 8, "expected a member name");
        assertRefused("[1,]", 1, 4, "expected a value");
        assertRefused("[1 2]", 1, 4, "expected ',' or ']'");
        assertRefused("{\"a\" 1}", 1, 6, "expected ':'");
        assertRefused("{'a': 1}", 1, 2, "expected a member name in double quotes");
        assertRefused("01", 1, 2, "leading zeros");
        assertRefused("1.", 1, 3, "digit after the decimal point");
        assertRefused("1e", 1, 3, "digit in the exponent");
        assertRefused("-", 1, 2, "expected a digit");
        assertRefused("+1", 1, 1, "unexpected '+'");
        assertRefused("NaN", 1, 1, "unexpected 'N'");
        assertRefused("tru", 1, 1, "expected a value");
        assertRefused("\"abc", 1, 1, "string not closed");
        assertRefused("\"a\\x\"", 1, 3, "unknown escape \\x");
        assertRefused("\"\\u12G4\"", 1, 2, "four hex digits");
        assertRefused("\"a\u0001\"", 1, 3, "control character U+0001");
        assertRefused("\"a\nb\"", 1, 3, "control character U+000A");
        assertRefused("{\"a\":1} x", 1, 9, "after the JSON value");
        assertRefused("{\"a\": 1, \"a\": 2}", 1, 10, "duplicate member name \"a\"");
        assertRefused("{\n  \"a\": [1,\n    x]\n}", 3, 5, "unexpected 'x'");
        assertRefused("{\r\n\"a\": y}", 2, 6, "unexpected 'y'");
        assertRefused("[1, [2, ", 1, 9, "unexpected end of input");
        assertRefused("{\"a\": 1", 1, 8, "end of input in the object opened at line 1, column 1");
        assertRefused("// c\n1", 1, 1, "unexpected '/'");
    }

    @Test
    void nesting_is_limited_and_deep_input_is_an_error_not_a_stack_overflow() throws Exception {
        String ok = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
        assertEquals(1, Json.parse(ok).size());
        assertRefused("[".repeat(Json.MAX_DEPTH + 1) + "]".repeat(Json.MAX_DEPTH + 1), 1, Json.MAX_DEPTH + 1,
                "nested more than " + Json.MAX_DEPTH);
        assertRefused("{\"a\":".repeat(300_000), 1, 5 * Json.MAX_DEPTH + 1, "nested more than");
        assertRefused("[".repeat(1_000_000), 1, Json.MAX_DEPTH + 1, "nested more than");
    }

    @Test
    void bytes_must_be_well_formed_utf8() throws Exception {
        assertEquals("é", Json.parse("\"é\"".getBytes(StandardCharsets.UTF_8)).asText());
        JsonParseException e = assertThrows(JsonParseException.class,
                () -> Json.parse(new byte[] {'[', '1', ',', '\n', ' ', (byte) 0xC3, '(', ']'}));
        assertEquals("malformed UTF-8 at byte 5", e.reason());
        assertEquals(2, e.line());
        assertEquals(2, e.column());
        JsonParseException bom = assertThrows(JsonParseException.class,
                () -> Json.parse(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '1'}));
        assertTrue(bom.reason().contains("U+FEFF") || bom.reason().contains("unexpected"), bom.getMessage());
    }

    /** Random damage to valid documents: either a value or a JsonParseException, never anything else. */
    @Test
    void damaged_documents_give_the_typed_error_or_a_value_never_anything_else() {
        String[] seeds = {
            "{\"t\": 1700000000000, \"seq\": 12, \"values\": [1.5, -2, 3e-2]}",
            "[{\"a\": [1, 2, {\"b\": null}]}, \"x\\u00e9\\n\", true, false, -0.5E+3]",
            "{\"stream\":\"s\",\"window\":{\"seq\":0},\"outputs\":{\"top_k\":[{\"index\":1,\"confidence\":0.5}]}}",
        };
        String alphabet = "{}[],:\"\\ 0123456789.eE+-truefalsnl\u0000\n\t\u2028\ud800x";
        Random random = new Random(42);
        int parsed = 0;
        for (int i = 0; i < 20_000; i++) {
            StringBuilder s = new StringBuilder(seeds[i % seeds.length]);
            for (int k = 1 + random.nextInt(4); k > 0; k--) {
                int at = random.nextInt(s.length() + 1);
                switch (random.nextInt(3)) {
                    case 0 -> s.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    case 1 -> s.deleteCharAt(Math.min(at, s.length() - 1));
                    default -> s.setCharAt(Math.min(at, s.length() - 1), alphabet.charAt(random.nextInt(
                            alphabet.length())));
                }
            }
            try {
                JsonValue v = Json.parse(s.toString());
                assertEquals(v, Json.parse(Json.write(v)), "what parses writes and parses back the same");
                parsed++;
            } catch (JsonParseException e) {
                assertTrue(e.line() >= 1 && e.column() >= 1, e.getMessage());
            }
        }
        assertTrue(parsed > 100 && parsed < 19_000, "the damage is neither always fatal nor always harmless: "
                + parsed);
    }
}
