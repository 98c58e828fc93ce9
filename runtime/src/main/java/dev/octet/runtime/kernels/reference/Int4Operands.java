package dev.octet.runtime.kernels.reference;

import dev.octet.runtime.kernels.OpContext;
import dev.octet.runtime.model.Activation;
import dev.octet.runtime.model.Padding;
import dev.octet.runtime.model.TensorType;
import dev.octet.runtime.tensor.Tensor;

/**
 * The tensors of an int4 kernel (Octet's int4 variant: int8 activations, grouped int4 weights) after the checks
 * that {@link Int4FullyConnected}, {@link Int4Conv2D} and {@link Int4DepthwiseConv2D} all make first: one output,
 * and int8 input and output. The weights themselves are checked by {@link GroupedInt4#of}.
 *
 * @param bias the optional int32 bias (input 2), or null
 */
record Int4Operands(Tensor input, Tensor filter, Tensor bias, Tensor output) {

    /**
     * The shared checks, refusing with {@code unsupported}.
     *
     * @param weights how the refusals name the weights ("an int4 filter", "int4 weights")
     */
    static Int4Operands check(OpContext context, String weights) {
        if (context.outputCount() < 1) {
            throw context.unsupported("no output");
        }
        Tensor input = context.requiredInput(0);
        Tensor filter = context.requiredInput(1);
        Tensor bias = context.input(2);
        Tensor output = context.output(0);
        ConvCommon.requireType(context, input, TensorType.INT8, "input (with " + weights + ")");
        ConvCommon.requireType(context, output, TensorType.INT8, "output (with " + weights + ")");
        return new Int4Operands(input, filter, bias, output);
    }

    /** The shared checks plus those of both convolutions: rank-4 input, filter and output, no dimension below 1. */
    static Int4Operands checkConv(OpContext context) {
        Int4Operands operands = check(context, "an int4 filter");
        ConvCommon.requireRank(context, operands.input, 4, "input");
        ConvCommon.requireRank(context, operands.filter, 4, "filter");
        ConvCommon.requireRank(context, operands.output, 4, "output");
        ConvCommon.requirePositiveDims(context, operands.input, "input");
        ConvCommon.requirePositiveDims(context, operands.filter, "filter");
        return operands;
    }

    /**
     * The window geometry of an [·, H, W, ·] filter over the NHWC input, checking that the output is
     * {@code [batches, outHeight, outWidth, outChannels]}.
     */
    ConvGeometry geometry(OpContext context, Padding padding, int strideH, int strideW, int dilationH,
                          int dilationW, int outChannels) {
        ConvGeometry g = ConvGeometry.compute(context, padding, input.dim(1), input.dim(2), filter.dim(1),
                filter.dim(2), strideH, strideW, dilationH, dilationW);
        ConvCommon.requireShape(context, output, new int[] {input.dim(0), g.outHeight, g.outWidth, outChannels},
                "output");
        return g;
    }

    /** Checks the int8 quantization of input and output, the activation and the bias, and computes the parameters. */
    Int4Requantization requantization(OpContext context, GroupedInt4 w, Activation activation) {
        return Int4Requantization.of(context, input, output, bias, w, activation);
    }
}
