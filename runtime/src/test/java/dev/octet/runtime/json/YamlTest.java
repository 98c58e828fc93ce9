package dev.octet.runtime.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;

class YamlTest {
    static final Path ROOT = Path.of(System.getProperty("user.dir")).resolve("..").normalize();

    /** The YAML read, as compact JSON. */
    private static String json(String yaml) throws JsonParseException {
        return Yaml.parse(yaml).toString();
    }

    private static void assertRefused(String yaml, int line, int column, String reason) {
        JsonParseException e = assertThrows(JsonParseException.class, () -> Yaml.parse(yaml), yaml);
        assertEquals(line + ":" + column, e.line() + ":" + e.column(), yaml + "\n-> " + e.getMessage());
        assertTrue(e.reason().contains(reason), yaml + "\n-> " + e.getMessage());
    }

    @Test
    void block_mappings_and_lists_by_indentation() throws Exception {
        assertEquals("{\"gateway\":{\"id\":\"gw-1\"},\"models\":[{\"id\":\"ad01\",\"path\":\"bundled:ad01\"},"
                + "{\"id\":\"kws\"}],\"sinks\":[\"a\",\"b\"],\"after\":1}", json("""
                # a comment
                gateway:
                  id: gw-1      # trailing comment
                models:
                  - id: ad01
                    path: bundled:ad01

                  - id: kws
                sinks:
                - a
                - b
                after: 1
                """));
        assertEquals("[[\"a\",\"b\"],[\"c\"],{\"k\":{\"x\":null}},null]", json("""
                - - a
                  - b
                -
                  - c
                - k:
                    x:
                -
                """));
        assertEquals("{\"a\":null,\"b\":\"\",\"c\":null,\"d\":{}}", json("a:\nb: ''\nc: ~\nd: {}\n"));
        assertEquals("{\"url\":\"tcp://host:1883\",\"hash\":\"a#b\",\"k:x\":\"v\"}",
                json("url: tcp://host:1883\nhash: a#b\nk:x: v\n"));
        assertEquals("{\"a\":1}", json("---\na: 1\n"));
        assertEquals("{\"a\":1}", json("--- # start\r\na: 1\r\n"));
        assertEquals("{\"a\":1}", json("\uFEFFa: 1"));
        assertEquals("\"just text\"", json("just text"));
        assertSame(JsonNull.INSTANCE, Yaml.parse("# only a comment\n\n"));
        assertSame(JsonNull.INSTANCE, Yaml.parse(""));
        assertEquals("{\"a b\":1,\"c\":2}", json("a b  : 1\n\"c\": 2"));
    }

    @Test
    void flow_collections_also_across_lines() throws Exception {
        assertEquals("{\"s\":{\"a\":1,\"b\":[\"x\",\"y\"],\"c\":{}},\"l\":[1,[2,3],{\"k\":\"v\"},[]]}",
                json("s: {a: 1, b: [x, y], c: {}}\nl: [1, [2, 3], {k: v}, []]"));
        assertEquals("{\"labels\":[\"a\",\"b\",\"c\"],\"m\":{\"k\":null,\"j\":2}}", json("""
                labels: [a, b,   # first two
                         c,]
                m: {k, "j":2}
                """));
        assertEquals("[\"tcp://h:1\",\"x y\"]", json("[tcp://h:1, x y]"));
        assertEquals("{\"007\":1,\"1\":{\".inf\":true}}", json("{007: 1, 1: {.inf: true}}"), "keys are text");
    }

    @Test
    void quoted_scalars_with_their_escapes_are_strings() throws Exception {
        assertEquals("[\"it's\",\"a\\\\b\",\"1\",\"true\",\"\"]", json("['it''s', 'a\\b', '1', \"true\", \"\"]"));
        assertEquals("\u0000\u0007\b\t\t\n\u000b\f\r\u001b \"/\\\u0085\u00a0\u2028\u2029é€😀",
                Yaml.parse("\"\\0\\a\\b\\t\\\t\\n\\v\\f\\r\\e\\ \\\"\\/\\\\\\N\\_\\L\\P\\xe9\\u20AC\\U0001F600\"")
                        .asText());
        assertEquals("{\"a: b\":\"c # d\"}", json("'a: b': \"c # d\""));
    }

