package dev.octet.runtime.kernels.reference;

import dev.octet.runtime.kernels.Kernel;
import dev.octet.runtime.kernels.OpContext;
import dev.octet.runtime.kernels.PreparedOp;
import dev.octet.runtime.kernels.ReferenceSemantics;
import dev.octet.runtime.model.BuiltinOptions;
import dev.octet.runtime.model.Quantization;
import dev.octet.runtime.model.TensorType;
import dev.octet.runtime.quant.ActivationRange;
import dev.octet.runtime.quant.FixedPoint;
import dev.octet.runtime.quant.ShiftRequantization;
import dev.octet.runtime.quant.QuantizedMultiplier;
import dev.octet.runtime.tensor.LittleEndian;
import dev.octet.runtime.tensor.Tensor;
import java.util.Arrays;

/**
 * FULLY_CONNECTED with [units, depth] weights (default weights format only), optional bias, {@code keep_num_dims},
 * in int8 (per-tensor weights, or per-channel with one scale per unit) and float32. The input is read as
 * {@code elements / depth} rows of {@code depth}; the output shape is what TFLite's {@code Prepare} computes (the
 * input's shape with the last dimension replaced by {@code units} when {@code keep_num_dims}, else
 * {@code [batches, units]}) and must match the model's.
 *
 * <p>int8 accumulates {@code (w − w_zp) · (x − x_zp)} in int32 (the weight zero point is honoured for per-tensor
 * weights, as the reference kernel's {@code weights_offset}; per-channel weights must be symmetric), adds the bias,
 * and requantizes according to {@link ReferenceSemantics}:
 * <ul>
 *   <li>{@code TFLM} (TFLite Micro's {@code reference_integer_ops::FullyConnected}/{@code FullyConnectedPerChannel}):
 *       the double-rounding {@code MultiplyByQuantizedMultiplier}. The per-tensor multiplier is
 *       {@code QuantizeMultiplier((double) (s_in · s_w) / (double) s_out)} with the scale product taken in
 *       <em>float</em> ({@code GetQuantizedConvolutionMultipler}); per-channel multipliers use
 *       {@code (double) s_in · (double) s_w[c] / (double) s_out}.</li>
 *   <li>{@code TFLITE} (TensorFlow Lite 2.20+ reference kernel, which since commit 7743831 "Make the
 *       fully_connected ref kernel do requant in float" no longer calls {@code MultiplyByQuantizedMultiplier}):
 *       {@code (int32) round((double) acc · ((double) s_in · (double) s_w[c] / (double) s_out))} with C's
 *       {@code round} (ties away from zero), for per-tensor and per-channel weights alike. A product outside the
 *       int32 range saturates (C leaves that conversion undefined).</li>
 * </ul>
 * Then the output zero point is added and the result clamped to the fused activation's range. With a per-tensor
 * bias that carries a scale, TFLM's check that it matches {@code s_in · s_w} within 2% of an output step is kept.
 */
public final class FullyConnected implements Kernel {

    public FullyConnected() {
    }

