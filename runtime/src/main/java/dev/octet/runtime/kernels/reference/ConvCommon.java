package dev.octet.runtime.kernels.reference;

import dev.octet.runtime.kernels.OpContext;
import dev.octet.runtime.model.Activation;
import dev.octet.runtime.model.BuiltinOptions;
import dev.octet.runtime.model.OperatorSpec;
import dev.octet.runtime.model.Quantization;
import dev.octet.runtime.model.ShiftOnlyFormatException;
import dev.octet.runtime.model.ShiftOnlyRequantization;
import dev.octet.runtime.model.TensorType;
import dev.octet.runtime.quant.ActivationRange;
import dev.octet.runtime.quant.FixedPoint;
import dev.octet.runtime.quant.QuantizedMultiplier;
import dev.octet.runtime.quant.ShiftRequantization;
import dev.octet.runtime.tensor.Tensor;
import java.util.Arrays;

/**
 * Prepare-time checks and parameter computations shared by the convolution, fully-connected and pooling kernels
 * (TFLite's {@code PopulateConvolutionQuantizationParams}, {@code CalculateActivationRangeQuantized} and friends),
 * each turning what TFLite would reject into {@code context.unsupported(...)}.
 */
final class ConvCommon {
    private ConvCommon() {
    }

    static void requireType(OpContext context, Tensor t, TensorType type, String what) {
        if (t.type() != type) {
            throw context.unsupported(what + " must be " + type + ", got " + t.type());
        }
    }

    static void requireRank(OpContext context, Tensor t, int rank, String what) {
        if (t.rank() != rank) {
            throw context.unsupported(what + " must have rank " + rank + ", got shape " + shape(t));
        }
    }

    /** Every dimension at least 1: the kernels do not run zero-size tensors. */
    static void requirePositiveDims(OpContext context, Tensor t, String what) {
        for (int d : t.shape()) {
            if (d < 1) {
                throw context.unsupported(what + " has a dimension below 1: " + shape(t));
            }
        }
    }

    static void requireShape(OpContext context, Tensor t, int[] expected, String what) {
        if (!Arrays.equals(t.shape(), expected)) {
            throw context.unsupported(what + " shape " + shape(t) + " does not match the expected "
                    + Arrays.toString(expected));
        }
    }

    static String shape(Tensor t) {
        return Arrays.toString(t.shape());
    }

    /**
     * Checks an int8 activation tensor carries one positive finite scale and a zero point in [-128, 127], and
     * returns it.
     */
    static Quantization int8PerTensor(OpContext context, Tensor t, String what) {
        Quantization q = t.quantization();
        if (q == null || q.count() != 1) {
            throw context.unsupported(what + " needs per-tensor quantization, got " + q);
        }
        float scale = q.scale();
        if (!(scale > 0f) || Float.isInfinite(scale)) {
            throw context.unsupported(what + " has an invalid scale " + scale);
        }
        long zp = q.zeroPoint(0);
        if (zp < -128 || zp > 127) {
            throw context.unsupported(what + " zero point " + zp + " is outside int8");
        }
        return q;
    }

    /**
     * The int8 weight scales, one per output channel: a per-channel quantization must have exactly
     * {@code channels} scales along {@code quantizedDimension}; a single scale is broadcast (as TFLite's
     * {@code PopulateConvolutionQuantizationParams} does). Every zero point must be 0 (symmetric weights).
     */
    static float[] int8WeightScales(OpContext context, Tensor filter, int channels, int quantizedDimension) {
        Quantization q = filter.quantization();
        if (q == null || !q.isQuantized()) {
            throw context.unsupported("int8 weights carry no quantization");
        }
        int n = q.count();
        if (n != 1 && n != channels) {
            throw context.unsupported("weights have " + n + " scales for " + channels + " output channels");
        }
        if (n > 1 && q.quantizedDimension() != quantizedDimension) {
            throw context.unsupported("weights are quantized along dimension " + q.quantizedDimension()
                    + ", expected " + quantizedDimension);
        }
        float[] scales = new float[channels];
        for (int c = 0; c < channels; c++) {
            float s = q.scale(n == 1 ? 0 : c);
            // A zero scale (an all-zero channel) is harmless: its multiplier is 0 and the channel outputs the
            // zero point plus the clamp, as in TFLite.
            if (!(s >= 0f) || Float.isInfinite(s)) {
                throw context.unsupported("weight scale " + s + " for channel " + c + " is invalid");
            }
            scales[c] = s;
        }
        for (int i = 0; i < Math.max(n, 1); i++) {
            if (q.zeroPoint(i) != 0) {
                throw context.unsupported("asymmetric int8 weights (zero point " + q.zeroPoint(i)
                        + ") are not supported");
            }
        }
        return scales;
    }

