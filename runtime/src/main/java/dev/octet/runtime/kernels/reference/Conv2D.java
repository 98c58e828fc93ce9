package dev.octet.runtime.kernels.reference;

import dev.octet.runtime.kernels.Kernel;
import dev.octet.runtime.kernels.OpContext;
import dev.octet.runtime.kernels.PreparedOp;
import dev.octet.runtime.model.BuiltinOptions;
import dev.octet.runtime.model.TensorType;
import dev.octet.runtime.tensor.LittleEndian;
import dev.octet.runtime.tensor.Tensor;
import java.util.Arrays;

/**
 * CONV_2D, NHWC input, OHWI filter, optional bias, SAME/VALID padding, stride, dilation, fused activation and
 * grouped convolution (input channels a multiple of the filter's input channels), in int8 and float32.
 *
 * <p>int8 follows TFLite Micro's {@code reference_integer_ops::ConvPerChannel}: int32 accumulation of
 * {@code filter · (input − input_zp)}, plus the bias, requantized per output channel with the double-rounding
 * {@code MultiplyByQuantizedMultiplier}, plus the output zero point, clamped to the activation range. The
 * multipliers are {@code QuantizeMultiplier((double) s_in · (double) s_filter[c] / (double) s_out)}; a per-tensor
 * filter scale is broadcast to every channel. Weights must be symmetric (zero point 0).
 *
 * <p>The loops are reordered for speed (for each output pixel, every tap's input channel is multiplied into all
 * output channels at once, over weights transposed to HWIO in prepare). For int8 this gives the same bits because
 * wrapping int32 addition is associative; for float32 each output channel still adds its products in TFLite's
 * order (filter row, filter column, input channel), starting from 0 and adding the bias last.
 *
 * <p>A float32 op with constant int8 weights (a weight-only or "dynamic range" quantized model, such as the
 * bundled float KWS model) is run in float with the weights dequantized once in prepare
 * ({@code scale[c] · (q − zp[c])}, as DEQUANTIZE computes it). This deliberately differs from TFLite's hybrid
 * kernel, which also quantizes the input to int8 on the fly: the float path is what the model's weights mean,
 * without the extra activation rounding. TFLite Micro does not run hybrid models at all.
 */
public final class Conv2D implements Kernel {

    public Conv2D() {
    }

    @Override
    public PreparedOp prepare(OpContext context) {
        BuiltinOptions.Conv2D options = context.options(BuiltinOptions.Conv2D.class);
        ConvOperands ops = ConvOperands.check(context);
        Tensor filter = ops.filter();

        int inChannels = ops.inChannels();
        int outChannels = filter.dim(0);
        int filterChannels = filter.dim(3);
        if (inChannels % filterChannels != 0) {
            throw context.unsupported("input channels " + inChannels + " are not a multiple of the filter's "
                    + filterChannels);
        }
        int groups = inChannels / filterChannels;
        if (outChannels % groups != 0) {
            throw context.unsupported(outChannels + " output channels cannot be split into " + groups + " groups");
        }
        ConvGeometry g = ops.geometry(context, options.padding(), options.strideH(), options.strideW(),
                options.dilationH(), options.dilationW(), outChannels);
        Layout layout = new Layout(g, outChannels, filterChannels, groups);

        if (ops.type() == TensorType.INT8) {
            ConvRequantization rq = ConvRequantization.of(context, ops.input(), filter, ops.output(), outChannels, 0,
                    options.activation());
            int[] biasValues = ConvCommon.int32Bias(context, ops.bias(), outChannels);
            return new Int8(ops, layout, rq, biasValues);
        }
        float[] clamp = ConvCommon.floatActivation(context, options.activation());
        float[] biasValues = ConvCommon.floatBias(context, ops.bias(), outChannels);
        float[] dequantized = ops.weightOnlyQuantized() ? ConvCommon.dequantizeWeights(context, filter, 0) : null;
        return new Float32(ops, layout, dequantized, biasValues, clamp[0], clamp[1]);
    }

    /** The filter's layout: how OHWI and the transposed HWIO index a weight, and the grouping of channels. */
    private static final class Layout {
        final ConvGeometry g;
        final int outChannels;
        final int filterChannels;
        final int groups;
        final int filtersPerGroup;

