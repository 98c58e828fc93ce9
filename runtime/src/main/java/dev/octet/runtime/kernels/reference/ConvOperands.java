package dev.octet.runtime.kernels.reference;

import dev.octet.runtime.kernels.OpContext;
import dev.octet.runtime.model.Padding;
import dev.octet.runtime.model.TensorType;
import dev.octet.runtime.tensor.Tensor;

/**
 * The tensors of a CONV_2D or DEPTHWISE_CONV_2D after the checks both kernels make first: one output, an int8 or
 * float32 NHWC input, a rank-4 filter of the input's type (or constant-to-be int8 weights under a float input,
 * {@link #weightOnlyQuantized}), an output of the input's type, and no dimension below 1 in input or filter.
 *
 * @param bias the optional bias (input 2), or null
 * @param type the element type of input and output
 * @param weightOnlyQuantized a float32 op with int8 weights, run in float with the weights dequantized
 */
record ConvOperands(Tensor input, Tensor filter, Tensor bias, Tensor output, TensorType type,
                    boolean weightOnlyQuantized) {

    /** Makes the shared checks in the order both kernels have always made them, refusing with {@code unsupported}. */
    static ConvOperands check(OpContext context) {
        if (context.outputCount() < 1) {
            throw context.unsupported("no output");
        }
        Tensor input = context.requiredInput(0);
        Tensor filter = context.requiredInput(1);
        Tensor bias = context.input(2);
        Tensor output = context.output(0);

        TensorType type = input.type();
        if (type != TensorType.INT8 && type != TensorType.FLOAT32) {
            throw context.unsupported("input type " + type + " is not supported");
        }
        boolean weightOnlyQuantized = type == TensorType.FLOAT32 && filter.type() == TensorType.INT8;
        if (filter.type() != type && !weightOnlyQuantized) {
            throw context.unsupported("filter type " + filter.type() + " with input type " + type
                    + " is not supported");
        }
        ConvCommon.requireType(context, output, type, "output");
        ConvCommon.requireRank(context, input, 4, "input");
        ConvCommon.requireRank(context, filter, 4, "filter");
        ConvCommon.requireRank(context, output, 4, "output");
        ConvCommon.requirePositiveDims(context, input, "input");
        ConvCommon.requirePositiveDims(context, filter, "filter");
        return new ConvOperands(input, filter, bias, output, type, weightOnlyQuantized);
    }

    int batches() {
        return input.dim(0);
    }

    int inChannels() {
        return input.dim(3);
    }

    /**
     * The window geometry of an [·, H, W, ·] filter over the input, checking that the output is
     * {@code [batches, outHeight, outWidth, outChannels]}.
     */
    ConvGeometry geometry(OpContext context, Padding padding, int strideH, int strideW, int dilationH,
                          int dilationW, int outChannels) {
        ConvGeometry g = ConvGeometry.compute(context, padding, input.dim(1), input.dim(2), filter.dim(1),
                filter.dim(2), strideH, strideW, dilationH, dilationW);
        ConvCommon.requireShape(context, output, new int[] {batches(), g.outHeight, g.outWidth, outChannels},
                "output");
        return g;
    }
}