    @Override
    public PreparedOp prepare(OpContext context) {
        BuiltinOptions.FullyConnected options = context.options(BuiltinOptions.FullyConnected.class);
        if (options.weightsFormat() != 0) {
            throw context.unsupported("weights format " + options.weightsFormat() + " (shuffled) is not supported");
        }
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
        if (filter.type() != type) {
            throw context.unsupported("weights type " + filter.type() + " with input type " + type
                    + (options.asymmetricQuantizeInputs() ? " (hybrid, asymmetric_quantize_inputs)" : " (hybrid)")
                    + " is not supported");
        }
        ConvCommon.requireType(context, output, type, "output");
        ConvCommon.requireRank(context, filter, 2, "weights");
        ConvCommon.requirePositiveDims(context, filter, "weights");
        if (input.rank() < 1) {
            throw context.unsupported("input must have rank at least 1");
        }
        ConvCommon.requirePositiveDims(context, input, "input");
        int units = filter.dim(0);
        int depth = filter.dim(1);
        int inputElements = input.elementCount();
        if (inputElements % depth != 0) {
            throw context.unsupported("input of " + inputElements + " elements is not a whole number of rows of "
                    + depth);
        }
        int batches = inputElements / depth;
        int[] expected;
        if (options.keepNumDims()) {
            if (input.dim(input.rank() - 1) != depth) {
                throw context.unsupported("keep_num_dims needs the input's last dimension " + input.dim(input.rank() - 1)
                        + " to equal the weights' depth " + depth);
            }
            expected = input.shape().clone();
            expected[expected.length - 1] = units;
        } else {
            expected = new int[] {batches, units};
        }
        ConvCommon.requireShape(context, output, expected, "output");

        if (type == TensorType.FLOAT32) {
            float[] clamp = ConvCommon.floatActivation(context, options.activation());
            float[] biasValues = ConvCommon.floatBias(context, bias, units);
            return new Float32(batches, units, depth, input, filter, bias, output, biasValues, clamp[0], clamp[1]);
        }

        Quantization inQ = ConvCommon.int8PerTensor(context, input, "input");
        Quantization outQ = ConvCommon.int8PerTensor(context, output, "output");
        Quantization wQ = filter.quantization();
        if (wQ == null || !wQ.isQuantized()) {
            throw context.unsupported("int8 weights carry no quantization");
        }
        boolean perChannel = wQ.count() > 1;
        int weightsOffset = 0;
        float[] filterScales;
        if (perChannel) {
            // One scale per unit along dimension 0, symmetric weights.
            filterScales = ConvCommon.int8WeightScales(context, filter, units, 0);
        } else {
            float s = wQ.scale();
            if (!(s >= 0f) || Float.isInfinite(s)) {
                throw context.unsupported("weight scale " + s + " is invalid");
            }
            long zp = wQ.zeroPoint(0);
            if (zp < -128 || zp > 127) {
                throw context.unsupported("weight zero point " + zp + " is outside int8");
            }
            weightsOffset = (int) -zp;
            filterScales = new float[units];
            Arrays.fill(filterScales, s);
        }
        float inScale = inQ.scale();
        float outScale = outQ.scale();
        ReferenceSemantics semantics = context.config().semantics();
        int[] multipliers = new int[units];
        int[] shifts = new int[units];
        double[] effectiveScales = new double[units];
        for (int c = 0; c < units; c++) {
            effectiveScales[c] = (double) inScale * (double) filterScales[c] / (double) outScale;
        }
        if (perChannel) {
            ConvCommon.perChannelMultipliers(inScale, filterScales, outScale, multipliers, shifts);
        } else {
            // GetQuantizedConvolutionMultipler multiplies the two scales in float before widening to double.
            float product = inScale * filterScales[0];
            if (Float.isInfinite(product)) {
                throw context.unsupported("input scale times weight scale overflows float");
            }
            checkBiasScale(context, bias, inScale, filterScales[0], outScale);
            QuantizedMultiplier m = FixedPoint.quantizeMultiplier((double) product / (double) outScale);
            Arrays.fill(multipliers, m.multiplier());
            Arrays.fill(shifts, m.shift());
        }
        // Octet's shift-only variant defines its own rounding, whichever reference the options name.
        int[] exponents = context.config().shiftOnlyRequantization()
                ? ConvCommon.powerOfTwoExponents(context, inScale, filterScales, outScale) : null;
        ActivationRange range = ConvCommon.int8Activation(context, options.activation(), outQ);
        int[] biasValues = ConvCommon.int32Bias(context, bias, units);
        return new Int8(batches, units, depth, input, filter, bias, output, -inQ.zeroPoint(), weightsOffset,
                outQ.zeroPoint(), exponents == null && semantics == ReferenceSemantics.TFLITE, multipliers, shifts,
                exponents, effectiveScales, biasValues, range.min(), range.max());
    }

    /**
     * TFLite's {@code GetQuantizedConvolutionMultipler} refuses a bias whose scale differs from
     * {@code s_in · s_w} by more than 2% of the output scale. A bias without quantization parameters is accepted.
     */
    private static void checkBiasScale(OpContext context, Tensor bias, float inScale, float filterScale,
                                       float outScale) {
        if (bias == null || bias.quantization() == null || !bias.quantization().isQuantized()) {
            return;
        }
        double productScale = (double) inScale * (double) filterScale;
        double diff = Math.abs(productScale - (double) bias.quantization().scale());
        if (!(diff / (double) outScale <= 0.02)) {
            throw context.unsupported("bias scale " + bias.quantization().scale()
                    + " does not match input scale times weight scale " + productScale);
        }
    }

    private static final class Int8 implements PreparedOp {
        private final int batches;
        private final int units;
        private final int depth;
        private final byte[] in;
        private final int inOff;
        private final byte[] w;
        private final int wOff;
        private final byte[] out;
        private final int outOff;
        private final Tensor biasTensor;
        private final int inputOffset;
        private final int weightsOffset;
        private final int outputZeroPoint;
        private final boolean floatRequantization;
        private final int[] multipliers;
        private final int[] shifts;
        /** The shift-only variant's exponents ({@link ShiftRequantization#scale}), or null. */
        private final int[] exponents;
        private final double[] effectiveScales;
        private final int[] bias;
        private final int actMin;
        private final int actMax;
        /** One input row with the input offset already added. */
        private final int[] row;

