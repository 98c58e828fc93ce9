package dev.octet.runtime.kernels.reference;

import static dev.octet.runtime.kernels.reference.ElemTestSupport.assertBinaryInt8AgreesWithFloat;
import static dev.octet.runtime.kernels.reference.ElemTestSupport.assertRefused;
import static dev.octet.runtime.kernels.reference.ElemTestSupport.bytes;
import static dev.octet.runtime.kernels.reference.ElemTestSupport.floats;
import static dev.octet.runtime.kernels.reference.ElemTestSupport.int8s;
import static dev.octet.runtime.kernels.reference.ElemTestSupport.quantize;
import static dev.octet.runtime.kernels.reference.ElemTestSupport.randomFloats;
import static dev.octet.runtime.kernels.reference.ElemTestSupport.shape;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.octet.runtime.kernels.KernelHarness;
import dev.octet.runtime.kernels.reference.ElemTestSupport.Int8Operand;
import dev.octet.runtime.model.Activation;
import dev.octet.runtime.model.BuiltinOperator;
import dev.octet.runtime.model.BuiltinOptions;
import dev.octet.runtime.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MulTest {

    private static KernelHarness mul(Activation a) {
        return KernelHarness.op(BuiltinOperator.MUL, new BuiltinOptions.Mul(a));
    }

    /**
     * 0.5 * 0.25 / 0.125 = 1.0, encoded (2^30, shift 1): the left shift doubles the product and the high multiply
     * halves it, so out = a * b exactly: 15, -24, 132 -> 127, -132 -> -128.
     */
    @Test
    void multiplies_exactly_with_a_unit_multiplier_and_saturates() {
        KernelHarness h = mul(Activation.NONE);
        h.inputInt8(shape(4), 0.5f, 0, bytes(3, -4, 12, -12));
        h.inputInt8(shape(4), 0.25f, 0, bytes(5, 6, 11, 11));
        Tensor out = h.outputInt8(shape(4), 0.125f, 0);
        h.run(new Mul());
        assertArrayEquals(new int[] {15, -24, 127, -128}, int8s(out));
    }

    /**
     * Multiplier 0.5 = (2^30, 0): out = SaturatingRoundingDoublingHighMul(p, 2^30), which rounds p / 2 with ties
     * upward (gemmlowp adds 2^30 for non-negative products and 1 - 2^30 for negative ones before truncating):
     * 15 -> 7.5 -> 8, but -15 -> -7.5 -> -7; 14 -> 7; -14 -> -7.
     */
    @Test
    void rounds_ties_as_gemmlowp_does() {
        KernelHarness h = mul(Activation.NONE);
        h.inputInt8(shape(4), 0.5f, 0, bytes(3, -3, 2, -2));
        h.inputInt8(shape(4), 0.25f, 0, bytes(5, 5, 7, 7));
        Tensor out = h.outputInt8(shape(4), 0.25f, 0);
        h.run(new Mul());
        assertArrayEquals(new int[] {8, -7, 7, -7}, int8s(out));
    }

    /** Zero points: 0.5 * 0.5 / 0.25 = 1, out = 5 + (a - 10) * (b + 10): 5 + 2*3, 5 + 0, 5 + 100, 5 - 360 -> -128. */
    @Test
    void subtracts_zero_points_before_multiplying() {
        KernelHarness h = mul(Activation.NONE);
        h.inputInt8(shape(4), 0.5f, 10, bytes(12, 0, 20, -20));
        h.inputInt8(shape(4), 0.5f, -10, bytes(-7, -10, 0, 2));
        Tensor out = h.outputInt8(shape(4), 0.25f, 5);
        h.run(new Mul());
        assertArrayEquals(new int[] {11, 5, 105, -128}, int8s(out));
    }

    /** [2,1] * [1,3] with the unit multiplier: 2*1, 2*5, 2*50, -3*1, -3*5, -3*50 = -150 -> -128. */
    @Test
    void broadcasts_a_column_against_a_row() {
        KernelHarness h = mul(Activation.NONE);
        h.inputInt8(shape(2, 1), 0.5f, 0, bytes(2, -3));
        h.inputInt8(shape(1, 3), 0.25f, 0, bytes(1, 5, 50));
        Tensor out = h.outputInt8(shape(2, 3), 0.125f, 0);
        h.run(new Mul());
        assertArrayEquals(new int[] {2, 10, 100, -3, -15, -128}, int8s(out));
    }

    /** RELU6 with s_out = 0.125, zp 0: upper bound round(6 / 0.125) = 48; RELU lower bound 0. */
    @Test
    void applies_fused_relu6() {
        KernelHarness h = mul(Activation.RELU6);
        h.inputInt8(shape(3), 0.5f, 0, bytes(3, -4, 10));
        h.inputInt8(shape(3), 0.25f, 0, bytes(5, 6, 10));
        Tensor out = h.outputInt8(shape(3), 0.125f, 0);
        h.run(new Mul());
        assertArrayEquals(new int[] {15, 0, 48}, int8s(out));
    }

    @Test
    void multiplies_floats_with_a_4d_broadcast() {
        KernelHarness h = mul(Activation.NONE);
        h.inputFloat(shape(1, 2, 2, 3), new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
        h.inputFloat(shape(3), new float[] {1, -1, 0.5f});
        Tensor out = h.outputFloat(shape(1, 2, 2, 3));
        h.run(new Mul());
        assertArrayEquals(new float[] {1, -2, 1.5f, 4, -5, 3, 7, -8, 4.5f, 10, -11, 6}, floats(out));
    }

    @Test
    void int8_agrees_with_float_on_random_data() {
        Random random = new Random(42);
        int[][][] shapes = {{{3, 4}, {3, 4}}, {{2, 2, 3}, {3}}, {{4, 1}, {1, 4}}, {{5}, {}}};
        for (int[][] s : shapes) {
            float s1 = 0.01f + random.nextFloat() * 0.03f;
            float s2 = 0.01f + random.nextFloat() * 0.03f;
            float so = 0.005f + random.nextFloat() * 0.01f;
            int z1 = random.nextInt(41) - 20;
            int z2 = random.nextInt(41) - 20;
            int zo = random.nextInt(41) - 20;
            byte[] q1 = quantize(randomFloats(random, AddTest.count(s[0]), -1f, 1f), s1, z1);
            byte[] q2 = quantize(randomFloats(random, AddTest.count(s[1]), -1f, 1f), s2, z2);
            int[] outShape = Broadcast.resultShape(s[0], s[1]);
            assertBinaryInt8AgreesWithFloat(() -> mul(Activation.NONE), Mul::new, new Int8Operand(s[0], s1, z1, q1),
                    new Int8Operand(s[1], s2, z2, q2), outShape, so, zo);
        }
    }

    @Test
    void refuses_mismatched_output_and_types() {
        KernelHarness h = mul(Activation.NONE);
        h.inputInt8(shape(2, 1), 0.5f, 0, new byte[2]);
        h.inputInt8(shape(1, 3), 0.5f, 0, new byte[3]);
        h.outputInt8(shape(2, 1), 1f, 0);
        assertRefused(h, new Mul());

        KernelHarness types = mul(Activation.NONE);
        types.inputFloat(shape(2), new float[2]);
        types.inputFloat(shape(2), new float[2]);
        types.outputInt8(shape(2), 1f, 0);
        assertRefused(types, new Mul());
    }
}
