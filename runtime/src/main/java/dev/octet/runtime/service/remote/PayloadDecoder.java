package dev.octet.runtime.service.remote;

import dev.octet.runtime.json.Json;
import dev.octet.runtime.json.JsonParseException;
import dev.octet.runtime.json.JsonValue;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Turns a node's payload into {@link NodeMessage}s, checking everything before anything is delivered: a payload is
 * either entirely valid or refused with a {@link PayloadFormatException} that says where it went wrong.
 *
 * <p>JSON: an object {@code {"t": <epoch ms>, "seq": <n>, "values": [v0, v1, ..]}} (one sample) or
 * {@code {"t": .., "seq": .., "samples": [[..], [..]]}} (several, the first at {@code t}); {@code t} and {@code seq}
 * are optional, other keys are refused (a typo must not silently lose a timestamp). Or a top-level array of such
 * objects (one message each), or a top-level array of value arrays (several samples, no time or sequence).
 *
 * <p>CSV: one sample per line. Without leading columns a payload is one message; with them ({@code t} and/or
 * {@code seq}, in the configured order, before the channel values) every line is a message of its own, with the
 * node's time and counter as in JSON.
 */
public final class PayloadDecoder {
    /** Largest payload accepted; a node's message is a handful of samples, not a recording. */
    public static final int MAX_PAYLOAD_BYTES = 1 << 20;

    private static final Set<String> KEYS = Set.of("t", "seq", "values", "samples");

    /** The leading CSV column names a decoder understands. */
    public static final List<String> CSV_COLUMNS = List.of("t", "seq");

    private final PayloadFormat format;
    private final int channels;
    private final List<String> leading;
    private final int tColumn;
    private final int seqColumn;

    public PayloadDecoder(PayloadFormat format, int channels) {
        this(format, channels, List.of());
    }

    /**
     * @param csvColumns the columns before the channel values on every CSV line: {@code t}, {@code seq}, both (in
     *                   either order) or none; ignored by the other formats
     */
    public PayloadDecoder(PayloadFormat format, int channels, List<String> csvColumns) {
        if (channels < 1) {
            throw new IllegalArgumentException("channels must be >= 1");
        }
        if (!CSV_COLUMNS.containsAll(csvColumns) || new java.util.HashSet<>(csvColumns).size() != csvColumns.size()) {
            throw new IllegalArgumentException("CSV leading columns are t and seq, each at most once: " + csvColumns);
        }
        this.format = format;
        this.channels = channels;
        this.leading = List.copyOf(csvColumns);
        this.tColumn = leading.indexOf("t");
        this.seqColumn = leading.indexOf("seq");
    }

    public PayloadFormat format() {
        return format;
    }

    /** The messages in {@code payload}, in order. */
    public List<NodeMessage> decode(byte[] payload) throws PayloadFormatException {
        if (payload.length > MAX_PAYLOAD_BYTES) {
            throw new PayloadFormatException(payload.length + " bytes is more than the " + MAX_PAYLOAD_BYTES
                    + " accepted");
        }
        if (payload.length == 0) {
            throw new PayloadFormatException("empty payload");
        }
        return switch (format) {
            case JSON -> json(payload);
            case CSV -> csv(text(payload));
            case F32LE -> List.of(new NodeMessage(null, null, f32le(payload)));
        };
    }

    private List<float[]> f32le(byte[] payload) throws PayloadFormatException {
        int frame = 4 * channels;
        if (payload.length % frame != 0) {
            throw new PayloadFormatException(payload.length + " bytes is not a whole number of " + channels
                    + "-channel float32 samples (" + frame + " bytes each)");
        }
        ByteBuffer b = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
        List<float[]> out = new ArrayList<>(payload.length / frame);
        for (int s = 0; s < payload.length / frame; s++) {
            float[] v = new float[channels];
            for (int c = 0; c < channels; c++) {
                v[c] = b.getFloat();
                if (!Float.isFinite(v[c])) {
                    throw new PayloadFormatException("sample " + s + ", channel " + c + ": " + v[c]
                            + " is not a finite number");
                }
            }
            out.add(v);
        }
        return out;
    }