    /**
     * Per-channel requantization multipliers as {@code PopulateConvolutionQuantizationParams} computes them:
     * {@code QuantizeMultiplier((double) inputScale · (double) filterScale / (double) outputScale)}. Fills
     * {@code multipliers} and {@code shifts} (left shift when positive).
     */
    static void perChannelMultipliers(float inputScale, float[] filterScales, float outputScale, int[] multipliers,
                                      int[] shifts) {
        for (int c = 0; c < filterScales.length; c++) {
            double effective = (double) inputScale * (double) filterScales[c] / (double) outputScale;
            QuantizedMultiplier m = FixedPoint.quantizeMultiplier(effective);
            multipliers[c] = m.multiplier();
            shifts[c] = m.shift();
        }
    }

    /**
     * The exponents {@code e[c]} with {@code (double) inputScale · (double) filterScale[c] / (double) outputScale
     * == 2^e[c]}, for Octet's shift-only variant (the model's marker promises them).
     *
     * @throws ShiftOnlyFormatException naming the operator and channel when a multiplier is not a power of two
     */
    static int[] powerOfTwoExponents(OpContext context, float inputScale, float[] filterScales, float outputScale) {
        int[] exponents = new int[filterScales.length];
        for (int c = 0; c < filterScales.length; c++) {
            double effective = (double) inputScale * (double) filterScales[c] / (double) outputScale;
            int e = ShiftRequantization.exponentOf(effective);
            if (e == Integer.MIN_VALUE) {
                OperatorSpec op = context.operator();
                throw new ShiftOnlyFormatException("operator " + op.index() + " (" + op.name() + "): the model is "
                        + "marked '" + ShiftOnlyRequantization.METADATA_NAME + "' (shift-only requantization) but "
                        + "channel " + c + "'s multiplier " + inputScale + " * " + filterScales[c] + " / "
                        + outputScale + " = " + effective + " is not a power of two");
            }
            exponents[c] = e;
        }
        return exponents;
    }

    /**
     * The clamp of a fused activation on an int8 output ({@code CalculateActivationRangeQuantized}); refuses
     * activations that cannot be fused (TANH, SIGN_BIT) and bounds that overflow int32 (TFLite's {@code Quantize}
     * check).
     */
    static ActivationRange int8Activation(OpContext context, Activation activation, Quantization output) {
        Activation a = activation == null ? Activation.NONE : activation;
        float scale = output.scale();
        switch (a) {
            case NONE:
            case RELU:
                break;
            case RELU6:
            case RELU_N1_TO_1:
                // bound/scale must round to something that fits int32, or TFLite's Quantize refuses the op.
                float bound = a == Activation.RELU6 ? 6f : 1f;
                if (!(bound / scale < 2.0e9f)) {
                    throw context.unsupported("fused " + a + " bound does not fit int32 at output scale " + scale);
                }
                break;
            default:
                throw context.unsupported("fused activation " + a + " is not supported");
        }
        return ActivationRange.int8(a, output);
    }

    /**
     * The float clamp of a fused activation as TFLite's {@code CalculateActivationRange} gives it: unbounded sides
     * are ∓{@code FLT_MAX} (not infinity), so an infinite sum is clamped to the largest finite float exactly as
     * {@code ActivationFunctionWithMinMax} does.
     */
    static float[] floatActivation(OpContext context, Activation activation) {
        Activation a = activation == null ? Activation.NONE : activation;
        return switch (a) {
            case NONE -> new float[] {-Float.MAX_VALUE, Float.MAX_VALUE};
            case RELU -> new float[] {0f, Float.MAX_VALUE};
            case RELU6 -> new float[] {0f, 6f};
            case RELU_N1_TO_1 -> new float[] {-1f, 1f};
            default -> throw context.unsupported("fused activation " + a + " is not supported");
        };
    }

    /**
     * The optional int32 bias of an int8 op as an array of {@code channels} values (zeros when absent). The
     * values are copied now when the bias is constant; {@link #refreshInt32} re-reads a non-constant bias.
     */
    static int[] int32Bias(OpContext context, Tensor bias, int channels) {
        int[] out = new int[channels];
        if (checkBias(context, bias, TensorType.INT32, channels)) {
            refreshInt32(bias, out);
        }
        return out;
    }

    /** False when the optional bias is absent; else checks it has the type and one value per channel. */
    private static boolean checkBias(OpContext context, Tensor bias, TensorType type, int channels) {
        if (bias == null) {
            return false;
        }
        requireType(context, bias, type, "bias");
        if (bias.elementCount() != channels) {
            throw context.unsupported("bias has " + bias.elementCount() + " elements for " + channels
                    + " output channels");
        }
        return true;
    }

    static void refreshInt32(Tensor t, int[] out) {
        for (int i = 0; i < out.length; i++) {
            out[i] = t.getInt32(i);
        }
    }

