package dev.octet.runtime.json;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * Reading and writing JSON: {@link #parse(String)} (strict RFC 8259), {@link #write} (compact), {@link #pretty},
 * {@link #from(Object)} (plain Java values to a tree).
 *
 * <p>Limits: the parser reads text already in memory, so the caller bounds the input's size (a node's payload is at
 * most 1 MiB, see {@code PayloadDecoder}); parsing takes time linear in the input and at most {@link #MAX_DEPTH}
 * levels of nesting. Any problem is a {@link JsonParseException} with the line and column; nothing else is thrown.
 */
public final class Json {
    /** Deepest nesting of arrays and objects accepted by the parsers (Octet's documents nest a handful of levels). */
    public static final int MAX_DEPTH = 256;

    private Json() {
    }

    /** The single JSON value in {@code text}. */
    public static JsonValue parse(String text) throws JsonParseException {
        return JsonParser.parse(text);
    }

    /** The single JSON value in {@code utf8}, which must be well-formed UTF-8 (a BOM is not allowed, as RFC 8259 says). */
    public static JsonValue parse(byte[] utf8) throws JsonParseException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(utf8)).toString();
        } catch (CharacterCodingException e) {
            int bad = firstMalformed(utf8);
            String before = new String(utf8, 0, bad, StandardCharsets.UTF_8);
            throw JsonParseException.at(before, before.length(), "malformed UTF-8 at byte " + bad);
        }
        return JsonParser.parse(text);
    }

    /** Compact JSON: no spaces, no line breaks. */
    public static String write(JsonValue v) {
        StringBuilder sb = new StringBuilder(64);
        JsonWriter.compact(sb).value(v);
        return sb.toString();
    }

    /** Indented JSON (two spaces, one member per line), without a final line break. */
    public static String pretty(JsonValue v) {
        StringBuilder sb = new StringBuilder(256);
        JsonWriter.pretty(sb).value(v);
        return sb.toString();
    }

    /**
     * A double as a JSON value: a {@link JsonNumber}, or for NaN and the infinities (which JSON cannot represent) the
     * string {@code "NaN"}, {@code "Infinity"} or {@code "-Infinity"}.
     */
    public static JsonValue number(double v) {
        return Double.isFinite(v) ? JsonNumber.of(v) : new JsonString(Double.toString(v));
    }

    /**
     * A tree from plain Java values: null, {@link JsonValue}, CharSequence, Boolean, the integer boxes and
     * BigInteger (integral numbers), Float and Double (as {@link JsonWriter} writes them), BigDecimal, enums (by
     * name), Optional (empty is null), Map (keys by {@code toString()}, in the map's order), Iterable, object arrays
     * and primitive arrays.
     *
     * @throws IllegalArgumentException for any other type (so nothing is written in a form nobody chose)
     */
    public static JsonValue from(Object o) {
        return from(o, 0);
    }

    private static JsonValue from(Object o, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("nested more than " + MAX_DEPTH + " levels deep (a cycle?)");
        }
        if (o == null) {
            return JsonNull.INSTANCE;
        }
        if (o instanceof JsonValue v) {
            return v;
        }
        if (o instanceof CharSequence s) {
            return new JsonString(s.toString());
        }
        if (o instanceof Boolean b) {
            return JsonBoolean.of(b);
        }
        if (o instanceof Integer || o instanceof Long || o instanceof Short || o instanceof Byte) {
            return JsonNumber.of(((Number) o).longValue());
        }
        if (o instanceof Float f) {
            return Float.isFinite(f) ? JsonNumber.of(f.floatValue()) : new JsonString(f.toString());
        }
        if (o instanceof Double d) {
            return number(d);
        }
        if (o instanceof BigInteger b) {
            return JsonNumber.of(b);
        }
        if (o instanceof BigDecimal b) {
            return JsonNumber.of(b);
        }
        if (o instanceof Enum<?> e) {
            return new JsonString(e.name());
        }
        if (o instanceof Optional<?> opt) {
            return from(opt.orElse(null), depth + 1);
        }
        if (o instanceof Map<?, ?> m) {
            JsonObject.Builder b = JsonObject.builder();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                b.put(String.valueOf(e.getKey()), from(e.getValue(), depth + 1));
            }
            return b.build();
        }
        if (o instanceof Iterable<?> it) {
            JsonArray.Builder b = JsonArray.builder();
            for (Object e : it) {
                b.add(from(e, depth + 1));
            }
            return b.build();
        }
        if (o instanceof Object[] a) {
            JsonArray.Builder b = JsonArray.builder();
            for (Object e : a) {
                b.add(from(e, depth + 1));
            }
            return b.build();
        }
        JsonArray.Builder b = JsonArray.builder();
        if (o instanceof int[] a) {
            for (int x : a) {
                b.add(x);
            }
        } else if (o instanceof long[] a) {
            for (long x : a) {
                b.add(x);
            }
        } else if (o instanceof short[] a) {
            for (short x : a) {
                b.add(x);
            }
        } else if (o instanceof byte[] a) {
            for (byte x : a) {
                b.add(x);
            }
        } else if (o instanceof float[] a) {
            for (float x : a) {
                b.add(from(x, depth + 1));
            }
        } else if (o instanceof double[] a) {
            for (double x : a) {
                b.add(x);
            }
        } else if (o instanceof boolean[] a) {
            for (boolean x : a) {
                b.add(x);
            }
        } else {
            throw new IllegalArgumentException("no JSON form for " + o.getClass().getName());
        }
        return b.build();
    }

    /** Offset of the first byte that does not start or continue a well-formed UTF-8 sequence. */
    private static int firstMalformed(byte[] b) {
        ByteBuffer in = ByteBuffer.wrap(b);
        StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(in, CharBuffer.allocate(b.length), true);
        return in.position(); // the decoder stops in front of the malformed sequence
    }
}
