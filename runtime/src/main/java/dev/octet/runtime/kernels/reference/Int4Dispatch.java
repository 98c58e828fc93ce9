package dev.octet.runtime.kernels.reference;

import dev.octet.runtime.kernels.Kernel;
import dev.octet.runtime.kernels.OpContext;
import dev.octet.runtime.kernels.PreparedOp;
import dev.octet.runtime.model.TensorType;
import dev.octet.runtime.tensor.Tensor;
import java.util.Objects;

/**
 * Runs an operator with the int4 kernel when its weights (input 1) are INT4 (Octet's int4 variant) and with the
 * usual kernel otherwise. This keeps the int8 kernels, reference and optimized, unaware of int4: an optimized
 * registry wraps its own int8 kernel and falls back to the reference int4 one.
 */
public final class Int4Dispatch implements Kernel {
    private final Kernel usual;
    private final Kernel int4;

    private Int4Dispatch(Kernel usual, Kernel int4) {
        this.usual = Objects.requireNonNull(usual);
        this.int4 = Objects.requireNonNull(int4);
    }

    /** FULLY_CONNECTED: {@code usual} unless the weights are INT4. */
    public static Kernel fullyConnected(Kernel usual) {
        return new Int4Dispatch(usual, new Int4FullyConnected());
    }

    /** CONV_2D: {@code usual} unless the filter is INT4. */
    public static Kernel conv2D(Kernel usual) {
        return new Int4Dispatch(usual, new Int4Conv2D());
    }

    /** DEPTHWISE_CONV_2D: {@code usual} unless the filter is INT4. */
    public static Kernel depthwiseConv2D(Kernel usual) {
        return new Int4Dispatch(usual, new Int4DepthwiseConv2D());
    }

    @Override
    public PreparedOp prepare(OpContext context) {
        Tensor weights = context.inputCount() > 1 ? context.input(1) : null;
        return weights != null && weights.type() == TensorType.INT4 ? int4.prepare(context) : usual.prepare(context);
    }
}
