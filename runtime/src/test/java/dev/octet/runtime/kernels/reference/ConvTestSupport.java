package dev.octet.runtime.kernels.reference;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.octet.runtime.kernels.Kernel;
import dev.octet.runtime.kernels.KernelConfig;
import dev.octet.runtime.kernels.KernelHarness;
import dev.octet.runtime.kernels.OpContext;
import dev.octet.runtime.kernels.PreparedOp;
import dev.octet.runtime.model.Activation;
import dev.octet.runtime.model.BuiltinOperator;
import dev.octet.runtime.model.BuiltinOptions;
import dev.octet.runtime.model.OperatorCode;
import dev.octet.runtime.model.OperatorSpec;
import dev.octet.runtime.model.Padding;
import dev.octet.runtime.model.Quantization;
import dev.octet.runtime.model.UnsupportedModelException;
import dev.octet.runtime.quant.FixedPoint;
import dev.octet.runtime.tensor.Tensor;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Random;

/**
 * Helpers for the convolution, fully-connected and pooling kernel tests: literal transcriptions of TFLite's
 * reference loops (every tap tested against the image bounds, in TFLite's loop order) to compare the optimized
 * kernels against bit for bit, plus random data and quantization helpers.
 */
final class ConvTestSupport {
    private ConvTestSupport() {
    }

    static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    static int[] ints(byte[] values) {
        int[] r = new int[values.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = values[i];
        }
        return r;
    }

    static Quantization perChannel(int dim, float... scales) {
        return new Quantization(scales, new long[scales.length], dim);
    }

    static Quantization perTensor(float scale) {
        return Quantization.perTensor(scale, 0);
    }

