package dev.octet.runtime.quant.ptq;

import dev.octet.runtime.model.Int4Layout;
import java.util.Locale;

/**
 * How the quantizer stores the weights of FULLY_CONNECTED and CONV_2D: int8 (TFLite's scheme, the default), or
 * Octet's int4 variant with one scale per group of {@code groupSize} reduction elements (docs/INT4.md; runs in
 * Octet and is costed by the Cortex-M emulator, not TFLite-compatible). DEPTHWISE_CONV_2D weights stay int8 either
 * way: their reduction is only the kernel window (9 taps for 3x3), too short for groups to pay.
 *
 * @param groupSize 0 for int8, else the int4 group size
 */
public record WeightFormat(int groupSize) {
    /** The default group size of {@code --weights int4}. */
    public static final int DEFAULT_GROUP_SIZE = 32;

    public WeightFormat {
        if (groupSize < 0 || groupSize > Int4Layout.MAX_GROUP_SIZE) {
            throw new IllegalArgumentException("group size must be in [1, " + Int4Layout.MAX_GROUP_SIZE + "]: "
                    + groupSize);
        }
    }

    public static WeightFormat int8() {
        return new WeightFormat(0);
    }

    public static WeightFormat int4(int groupSize) {
        if (groupSize < 1) {
            throw new IllegalArgumentException("group size must be in [1, " + Int4Layout.MAX_GROUP_SIZE + "]: "
                    + groupSize);
        }
        return new WeightFormat(groupSize);
    }

    /** {@code int8} or {@code int4} (with {@code groupSize}), ignoring case. */
    public static WeightFormat parse(String name, int groupSize) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "int8" -> int8();
            case "int4" -> int4(groupSize);
            default -> throw new IllegalArgumentException("unknown weights '" + name + "'; expected int8 or int4");
        };
    }

    public boolean isInt4() {
        return groupSize > 0;
    }

    @Override
    public String toString() {
        return isInt4() ? "int4-g" + groupSize : "int8";
    }
}
