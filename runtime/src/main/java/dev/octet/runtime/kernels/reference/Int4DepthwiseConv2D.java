package dev.octet.runtime.kernels.reference;

import dev.octet.runtime.kernels.Kernel;
import dev.octet.runtime.kernels.OpContext;
import dev.octet.runtime.kernels.PreparedOp;
import dev.octet.runtime.model.BuiltinOptions;
import dev.octet.runtime.model.Quantization;
import dev.octet.runtime.model.TensorType;
import dev.octet.runtime.quant.ActivationRange;
import dev.octet.runtime.quant.FixedPoint;
import dev.octet.runtime.tensor.Tensor;
import java.util.Arrays;

/**
 * DEPTHWISE_CONV_2D with int8 input and output and a grouped int4 [1, H, W, C·M] filter (Octet's int4 variant,
 * channels along dimension 3): the geometry of {@link DepthwiseConv2D} (depth multiplier from the shapes, SAME/VALID
 * padding, stride, dilation, fused activation) and the arithmetic of {@link GroupedInt4}, whose reduction is one
 * output channel's taps {@code [fy][fx]}. Taps outside the input are skipped, as in TFLite's reference kernel.
 */
public final class Int4DepthwiseConv2D implements Kernel {

    public Int4DepthwiseConv2D() {
    }

    @Override
    public PreparedOp prepare(OpContext context) {
        BuiltinOptions.DepthwiseConv2D options = context.options(BuiltinOptions.DepthwiseConv2D.class);
        if (context.outputCount() < 1) {
            throw context.unsupported("no output");
        }
        Tensor input = context.requiredInput(0);
        Tensor filter = context.requiredInput(1);
        Tensor bias = context.input(2);
        Tensor output = context.output(0);
        ConvCommon.requireType(context, input, TensorType.INT8, "input (with an int4 filter)");
        ConvCommon.requireType(context, output, TensorType.INT8, "output (with an int4 filter)");
        ConvCommon.requireRank(context, input, 4, "input");
        ConvCommon.requireRank(context, filter, 4, "filter");
        ConvCommon.requireRank(context, output, 4, "output");
        ConvCommon.requirePositiveDims(context, input, "input");
        ConvCommon.requirePositiveDims(context, filter, "filter");
        if (filter.dim(0) != 1) {
            throw context.unsupported("depthwise filter must have shape [1, H, W, C], got " + ConvCommon.shape(filter));
        }
        int inChannels = input.dim(3);
        int outChannels = filter.dim(3);
        if (outChannels % inChannels != 0) {
            throw context.unsupported("filter channels " + outChannels + " are not a multiple of the input's "
                    + inChannels);
        }
        GroupedInt4 w = GroupedInt4.of(context, filter, 3);
        ConvGeometry g = ConvGeometry.compute(context, options.padding(), input.dim(1), input.dim(2),
                filter.dim(1), filter.dim(2), options.strideH(), options.strideW(), options.dilationH(),
                options.dilationW());
        int batches = input.dim(0);
        ConvCommon.requireShape(context, output, new int[] {batches, g.outHeight, g.outWidth, outChannels},
                "output");
        Quantization inQ = ConvCommon.int8PerTensor(context, input, "input");
        Quantization outQ = ConvCommon.int8PerTensor(context, output, "output");
        int[] multipliers = new int[outChannels];
        int[] shifts = new int[outChannels];
        ConvCommon.perChannelMultipliers(inQ.scale(), w.accumulatorScales, outQ.scale(), multipliers, shifts);
        ActivationRange range = ConvCommon.int8Activation(context, options.activation(), outQ);
        int[] biasValues = ConvCommon.int32Bias(context, bias, outChannels);
        return new Op(g, batches, inChannels, outChannels / inChannels, w, input, bias, output, -inQ.zeroPoint(),
                outQ.zeroPoint(), multipliers, shifts, biasValues, range.min(), range.max());
    }

    private static final class Op implements PreparedOp {
        private final ConvGeometry g;
        private final int batches;
        private final int inChannels;
        private final int multiplier;
        private final GroupedInt4 w;
        private final byte[] in;
        private final int inOff;
        private final byte[] out;
        private final int outOff;
        private final Tensor biasTensor;
        private final int inputOffset;
        private final int outputZeroPoint;
        private final int[] multipliers;
        private final int[] shifts;
        private final int[] bias;
        private final int actMin;
        private final int actMax;
        /** One output channel's partial sums, per group. */
        private final int[] partials;

        Op(ConvGeometry g, int batches, int inChannels, int multiplier, GroupedInt4 w, Tensor input, Tensor bias,
           Tensor output, int inputOffset, int outputZeroPoint, int[] multipliers, int[] shifts, int[] biasValues,
           int actMin, int actMax) {
            this.g = g;
            this.batches = batches;
            this.inChannels = inChannels;
            this.multiplier = multiplier;
            this.w = w;
            this.in = input.array();
            this.inOff = input.offset();
            this.out = output.array();
            this.outOff = output.offset();
            this.biasTensor = bias == null || bias.isConstant() ? null : bias;
            this.inputOffset = inputOffset;
            this.outputZeroPoint = outputZeroPoint;
            this.multipliers = multipliers;
            this.shifts = shifts;
            this.bias = biasValues;
            this.actMin = actMin;
            this.actMax = actMax;
            this.partials = new int[w.groups];
        }

        @Override
        public void invoke() {
            if (biasTensor != null) {
                ConvCommon.refreshInt32(biasTensor, bias);
            }
            final byte[] codes = w.codes;
            final int[] ratios = w.ratios;
            final int[] part = partials;
            final int k = w.reduction;
            final int groups = w.groups;
            final int groupSize = w.groupSize;
            final int outC = w.channels;
            final int inC = inChannels;
            final int fw = g.filterWidth;
            int outIndex = outOff;
            for (int b = 0; b < batches; b++) {
                for (int oy = 0; oy < g.outHeight; oy++) {
                    final int yOrigin = g.rowOrigin[oy];
                    for (int ox = 0; ox < g.outWidth; ox++) {
                        final int xOrigin = g.colOrigin[ox];
                        for (int oc = 0; oc < outC; oc++) {
                            final int ic = oc / multiplier;
                            final int wRow = oc * k;
                            Arrays.fill(part, 0);
                            for (int fy = g.rowTapStart[oy]; fy < g.rowTapEnd[oy]; fy++) {
                                final int rowBase = (b * g.inHeight + yOrigin + fy * g.dilationHeight) * g.inWidth;
                                for (int fx = g.colTapStart[ox]; fx < g.colTapEnd[ox]; fx++) {
                                    final int tap = fy * fw + fx;
                                    final int x = in[inOff + (rowBase + xOrigin + fx * g.dilationWidth) * inC + ic]
                                            + inputOffset;
                                    part[tap / groupSize] += x * codes[wRow + tap];
                                }
                            }
                            long acc = bias[oc];
                            for (int grp = 0; grp < groups; grp++) {
                                acc += (long) ratios[oc * groups + grp] * part[grp];
                            }
                            int v = FixedPoint.multiplyByQuantizedMultiplier(GroupedInt4.saturate(acc),
                                    multipliers[oc], shifts[oc]) + outputZeroPoint;
                            v = v < actMin ? actMin : (v > actMax ? actMax : v);
                            out[outIndex + oc] = (byte) v;
                        }
                        outIndex += outC;
                    }
                }
            }
        }
    }
}
