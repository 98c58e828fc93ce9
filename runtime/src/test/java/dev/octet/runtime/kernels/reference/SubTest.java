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

class SubTest {

    private static KernelHarness sub(Activation a) {
        return KernelHarness.op(BuiltinOperator.SUB, new BuiltinOptions.Sub(a));
    }

    /**
     * s1 = s2 = 0.5, s_out = 1, zero points 0: as for ADD, out = (a - b) / 2 rounded half away from zero.
     * 7 -> 3.5 -> 4; -7 -> -4; 127 - (-128) = 255 -> 127.5 -> 128 saturates to 127; -255 -> -127.5 -> -128.
     */
    @Test
    void subtracts_and_saturates() {
        KernelHarness h = sub(Activation.NONE);
        h.inputInt8(shape(4), 0.5f, 0, bytes(7, -7, 127, -128));
        h.inputInt8(shape(4), 0.5f, 0, bytes(0, 0, -128, 127));
        Tensor out = h.outputInt8(shape(4), 1.0f, 0);
        h.run(new Sub());
        assertArrayEquals(new int[] {4, -4, 127, -128}, int8s(out));
    }

    /**
     * TFLM's sub_common.cc computes the multipliers in float. s1 = s2 = 0.1, s_out = 0.6: the output multiplier is
     * the float 0.2f / (2^20 * 0.6f), encoded as 0x55555500 (2^-21 shift), where a double computation (as ADD does)
     * gives 0x55555532. For -128 - (-101) = -27: each input is (q << 20) / 2, the difference -27 * 2^19 =
     * -14155776, times 0x55555500 / 2^31 is -9437183.4 -> -9437183, / 2^21 = -4.4999995 -> -4. With the double
     * multiplier the product rounds to -9437184 = -4.5 * 2^21, which rounds away to -5.
     */
    @Test
    void computes_its_multipliers_in_float_like_tflm() {
        KernelHarness h = sub(Activation.NONE);
        h.inputInt8(shape(2), 0.1f, 0, bytes(-128, -127));
        h.inputInt8(shape(2), 0.1f, 0, bytes(-101, -100));
        Tensor out = h.outputInt8(shape(2), 0.6f, 0);
        h.run(new Sub());
        assertArrayEquals(new int[] {-4, -4}, int8s(out));
    }

    /** [2,1] - [1,3] with the first test's scales: (a[r] - b[c]) / 2 = (20-2)/2, (20-4)/2, ... */
    @Test
    void broadcasts_and_applies_relu() {
        KernelHarness h = sub(Activation.RELU);
        h.inputInt8(shape(2, 1), 0.5f, 0, bytes(20, 0));
        h.inputInt8(shape(1, 3), 0.5f, 0, bytes(2, 4, 40));
        Tensor out = h.outputInt8(shape(2, 3), 1.0f, 0);
        h.run(new Sub());
        assertArrayEquals(new int[] {9, 8, 0, 0, 0, 0}, int8s(out)); // (20-40)/2 = -10 and row 1 clamp at 0
    }

    @Test
    void subtracts_floats_with_a_scalar() {
        KernelHarness h = sub(Activation.NONE);
        h.inputFloat(shape(), new float[] {1f});
        h.inputFloat(shape(3), new float[] {0.25f, 2f, -1f});
        Tensor out = h.outputFloat(shape(3));
        h.run(new Sub());
        assertArrayEquals(new float[] {0.75f, -1f, 2f}, floats(out));
    }

    @Test
    void int8_agrees_with_float_on_random_data() {
        Random random = new Random(42);
        for (int trial = 0; trial < 5; trial++) {
            float s1 = 0.01f + random.nextFloat() * 0.05f;
            float s2 = 0.01f + random.nextFloat() * 0.05f;
            float so = 0.03f + random.nextFloat() * 0.05f;
            int z1 = random.nextInt(61) - 30;
            int z2 = random.nextInt(61) - 30;
            int zo = random.nextInt(61) - 30;
            byte[] q1 = quantize(randomFloats(random, 24, -1.5f, 1.5f), s1, z1);
            byte[] q2 = quantize(randomFloats(random, 4, -1.5f, 1.5f), s2, z2);
            assertBinaryInt8AgreesWithFloat(() -> sub(Activation.NONE), Sub::new,
                    new Int8Operand(shape(2, 3, 4), s1, z1, q1), new Int8Operand(shape(4), s2, z2, q2),
                    shape(2, 3, 4), so, zo);
        }
    }

    @Test
    void refuses_mismatched_shapes_and_unencodable_scales() {
        KernelHarness h = sub(Activation.NONE);
        h.inputInt8(shape(2, 2), 0.5f, 0, new byte[4]);
        h.inputInt8(shape(3), 0.5f, 0, new byte[3]);
        h.outputInt8(shape(2, 2), 1f, 0);
        assertRefused(h, new Sub());

        KernelHarness scales = sub(Activation.NONE);
        // the output multiplier 2 / (2^20 * 1e-7) = 19 is not below 1, which TFLM's prepare would abort on
        scales.inputInt8(shape(1), 1f, 0, new byte[1]);
        scales.inputInt8(shape(1), 1f, 0, new byte[1]);
        scales.outputInt8(shape(1), 1e-7f, 0);
        assertRefused(scales, new Sub());
    }
}
