package dev.octet.runtime.kernels.optimized;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.runtime.kernels.Kernel;
import dev.octet.runtime.kernels.KernelHarness;
import dev.octet.runtime.kernels.PreparedOp;
import dev.octet.runtime.kernels.ReferenceSemantics;
import dev.octet.runtime.model.Activation;
import dev.octet.runtime.model.BuiltinOperator;
import dev.octet.runtime.model.BuiltinOptions;
import dev.octet.runtime.model.ModelException;
import dev.octet.runtime.model.Padding;
import dev.octet.runtime.model.Quantization;
import dev.octet.runtime.model.TensorType;
import dev.octet.runtime.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Each optimized kernel, scalar and (when the Vector API is present) vector, against the reference kernel of the
 * same operator on seeded random operators: shapes with odd channel counts, strides, dilations, both paddings,
 * per-channel and per-tensor scales, zero points at the int8 extremes, biases large enough to wrap, every fused
 * activation. Every case runs twice with different input data through the same prepared ops (scratch buffers
 * and padded borders must not carry anything over), and the output is pre-filled with garbage so that every
 * byte must be written. A case the reference refuses must be refused by the optimized kernel too.
 */
class OptimizedKernelsRandomTest {
    private static final Activation[] ACTIVATIONS = {Activation.NONE, Activation.RELU, Activation.RELU6,
            Activation.RELU_N1_TO_1};

    private static final Kernel REF_CONV = new dev.octet.runtime.kernels.reference.Conv2D();
    private static final Kernel REF_DEPTHWISE = new dev.octet.runtime.kernels.reference.DepthwiseConv2D();
    private static final Kernel REF_FC = new dev.octet.runtime.kernels.reference.FullyConnected();
    private static final Kernel REF_ADD = new dev.octet.runtime.kernels.reference.Add();
    private static final Kernel REF_POOL = new dev.octet.runtime.kernels.reference.AveragePool2D();
    private static final Kernel REF_SOFTMAX = new dev.octet.runtime.kernels.reference.Softmax();

    /** The optimized tables to check: scalar always, vector when available. */
    private static List<Map<BuiltinOperator, Kernel>> flavours() {
        List<Map<BuiltinOperator, Kernel>> list = new ArrayList<>();
        list.add(OptimizedKernels.scalar());
        if (OptimizedKernels.vectorAvailable()) {
            list.add(OptimizedKernels.vector());
        }
        return list;
    }

    /** A zero point biased towards the int8 extremes. */
    private static int zeroPoint(Random r) {
        return switch (r.nextInt(5)) {
            case 0 -> -128;
            case 1 -> 127;
            case 2 -> 0;
            default -> r.nextInt(256) - 128;
        };
    }

    private static float scale(Random r) {
        return (float) Math.exp(r.nextDouble() * 9 - 7); // about 0.001 to 7
    }