        Layout(ConvGeometry g, int outChannels, int filterChannels, int groups) {
            this.g = g;
            this.outChannels = outChannels;
            this.filterChannels = filterChannels;
            this.groups = groups;
            this.filtersPerGroup = outChannels / groups;
        }

        /** Index in the OHWI filter of (oc, fy, fx, ic). */
        int ohwi(int oc, int fy, int fx, int ic) {
            return ((oc * g.filterHeight + fy) * g.filterWidth + fx) * filterChannels + ic;
        }

        /** Index in the transposed HWIO filter of (fy, fx, ic, oc). */
        int hwio(int fy, int fx, int ic, int oc) {
            return ((fy * g.filterWidth + fx) * filterChannels + ic) * outChannels + oc;
        }
    }

    private static final class Int8 extends PreparedConv {
        private final Layout layout;
        /**
         * Weights transposed to HWIO and widened to int: for one tap and input channel, all output channels are
         * contiguous, and the multiply-accumulate loop over them vectorizes without byte-to-int conversions.
         */
        private final int[] weights;
        private final ConvRequantization rq;
        private final int[] bias;
        private final int[] acc;

        Int8(ConvOperands ops, Layout layout, ConvRequantization rq, int[] biasValues) {
            super(ops, layout.g, layout.outChannels);
            this.layout = layout;
            this.weights = new int[ops.filter().elementCount()];
            transpose(layout, ops.filter(), weights);
            this.rq = rq;
            this.bias = biasValues;
            this.acc = new int[outChannels];
        }

        private static void transpose(Layout l, Tensor filter, int[] dst) {
            byte[] src = filter.array();
            int base = filter.offset();
            ConvGeometry g = l.g;
            for (int oc = 0; oc < l.outChannels; oc++) {
                for (int fy = 0; fy < g.filterHeight; fy++) {
                    for (int fx = 0; fx < g.filterWidth; fx++) {
                        for (int ic = 0; ic < l.filterChannels; ic++) {
                            dst[l.hwio(fy, fx, ic, oc)] = src[base + l.ohwi(oc, fy, fx, ic)];
                        }
                    }
                }
            }
        }

        @Override
        public void invoke() {
            if (filterTensor != null) {
                transpose(layout, filterTensor, weights);
            }
            if (biasTensor != null) {
                ConvCommon.refreshInt32(biasTensor, bias);
            }
            final byte[] in = this.in;
            final int[] w = this.weights;
            final int[] acc = this.acc;
            final int inH = g.inHeight;
            final int inW = g.inWidth;
            final int outH = g.outHeight;
            final int outW = g.outWidth;
            final int fw = g.filterWidth;
            final int dh = g.dilationHeight;
            final int dw = g.dilationWidth;
            final int inC = inChannels;
            final int outC = outChannels;
            final int groups = layout.groups;
            final int fic = layout.filterChannels;
            final int fpg = layout.filtersPerGroup;
            final int inputOffset = rq.inputOffset();
            int outIndex = outOff;
            for (int b = 0; b < batches; b++) {
                for (int oy = 0; oy < outH; oy++) {
                    final int yOrigin = g.rowOrigin[oy];
                    final int fyStart = g.rowTapStart[oy];
                    final int fyEnd = g.rowTapEnd[oy];
                    for (int ox = 0; ox < outW; ox++) {
                        final int xOrigin = g.colOrigin[ox];
                        final int fxStart = g.colTapStart[ox];
                        final int fxEnd = g.colTapEnd[ox];
                        Arrays.fill(acc, 0);
                        for (int fy = fyStart; fy < fyEnd; fy++) {
                            final int rowBase = (b * inH + yOrigin + fy * dh) * inW;
                            for (int fx = fxStart; fx < fxEnd; fx++) {
                                final int inBase = inOff + (rowBase + xOrigin + fx * dw) * inC;
                                final int wTap = (fy * fw + fx) * fic * outC;
                                for (int grp = 0; grp < groups; grp++) {
                                    final int inGroup = inBase + grp * fic;
                                    final int ocStart = grp * fpg;
                                    final int ocEnd = ocStart + fpg;
                                    for (int ic = 0; ic < fic; ic++) {
                                        final int x = in[inGroup + ic] + inputOffset;
                                        final int wRow = wTap + ic * outC;
                                        for (int oc = ocStart; oc < ocEnd; oc++) {
                                            acc[oc] += x * w[wRow + oc];
                                        }
                                    }
                                }
                            }
                        }
                        rq.storePixel(acc, bias, out, outIndex);
                        outIndex += outC;
                    }
                }
            }
        }
    }