    private static String text(byte[] payload) throws PayloadFormatException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(payload)).toString();
        } catch (CharacterCodingException e) {
            throw new PayloadFormatException("not UTF-8 text", e);
        }
    }

    private List<NodeMessage> csv(String text) throws PayloadFormatException {
        List<float[]> samples = new ArrayList<>();
        List<NodeMessage> lineMessages = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        int skip = leading.size();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] fields = line.split(",", -1);
            if (fields.length != skip + channels) {
                throw new PayloadFormatException("line " + (i + 1) + ": " + (fields.length - skip)
                        + " values" + (skip == 0 ? "" : " after the leading " + String.join(", ", leading))
                        + ", the stream has " + channels + " channels");
            }
            float[] v = new float[channels];
            for (int c = 0; c < channels; c++) {
                v[c] = number(fields[skip + c].strip(), "line " + (i + 1) + ", value " + (c + 1));
            }
            if (skip == 0) {
                samples.add(v);
            } else {
                Long t = tColumn < 0 ? null : counter(fields[tColumn].strip(), "line " + (i + 1) + ", t");
                Long seq = seqColumn < 0 ? null : counter(fields[seqColumn].strip(), "line " + (i + 1) + ", seq");
                lineMessages.add(new NodeMessage(seq, t, List.of(v)));
            }
        }
        if (samples.isEmpty() && lineMessages.isEmpty()) {
            throw new PayloadFormatException("no samples");
        }
        return skip == 0 ? List.of(new NodeMessage(null, null, samples)) : lineMessages;
    }

    /** A time or sequence column: a non-negative decimal integer. */
    private static long counter(String s, String where) throws PayloadFormatException {
        if (s.isEmpty() || s.length() > 19 || !s.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            throw new PayloadFormatException(where + ": expected a non-negative integer, got '" + s + "'");
        }
        return Long.parseLong(s);
    }

    private static float number(String s, String where) throws PayloadFormatException {
        float f;
        try {
            f = Float.parseFloat(s);
        } catch (NumberFormatException e) {
            throw new PayloadFormatException(where + ": '" + s + "' is not a number");
        }
        if (!Float.isFinite(f) || s.endsWith("f") || s.endsWith("F") || s.endsWith("d") || s.endsWith("D")) {
            throw new PayloadFormatException(where + ": '" + s + "' is not a finite decimal number");
        }
        return f;
    }

    private List<NodeMessage> json(byte[] payload) throws PayloadFormatException {
        JsonValue root;
        try {
            root = Json.parse(payload);
        } catch (JsonParseException e) {
            throw new PayloadFormatException("malformed JSON: " + e.getMessage(), e);
        }
        if (root.isObject()) {
            return List.of(object(root, "$"));
        }
        if (!root.isArray() || root.isEmpty()) {
            throw new PayloadFormatException("expected an object or a non-empty array, got " + root.kind());
        }
        if (root.get(0).isArray()) {
            return List.of(new NodeMessage(null, null, sampleList(root, "$")));
        }
        List<NodeMessage> out = new ArrayList<>(root.size());
        for (int i = 0; i < root.size(); i++) {
            JsonValue e = root.get(i);
            if (!e.isObject()) {
                throw new PayloadFormatException("$[" + i + "]: expected an object like the others, got "
                        + e.kind());
            }
            out.add(object(e, "$[" + i + "]"));
        }
        return out;
    }

    private NodeMessage object(JsonValue o, String at) throws PayloadFormatException {
        for (String k : o.asObject().keys()) {
            if (!KEYS.contains(k)) {
                throw new PayloadFormatException(at + "." + k + ": unknown key (t, seq, values, samples)");
            }
        }
        Long t = integer(o.get("t"), at + ".t");
        Long seq = integer(o.get("seq"), at + ".seq");
        JsonValue values = o.get("values");
        JsonValue samples = o.get("samples");
        if ((values == null) == (samples == null)) {
            throw new PayloadFormatException(at + ": needs exactly one of \"values\" (one sample) and \"samples\"");
        }
        List<float[]> list = values != null ? List.of(sample(values, at + ".values")) : sampleList(samples,
                at + ".samples");
        return new NodeMessage(seq, t, list);
    }

    private static Long integer(JsonValue n, String at) throws PayloadFormatException {
        if (n == null) {
            return null;
        }
        if (!n.isIntegral() || !n.asNumber().fitsLong() || n.asNumber().longValue() < 0) {
            throw new PayloadFormatException(at + ": expected a non-negative integer, got " + shown(n));
        }
        return n.asNumber().longValue();
    }

    private List<float[]> sampleList(JsonValue a, String at) throws PayloadFormatException {
        if (!a.isArray() || a.isEmpty()) {
            throw new PayloadFormatException(at + ": expected a non-empty array of samples");
        }
        List<float[]> out = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) {
            out.add(sample(a.get(i), at + "[" + i + "]"));
        }
        return out;
    }

    private float[] sample(JsonValue a, String at) throws PayloadFormatException {
        if (!a.isArray()) {
            throw new PayloadFormatException(at + ": expected an array of numbers, got " + a.kind());
        }
        if (a.size() != channels) {
            throw new PayloadFormatException(at + ": " + a.size() + " values, the stream has " + channels
                    + " channels");
        }
        float[] v = new float[channels];
        for (int c = 0; c < channels; c++) {
            JsonValue n = a.get(c);
            if (!n.isNumber()) {
                throw new PayloadFormatException(at + "[" + c + "]: expected a number, got " + shown(n));
            }
            v[c] = n.asNumber().floatValue();
            if (!Float.isFinite(v[c])) {
                throw new PayloadFormatException(at + "[" + c + "]: " + shown(n) + " is out of float32 range");
            }
        }
        return v;
    }

    /** A value for an error message: at most 64 characters of it (a payload may be a megabyte of one number). */
    private static String shown(JsonValue value) {
        String text = value.toString();
        return text.length() <= 64 ? text : text.substring(0, 61) + "...";
    }
}
