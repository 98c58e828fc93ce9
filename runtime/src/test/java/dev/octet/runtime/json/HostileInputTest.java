package dev.octet.runtime.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Input crafted to cost time or to slip past the strict grammar: each gives a value or the typed error, quickly. */
class HostileInputTest {
    @Test
    void aMegabyteNumberIsRefusedWithoutArbitraryPrecisionWork() throws Exception {
        String digits = "9".repeat(1_048_555);
        JsonParseException e = assertThrows(JsonParseException.class,
                () -> Json.parse("{\"t\":" + digits + ",\"values\":[1]}"));
        assertTrue(e.getMessage().contains("longer than " + JsonNumber.MAX_TEXT), e.getMessage());
        assertThrows(JsonParseException.class, () -> Yaml.parse("a: " + digits + "\n"));
        assertThrows(JsonParseException.class, () -> Yaml.parse("a: 0x" + "f".repeat(5_000) + "\n"));
        // The longest accepted number: integral, beyond a long, compared by value.
        String longest = "1" + "0".repeat(JsonNumber.MAX_TEXT - 1);
        JsonNumber n = (JsonNumber) Json.parse(longest);
        assertFalse(n.fitsLong());
        assertEquals(n, Json.parse(longest));
    }

    @Test
    void integersAtTheEdgesOfALong() throws Exception {
        assertTrue(((JsonNumber) Json.parse("9223372036854775807")).fitsLong());
        assertTrue(((JsonNumber) Json.parse("-9223372036854775808")).fitsLong());
        assertFalse(((JsonNumber) Json.parse("9223372036854775808")).fitsLong());
        assertFalse(((JsonNumber) Json.parse("-9223372036854775809")).fitsLong());
        assertFalse(((JsonNumber) Json.parse("99999999999999999999")).fitsLong());
        assertEquals(Long.MAX_VALUE, ((JsonNumber) Json.parse("9223372036854775807")).longValue());
    }

    @Test
    void hugeExponentsCompareAndHashWithoutThrowing() throws Exception {
        JsonValue huge = Json.parse("1e99999999999");
        assertEquals(huge.hashCode(), Json.parse("1e99999999999").hashCode());
        assertEquals(huge, Json.parse("1e99999999999"));
        assertNotEquals(huge, Json.parse("1e99999999998"));
        assertNotEquals(huge, Json.parse("1.5"));
        assertEquals(Json.parse("[1e99999999999]").hashCode(), Json.parse("[1e99999999999]").hashCode());
    }

    @Test
    void hexDigitsAreAsciiOnly() throws Exception {
        assertThrows(JsonParseException.class, () -> Json.parse("\"\\u\uFF10\uFF10\uFF14\uFF11\""), "fullwidth digits");
        assertEquals("A", ((JsonString) Json.parse("\"\\u0041\"")).value());
        assertEquals(new JsonString("0x\uFF11"), ((JsonObject) Yaml.parse("a: 0x\uFF11\n")).get("a"),
                "YAML: not a number, a string");
        assertThrows(JsonParseException.class, () -> Yaml.parse("a: \"\\x\uFF141\"\n"));
    }

    @Test
    void escapesBeyondUnicodeAreTypedErrorsEvenWhenTheyOverflowAnInt() throws Exception {
        for (String escape : new String[] {"\\UFFFFFFFF", "\\U80000000", "\\U00110000"}) {
            JsonParseException e = assertThrows(JsonParseException.class,
                    () -> Yaml.parse("gateway:\n  id: gw\nx: \"" + escape + "\"\n"), escape);
            assertTrue(e.getMessage().contains("beyond U+10FFFF"), e.getMessage());
        }
    }
}
