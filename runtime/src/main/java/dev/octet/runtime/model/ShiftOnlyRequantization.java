package dev.octet.runtime.model;

import java.nio.charset.StandardCharsets;

/**
 * The marker of Octet's shift-only variant (docs/QUANTIZER.md, "Power-of-two scales"): a model whose
 * CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED requantization multipliers {@code s_in · s_w / s_out} are all
 * exact powers of two, and which is to be run with a single rounding shift instead of TFLite's fixed-point
 * multiply ({@link dev.octet.runtime.quant.ShiftRequantization}). That is what a core without a fast multiplier
 * computes, and it can differ from TFLite Micro's double rounding by 1 LSB, so the variant is not bit-exact
 * with TFLite (the file itself is valid TFLite; TFLite ignores the metadata).
 *
 * <p>A model is in the variant when its {@code metadata} has an entry named {@value #METADATA_NAME} whose buffer
 * holds the UTF-8 line {@code requantization=shift-round-half-up}; nothing else is allowed, so a later version
 * with another rounding cannot be misread as this one. Whether the multipliers really are powers of two is
 * checked where they are computed, when the kernels are prepared (an operator that is not gets a
 * {@link ShiftOnlyFormatException} naming it).
 */
public final class ShiftOnlyRequantization {
    /** The metadata entry that marks the variant. */
    public static final String METADATA_NAME = "octet.pow2.v1";
    /** The one rounding this version defines: {@code floor(x / 2^n + 1/2)}. */
    public static final String ROUNDING = "shift-round-half-up";

    private static final String KEY = "requantization";

    private ShiftOnlyRequantization() {
    }

    /** The metadata buffer's bytes. */
    public static byte[] encode() {
        return (KEY + "=" + ROUNDING + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Checks the metadata buffer.
     *
     * @throws ShiftOnlyFormatException the buffer is not exactly the one line this version defines
     */
    public static void parse(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8).strip();
        if (text.isEmpty()) {
            throw bad("the entry is empty");
        }
        String[] lines = text.split("\n");
        if (lines.length != 1) {
            throw bad("expected the single line '" + KEY + "=" + ROUNDING + "', found " + lines.length + " lines");
        }
        String l = lines[0].strip();
        int eq = l.indexOf('=');
        if (eq <= 0) {
            throw bad("line '" + l + "' is not key=value");
        }
        String key = l.substring(0, eq).strip();
        String value = l.substring(eq + 1).strip();
        if (!key.equals(KEY)) {
            throw bad("unknown key '" + key + "'");
        }
        if (!value.equals(ROUNDING)) {
            throw bad(KEY + " '" + value + "' is not '" + ROUNDING + "'");
        }
    }

    private static ShiftOnlyFormatException bad(String problem) {
        return new ShiftOnlyFormatException("metadata '" + METADATA_NAME + "': " + problem);
    }
}
