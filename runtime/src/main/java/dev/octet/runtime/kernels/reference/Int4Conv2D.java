package dev.octet.runtime.kernels.reference;

import dev.octet.runtime.kernels.Kernel;
import dev.octet.runtime.kernels.OpContext;
import dev.octet.runtime.kernels.PreparedOp;
import dev.octet.runtime.model.BuiltinOptions;
import dev.octet.runtime.tensor.Tensor;
import java.util.Arrays;

/**
 * CONV_2D with int8 input and output and a grouped int4 OHWI filter (Octet's int4 variant): the geometry of
 * {@link Conv2D} (NHWC, SAME/VALID padding, stride, dilation, fused activation; no grouped convolution) and the
 * arithmetic of {@link GroupedInt4}, whose reduction is one filter row {@code [fy][fx][ic]} in OHWI order. Taps
 * that fall outside the input are skipped, as in TFLite's reference kernel: they contribute nothing to their group.
 */
public final class Int4Conv2D implements Kernel {

    public Int4Conv2D() {
    }

    @Override
    public PreparedOp prepare(OpContext context) {
        BuiltinOptions.Conv2D options = context.options(BuiltinOptions.Conv2D.class);
        Int4Operands operands = Int4Operands.checkConv(context);
        Tensor input = operands.input();
        Tensor filter = operands.filter();
        if (input.dim(3) != filter.dim(3)) {
            throw context.unsupported("int4 filters need as many input channels as the input (" + input.dim(3)
                    + "), got " + filter.dim(3) + " (grouped convolution is not supported)");
        }
        GroupedInt4 w = GroupedInt4.of(context, filter);
        ConvGeometry g = operands.geometry(context, options.padding(), options.strideH(), options.strideW(),
                options.dilationH(), options.dilationW(), filter.dim(0));
        Int4Requantization rq = operands.requantization(context, w, options.activation());
        return new Op(operands, g, w, rq);
    }

    private static final class Op extends PreparedInt4 {
        private final ConvGeometry g;
        private final int batches;
        private final int inChannels;
        /** The group of each reduction index. */
        private final int[] groupOf;
        /**
         * The codes transposed to {@code [i][oc]} (reduction index major) and widened to int: for one input element
         * all output channels are contiguous, so the multiply-accumulate loop over them vectorizes, as in
         * {@link Conv2D}. Integer sums do not depend on the order, so the result is the same.
         */
        private final int[] weights;
        /** The current pixel's partial sums, {@code [g][oc]}. */
        private final int[] partials;

        Op(Int4Operands operands, ConvGeometry g, GroupedInt4 w, Int4Requantization rq) {
            super(operands, w, rq);
            this.g = g;
            this.batches = operands.input().dim(0);
            this.inChannels = operands.input().dim(3);
            this.groupOf = new int[w.reduction];
            for (int k = 0; k < groupOf.length; k++) {
                groupOf[k] = k / w.groupSize;
            }
            this.weights = new int[w.codes.length];
            for (int oc = 0; oc < w.channels; oc++) {
                for (int k = 0; k < w.reduction; k++) {
                    weights[k * w.channels + oc] = w.codes[oc * w.reduction + k];
                }
            }
            this.partials = new int[w.groups * w.channels];
        }

        @Override
        public void invoke() {
            refreshBias();
            final int[] wt = weights;
            final int[] ratios = w.ratios;
            final int[] bias = rq.bias();
            final int inputOffset = rq.inputOffset();
            final int[] part = partials;
            final int groups = w.groups;
            final int outC = w.channels;
            final int inC = inChannels;
            final int fw = g.filterWidth;
            int outIndex = outOff;
            for (int b = 0; b < batches; b++) {
                for (int oy = 0; oy < g.outHeight; oy++) {
                    final int yOrigin = g.rowOrigin[oy];
                    for (int ox = 0; ox < g.outWidth; ox++) {
                        final int xOrigin = g.colOrigin[ox];
                        Arrays.fill(part, 0);
                        for (int fy = g.rowTapStart[oy]; fy < g.rowTapEnd[oy]; fy++) {
                            final int rowBase = (b * g.inHeight + yOrigin + fy * g.dilationHeight) * g.inWidth;
                            for (int fx = g.colTapStart[ox]; fx < g.colTapEnd[ox]; fx++) {
                                final int inBase = inOff + (rowBase + xOrigin + fx * g.dilationWidth) * inC;
                                final int kBase = (fy * fw + fx) * inC;
                                for (int ic = 0; ic < inC; ic++) {
                                    final int x = in[inBase + ic] + inputOffset;
                                    final int wRow = (kBase + ic) * outC;
                                    final int pRow = groupOf[kBase + ic] * outC;
                                    for (int oc = 0; oc < outC; oc++) {
                                        part[pRow + oc] += x * wt[wRow + oc];
                                    }
                                }
                            }
                        }
                        for (int oc = 0; oc < outC; oc++) {
                            long acc = bias[oc];
                            for (int grp = 0; grp < groups; grp++) {
                                acc += (long) ratios[oc * groups + grp] * part[grp * outC + oc];
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
