package dev.octet.runtime.kernels.optimized;

import dev.octet.runtime.kernels.OpContext;
import dev.octet.runtime.model.Activation;
import dev.octet.runtime.tensor.Tensor;

/**
 * What planning an optimized int8 CONV_2D or DEPTHWISE_CONV_2D shares: the operands, the per-channel
 * requantization and the window walk, found only when the fast loops can run the op (int8 input, constant int8
 * weights, a constant bias or none, one filter channel per input channel: no groups, depth multiplier 1, and
 * multipliers and scratch sizes within the fast loops' limits).
 *
 * @param requant per output channel
 */
record ConvSetup(Tensor input, Tensor filter, Tensor bias, Tensor output, Window window, Requant requant) {

    /**
     * The setup, or null when the reference op should run. {@code depthwise} says how the filter is laid out:
     * {@code [1, H, W, C]} (one weight per channel and tap) or {@code [O, H, W, I]} (a full window per output
     * channel). Assumes the reference prepare accepted the op.
     */
    static ConvSetup plan(OpContext context, boolean depthwise, int strideH, int strideW, int dilationH,
                          int dilationW, Activation activation) {
        Tensor input = context.input(0);
        Tensor filter = context.input(1);
        Tensor bias = context.input(2);
        Tensor output = context.output(0);
        if (!Quantized.int8WithConstantWeights(input, filter, bias) || filter.dim(3) != input.dim(3)) {
            return null;
        }
        int outChannels = depthwise ? input.dim(3) : filter.dim(0);
        Requant requant = Quantized.convolution(input.quantization(), filter.quantization(), output.quantization(),
                outChannels, activation);
        if (requant == null) {
            return null;
        }
        long packedWeights = (long) Requant.roundUp(outChannels, Requant.PAD) * filter.dim(1) * filter.dim(2)
                * (depthwise ? 1 : filter.dim(3));
        Window window = Window.planIfFits(input, output, filter.dim(1), filter.dim(2), strideH, strideW, dilationH,
                dilationW, packedWeights);
        return window == null ? null : new ConvSetup(input, filter, bias, output, window, requant);
    }

    /** {@code −input_zp}: added to every input value as it is widened. */
    int inputOffset() {
        return -input.quantization().zeroPoint();
    }
}
