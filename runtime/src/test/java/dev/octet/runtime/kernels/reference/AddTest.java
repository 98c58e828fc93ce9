package dev.octet.runtime.kernels.reference;

import static dev.octet.runtime.kernels.reference.ElemTestSupport.assertBinaryInt8AgreesWithFloat;
import static dev.octet.runtime.kernels.reference.ElemTestSupport.assertRefused;
import static dev.octet.runtime.kernels.reference.ElemTestSupport.bytes;
import static dev.octet.runtime.kernels.reference.ElemTestSupport.floats;
import static dev.octet.runtime.kernels.reference.ElemTestSupport.int8s;
import static dev.octet.runtime.kernels.reference.ElemTestSupport.quantize;
import static dev.octet.runtime.kernels.reference.ElemTestSupport.randomFloats;
import static dev.octet.runtime.kernels.reference.ElemTestSupport.runOrRefuse;
import static dev.octet.runtime.kernels.reference.ElemTestSupport.shape;
import static dev.octet.runtime.kernels.reference.ElemTestSupport.view;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.runtime.kernels.KernelHarness;
import dev.octet.runtime.kernels.reference.ElemTestSupport.Int8Operand;
import dev.octet.runtime.model.Activation;
import dev.octet.runtime.model.BuiltinOperator;
import dev.octet.runtime.model.BuiltinOptions;
import dev.octet.runtime.model.Quantization;
import dev.octet.runtime.model.TensorType;
import dev.octet.runtime.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AddTest {

    private static KernelHarness add(Activation a) {
        return KernelHarness.op(BuiltinOperator.ADD, new BuiltinOptions.Add(a));
    }

    /**
     * s1 = s2 = 0.5, s_out = 1, all zero points 0. twice_max = 1, so both input multipliers are 0.5 = (2^30, 0) and
     * the output multiplier is 2^-20 = (2^30, -19). Each input becomes q << 20 halved = q * 2^19 (exact), their
     * sum S * 2^19 is halved by the high multiply to S * 2^18 and divided by 2^19 with rounding: out = S / 2
     * rounded half away from zero. 3+4 = 7 -> 3.5 -> 4; -7 -> -4; 200 -> 100; -256 -> -128; 1 -> 1; -1 -> -1.
     */
    @Test
    void adds_with_tflm_rounding_of_ties_away_from_zero() {
        KernelHarness h = add(Activation.NONE);
        h.inputInt8(shape(6), 0.5f, 0, bytes(3, -3, 100, -128, 1, -1));
        h.inputInt8(shape(6), 0.5f, 0, bytes(4, -4, 100, -128, 0, 0));
        Tensor out = h.outputInt8(shape(6), 1.0f, 0);
        h.run(new Add());
        assertArrayEquals(new int[] {4, -4, 100, -128, 1, -1}, int8s(out));
    }

    /** Same as above with output zero point 30: 4+30, -4+30, 100+30 = 130 saturates to 127, -128+30, 31, 29. */
    @Test
    void saturates_at_127_and_minus_128() {
        KernelHarness h = add(Activation.NONE);
        h.inputInt8(shape(6), 0.5f, 0, bytes(3, -3, 100, -128, 1, -1));
        h.inputInt8(shape(6), 0.5f, 0, bytes(4, -4, 100, -128, 0, 0));
        Tensor out = h.outputInt8(shape(6), 1.0f, 30);
        h.run(new Add());
        assertArrayEquals(new int[] {34, 26, 127, -98, 31, 29}, int8s(out));

        KernelHarness low = add(Activation.NONE);
        low.inputInt8(shape(2), 0.5f, 0, bytes(-128, -100));
        low.inputInt8(shape(2), 0.5f, 0, bytes(-128, -100));
        Tensor outLow = low.outputInt8(shape(2), 1.0f, -30);
        low.run(new Add());
        assertArrayEquals(new int[] {-128, -128}, int8s(outLow)); // -128-30 and -100-30 saturate
    }

    /**
     * s1 = 0.25 zp -10, s2 = 0.5 zp 5, s_out = 0.5 zp -20. twice_max = 1: m1 = 0.25 = (2^30, -1), m2 = 0.5 = (2^30, 0),
     * m_out = 2^-19 = (2^30, -18).
     * (30, 9): reals 10 + 2 = 12 -> 24 - 20 = 4. Integer: 40<<20 -> 2^24*5/2/2 = 10485760; 4<<20 -> 2097152;
     * sum 12582912 -> high mul 6291456 -> / 2^18 = 24 -> 4.
     * (-9, 5): 0.25 + 0 -> 0.5 steps -> 262144 + 0 -> 131072 / 2^18 = 0.5 rounds away to 1 -> -19.
     * (-11, 5): -0.25 -> -0.5 steps rounds away to -1 -> -21.
     */
    @Test
    void rescales_inputs_with_different_quantizations() {
        KernelHarness h = add(Activation.NONE);
        h.inputInt8(shape(3), 0.25f, -10, bytes(30, -9, -11));
        h.inputInt8(shape(3), 0.5f, 5, bytes(9, 5, 5));
        Tensor out = h.outputInt8(shape(3), 0.5f, -20);
        h.run(new Add());
        assertArrayEquals(new int[] {4, -19, -21}, int8s(out));
    }

    /** The same sums with RELU (clamp below at zp = -20) and RELU6 (also above at -20 + 6/0.5 = -8). */
    @Test
    void applies_fused_relu_and_relu6_in_the_output_quantization() {
        KernelHarness relu = add(Activation.RELU);
        relu.inputInt8(shape(3), 0.25f, -10, bytes(30, -9, -11));
        relu.inputInt8(shape(3), 0.5f, 5, bytes(9, 5, 5));
        Tensor out = relu.outputInt8(shape(3), 0.5f, -20);
        relu.run(new Add());
        assertArrayEquals(new int[] {4, -19, -20}, int8s(out));

        KernelHarness relu6 = add(Activation.RELU6);
        relu6.inputInt8(shape(3), 0.25f, -10, bytes(30, -9, -11));
        relu6.inputInt8(shape(3), 0.5f, 5, bytes(9, 5, 5));
        Tensor out6 = relu6.outputInt8(shape(3), 0.5f, -20);
        relu6.run(new Add());
        assertArrayEquals(new int[] {-8, -19, -20}, int8s(out6));
    }

    /** With the scales of the first test out = (a + b) / 2; even inputs keep it exact. [1,2,2,3] + [3]. */
    @Test
    void broadcasts_a_channel_vector_over_a_4d_tensor() {
        KernelHarness h = add(Activation.NONE);
        byte[] a = new byte[12];
        for (int i = 0; i < 12; i++) {
            a[i] = (byte) (2 * i);
        }
        h.inputInt8(shape(1, 2, 2, 3), 0.5f, 0, a);
        h.inputInt8(shape(3), 0.5f, 0, bytes(10, 20, 30));
        Tensor out = h.outputInt8(shape(1, 2, 2, 3), 1.0f, 0);
        h.run(new Add());
        int[] expected = new int[12];
        for (int i = 0; i < 12; i++) {
            expected[i] = i + new int[] {5, 10, 15}[i % 3];
        }
        assertArrayEquals(expected, int8s(out));
    }

    /** [2,1] + [1,3] -> [2,3]: out[r][c] = (a[r] + b[c]) / 2 = (2+10)/2, (2+20)/2, ... */
    @Test
    void broadcasts_a_column_against_a_row() {
        KernelHarness h = add(Activation.NONE);
        h.inputInt8(shape(2, 1), 0.5f, 0, bytes(2, 4));
        h.inputInt8(shape(1, 3), 0.5f, 0, bytes(10, 20, 30));
        Tensor out = h.outputInt8(shape(2, 3), 1.0f, 0);
        h.run(new Add());
        assertArrayEquals(new int[] {6, 11, 16, 7, 12, 17}, int8s(out));
    }

    /** A rank-0 scalar on either side: (8 + b) / 2. */
    @Test
    void broadcasts_a_scalar() {
        KernelHarness h = add(Activation.NONE);
        h.inputInt8(shape(), 0.5f, 0, bytes(8));
        h.inputInt8(shape(2, 2), 0.5f, 0, bytes(0, 2, -4, 6));
        Tensor out = h.outputInt8(shape(2, 2), 1.0f, 0);
        h.run(new Add());
        assertArrayEquals(new int[] {4, 5, 2, 7}, int8s(out));

        KernelHarness f = add(Activation.NONE);
        f.inputFloat(shape(2, 2), new float[] {1, 2, 3, 4});
        f.inputFloat(shape(1), new float[] {0.5f});
        Tensor fo = f.outputFloat(shape(2, 2));
        f.run(new Add());
        assertArrayEquals(new float[] {1.5f, 2.5f, 3.5f, 4.5f}, floats(fo));
    }

    @Test
    void adds_floats_with_broadcasting_and_clamps_for_relu6() {
        KernelHarness h = add(Activation.RELU6);
        h.inputFloat(shape(2, 3), new float[] {-1, 2, 3, 4, 5, 6});
        h.inputFloat(shape(3), new float[] {0.5f, 1, 2});
        Tensor out = h.outputFloat(shape(2, 3));
        h.run(new Add());
        assertArrayEquals(new float[] {0f, 3f, 5f, 4.5f, 6f, 6f}, floats(out));
    }

    @Test
    void int8_agrees_with_float_on_random_broadcast_data() {
        Random random = new Random(42);
        int[][][] shapes = {{{2, 3, 4}, {2, 3, 4}}, {{1, 4, 4, 3}, {3}}, {{3, 1}, {1, 5}}, {{}, {7}}};
        for (int[][] s : shapes) {
            int n1 = count(s[0]);
            int n2 = count(s[1]);
            int[] outShape = Broadcast.resultShape(s[0], s[1]);
            float s1 = 0.02f + random.nextFloat() * 0.05f;
            float s2 = 0.02f + random.nextFloat() * 0.05f;
            float so = 0.05f + random.nextFloat() * 0.05f;
            int z1 = random.nextInt(41) - 20;
            int z2 = random.nextInt(41) - 20;
            int zo = random.nextInt(41) - 20;
            byte[] q1 = quantize(randomFloats(random, n1, -2f, 2f), s1, z1);
            byte[] q2 = quantize(randomFloats(random, n2, -2f, 2f), s2, z2);
            assertBinaryInt8AgreesWithFloat(() -> add(Activation.NONE), Add::new, new Int8Operand(s[0], s1, z1, q1),
                    new Int8Operand(s[1], s2, z2, q2), outShape, so, zo);
        }
    }

    @Test
    void refuses_shapes_that_do_not_broadcast_or_mismatch_the_output() {
        KernelHarness h = add(Activation.NONE);
        h.inputInt8(shape(2, 3), 0.5f, 0, new byte[6]);
        h.inputInt8(shape(4), 0.5f, 0, new byte[4]);
        h.outputInt8(shape(2, 3), 1f, 0);
        assertRefused(h, new Add());

        KernelHarness wrongOut = add(Activation.NONE);
        wrongOut.inputInt8(shape(2, 3), 0.5f, 0, new byte[6]);
        wrongOut.inputInt8(shape(3), 0.5f, 0, new byte[3]);
        wrongOut.outputInt8(shape(3, 2), 1f, 0);
        assertRefused(wrongOut, new Add());

        KernelHarness mixed = add(Activation.NONE);
        mixed.inputInt8(shape(3), 0.5f, 0, new byte[3]);
        mixed.inputFloat(shape(3), new float[3]);
        mixed.outputInt8(shape(3), 1f, 0);
        assertRefused(mixed, new Add());
    }

    @Test
    void refuses_scales_tflm_cannot_encode_and_tanh() {
        // output multiplier 2 * 1 / (2^20 * 2^-20) = 2 is not below 1
        KernelHarness h = add(Activation.NONE);
        h.inputInt8(shape(1), 1f, 0, new byte[1]);
        h.inputInt8(shape(1), 1f, 0, new byte[1]);
        h.outputInt8(shape(1), 0x1p-20f, 0);
        assertRefused(h, new Add());

        KernelHarness tanh = add(Activation.TANH);
        tanh.inputFloat(shape(1), new float[1]);
        tanh.inputFloat(shape(1), new float[1]);
        tanh.outputFloat(shape(1));
        assertRefused(tanh, new Add());

        KernelHarness perAxis = add(Activation.NONE);
        perAxis.input(ElemTestSupport.activation(TensorType.INT8, shape(2),
                new Quantization(new float[] {0.5f, 0.25f}, new long[] {0, 0}, 0)));
        perAxis.inputInt8(shape(2), 0.5f, 0, new byte[2]);
        perAxis.outputInt8(shape(2), 1f, 0);
        assertRefused(perAxis, new Add());
    }

    /** Dimensions whose product overflows are refused; zero-size tensors run and write nothing. */
    @Test
    void refuses_hostile_shapes_and_handles_empty_tensors() {
        int big = 1 << 16; // 2^64 elements: the spec's long byte size wraps to 0
        KernelHarness hostile = add(Activation.NONE);
        hostile.inputInt8(shape(1), 0.5f, 0, new byte[1]);
        hostile.input(view(TensorType.INT8, shape(big, big, big, big), Quantization.perTensor(0.5f, 0),
                new byte[0]));
        hostile.output(TensorType.INT8, shape(0), Quantization.perTensor(1f, 0));
        assertRefused(hostile, new Add());

        KernelHarness empty = add(Activation.NONE);
        empty.inputInt8(shape(0, 3), 0.5f, 0, new byte[0]);
        empty.inputInt8(shape(3), 0.5f, 0, bytes(1, 2, 3));
        Tensor out = empty.outputInt8(shape(0, 3), 1f, 0);
        empty.run(new Add());
        assertArrayEquals(new int[0], int8s(out));
    }

    /** Random shapes, many of them inconsistent: prepare refuses with the typed error or the op runs. */
    @Test
    void never_fails_with_anything_but_an_unsupported_model_error() {
        Random random = new Random(42);
        int ran = 0;
        for (int trial = 0; trial < 300; trial++) {
            int[] a = randomShape(random);
            int[] b = random.nextInt(3) == 0 ? a.clone() : randomShape(random);
            int[] o = random.nextBoolean() && Broadcast.resultShape(a, b) != null
                    ? Broadcast.resultShape(a, b) : randomShape(random);
            KernelHarness h = add(Activation.NONE);
            h.inputInt8(a, 0.5f, 0, new byte[count(a)]);
            h.inputInt8(b, 0.25f, 3, new byte[count(b)]);
            h.outputInt8(o, 1f, -1);
            if (runOrRefuse(h, new Add())) {
                ran++;
            }
        }
        assertTrue(ran > 20, "too few consistent cases: " + ran);
    }

    static int[] randomShape(Random random) {
        int rank = random.nextInt(5);
        int[] s = new int[rank];
        for (int i = 0; i < rank; i++) {
            s[i] = random.nextInt(4);
        }
        return s;
    }

    static int count(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }
}
