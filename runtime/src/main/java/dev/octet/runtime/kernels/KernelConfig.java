package dev.octet.runtime.kernels;

import java.util.Objects;

/**
 * Settings that change what kernels compute; chosen per interpreter.
 *
 * @param semantics which reference the int8 arithmetic reproduces
 * @param shiftOnlyRequantization the model is Octet's shift-only variant
 *        ({@link dev.octet.runtime.model.ShiftOnlyRequantization}): CONV_2D, DEPTHWISE_CONV_2D and
 *        FULLY_CONNECTED requantize with one rounding shift ({@link dev.octet.runtime.quant.ShiftRequantization})
 *        and refuse a multiplier that is not a power of two. The interpreter sets it from the model's marker.
 */
public record KernelConfig(ReferenceSemantics semantics, boolean shiftOnlyRequantization) {
    public KernelConfig {
        Objects.requireNonNull(semantics, "semantics");
    }

    public KernelConfig(ReferenceSemantics semantics) {
        this(semantics, false);
    }

    public static KernelConfig defaults() {
        return new KernelConfig(ReferenceSemantics.TFLM);
    }

    /** This configuration for a model with or without the shift-only marker. */
    public KernelConfig withShiftOnlyRequantization(boolean shiftOnly) {
        return new KernelConfig(semantics, shiftOnly);
    }
}
