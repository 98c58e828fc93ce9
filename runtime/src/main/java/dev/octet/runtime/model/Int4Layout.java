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
 * holds UTF-8 {@code key=value} lines: {@code group_size=G}, {@code packing=low-nibble-first},
 * {@code layout=channel-major-groups} and {@code group_scales=channel-ratio-255}. Every key is required and no other key is allowed, so a later version
 * with another meaning cannot be misread as this one. The reader accepts INT4 tensors only in models that carry
 * the marker; TFLite ignores the metadata but refuses the per-group scale vector (its length is not the channel
 * count), so the variant never runs there with a wrong meaning.
 *
 * <p>The output channels lie along the quantization's {@code quantized_dimension} q: 0 for FULLY_CONNECTED and
 * CONV_2D ({@code [O, ...]}), the last dimension for DEPTHWISE_CONV_2D ({@code [1, H, W, O]}). A channel's
 * reduction is its {@code K = N / O} elements in the tensor's row-major order (an FC row, an OHWI filter row
 * {@code [fy][fx][ic]}, a depthwise filter's taps {@code [fy][fx]}); it is cut into {@code ceil(K / G)} groups
 * (the last one shorter when G does not divide K: as if padded with zero weights), and the tensor's quantization
 * holds {@code O · ceil(K / G)} scales, channel 0's groups first, with zero points 0.
 *
 * <p>Group scales are 8-bit ratios of their channel's scale: with {@code S[c] = max_g s[c,g]}, every
 * {@code s[c,g] = S[c] · k[c,g] / 255} for an integer {@code k} in [1, 255] ({@link #ratio}). The kernels recover
 * {@code k} from the two floats and compute in exact integers (docs/INT4.md); a file whose scales are not such
 * ratios is refused.
 */
public record Int4Layout(int groupSize) {
    /** The metadata entry that marks the variant. */
    public static final String METADATA_NAME = "octet.int4.v1";
    public static final String PACKING = "low-nibble-first";
    public static final String LAYOUT = "channel-major-groups";
    public static final String GROUP_SCALES = "channel-ratio-255";
    /** Group scales are {@code k / RATIO_STEPS} of their channel's largest, k in [1, RATIO_STEPS]. */
    public static final int RATIO_STEPS = 255;
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

    /** The reduction length of a weight tensor with channels along {@code channelDim}: the other dimensions' product. */
    public static long reduction(int[] shape, int channelDim) {
        long k = 1;
        for (int d = 0; d < shape.length; d++) {
            if (d != channelDim) {
                k *= shape[d];
            }
        }
        return k;
    }

    /**
     * The index in the flattened tensor of reduction element {@code i} of channel {@code c}, channels along
     * {@code channelDim}: the elements of one channel in row-major order of the other dimensions.
     */
    public static long elementIndex(int[] shape, int channelDim, int c, long i) {
        long inner = 1;
        for (int d = channelDim + 1; d < shape.length; d++) {
            inner *= shape[d];
        }
        long outer = i / inner;
        return (outer * shape[channelDim] + c) * inner + i % inner;
    }

    /**
     * The integer ratio {@code k = round(255 · groupScale / channelScale)} in [1, 255], or -1 when the group scale
     * is not within 0.01 of such a ratio (or the scales are not positive and finite). The tolerance is far above
     * float rounding ({@code S · k / 255} stored as float is off by at most 1.2e-7 relative) and far below the
     * 0.5 that would make the result ambiguous, so any float implementation recovers the same k.
     */
    public static int ratio(float groupScale, float channelScale) {
        if (!(groupScale > 0f) || !(channelScale > 0f) || Float.isInfinite(groupScale)
                || Float.isInfinite(channelScale)) {
            return -1;
        }
        double r = RATIO_STEPS * (double) groupScale / (double) channelScale;
        long k = Math.round(r);
        return k >= 1 && k <= RATIO_STEPS && Math.abs(r - k) <= 0.01 ? (int) k : -1;
    }

    /** The metadata buffer's bytes. */
    public byte[] encode() {
        String text = "group_size=" + groupSize + "\npacking=" + PACKING + "\nlayout=" + LAYOUT
                + "\ngroup_scales=" + GROUP_SCALES + "\n";
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
            if (!key.equals("group_size") && !key.equals("packing") && !key.equals("layout")
                    && !key.equals("group_scales")) {
                throw bad("unknown key '" + key + "'");
            }
            if (values.put(key, l.substring(eq + 1).strip()) != null) {
                throw bad("key '" + key + "' appears twice");
            }
        }
        for (String key : new String[] {"group_size", "packing", "layout", "group_scales"}) {
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
        if (!values.get("group_scales").equals(GROUP_SCALES)) {
            throw bad("group_scales '" + values.get("group_scales") + "' is not '" + GROUP_SCALES + "'");
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