    /** The optional float bias as an array of {@code channels} values (zeros when absent). */
    static float[] floatBias(OpContext context, Tensor bias, int channels) {
        float[] out = new float[channels];
        if (checkBias(context, bias, TensorType.FLOAT32, channels)) {
            refreshFloat(bias, out);
        }
        return out;
    }

    static void refreshFloat(Tensor t, float[] out) {
        for (int i = 0; i < out.length; i++) {
            out[i] = t.getFloat(i);
        }
    }

    /** Clamps a float to [lo, hi] the way {@code std::min(std::max(x, lo), hi)} does (NaN passes through). */
    static float clamp(float x, float lo, float hi) {
        float y = x < lo ? lo : x;
        return hi < y ? hi : y;
    }

    /** Product of {@code dims[from..to)} in long arithmetic. */
    static long product(int[] dims, int from, int to) {
        long n = 1;
        for (int i = from; i < to; i++) {
            n *= dims[i];
        }
        return n;
    }
    /** What AVERAGE_POOL_2D and MAX_POOL_2D share after their common checks. */
    record Pool(Tensor input, Tensor output, TensorType type, ConvGeometry geometry, int batches, int channels) {
    }

    /**
     * The checks of TFLite Micro's {@code PoolingPrepare}: one int8 or float32 NHWC input and output of the same
     * type, the window geometry (no dilation), the output shape, and for int8 the same quantization on input and
     * output (scales within 1e-6, equal zero points), since pooling does not rescale.
     */
    static Pool pool(OpContext context, BuiltinOptions.Pool2D options) {
        if (context.outputCount() < 1) {
            throw context.unsupported("no output");
        }
        Tensor input = context.requiredInput(0);
        Tensor output = context.output(0);
        TensorType type = input.type();
        if (type != TensorType.INT8 && type != TensorType.FLOAT32) {
            throw context.unsupported("input type " + type + " is not supported");
        }
        requireType(context, output, type, "output");
        requireRank(context, input, 4, "input");
        requireRank(context, output, 4, "output");
        requirePositiveDims(context, input, "input");
        ConvGeometry g = ConvGeometry.compute(context, options.padding(), input.dim(1), input.dim(2),
                options.filterH(), options.filterW(), options.strideH(), options.strideW(), 1, 1);
        int batches = input.dim(0);
        int channels = input.dim(3);
        requireShape(context, output, new int[] {batches, g.outHeight, g.outWidth, channels}, "output");
        if (type == TensorType.INT8) {
            Quantization inQ = int8PerTensor(context, input, "input");
            Quantization outQ = int8PerTensor(context, output, "output");
            if (!(Math.abs((double) inQ.scale() - (double) outQ.scale()) <= 1.0e-6)
                    || inQ.zeroPoint() != outQ.zeroPoint()) {
                throw context.unsupported("input and output quantization differ (" + inQ + " vs " + outQ + ")");
            }
        }
        return new Pool(input, output, type, g, batches, channels);
    }
    /**
     * Dequantizes constant int8 weights of a weight-only quantized ("hybrid") float op to float, in their own
     * layout: {@code w = scale[c] · (q − zp[c])} computed as TFLite's DEQUANTIZE does (the int difference times the
     * float scale), with {@code c} the index along the weights' quantized dimension ({@code channelDim}) or a
     * single scale for all.
     */
    static float[] dequantizeWeights(OpContext context, Tensor filter, int channelDim) {
        if (!filter.isConstant()) {
            throw context.unsupported("int8 weights with a float input must be constant");
        }
        Quantization q = filter.quantization();
        if (q == null || !q.isQuantized()) {
            throw context.unsupported("int8 weights carry no quantization");
        }
        int channels = filter.dim(channelDim);
        int n = q.count();
        if (n != 1 && (n != channels || q.quantizedDimension() != channelDim)) {
            throw context.unsupported("weights have " + n + " scales along dimension " + q.quantizedDimension()
                    + ", expected 1 or " + channels + " along dimension " + channelDim);
        }
        float[] scales = new float[n];
        int[] zeroPoints = new int[n];
        for (int i = 0; i < n; i++) {
            scales[i] = q.scale(i);
            long zp = q.zeroPoint(i);
            if (!Float.isFinite(scales[i]) || zp < -128 || zp > 127) {
                throw context.unsupported("invalid weight quantization " + q);
            }
            zeroPoints[i] = (int) zp;
        }
        // Elements are laid out row-major; the channel of element i is (i / inner) % channels.
        int inner = (int) product(filter.shape(), channelDim + 1, filter.rank());
        float[] out = new float[filter.elementCount()];
        for (int i = 0; i < out.length; i++) {
            int c = n == 1 ? 0 : (i / inner) % channels;
            out[i] = scales[c] * (float) (filter.getInt8(i) - zeroPoints[c]);
        }
        return out;
    }
}