    private static byte[] bytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        if (r.nextInt(4) == 0) { // sometimes saturated data
            for (int i = 0; i < n; i++) {
                b[i] = r.nextBoolean() ? (byte) -128 : (byte) 127;
            }
        }
        return b;
    }

    private static int[] bias(Random r, int n) {
        int[] v = new int[n];
        int kind = r.nextInt(4);
        for (int i = 0; i < n; i++) {
            v[i] = switch (kind) {
                case 0 -> r.nextInt(2001) - 1000;
                case 1 -> r.nextInt(1 << 21) - (1 << 20);
                case 2 -> r.nextInt(); // wraps when added to the sums
                default -> 0;
            };
        }
        return v;
    }

    private static Quantization weightQuantization(Random r, int channels, int dimension) {
        if (r.nextInt(3) == 0) {
            return Quantization.perTensor(scale(r) * 0.01f, 0);
        }
        float[] scales = new float[channels];
        long[] zps = new long[channels];
        for (int c = 0; c < channels; c++) {
            scales[c] = r.nextInt(20) == 0 ? 0f : scale(r) * 0.01f; // a zero scale is a legal all-zero channel
        }
        return new Quantization(scales, zps, dimension);
    }

    private static int outSize(Padding padding, int in, int filter, int stride, int dilation) {
        int effective = (filter - 1) * dilation + 1;
        return padding == Padding.SAME ? (in + stride - 1) / stride : (in - effective + stride) / stride;
    }

    /**
     * Stride, dilation and padding of a random convolution window, drawn in this order, and the output size they
     * give.
     */
    private record RandomWindow(int sh, int sw, int dh, int dw, Padding padding, int outH, int outW) {
        /** Draws a window for a {@code fh × fw} filter over {@code inH × inW}; null when the filter does not fit. */
        static RandomWindow random(Random r, int inH, int inW, int fh, int fw) {
            int sh = 1 + r.nextInt(3);
            int sw = 1 + r.nextInt(3);
            int dh = r.nextInt(4) == 0 ? 1 + r.nextInt(3) : 1;
            int dw = r.nextInt(4) == 0 ? 1 + r.nextInt(3) : 1;
            Padding padding = r.nextBoolean() ? Padding.SAME : Padding.VALID;
            int outH = outSize(padding, inH, fh, sh, dh);
            int outW = outSize(padding, inW, fw, sw, dw);
            return outH < 1 || outW < 1 ? null : new RandomWindow(sh, sw, dh, dw, padding, outH, outW);
        }

        @Override
        public String toString() {
            return "s " + sh + "x" + sw + " d " + dh + "x" + dw + " " + padding;
        }
    }

    /** One time in five no bias (an omitted input), else a constant int32 bias of {@code n} random values. */
    private static void biasOrNone(KernelHarness h, Random r, int n) {
        if (r.nextInt(5) == 0) {
            h.omittedInput();
        } else {
            h.constantInt32(new int[] {n}, Quantization.NONE, bias(r, n));
        }
    }

    /** {@link #compare} for an operator with one variable input, refilled with random bytes between rounds. */
    private static boolean compareRefilling(String what, KernelHarness h, Kernel reference, BuiltinOperator op,
                                            Tensor output, Random r, Tensor input) {
        return compare(what, h, reference, op, output, r, rr -> input.copyFrom(bytes(rr, input.byteLength())));
    }

    /**
     * Runs the reference and every optimized flavour on the harness twice (refilling {@code input} in between)
     * and compares the output bytes. Returns whether the case ran (false when the reference refused it).
     */
    private static boolean compare(String what, KernelHarness h, Kernel reference, BuiltinOperator op,
                                   Tensor output, Random r, Consumer<Random> refill) {
        PreparedOp ref;
        try {
            ref = h.prepare(reference);
        } catch (ModelException e) {
            for (Map<BuiltinOperator, Kernel> flavour : flavours()) {
                assertThrows(ModelException.class, () -> h.prepare(flavour.get(op)), what);
            }
            return false;
        }
        List<PreparedOp> optimized = new ArrayList<>();
        for (Map<BuiltinOperator, Kernel> flavour : flavours()) {
            optimized.add(h.prepare(flavour.get(op)));
        }
        for (int round = 0; round < 2; round++) {
            if (round > 0) {
                refill.accept(r);
            }
            garbage(output, r);
            ref.invoke();
            byte[] expected = output.toByteArray();
            for (int f = 0; f < optimized.size(); f++) {
                garbage(output, r);
                optimized.get(f).invoke();
                assertArrayEquals(expected, output.toByteArray(), what + " flavour " + f + " round " + round);
            }
        }
        return true;
    }

    private static void garbage(Tensor t, Random r) {
        byte[] b = new byte[t.byteLength()];
        r.nextBytes(b);
        t.copyFrom(b);
    }

    @Test
    void conv2d_matches_the_reference_on_random_operators() {
        Random r = new Random(42);
        int ran = 0;
        for (int i = 0; i < 400; i++) {
            int batches = 1 + r.nextInt(2);
            int inH = 1 + r.nextInt(11);
            int inW = 1 + r.nextInt(11);
            int inC = r.nextInt(4) == 0 ? 1 + r.nextInt(3) : 1 + r.nextInt(24);
            int outC = r.nextInt(3) == 0 ? 8 * (1 + r.nextInt(9)) : 1 + r.nextInt(41);
            int fh = 1 + r.nextInt(r.nextBoolean() ? 3 : 5);
            int fw = 1 + r.nextInt(r.nextBoolean() ? 3 : 5);
            RandomWindow w = RandomWindow.random(r, inH, inW, fh, fw);
            if (w == null) {
                continue;
            }
            Activation act = ACTIVATIONS[r.nextInt(ACTIVATIONS.length)];
            KernelHarness h = KernelHarness.op(BuiltinOperator.CONV_2D,
                    new BuiltinOptions.Conv2D(w.padding, w.sw, w.sh, act, w.dw, w.dh));
            int[] inShape = {batches, inH, inW, inC};
            Tensor input = h.inputInt8(inShape, scale(r), zeroPoint(r), bytes(r, batches * inH * inW * inC));
            h.constantInt8(new int[] {outC, fh, fw, inC}, weightQuantization(r, outC, 0), bytes(r, outC * fh * fw * inC));
            biasOrNone(h, r, outC);
            Tensor output = h.outputInt8(new int[] {batches, w.outH, w.outW, outC}, scale(r), zeroPoint(r));
            String what = "conv case " + i + " in " + java.util.Arrays.toString(inShape) + " oc " + outC + " f " + fh
                    + "x" + fw + " " + w + " " + act;
            if (compareRefilling(what, h, REF_CONV, BuiltinOperator.CONV_2D, output, r, input)) {
                ran++;
            }
        }
        assertTrue(ran > 250, "only " + ran + " cases ran");
    }

    @Test
    void depthwise_conv2d_matches_the_reference_on_random_operators() {
        Random r = new Random(43);
        int ran = 0;
        for (int i = 0; i < 400; i++) {
            int batches = 1 + r.nextInt(2);
            int inH = 1 + r.nextInt(12);
            int inW = 1 + r.nextInt(12);
            int inC = r.nextInt(3) == 0 ? 8 * (1 + r.nextInt(4)) : 1 + r.nextInt(40);
            int mult = r.nextInt(6) == 0 ? 2 + r.nextInt(2) : 1;
            int outC = inC * mult;
            boolean three = r.nextInt(3) > 0;
            int fh = three ? 3 : 1 + r.nextInt(5);
            int fw = three ? 3 : 1 + r.nextInt(5);
            RandomWindow w = RandomWindow.random(r, inH, inW, fh, fw);
            if (w == null) {
                continue;
            }
            Activation act = ACTIVATIONS[r.nextInt(ACTIVATIONS.length)];
            KernelHarness h = KernelHarness.op(BuiltinOperator.DEPTHWISE_CONV_2D,
                    new BuiltinOptions.DepthwiseConv2D(w.padding, w.sw, w.sh, mult, act, w.dw, w.dh));
            int[] inShape = {batches, inH, inW, inC};
            Tensor input = h.inputInt8(inShape, scale(r), zeroPoint(r), bytes(r, batches * inH * inW * inC));
            h.constantInt8(new int[] {1, fh, fw, outC}, weightQuantization(r, outC, 3), bytes(r, fh * fw * outC));
            biasOrNone(h, r, outC);
            Tensor output = h.outputInt8(new int[] {batches, w.outH, w.outW, outC}, scale(r), zeroPoint(r));
            String what = "depthwise case " + i + " in " + java.util.Arrays.toString(inShape) + " x" + mult + " f "
                    + fh + "x" + fw + " " + w + " " + act;
            if (compareRefilling(what, h, REF_DEPTHWISE, BuiltinOperator.DEPTHWISE_CONV_2D, output, r, input)) {
                ran++;
            }
        }
        assertTrue(ran > 250, "only " + ran + " cases ran");
    }

    @Test
    void depthwise_rows_wider_than_the_scratch_budget_match_the_reference() {
        // One output row of 16,384 pixels x 128 channels: the scalar kernel's tiled-row scratch would exceed
        // Window.MAX_SCRATCH, so it takes its per-pixel loop instead.
        Random r = new Random(50);
        int width = 16_384;
        int channels = 128;
        assertTrue((long) width * channels * (9 + 3) > Window.MAX_SCRATCH);
        KernelHarness h = KernelHarness.op(BuiltinOperator.DEPTHWISE_CONV_2D,
                new BuiltinOptions.DepthwiseConv2D(Padding.SAME, 1, 1, 1, Activation.RELU, 1, 1));
        Tensor input = h.inputInt8(new int[] {1, 1, width, channels}, 0.05f, -3, bytes(r, width * channels));
        h.constantInt8(new int[] {1, 3, 3, channels}, weightQuantization(r, channels, 3), bytes(r, 9 * channels));
        h.constantInt32(new int[] {channels}, Quantization.NONE, bias(r, channels));
        Tensor output = h.outputInt8(new int[] {1, 1, width, channels}, 0.07f, 5);
        assertTrue(compareRefilling("wide depthwise", h, REF_DEPTHWISE, BuiltinOperator.DEPTHWISE_CONV_2D, output, r, input));
    }

    @Test
    void fully_connected_matches_the_reference_under_both_semantics() {
        Random r = new Random(44);
        int ran = 0;
        for (int i = 0; i < 400; i++) {
            int batches = 1 + r.nextInt(3);
            int depth = 1 + r.nextInt(r.nextBoolean() ? 20 : 300);
            int units = 1 + r.nextInt(r.nextBoolean() ? 9 : 70);
            Activation act = ACTIVATIONS[r.nextInt(ACTIVATIONS.length)];
            ReferenceSemantics semantics = r.nextBoolean() ? ReferenceSemantics.TFLM : ReferenceSemantics.TFLITE;
            KernelHarness h = KernelHarness.op(BuiltinOperator.FULLY_CONNECTED,
                    new BuiltinOptions.FullyConnected(act, 0, false, false)).semantics(semantics);
            Tensor input = h.inputInt8(new int[] {batches, depth}, scale(r), zeroPoint(r), bytes(r, batches * depth));
            // A quarter of the cases take the weights as a (per-tensor quantized) activation, not a constant:
            // the kernels must then read them on every invoke instead of repacking them once.
            boolean variableWeights = r.nextInt(4) == 0;
            Quantization wq = variableWeights || r.nextBoolean()
                    ? Quantization.perTensor(scale(r) * 0.01f, r.nextInt(3) == 0 ? zeroPoint(r) : 0)
                    : weightQuantization(r, units, 0);
            Tensor weights = variableWeights
                    ? h.inputInt8(new int[] {units, depth}, wq.scale(), wq.zeroPoint(), bytes(r, units * depth))
                    : h.constantInt8(new int[] {units, depth}, wq, bytes(r, units * depth));
            biasOrNone(h, r, units);
            Tensor output = h.outputInt8(new int[] {batches, units}, scale(r), zeroPoint(r));
            String what = "fc case " + i + " " + batches + "x" + depth + " -> " + units + " " + wq + " " + semantics
                    + " " + act + (variableWeights ? " variable weights" : "");
            if (compare(what, h, REF_FC, BuiltinOperator.FULLY_CONNECTED, output, r, rr -> {
                input.copyFrom(bytes(rr, input.byteLength()));
                if (variableWeights) {
                    weights.copyFrom(bytes(rr, weights.byteLength()));
                }
            })) {
                ran++;
            }
        }
        assertTrue(ran > 300, "only " + ran + " cases ran");
    }

    @Test
    void add_matches_the_reference_on_random_operators() {
        Random r = new Random(45);
        int ran = 0;
        for (int i = 0; i < 300; i++) {
            int[] shape = {1 + r.nextInt(3), 1 + r.nextInt(9), 1 + r.nextInt(9), 1 + r.nextInt(40)};
            int n = shape[0] * shape[1] * shape[2] * shape[3];
            boolean broadcast = r.nextInt(5) == 0;
            int[] shape2 = broadcast ? new int[] {shape[3]} : shape;
            Activation act = ACTIVATIONS[r.nextInt(ACTIVATIONS.length)];
            KernelHarness h = KernelHarness.op(BuiltinOperator.ADD, new BuiltinOptions.Add(act));
            Tensor a = h.inputInt8(shape, scale(r), zeroPoint(r), bytes(r, n));
            Tensor b = h.inputInt8(shape2, scale(r), zeroPoint(r), bytes(r, broadcast ? shape[3] : n));
            Tensor output = h.outputInt8(shape, scale(r), zeroPoint(r));
            String what = "add case " + i + " " + java.util.Arrays.toString(shape) + " " + act;
            if (compare(what, h, REF_ADD, BuiltinOperator.ADD, output, r, rr -> {
                a.copyFrom(bytes(rr, a.byteLength()));
                b.copyFrom(bytes(rr, b.byteLength()));
            })) {
                ran++;
            }
        }
        assertTrue(ran > 150, "only " + ran + " cases ran");
    }

    @Test
    void average_pool_matches_the_reference_on_random_operators() {
        Random r = new Random(46);
        int ran = 0;
        for (int i = 0; i < 300; i++) {
            int batches = 1 + r.nextInt(2);
            int inH = 1 + r.nextInt(12);
            int inW = 1 + r.nextInt(12);
            int c = 1 + r.nextInt(40);
            boolean global = r.nextInt(3) == 0;
            int fh = global ? inH : 1 + r.nextInt(4);
            int fw = global ? inW : 1 + r.nextInt(4);
            int sh = 1 + r.nextInt(3);
            int sw = 1 + r.nextInt(3);
            Padding padding = r.nextBoolean() ? Padding.SAME : Padding.VALID;
            int outH = outSize(padding, inH, fh, sh, 1);
            int outW = outSize(padding, inW, fw, sw, 1);
            if (outH < 1 || outW < 1) {
                continue;
            }
            Activation act = ACTIVATIONS[r.nextInt(ACTIVATIONS.length)];
            KernelHarness h = KernelHarness.op(BuiltinOperator.AVERAGE_POOL_2D,
                    new BuiltinOptions.Pool2D(padding, sw, sh, fw, fh, act));
            float s = scale(r);
            int zp = zeroPoint(r);
            Tensor input = h.inputInt8(new int[] {batches, inH, inW, c}, s, zp, bytes(r, batches * inH * inW * c));
            Tensor output = h.outputInt8(new int[] {batches, outH, outW, c}, s, zp);
            String what = "pool case " + i + " " + inH + "x" + inW + "x" + c + " f " + fh + "x" + fw + " s " + sh
                    + "x" + sw + " " + padding + " " + act;
            if (compareRefilling(what, h, REF_POOL, BuiltinOperator.AVERAGE_POOL_2D, output, r, input)) {
                ran++;
            }
        }
        assertTrue(ran > 200, "only " + ran + " cases ran");
    }

    @Test
    void softmax_matches_the_reference_on_random_operators() {
        Random r = new Random(47);
        int ran = 0;
        for (int i = 0; i < 200; i++) {
            int rows = 1 + r.nextInt(4);
            int depth = 1 + r.nextInt(r.nextBoolean() ? 12 : 600);
            float beta = r.nextInt(3) == 0 ? (float) (0.1 + r.nextDouble() * 3) : 1f;
            KernelHarness h = KernelHarness.op(BuiltinOperator.SOFTMAX, new BuiltinOptions.Softmax(beta));
            Tensor input = h.inputInt8(new int[] {rows, depth}, scale(r), zeroPoint(r), bytes(r, rows * depth));
            Tensor output = h.outputInt8(new int[] {rows, depth}, 1f / 256, -128);
            String what = "softmax case " + i + " " + rows + "x" + depth + " beta " + beta;
            if (compareRefilling(what, h, REF_SOFTMAX, BuiltinOperator.SOFTMAX, output, r, input)) {
                ran++;
            }
        }
        assertTrue(ran > 150, "only " + ran + " cases ran");
    }

    @Test
    void float_operators_fall_back_to_the_reference_kernels() {
        KernelHarness h = KernelHarness.op(BuiltinOperator.CONV_2D,
                new BuiltinOptions.Conv2D(Padding.SAME, 1, 1, Activation.RELU, 1, 1));
        h.inputFloat(new int[] {1, 2, 2, 1}, new float[] {1, -2, 3, -4});
        h.constantFloat(new int[] {1, 1, 1, 1}, new float[] {2});
        h.constantFloat(new int[] {1}, new float[] {0.5f});
        Tensor out = h.output(TensorType.FLOAT32, new int[] {1, 2, 2, 1}, Quantization.NONE);
        for (Map<BuiltinOperator, Kernel> flavour : flavours()) {
            h.prepare(flavour.get(BuiltinOperator.CONV_2D)).invoke();
            // relu(2x + 0.5): 2.5, 0, 6.5, 0
            assertArrayEquals(new float[] {2.5f, 0f, 6.5f, 0f}, out.toFloatArray());
        }
    }

    @Test
    void requantization_identity_holds_for_edge_values() {
        Random r = new Random(48);
        int[] edges = {0, 1, -1, 2, -2, Integer.MAX_VALUE, Integer.MIN_VALUE, Integer.MAX_VALUE - 1,
                Integer.MIN_VALUE + 1, 1 << 30, -(1 << 30), (1 << 30) - 1, 12345, -12345};
        for (int i = 0; i < 200_000; i++) {
            int acc = i < edges.length * 20 ? edges[i % edges.length] : (r.nextBoolean() ? r.nextInt()
                    : r.nextInt(1 << 16) - (1 << 15));
            int m = switch (r.nextInt(4)) {
                case 0 -> 0;
                case 1 -> Integer.MAX_VALUE;
                case 2 -> 1 << 30;
                default -> (1 << 30) + r.nextInt(1 << 30);
            };
            int shift = r.nextInt(62) - 31;
            Requant rq = new Requant(new int[] {m}, new int[] {shift}, 0, Integer.MIN_VALUE, Integer.MAX_VALUE);
            assertEquals(dev.octet.runtime.quant.FixedPoint.multiplyByQuantizedMultiplier(acc, m, shift),
                    rq.scale(acc, 0), "acc " + acc + " m " + m + " shift " + shift);
        }
    }

    /** The 32-bit-only product the vector requantization uses without 64-bit lanes, against the 64-bit one. */
    @Test
    void the_product_from_16_bit_halves_equals_the_64_bit_product() {
        Random r = new Random(49);
        int[] edges = {0, 1, -1, 2, -2, 0xFFFF, 0x10000, -0x10000, -0x10001, 0x7FFF, 0x8000, -0x8000, -0x8001,
                Integer.MAX_VALUE, Integer.MIN_VALUE, Integer.MAX_VALUE - 1, Integer.MIN_VALUE + 1, 1 << 30,
                (1 << 30) + 1, -(1 << 30)};
        List<int[]> cases = new ArrayList<>();
        for (int a : edges) {
            for (int m : edges) {
                cases.add(new int[] {a, m});
            }
        }
        for (int i = 0; i < 2_000_000; i++) {
            int a = i % 4 == 0 ? r.nextInt(1 << 16) - (1 << 15) : r.nextInt();
            int m = i % 2 == 0 ? (1 << 30) + r.nextInt(1 << 30) : r.nextInt();
            cases.add(new int[] {a, m});
        }
        for (int[] c : cases) {
            int a = c[0];
            int m = c[1];
            if (m == Integer.MIN_VALUE) {
                continue; // never a multiplier (Requant.supported)
            }
            assertEquals((int) (((long) a * m + (1L << 30)) >> 31), Requant.highMul(a, m >> 16, m & 0xFFFF),
                    "a " + a + " m " + m);
        }
    }
}
