package dev.octet.runtime.quant.ptq;

import dev.octet.runtime.model.Int4Layout;
import java.util.Locale;

/**
 * How the quantizer stores the weights of FULLY_CONNECTED, CONV_2D and DEPTHWISE_CONV_2D: int8 (TFLite's scheme,
 * the default), or Octet's int4 variant with one scale per group of {@code groupSize} reduction elements
 * (docs/INT4.md; runs in Octet and is costed by the Cortex-M emulator, not TFLite-compatible).
 *
 * <p>With {@code int4}, DEPTHWISE_CONV_2D weights stay int8: their reduction is only the kernel window (9 taps for
 * 3x3), so each channel is a single group (per-channel int4), and there are few of them. {@code int4-all} makes
 * them int4 too.
 *
 * @param groupSize 0 for int8, else the int4 group size
 * @param depthwise int4 for DEPTHWISE_CONV_2D weights too
 */
public record WeightFormat(int groupSize, boolean depthwise) {
    /** The default group size of {@code --weights int4}. */
    public static final int DEFAULT_GROUP_SIZE = 32;

    public WeightFormat {
        if (groupSize < 0 || groupSize > Int4Layout.MAX_GROUP_SIZE) {
            throw new IllegalArgumentException("group size must be in [1, " + Int4Layout.MAX_GROUP_SIZE + "]: "
                    + groupSize);
        }
        if (depthwise && groupSize == 0) {
            throw new IllegalArgumentException("int4 depthwise weights need a group size");
        }
    }

    public static WeightFormat int8() {
        return new WeightFormat(0, false);
    }

    /** int4 FULLY_CONNECTED and CONV_2D weights, int8 depthwise weights. */
    public static WeightFormat int4(int groupSize) {
        if (groupSize < 1) {
            throw new IllegalArgumentException("group size must be in [1, " + Int4Layout.MAX_GROUP_SIZE + "]: "
                    + groupSize);
        }
        return new WeightFormat(groupSize, false);
    }

    /** int4 weights for DEPTHWISE_CONV_2D as well. */
    public static WeightFormat int4All(int groupSize) {
        return new WeightFormat(int4(groupSize).groupSize(), true);
    }

    /** {@code int8}, {@code int4} or {@code int4-all} (with {@code groupSize}), ignoring case. */
    public static WeightFormat parse(String name, int groupSize) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "int8" -> int8();
            case "int4" -> int4(groupSize);
            case "int4-all" -> int4All(groupSize);
            default -> throw new IllegalArgumentException("unknown weights '" + name
                    + "'; expected int8, int4 or int4-all");
        };
    }

    public boolean isInt4() {
        return groupSize > 0;
    }

    @Override
    public String toString() {
        return isInt4() ? "int4-g" + groupSize + (depthwise ? "-all" : "") : "int8";
    }
}