    @Test
    void plain_scalars_are_typed_by_the_yaml_1_2_core_schema() throws Exception {
        String[][] cases = {
            {"~", "null"}, {"null", "null"}, {"Null", "null"}, {"NULL", "null"}, {"", "null"},
            {"true", "true"}, {"True", "true"}, {"TRUE", "true"}, {"false", "false"}, {"FALSE", "false"},
            {"yes", "\"yes\""}, {"no", "\"no\""}, {"on", "\"on\""}, {"off", "\"off\""}, {"y", "\"y\""},
            {"0", "0"}, {"-17", "-17"}, {"+17", "17"}, {"0x1F", "31"}, {"0o17", "15"},
            {"123456789012345678901234567890", "123456789012345678901234567890"},
            {"1.5", "1.5"}, {"-1.50", "-1.50"}, {"1.", "1.0"}, {".5", "0.5"}, {"-.5", "-0.5"}, {"+1.5", "1.5"},
            {"1e3", "1e3"}, {"1E-3", "1E-3"}, {"3.0517578125e-05", "3.0517578125e-05"}, {"0.0", "0.0"},
            {"01.5", "1.5"}, {"1_000", "\"1_000\""}, {"1.2.3", "\"1.2.3\""}, {"0x", "\"0x\""}, {"0xZ", "\"0xZ\""},
            {"-", "\"-\""}, {".", "\".\""}, {"e3", "\"e3\""}, {"1e", "\"1e\""}, {"2025-01-01", "\"2025-01-01\""},
            {"12:30", "\"12:30\""}, {"-x", "\"-x\""}, {"a b", "\"a b\""},
        };
        for (String[] c : cases) {
            if (!c[0].isEmpty()) {
                assertEquals(c[1], json("[" + c[0] + "]").replaceAll("^\\[|]$", ""), c[0]);
            }
            if (!c[0].equals("-")) { // "k: -" starts a list on the key's line
                assertEquals(c[1], json("k: " + c[0]).replaceAll("^\\{\"k\":|}$", ""), c[0]);
            }
        }
        assertTrue(Yaml.parse("1.5").asNumber().bigDecimalValue().compareTo(new java.math.BigDecimal("1.5")) == 0);
        assertTrue(Yaml.parse("7").isIntegral());
        assertTrue(!Yaml.parse("7.0").isIntegral());
    }

    @Test
    void every_unsupported_construct_is_named_with_its_position() {
        assertRefused("a: &x 1\n", 1, 4, "anchors (&name) are not supported");
        assertRefused("a: 1\nb: *x\n", 2, 4, "aliases (*name) are not supported");
        assertRefused("a: !!str 1\n", 1, 4, "tags (!name) are not supported");
        assertRefused("a: !local 1\n", 1, 4, "tags");
        assertRefused("a: |\n  text\n", 1, 4, "block scalars ('|' and '>') are not supported");
        assertRefused("a: >-\n  text\n", 1, 4, "block scalars");
        assertRefused("a: 1\n---\nb: 2\n", 2, 1, "several documents");
        assertRefused("a: 1\n...\n", 2, 1, "document end marker");
        assertRefused("%YAML 1.2\n---\na: 1\n", 1, 1, "directives");
        assertRefused("? a\n: 1\n", 1, 1, "complex keys");
        assertRefused("[a, b]: 1\n", 1, 1, "complex keys");
        assertRefused("{a: 1}: 1\n", 1, 1, "complex keys");
        assertRefused("m: {[a]: 1}\n", 1, 5, "complex keys");
        assertRefused("l: [a: 1]\n", 1, 6, "'key: value' pairs directly inside [ ]");
        assertRefused("a:\n\tb: 1\n", 2, 1, "a tab in the indentation");
        assertRefused("a: 1\na: 2\n", 2, 1, "duplicate key \"a\" (first at line 1, column 1)");
        assertRefused("m: {x: 1, y: 2, x: 3}\n", 1, 17, "duplicate key \"x\" (first at line 1, column 5)");
        assertRefused("a: \"two\n  lines\"\n", 1, 4, "quoted strings that do not end on their line");
        assertRefused("a: 'open\n", 1, 4, "quoted strings that do not end on their line");
        assertRefused("a: plain\n  continued\n", 2, 3, "a value cannot continue on the next line");
        assertRefused("a: .inf\n", 1, 4, "infinite and not-a-number values (.inf) are not supported");
        assertRefused("a: [.NaN]\n", 1, 5, "(.NaN)");
        assertRefused("a: 0755\n", 1, 4, "leading zero");
        assertRefused("a: 007\n", 1, 4, "0o7");
    }

