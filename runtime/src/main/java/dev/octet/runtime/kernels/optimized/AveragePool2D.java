package dev.octet.runtime.kernels.optimized;

import dev.octet.runtime.kernels.OpContext;
import dev.octet.runtime.kernels.PreparedOp;
import dev.octet.runtime.model.BuiltinOptions;
import dev.octet.runtime.model.TensorType;
import dev.octet.runtime.quant.ActivationRange;
import dev.octet.runtime.tensor.Tensor;

/**
 * Optimized int8 AVERAGE_POOL_2D for windows that lie entirely inside the input (VALID padding, or SAME where
 * no padding results, such as the global pools that end the MLPerf Tiny networks), with exactly the bytes of
 * {@link dev.octet.runtime.kernels.reference.AveragePool2D}: the int32 sum of each window divided by its size,
 * rounding half away from zero with C's truncating division, clamped. The reference kernel validates the
 * operator and runs padded windows (whose divisor varies) and float32.
 */
public final class AveragePool2D extends OverReference {
    private final Backend backend;

    AveragePool2D(Backend backend) {
        super(new dev.octet.runtime.kernels.reference.AveragePool2D());
        this.backend = backend;
    }

    @Override
    PreparedOp prepareFast(OpContext context) {
        Tensor input = context.input(0);
        Tensor output = context.output(0);
        if (input.type() != TensorType.INT8) {
            return null;
        }
        BuiltinOptions.Pool2D options = context.options(BuiltinOptions.Pool2D.class);
        Window window = Window.planIfFits(input, output, options.filterH(), options.filterW(), options.strideH(),
                options.strideW(), 1, 1, 0);
        if (window == null || window.padded) {
            return null;
        }
        ActivationRange range = ActivationRange.int8(options.activation(), output.quantization());
        return backend.averagePool(new Plan(window, input, output, range.min(), range.max()));
    }

    /** Everything a backend needs to average unpadded int8 windows. */
    static final class Plan {
        final Window window;
        final byte[] in;
        final int inOff;
        final byte[] out;
        final int outOff;
        /** Elements per window. */
        final int count;
        final int actMin;
        final int actMax;

        Plan(Window window, Tensor input, Tensor output, int actMin, int actMax) {
            this.window = window;
            this.in = input.array();
            this.inOff = input.offset();
            this.out = output.array();
            this.outOff = output.offset();
            this.count = window.filterHeight * window.filterWidth;
            this.actMin = actMin;
            this.actMax = actMax;
        }

        /** The rounded, clamped average of a window sum. */
        int output(int sum) {
            int half = count / 2;
            int v = sum > 0 ? (sum + half) / count : (sum - half) / count;
            return v < actMin ? actMin : (v > actMax ? actMax : v);
        }
    }
}