    static byte[] randomBytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    static int[] randomInts(Random r, int n, int bound) {
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextInt(2 * bound + 1) - bound;
        }
        return v;
    }

    static float[] randomFloats(Random r, int n, float amplitude) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (r.nextFloat() * 2f - 1f) * amplitude;
        }
        return v;
    }

    static Activation randomActivation(Random r) {
        Activation[] a = {Activation.NONE, Activation.RELU, Activation.RELU6, Activation.RELU_N1_TO_1};
        return a[r.nextInt(a.length)];
    }

    static int prod(int... dims) {
        int n = 1;
        for (int d : dims) {
            n *= d;
        }
        return n;
    }

    /** Asserts prepare refuses the op with UnsupportedModelException (and nothing else). */
    static void assertRefused(KernelHarness h, Kernel kernel) {
        assertThrows(UnsupportedModelException.class, () -> h.prepare(kernel));
    }

    /** Runs prepare and invoke, failing with the message of any exception. */
    static void run(KernelHarness h, Kernel kernel) {
        PreparedOp op = h.prepare(kernel);
        op.invoke();
    }

    static float[] floats(Tensor t) {
        return t.toFloatArray();
    }

    /** Bytes allocated by the current thread, or -1 when the JVM cannot say. */
    static long allocatedBytes() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        if (bean instanceof com.sun.management.ThreadMXBean sun && sun.isThreadAllocatedMemorySupported()) {
            return sun.getThreadAllocatedBytes(Thread.currentThread().getId());
        }
        return -1;
    }

    /**
     * Fails when {@code op.invoke()} allocates. Any allocation per call costs at least 16 bytes, so 1000 calls
     * would show at least 16 kB; a few hundred bytes of one-off JVM bookkeeping (the measurement, compilation)
     * are tolerated. The best of three rounds is taken.
     */
    static void assertInvokeAllocatesNothing(PreparedOp op) {
        for (int i = 0; i < 3000; i++) {
            op.invoke();
        }
        long best = Long.MAX_VALUE;
        for (int round = 0; round < 3; round++) {
            long before = allocatedBytes();
            if (before < 0) {
                return;
            }
            for (int i = 0; i < 1000; i++) {
                op.invoke();
            }
            best = Math.min(best, allocatedBytes() - before);
        }
        if (best > 4096) {
            fail("invoke allocated " + best + " bytes over 1000 calls");
        }
    }

    /** A minimal context for calling ConvGeometry directly. */
    static OpContext context() {
        OperatorSpec spec = new OperatorSpec(0, new OperatorCode(BuiltinOperator.CONV_2D.code(), 3, null, 1),
                new int[0], new int[0], null);
        return new OpContext() {
            @Override public OperatorSpec operator() { return spec; }
            @Override public int inputCount() { return 0; }
            @Override public Tensor input(int i) { return null; }
            @Override public int outputCount() { return 0; }
            @Override public Tensor output(int i) { return null; }
            @Override public KernelConfig config() { return KernelConfig.defaults(); }
        };
    }

    // ---- literal reference transcriptions --------------------------------------------------------------------

    /** TFLite's ComputeOutSize. */
    static int outSize(Padding p, int in, int filter, int stride, int dilation) {
        int eff = (filter - 1) * dilation + 1;
        return p == Padding.SAME ? (in + stride - 1) / stride : (in + stride - eff) / stride;
    }

    /** TFLite's ComputePaddingWithOffset (leading part). */
    static int pad(int stride, int dilation, int in, int filter, int out) {
        int eff = (filter - 1) * dilation + 1;
        int total = (out - 1) * stride + eff - in;
        return total > 0 ? total / 2 : 0;
    }

    /** Geometry and quantization of one convolution-like test case. */
    static final class ConvCase {
        int batches;
        int inH;
        int inW;
        int inC;
        int fh;
        int fw;
        int fic;
        int outC;
        int strideH = 1;
        int strideW = 1;
        int dilH = 1;
        int dilW = 1;
        Padding padding = Padding.VALID;
        int outH;
        int outW;
        int padH;
        int padW;
        int inputOffset;
        int outputZp;
        int[] mult;
        int[] shift;
        int actMin = -128;
        int actMax = 127;
        float fActMin = -Float.MAX_VALUE;
        float fActMax = Float.MAX_VALUE;

        void computeGeometry() {
            outH = outSize(padding, inH, fh, strideH, dilH);
            outW = outSize(padding, inW, fw, strideW, dilW);
            padH = pad(strideH, dilH, inH, fh, outH);
            padW = pad(strideW, dilW, inW, fw, outW);
        }
    }

    /*
     * The reference loops are transcribed once per operator as a list of taps: for every output element (in NHWC
     * order), the (input index, filter index) pairs TFLite's loop multiplies, in its order, with the taps outside
     * the image skipped exactly where its bounds test skips them. The int8 and float arithmetic is then applied to
     * those lists in that order, so each float sum adds its products in TFLite's order.
     */

    /** The taps of {@code reference_integer_ops::ConvPerChannel} / {@code reference_ops::Conv}, loop for loop. */
    static int[][] convTaps(ConvCase c) {
        int[][] taps = new int[c.batches * c.outH * c.outW * c.outC][];
        int groups = c.inC / c.fic;
        int filtersPerGroup = c.outC / groups;
        int[] pairs = new int[2 * c.fh * c.fw * c.fic];
        for (int b = 0; b < c.batches; b++) {
            for (int oy = 0; oy < c.outH; oy++) {
                int inYOrigin = oy * c.strideH - c.padH;
                for (int ox = 0; ox < c.outW; ox++) {
                    int inXOrigin = ox * c.strideW - c.padW;
                    for (int oc = 0; oc < c.outC; oc++) {
                        int group = oc / filtersPerGroup;
                        int n = 0;
                        for (int fy = 0; fy < c.fh; fy++) {
                            int iy = inYOrigin + c.dilH * fy;
                            for (int fx = 0; fx < c.fw; fx++) {
                                int ix = inXOrigin + c.dilW * fx;
                                if (ix < 0 || ix >= c.inW || iy < 0 || iy >= c.inH) {
                                    continue;
                                }
                                for (int ic = 0; ic < c.fic; ic++) {
                                    pairs[n++] = ((b * c.inH + iy) * c.inW + ix) * c.inC + ic + group * c.fic;
                                    pairs[n++] = ((oc * c.fh + fy) * c.fw + fx) * c.fic + ic;
                                }
                            }
                        }
                        taps[((b * c.outH + oy) * c.outW + ox) * c.outC + oc] = Arrays.copyOf(pairs, n);
                    }
                }
            }
        }
        return taps;
    }

    /**
     * The taps of {@code reference_integer_ops::DepthwiseConvPerChannel} / {@code reference_ops::DepthwiseConv},
     * loop for loop (c.fic unused; c.outC = inC · m).
     */
    static int[][] depthwiseTaps(ConvCase c, int multiplier) {
        int[][] taps = new int[c.batches * c.outH * c.outW * c.outC][];
        int[] pairs = new int[2 * c.fh * c.fw];
        for (int b = 0; b < c.batches; b++) {
            for (int oy = 0; oy < c.outH; oy++) {
                for (int ox = 0; ox < c.outW; ox++) {
                    for (int ic = 0; ic < c.inC; ic++) {
                        for (int m = 0; m < multiplier; m++) {
                            int oc = m + ic * multiplier;
                            int inXOrigin = ox * c.strideW - c.padW;
                            int inYOrigin = oy * c.strideH - c.padH;
                            int n = 0;
                            for (int fy = 0; fy < c.fh; fy++) {
                                for (int fx = 0; fx < c.fw; fx++) {
                                    int ix = inXOrigin + c.dilW * fx;
                                    int iy = inYOrigin + c.dilH * fy;
                                    if (ix >= 0 && ix < c.inW && iy >= 0 && iy < c.inH) {
                                        pairs[n++] = ((b * c.inH + iy) * c.inW + ix) * c.inC + ic;
                                        pairs[n++] = (fy * c.fw + fx) * c.outC + oc;
                                    }
                                }
                            }
                            taps[((b * c.outH + oy) * c.outW + ox) * c.outC + oc] = Arrays.copyOf(pairs, n);
                        }
                    }
                }
            }
        }
        return taps;
    }

    /**
     * The per-channel int8 arithmetic on a tap list: {@code Σ w · (x + input_offset)} in int32, plus the bias,
     * {@code MultiplyByQuantizedMultiplier}, plus the output zero point, clamped to the activation range.
     */
    static byte[] naiveInt8(ConvCase c, int[][] taps, byte[] input, byte[] filter, int[] bias) {
        byte[] out = new byte[taps.length];
        for (int e = 0; e < taps.length; e++) {
            int oc = e % c.outC;
            int acc = 0;
            for (int t = 0; t < taps[e].length; t += 2) {
                acc += filter[taps[e][t + 1]] * (input[taps[e][t]] + c.inputOffset);
            }
            if (bias != null) {
                acc += bias[oc];
            }
            acc = FixedPoint.multiplyByQuantizedMultiplier(acc, c.mult[oc], c.shift[oc]);
            acc += c.outputZp;
            acc = Math.max(acc, c.actMin);
            acc = Math.min(acc, c.actMax);
            out[e] = (byte) acc;
        }
        return out;
    }

    /** The float arithmetic on a tap list: {@code Σ x · w} from 0 in tap order, plus the bias, clamped. */
    static float[] naiveFloat(ConvCase c, int[][] taps, float[] input, float[] filter, float[] bias) {
        float[] out = new float[taps.length];
        for (int e = 0; e < taps.length; e++) {
            float total = 0f;
            for (int t = 0; t < taps[e].length; t += 2) {
                total += input[taps[e][t]] * filter[taps[e][t + 1]];
            }
            float biasValue = bias != null ? bias[e % c.outC] : 0f;
            out[e] = stdClamp(total + biasValue, c.fActMin, c.fActMax);
        }
        return out;
    }

    /** reference_integer_ops::ConvPerChannel. */
    static byte[] naiveConvInt8(ConvCase c, byte[] input, byte[] filter, int[] bias) {
        return naiveInt8(c, convTaps(c), input, filter, bias);
    }

    /** reference_ops::Conv (float). */
    static float[] naiveConvFloat(ConvCase c, float[] input, float[] filter, float[] bias) {
        return naiveFloat(c, convTaps(c), input, filter, bias);
    }

    /** reference_integer_ops::DepthwiseConvPerChannel. */
    static byte[] naiveDepthwiseInt8(ConvCase c, int multiplier, byte[] input, byte[] filter, int[] bias) {
        return naiveInt8(c, depthwiseTaps(c, multiplier), input, filter, bias);
    }

    /** reference_ops::DepthwiseConv (float). */
    static float[] naiveDepthwiseFloat(ConvCase c, int multiplier, float[] input, float[] filter, float[] bias) {
        return naiveFloat(c, depthwiseTaps(c, multiplier), input, filter, bias);
    }

    /** {@code std::min(std::max(x, lo), hi)}: std::max(a, b) is (a < b) ? b : a. */
    static float stdClamp(float x, float lo, float hi) {
        float y = x < lo ? lo : x;
        return hi < y ? hi : y;
    }

    /** Symmetric per-channel int8 quantization of weights laid out with channels along {@code channelDim}. */
    static final class QuantizedWeights {
        final byte[] q;
        final float[] scales;
        final int[] shape;
        final int channelDim;

        QuantizedWeights(float[] w, int[] shape, int channelDim) {
            this.shape = shape;
            this.channelDim = channelDim;
            int channels = shape[channelDim];
            int inner = inner(shape, channelDim);
            float[] maxAbs = new float[channels];
            for (int i = 0; i < w.length; i++) {
                int c = (i / inner) % channels;
                maxAbs[c] = Math.max(maxAbs[c], Math.abs(w[i]));
            }
            scales = new float[channels];
            for (int c = 0; c < channels; c++) {
                scales[c] = maxAbs[c] > 0 ? maxAbs[c] / 127f : 1f;
            }
            q = new byte[w.length];
            for (int i = 0; i < w.length; i++) {
                int c = (i / inner) % channels;
                q[i] = (byte) Math.max(-127, Math.min(127, Math.round(w[i] / scales[c])));
            }
        }

        /** The weights as floats, {@code scale[c] · q}. */
        float[] dequantized() {
            int channels = shape[channelDim];
            int inner = inner(shape, channelDim);
            float[] d = new float[q.length];
            for (int i = 0; i < q.length; i++) {
                d[i] = scales[(i / inner) % channels] * q[i];
            }
            return d;
        }

        /** Elements per step along {@code channelDim}: the product of the dimensions after it. */
        private static int inner(int[] shape, int channelDim) {
            int inner = 1;
            for (int i = channelDim + 1; i < shape.length; i++) {
                inner *= shape[i];
            }
            return inner;
        }
    }

    // ---- int8 against float on the same dequantized data -----------------------------------------------------

    /** Real input values quantized to int8 (round to nearest, clamp), with the values they dequantize to. */
    static final class QuantizedInput {
        final int[] shape;
        final float scale;
        final int zeroPoint;
        final byte[] q;
        final float[] dequantized;

        QuantizedInput(int[] shape, float[] real, float scale, int zeroPoint) {
            this.shape = shape;
            this.scale = scale;
            this.zeroPoint = zeroPoint;
            this.q = new byte[real.length];
            this.dequantized = new float[real.length];
            for (int i = 0; i < real.length; i++) {
                int v = Math.max(-128, Math.min(127, Math.round(real[i] / scale) + zeroPoint));
                q[i] = (byte) v;
                dequantized[i] = scale * (v - zeroPoint);
            }
        }
    }

    /** A real bias quantized to int32 at TFLite's bias scale {@code s_in · s_w[c]}, with its dequantized values. */
    static final class QuantizedBias {
        final int[] q;
        final float[] dequantized;

        QuantizedBias(float[] real, float inScale, float[] weightScales) {
            this.q = new int[real.length];
            this.dequantized = new float[real.length];
            for (int c = 0; c < real.length; c++) {
                float s = inScale * weightScales[c];
                q[c] = Math.round(real[c] / s);
                dequantized[c] = q[c] * s;
            }
        }
    }

    /** An output scale (zero point 0) covering twice the largest float result in 250 steps. */
    static float outputScaleCovering(float[] expected) {
        float max = 1e-3f;
        for (float v : expected) {
            max = Math.max(max, Math.abs(v));
        }
        return 2 * max / 250f;
    }

    /** Asserts every dequantized int8 output is within one output step of the float result. */
    static void assertWithinOneOutputStep(float[] expected, float[] actual, float outScale, String what) {
        for (int i = 0; i < expected.length; i++) {
            assertTrue(Math.abs(actual[i] - expected[i]) <= outScale * 1.0001f,
                    what + " element " + i + ": int8 " + actual[i] + " vs float " + expected[i]);
        }
    }

    /**
     * Runs a convolution-like op (input, per-channel weights, bias) in float on the dequantized data, then in int8
     * on the quantized data with {@link #outputScaleCovering} the float result, and asserts they agree within one
     * output step.
     */
    static void assertInt8AgreesWithFloat(String what, BuiltinOperator op, BuiltinOptions options, Kernel kernel,
                                          QuantizedInput in, QuantizedWeights w, QuantizedBias bias, int[] outShape) {
        int channels = bias.q.length;
        KernelHarness fh = KernelHarness.op(op, options);
        fh.inputFloat(in.shape, in.dequantized);
        fh.constantFloat(w.shape, w.dequantized());
        fh.constantFloat(new int[] {channels}, bias.dequantized);
        Tensor fOut = fh.outputFloat(outShape);
        fh.run(kernel);
        float[] expected = fOut.toFloatArray();
        float outScale = outputScaleCovering(expected);

        KernelHarness ih = KernelHarness.op(op, options);
        ih.inputInt8(in.shape, in.scale, in.zeroPoint, in.q);
        ih.constantInt8(w.shape, perChannel(w.channelDim, w.scales), w.q);
        ih.constantInt32(new int[] {channels}, Quantization.NONE, bias.q);
        Tensor iOut = ih.outputInt8(outShape, outScale, 0);
        ih.run(kernel);
        assertWithinOneOutputStep(expected, iOut.toFloatArray(), outScale, what);
    }
}
