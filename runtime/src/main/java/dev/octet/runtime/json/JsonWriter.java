package dev.octet.runtime.json;

import java.util.Arrays;
import java.util.Map;

/**
 * Writes JSON text straight into a {@link StringBuilder}, without building a tree: the per-result path
 * ({@code InferenceResult.toJson()}) uses it directly. Compact ({@code {"a":1,"b":[true]}}) or pretty (two-space
 * indentation, {@code "name": value}, one member or element per line, empty containers as {@code {}} and {@code []};
 * an array of scalars given as a tree on one line, {@code [1, 49, 10]}).
 *
 * <p>Strings are escaped so that the output is valid JSON and safe to embed: {@code "} and {@code \}, every control
 * character, U+2028 and U+2029, and unpaired surrogates (as {@code \}{@code uXXXX}). Numbers: integers as
 * {@link Long#toString(long)}, doubles as {@link Double#toString(double)} and floats as {@link Float#toString(float)},
 * each of which reads back as the same value; NaN and the infinities have no JSON form and are written as the
 * strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"} (the format results have always used).
 *
 * <p>Calls must nest correctly ({@code name} only directly inside an object, each value after a name or inside an
 * array); a misuse throws {@link IllegalStateException}.
 */
public final class JsonWriter {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final StringBuilder out;
    private final boolean pretty;
    /** Per open container: true for an object. */
    private boolean[] isObject = new boolean[16];
    /** Per open container: something was written in it already. */
    private boolean[] nonEmpty = new boolean[16];
    private int depth;
    private boolean afterName;
    private boolean done;

    private JsonWriter(StringBuilder out, boolean pretty) {
        this.out = out;
        this.pretty = pretty;
    }

    /** A writer of compact JSON into {@code out}. */
    public static JsonWriter compact(StringBuilder out) {
        return new JsonWriter(out, false);
    }

    /** A writer of indented JSON into {@code out} (no newline after the last bracket). */
    public static JsonWriter pretty(StringBuilder out) {
        return new JsonWriter(out, true);
    }

    public JsonWriter beginObject() {
        open(true);
        out.append('{');
        return this;
    }

    public JsonWriter endObject() {
        return close(true, '}');
    }

    public JsonWriter beginArray() {
        open(false);
        out.append('[');
        return this;
    }

    public JsonWriter endArray() {
        return close(false, ']');
    }

    /** A member's name; its value follows. */
    public JsonWriter name(String name) {
        if (depth == 0 || !isObject[depth - 1] || afterName) {
            throw new IllegalStateException("a name belongs directly inside an object, before its value");
        }
        separate();
        string(name);
        out.append(pretty ? "\": " : "\":");
        afterName = true;
        return this;
    }

    public JsonWriter value(String s) {
        if (s == null) {
            return nullValue();
        }
        beforeValue();
        string(s);
        out.append('"');
        return this;
    }

    public JsonWriter value(long v) {
        beforeValue();
        out.append(v);
        return this;
    }

    public JsonWriter value(double v) {
        if (!Double.isFinite(v)) {
            return value(Double.toString(v));
        }
        beforeValue();
        out.append(v);
        return this;
    }

    public JsonWriter value(float v) {
        if (!Float.isFinite(v)) {
            return value(Float.toString(v));
        }
        beforeValue();
        out.append(v);
        return this;
    }

    public JsonWriter value(boolean v) {
        beforeValue();
        out.append(v);
        return this;
    }

    public JsonWriter nullValue() {
        beforeValue();
        out.append("null");
        return this;
    }

    /** A whole tree. */
    public JsonWriter value(JsonValue v) {
        if (v == null) {
            return nullValue();
        }
        if (v instanceof JsonObject o) {
            beginObject();
            for (Map.Entry<String, JsonValue> m : o.members().entrySet()) {
                name(m.getKey());
                value(m.getValue());
            }
            endObject();
        } else if (v instanceof JsonArray a && pretty && !a.isEmpty() && allScalars(a)) {
            // [1, 49, 10, 1] reads better than one number per line
            beforeValue();
            out.append('[');
            for (int i = 0; i < a.size(); i++) {
                if (i > 0) {
                    out.append(", ");
                }
                scalar(a.get(i));
            }
            out.append(']');
        } else if (v instanceof JsonArray a) {
            beginArray();
            for (JsonValue e : a.elements()) {
                value(e);
            }
            endArray();
        } else if (v instanceof JsonString s) {
            value(s.value());
        } else if (v instanceof JsonNumber n) {
            beforeValue();
            out.append(n.asText());
        } else if (v instanceof JsonBoolean b) {
            value(b.value());
        } else {
            nullValue();
        }
        return this;
    }

    private static boolean allScalars(JsonArray a) {
        for (JsonValue e : a) {
            if (e.isObject() || e.isArray()) {
                return false;
            }
        }
        return true;
    }

    /** A scalar's text with no separator or indentation around it. */
    private void scalar(JsonValue v) {
        if (v instanceof JsonString s) {
            string(s.value());
            out.append('"');
        } else {
            out.append(v.asText()); // numbers as written, true, false, null
        }
    }

    /** Shorthands for {@code name(n).value(v)}. */
    public JsonWriter field(String name, String v) {
        return name(name).value(v);
    }

    public JsonWriter field(String name, long v) {
        return name(name).value(v);
    }

    public JsonWriter field(String name, double v) {
        return name(name).value(v);
    }

    public JsonWriter field(String name, float v) {
        return name(name).value(v);
    }

    public JsonWriter field(String name, boolean v) {
        return name(name).value(v);
    }

    private void open(boolean object) {
        beforeValue();
        if (depth == isObject.length) {
            isObject = Arrays.copyOf(isObject, depth * 2);
            nonEmpty = Arrays.copyOf(nonEmpty, depth * 2);
        }
        isObject[depth] = object;
        nonEmpty[depth] = false;
        depth++;
        done = false;
    }

    private JsonWriter close(boolean object, char bracket) {
        if (depth == 0 || isObject[depth - 1] != object || afterName) {
            throw new IllegalStateException("no open " + (object ? "object" : "array") + " to close here");
        }
        depth--;
        if (pretty && nonEmpty[depth]) {
            newline();
        }
        out.append(bracket);
        done = depth == 0;
        return this;
    }

    private void beforeValue() {
        if (depth == 0) {
            if (done) {
                throw new IllegalStateException("one JSON document has one top-level value");
            }
            done = true;
            return;
        }
        if (isObject[depth - 1]) {
            if (!afterName) {
                throw new IllegalStateException("a value inside an object needs a name first");
            }
            afterName = false;
            return;
        }
        separate();
    }

    /** The comma and, when pretty, the line break and indentation before a member or element. */
    private void separate() {
        if (nonEmpty[depth - 1]) {
            out.append(',');
        }
        nonEmpty[depth - 1] = true;
        if (pretty) {
            newline();
        }
    }

    private void newline() {
        out.append('\n');
        for (int i = 0; i < depth; i++) {
            out.append("  ");
        }
    }

    /** The opening quote and the escaped content (the caller adds the closing quote). */
    private void string(String s) {
        out.append('"');
        int n = s.length();
        int from = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\' && c < 0x2028) {
                continue; // by far the common case
            }
            if (c >= 0x2028 && c != 0x2028 && c != 0x2029 && !Character.isSurrogate(c)) {
                continue;
            }
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++; // a proper pair: written as is
                continue;
            }
            out.append(s, from, i);
            from = i + 1;
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> out.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 15])
                        .append(HEX[(c >> 4) & 15]).append(HEX[c & 15]);
            }
        }
        out.append(s, from, n);
    }
}
