package dev.octet.runtime.model;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The marker and layout of Octet's int4 model variant (docs/INT4.md): weights of FULLY_CONNECTED and CONV_2D
 * stored as {@link TensorType#INT4}, two per byte, low nibble first (as TFLite packs int4), with one scale per
 * group of {@link #groupSize()} consecutive reduction elements of each output channel.
 *
 * <p>A model is in the variant when its {@code metadata} has an entry named {@value #METADATA_NAME} whose buffer
 * holds UTF-8 {@code key=value} lines: {@code group_size=G}, {@code packing=low-nibble-first} and
 * {@code layout=channel-major-groups}. Every key is required and no other key is allowed, so a later version
 * with another meaning cannot be misread as this one. The reader accepts INT4 tensors only in models that carry
 * the marker; TFLite ignores the metadata but refuses the per-group scale vector (its length is not the channel
 * count), so the variant never runs there with a wrong meaning.
 *
 * <p>For a weight tensor of shape {@code [O, d1, ..., dn]}, the reduction length is {@code K = d1·...·dn} (an
 * OHWI conv filter row, an FC weight row), each row is cut into {@code ceil(K / G)} groups (the last one shorter
 * when G does not divide K: as if padded with zero weights), and the tensor's quantization holds
 * {@code O · ceil(K / G)} scales, channel 0's groups first, with zero points 0 and {@code quantized_dimension} 0.
 */
public record Int4Layout(int groupSize) {
    /** The metadata entry that marks the variant. */
    public static final String METADATA_NAME = "octet.int4.v1";
    public static final String PACKING = "low-nibble-first";
    public static final String LAYOUT = "channel-major-groups";
    /** The largest group accepted: a group's int32 partial sum of 255 · 7 per element cannot overflow. */
    public static final int MAX_GROUP_SIZE = 1 << 16;
    /** The int4 code range the quantizer writes (symmetric; -8 is valid on read). */
    public static final int MAX_CODE = 7;

    public Int4Layout {
        if (groupSize < 1 || groupSize > MAX_GROUP_SIZE) {
            throw new IllegalArgumentException("group size must be in [1, " + MAX_GROUP_SIZE + "]: " + groupSize);
        }
    }

    /** Groups per output channel for a reduction of {@code reduction} elements: {@code ceil(K / G)}. */
    public int groupsPerChannel(long reduction) {
        return (int) ((reduction + groupSize - 1) / groupSize);
    }

    /** The reduction length of a weight tensor: the product of every dimension after the first. */
    public static long reduction(int[] shape) {
        long k = 1;
        for (int d = 1; d < shape.length; d++) {
            k *= shape[d];
        }
        return k;
    }

    /** The metadata buffer's bytes. */
    public byte[] encode() {
        String text = "group_size=" + groupSize + "\npacking=" + PACKING + "\nlayout=" + LAYOUT + "\n";
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Parses the metadata buffer.
     *
     * @throws Int4FormatException a key is missing, unknown, repeated or has a value this version does not define
     */
    public static Int4Layout parse(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (l.isEmpty()) {
                continue;
            }
            int eq = l.indexOf('=');
            if (eq <= 0) {
                throw bad("line '" + l + "' is not key=value");
            }
            String key = l.substring(0, eq).strip();
            if (!key.equals("group_size") && !key.equals("packing") && !key.equals("layout")) {
                throw bad("unknown key '" + key + "'");
            }
            if (values.put(key, l.substring(eq + 1).strip()) != null) {
                throw bad("key '" + key + "' appears twice");
            }
        }
        for (String key : new String[] {"group_size", "packing", "layout"}) {
            if (!values.containsKey(key)) {
                throw bad("key '" + key + "' is missing");
            }
        }
        if (!values.get("packing").equals(PACKING)) {
            throw bad("packing '" + values.get("packing") + "' is not '" + PACKING + "'");
        }
        if (!values.get("layout").equals(LAYOUT)) {
            throw bad("layout '" + values.get("layout") + "' is not '" + LAYOUT + "'");
        }
        int g;
        try {
            g = Integer.parseInt(values.get("group_size"));
        } catch (NumberFormatException e) {
            throw bad("group_size '" + values.get("group_size") + "' is not an integer");
        }
        if (g < 1 || g > MAX_GROUP_SIZE) {
            throw bad("group_size " + g + " is outside [1, " + MAX_GROUP_SIZE + "]");
        }
        return new Int4Layout(g);
    }

    private static Int4FormatException bad(String problem) {
        return new Int4FormatException("metadata '" + METADATA_NAME + "': " + problem);
    }
}