    private static final class Float32 extends PreparedConv {
        private final Layout layout;
        /** Weights transposed to HWIO, as for int8. */
        private final float[] weights;
        private final float[] bias;
        private final float actMin;
        private final float actMax;
        private final float[] acc;

        /** @param dequantized the weights already dequantized to float (OHWI), or null for float weights */
        Float32(ConvOperands ops, Layout layout, float[] dequantized, float[] biasValues, float actMin,
                float actMax) {
            super(ops, layout.g, layout.outChannels);
            this.layout = layout;
            this.weights = new float[ops.filter().elementCount()];
            transpose(layout, ops.filter(), dequantized, weights);
            this.bias = biasValues;
            this.actMin = actMin;
            this.actMax = actMax;
            this.acc = new float[outChannels];
        }

        /** Transposes the OHWI weights, from {@code dequantized} when given, else from the float filter. */
        private static void transpose(Layout l, Tensor filter, float[] dequantized, float[] dst) {
            ConvGeometry g = l.g;
            for (int oc = 0; oc < l.outChannels; oc++) {
                for (int fy = 0; fy < g.filterHeight; fy++) {
                    for (int fx = 0; fx < g.filterWidth; fx++) {
                        for (int ic = 0; ic < l.filterChannels; ic++) {
                            int src = l.ohwi(oc, fy, fx, ic);
                            dst[l.hwio(fy, fx, ic, oc)] = dequantized != null ? dequantized[src]
                                    : filter.getFloat(src);
                        }
                    }
                }
            }
        }

        @Override
        public void invoke() {
            if (filterTensor != null) {
                transpose(layout, filterTensor, null, weights);
            }
            if (biasTensor != null) {
                ConvCommon.refreshFloat(biasTensor, bias);
            }
            final byte[] in = this.in;
            final float[] w = this.weights;
            final float[] acc = this.acc;
            final int inH = g.inHeight;
            final int inW = g.inWidth;
            final int outH = g.outHeight;
            final int outW = g.outWidth;
            final int fw = g.filterWidth;
            final int dh = g.dilationHeight;
            final int dw = g.dilationWidth;
            final int inC = inChannels;
            final int outC = outChannels;
            final int groups = layout.groups;
            final int fic = layout.filterChannels;
            final int fpg = layout.filtersPerGroup;
            int outIndex = outOff;
            for (int b = 0; b < batches; b++) {
                for (int oy = 0; oy < outH; oy++) {
                    final int yOrigin = g.rowOrigin[oy];
                    final int fyStart = g.rowTapStart[oy];
                    final int fyEnd = g.rowTapEnd[oy];
                    for (int ox = 0; ox < outW; ox++) {
                        final int xOrigin = g.colOrigin[ox];
                        final int fxStart = g.colTapStart[ox];
                        final int fxEnd = g.colTapEnd[ox];
                        Arrays.fill(acc, 0f);
                        for (int fy = fyStart; fy < fyEnd; fy++) {
                            final int rowBase = (b * inH + yOrigin + fy * dh) * inW;
                            for (int fx = fxStart; fx < fxEnd; fx++) {
                                final int inBase = inOff + 4 * (rowBase + xOrigin + fx * dw) * inC;
                                final int wTap = (fy * fw + fx) * fic * outC;
                                for (int grp = 0; grp < groups; grp++) {
                                    final int inGroup = inBase + 4 * grp * fic;
                                    final int ocStart = grp * fpg;
                                    final int ocEnd = ocStart + fpg;
                                    for (int ic = 0; ic < fic; ic++) {
                                        final float x = LittleEndian.getFloat(in, inGroup + 4 * ic);
                                        final int wRow = wTap + ic * outC;
                                        for (int oc = ocStart; oc < ocEnd; oc++) {
                                            acc[oc] += x * w[wRow + oc];
                                        }
                                    }
                                }
                            }
                        }
                        for (int oc = 0; oc < outC; oc++) {
                            LittleEndian.putFloat(out, outIndex + 4 * oc,
                                    ConvCommon.clamp(acc[oc] + bias[oc], actMin, actMax));
                        }
                        outIndex += 4 * outC;
                    }
                }
            }
        }
    }
}
