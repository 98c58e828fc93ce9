package dev.octet.runtime.kernels.reference;

import dev.octet.runtime.kernels.Kernel;
import dev.octet.runtime.kernels.OpContext;
import dev.octet.runtime.kernels.PreparedOp;
import dev.octet.runtime.model.BuiltinOptions;
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
        Int4Operands operands = Int4Operands.checkConv(context);
        Tensor input = operands.input();
        Tensor filter = operands.filter();
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
        ConvGeometry g = operands.geometry(context, options.padding(), options.strideH(), options.strideW(),
                options.dilationH(), options.dilationW(), outChannels);
        Int4Requantization rq = operands.requantization(context, w, options.activation());
        return new Op(operands, g, outChannels / inChannels, w, rq);
    }

    private static final class Op extends PreparedInt4 {
        private final ConvGeometry g;
        private final int batches;
        private final int inChannels;
        private final int multiplier;
        /** One output channel's partial sums, per group. */
        private final int[] partials;

        Op(Int4Operands operands, ConvGeometry g, int multiplier, GroupedInt4 w, Int4Requantization rq) {
            super(operands, w, rq);
            this.g = g;
            this.batches = operands.input().dim(0);
            this.inChannels = operands.input().dim(3);
            this.multiplier = multiplier;
            this.partials = new int[w.groups];
        }

        @Override
        public void invoke() {
            refreshBias();
            final int[] bias = rq.bias();
            final int inputOffset = rq.inputOffset();
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
                            out[outIndex + oc] = rq.requantize(acc, oc);
                        }
                        outIndex += outC;
                    }
                }
            }
        }
    }
}