    @Test
    void malformed_yaml_is_refused_with_its_position() {
        assertRefused("a: [1, 2\n", 2, 1, "'[' opened at line 1, column 4 is not closed with ']'");
        assertRefused("a: {b: 1\nc: 2\n", 2, 1, "expected ',' or '}'");
        assertRefused("a: b: c\n", 1, 5, "a mapping cannot start on the line of its key");
        assertRefused("a: - b\n", 1, 4, "a list cannot start on the line of its key");
        assertRefused("a:\n  b: 1\n c: 2\n", 3, 2, "unexpected indentation");
        assertRefused("a:\n  - x\n  y: 1\n", 3, 3, "unexpected indentation");
        assertRefused("a: 1\n- b\n", 2, 1, "a list entry ('- ') where a key of the mapping was expected");
        assertRefused("- a\nb: 1\n", 2, 1, "unexpected content after the document's top-level list");
        assertRefused("a: \"x\" y\n", 1, 8, "unexpected 'y' after the value");
        assertRefused("a: \"x\"# c\n", 1, 7, "a comment needs a space before '#'");
        assertRefused("a: \"\\q\"\n", 1, 5, "unknown escape \\q");
        assertRefused("a: [1,, 2]\n", 1, 7, "an empty entry");
        assertRefused("a: @x\n", 1, 4, "cannot start with '@'");
        assertRefused("a: ]\n", 1, 4, "unexpected ']'");
        assertRefused("a: 1\u0007\n", 1, 5, "control character U+0007");
        assertRefused(": 1\n", 1, 1, "a key is missing");
        assertRefused("[" .repeat(Json.MAX_DEPTH + 1), 1, Json.MAX_DEPTH + 1, "nested more than");
    }

    @Test
    void every_shipped_yaml_reads() throws Exception {
        int files = 0;
        for (Path dir : new Path[] {ROOT.resolve("config"), ROOT.resolve("docker")}) {
            try (var paths = Files.walk(dir)) {
                for (Path p : paths.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
                        .toList()) {
                    JsonValue v = Yaml.parse(Files.readString(p));
                    assertTrue(v.isObject() && !v.isEmpty(), p.toString());
                    files++;
                }
            }
        }
        assertTrue(files >= 6, files + " files");
    }

    /** Random damage to a real configuration: a tree or the typed error, never another exception. */
    @Test
    void damaged_configurations_give_the_typed_error_or_a_tree_never_anything_else() throws Exception {
        String base = Files.readString(ROOT.resolve("config/bench-four.yaml"));
        String alphabet = " \n\t-:#{}[],'\"&*!|>?%~.0123456789abcxyz\\";
        Random random = new Random(1234);
        int trees = 0;
        for (int i = 0; i < 3000; i++) {
            StringBuilder s = new StringBuilder(base);
            for (int k = 1 + random.nextInt(3); k > 0; k--) {
                int at = random.nextInt(s.length());
                switch (random.nextInt(3)) {
                    case 0 -> s.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    case 1 -> s.deleteCharAt(at);
                    default -> s.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                }
            }
            try {
                Yaml.parse(s.toString());
                trees++;
            } catch (JsonParseException e) {
                assertTrue(e.line() >= 1 && e.column() >= 1, e.getMessage());
            }
        }
        assertTrue(trees > 100 && trees < 2990, trees + " trees");
    }
}
