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
 * DEPTHWISE_CONV_2D: NHWC input, [1, H, W, C·M] filter, optional bias, depth multiplier M, SAME/VALID padding,
 * stride, dilation and fused activation, in int8 and float32. Output channel {@code ic·M + m} reads input
 * channel {@code ic}.
 *
 * <p>int8 follows TFLite Micro's {@code reference_integer_ops::DepthwiseConvPerChannel}: int32 accumulation of
 * {@code filter · (input − input_zp)}, plus the bias, requantized per output channel with the double-rounding
 * {@code MultiplyByQuantizedMultiplier} (multipliers from {@code (double) s_in · (double) s_filter[c] /
 * (double) s_out}, quantized along dimension 3; a single filter scale is broadcast), plus the output zero point,
 * clamped to the activation range.
 *
 * <p>The depth multiplier is taken from the shapes (filter channels / input channels, which must divide), as
 * TFLite's {@code ComputeDepthMultiplier} does, rather than from the options: a model whose option disagrees with
 * its shapes would make TFLite Micro skip or overrun output channels, so the shapes are the only safe source.
 *
 * <p>For each output pixel all output channels accumulate together, tap by tap (same bits for int8, where wrapping
 * addition is associative; for float32 each channel still sums its taps in TFLite's row-then-column order from 0
 * and adds the bias last).
 *
 * <p>A float32 op with constant int8 weights (weight-only quantized) runs in float with the weights dequantized
 * in prepare ({@code scale[c] · (q − zp[c])}); unlike TFLite's hybrid kernel it does not also quantize the input.
 */
public final class DepthwiseConv2D implements Kernel {

    public DepthwiseConv2D() {
    }

    @Override
    public PreparedOp prepare(OpContext context) {
        BuiltinOptions.DepthwiseConv2D options = context.options(BuiltinOptions.DepthwiseConv2D.class);
        ConvOperands ops = ConvOperands.check(context);
        Tensor filter = ops.filter();
        if (filter.dim(0) != 1) {
            throw context.unsupported("depthwise filter must have shape [1, H, W, C], got " + ConvCommon.shape(filter));
        }
        int inChannels = ops.inChannels();
        int outChannels = filter.dim(3);
        if (outChannels % inChannels != 0) {
            throw context.unsupported("filter channels " + outChannels + " are not a multiple of the input's "
                    + inChannels);
        }
        int multiplier = outChannels / inChannels;
        ConvGeometry g = ops.geometry(context, options.padding(), options.strideH(), options.strideW(),
                options.dilationH(), options.dilationW(), outChannels);

        if (ops.type() == TensorType.INT8) {
            ConvRequantization rq = ConvRequantization.of(context, ops.input(), filter, ops.output(), outChannels, 3,
                    options.activation());
            int[] biasValues = ConvCommon.int32Bias(context, ops.bias(), outChannels);
            return new Int8(ops, g, multiplier, rq, biasValues);
        }
        float[] clamp = ConvCommon.floatActivation(context, options.activation());
        float[] biasValues = ConvCommon.floatBias(context, ops.bias(), outChannels);
        float[] weights;
        if (ops.weightOnlyQuantized()) {
            weights = ConvCommon.dequantizeWeights(context, filter, 3);
        } else {
            weights = new float[filter.elementCount()];
            ConvCommon.refreshFloat(filter, weights);
        }
        return new Float32(ops, g, multiplier, weights, biasValues, clamp[0], clamp[1]);
    }

    private static final class Int8 extends PreparedConv {
        private final int multiplier;
        /**
         * The [1, H, W, C·M] filter (which already keeps one tap's output channels contiguous) widened to int so the
         * multiply-accumulate loop vectorizes; re-read each invoke when the filter is not constant.
         */
        private final int[] w;
        private final ConvRequantization rq;
        private final int[] bias;
        private final int[] acc;

        Int8(ConvOperands ops, ConvGeometry g, int multiplier, ConvRequantization rq, int[] biasValues) {
            super(ops, g, ops.inChannels() * multiplier);
            this.multiplier = multiplier;
            this.w = new int[ops.filter().elementCount()];
            readWeights(ops.filter(), w);
            this.rq = rq;
            this.bias = biasValues;
            this.acc = new int[outChannels];
        }

        private static void readWeights(Tensor filter, int[] dst) {
            for (int i = 0; i < dst.length; i++) {
                dst[i] = filter.getInt8(i);
            }
        }

        @Override
        public void invoke() {
            if (filterTensor != null) {
                readWeights(filterTensor, w);
            }
            if (biasTensor != null) {
                ConvCommon.refreshInt32(biasTensor, bias);
            }
            final byte[] in = this.in;
            final int[] w = this.w;
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
            final int mult = multiplier;
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
                                final int wTap = (fy * fw + fx) * outC;
                                if (mult == 1) {
                                    for (int c = 0; c < inC; c++) {
                                        acc[c] += (in[inBase + c] + inputOffset) * w[wTap + c];
                                    }
                                } else {
                                    for (int ic = 0; ic < inC; ic++) {
                                        final int x = in[inBase + ic] + inputOffset;
                                        final int oc0 = ic * mult;
                                        for (int m = 0; m < mult; m++) {
                                            acc[oc0 + m] += x * w[wTap + oc0 + m];
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
        private final int multiplier;
        /** [H, W, C·M] weights as floats; re-read each invoke when the filter is not constant. */
        private final float[] w;
        private final float[] bias;
        private final float actMin;
        private final float actMax;
        private final float[] acc;

        Float32(ConvOperands ops, ConvGeometry g, int multiplier, float[] weights, float[] biasValues, float actMin,
                float actMax) {
            super(ops, g, ops.inChannels() * multiplier);
            this.multiplier = multiplier;
            this.w = weights;
            this.bias = biasValues;
            this.actMin = actMin;
            this.actMax = actMax;
            this.acc = new float[outChannels];
        }

        @Override
        public void invoke() {
            if (filterTensor != null) {
                ConvCommon.refreshFloat(filterTensor, w);
            }
            if (biasTensor != null) {
                ConvCommon.refreshFloat(biasTensor, bias);
            }
            final byte[] in = this.in;
            final float[] w = this.w;
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
            final int mult = multiplier;
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
                                final int wTap = (fy * fw + fx) * outC;
                                if (mult == 1) {
                                    for (int c = 0; c < inC; c++) {
                                        acc[c] += LittleEndian.getFloat(in, inBase + 4 * c) * w[wTap + c];
                                    }
                                } else {
                                    for (int ic = 0; ic < inC; ic++) {
                                        final float x = LittleEndian.getFloat(in, inBase + 4 * ic);
                                        final int oc0 = wTap + ic * mult;
                                        for (int m = 0; m < mult; m++) {
                                            acc[ic * mult + m] += x * w[oc0 + m];
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