        Int8(int batches, int units, int depth, Tensor input, Tensor filter, Tensor bias, Tensor output,
             int inputOffset, int weightsOffset, int outputZeroPoint, boolean floatRequantization, int[] multipliers,
             int[] shifts, int[] exponents, double[] effectiveScales, int[] biasValues, int actMin, int actMax) {
            this.batches = batches;
            this.units = units;
            this.depth = depth;
            this.in = input.array();
            this.inOff = input.offset();
            this.w = filter.array();
            this.wOff = filter.offset();
            this.out = output.array();
            this.outOff = output.offset();
            this.biasTensor = bias == null || bias.isConstant() ? null : bias;
            this.inputOffset = inputOffset;
            this.weightsOffset = weightsOffset;
            this.outputZeroPoint = outputZeroPoint;
            this.floatRequantization = floatRequantization;
            this.multipliers = multipliers;
            this.shifts = shifts;
            this.exponents = exponents;
            this.effectiveScales = effectiveScales;
            this.bias = biasValues;
            this.actMin = actMin;
            this.actMax = actMax;
            this.row = new int[depth];
        }

        @Override
        public void invoke() {
            if (biasTensor != null) {
                ConvCommon.refreshInt32(biasTensor, bias);
            }
            final byte[] in = this.in;
            final byte[] w = this.w;
            final int[] row = this.row;
            final int depth = this.depth;
            final int weightsOffset = this.weightsOffset;
            for (int b = 0; b < batches; b++) {
                final int inBase = inOff + b * depth;
                for (int d = 0; d < depth; d++) {
                    row[d] = in[inBase + d] + inputOffset;
                }
                final int outBase = outOff + b * units;
                for (int oc = 0; oc < units; oc++) {
                    final int wBase = wOff + oc * depth;
                    int acc = 0;
                    if (weightsOffset == 0) {
                        for (int d = 0; d < depth; d++) {
                            acc += w[wBase + d] * row[d];
                        }
                    } else {
                        for (int d = 0; d < depth; d++) {
                            acc += (w[wBase + d] + weightsOffset) * row[d];
                        }
                    }
                    acc += bias[oc];
                    int v;
                    if (exponents != null) {
                        v = ShiftRequantization.scale(acc, exponents[oc]) + outputZeroPoint;
                        v = v < actMin ? actMin : (v > actMax ? actMax : v);
                    } else if (floatRequantization) {
                        v = roundToInt((double) acc * effectiveScales[oc]);
                        long lv = (long) v + outputZeroPoint;
                        v = lv < actMin ? actMin : (lv > actMax ? actMax : (int) lv);
                    } else {
                        v = FixedPoint.multiplyByQuantizedMultiplier(acc, multipliers[oc], shifts[oc])
                                + outputZeroPoint;
                        v = v < actMin ? actMin : (v > actMax ? actMax : v);
                    }
                    out[outBase + oc] = (byte) v;
                }
            }
        }

        /** C's {@code round} (half away from zero) to int32, saturating outside the int32 range. */
        private static int roundToInt(double x) {
            if (x >= 2147483647.0) {
                return Integer.MAX_VALUE;
            }
            if (x <= -2147483648.0) {
                return Integer.MIN_VALUE;
            }
            return (int) FixedPoint.roundHalfAwayFromZero(x);
        }
    }

    private static final class Float32 implements PreparedOp {
        private final int batches;
        private final int units;
        private final int depth;
        private final byte[] in;
        private final int inOff;
        private final byte[] w;
        private final int wOff;
        private final byte[] out;
        private final int outOff;
        private final Tensor biasTensor;
        private final float[] bias;
        private final float actMin;
        private final float actMax;
        private final float[] row;

        Float32(int batches, int units, int depth, Tensor input, Tensor filter, Tensor bias, Tensor output,
                float[] biasValues, float actMin, float actMax) {
            this.batches = batches;
            this.units = units;
            this.depth = depth;
            this.in = input.array();
            this.inOff = input.offset();
            this.w = filter.array();
            this.wOff = filter.offset();
            this.out = output.array();
            this.outOff = output.offset();
            this.biasTensor = bias == null || bias.isConstant() ? null : bias;
            this.bias = biasValues;
            this.actMin = actMin;
            this.actMax = actMax;
            this.row = new float[depth];
        }

        @Override
        public void invoke() {
            if (biasTensor != null) {
                ConvCommon.refreshFloat(biasTensor, bias);
            }
            final byte[] in = this.in;
            final byte[] w = this.w;
            final float[] row = this.row;
            final int depth = this.depth;
            for (int b = 0; b < batches; b++) {
                final int inBase = inOff + 4 * b * depth;
                for (int d = 0; d < depth; d++) {
                    row[d] = LittleEndian.getFloat(in, inBase + 4 * d);
                }
                final int outBase = outOff + 4 * b * units;
                for (int oc = 0; oc < units; oc++) {
                    final int wBase = wOff + 4 * oc * depth;
                    // TFLite's reference: total starts at 0 and adds input·weight in depth order, then the bias.
                    float total = 0f;
                    for (int d = 0; d < depth; d++) {
                        total += row[d] * LittleEndian.getFloat(w, wBase + 4 * d);
                    }
                    LittleEndian.putFloat(out, outBase + 4 * oc, ConvCommon.clamp(total + bias[oc], actMin, actMax));
                }
            }
        }
    }
}
