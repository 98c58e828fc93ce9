package dev.octet.runtime.kernels.reference;

import static dev.octet.runtime.kernels.reference.Int8Sweep.at;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.runtime.kernels.KernelHarness;
import dev.octet.runtime.kernels.PreparedOp;
import dev.octet.runtime.model.BuiltinOperator;
import dev.octet.runtime.model.BuiltinOptions;
import dev.octet.runtime.model.Quantization;
import dev.octet.runtime.model.TensorType;
import dev.octet.runtime.model.UnsupportedModelException;
import dev.octet.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

class LogisticTest {
    private static final float OUT_SCALE = 1f / 256;

    /** Every input byte -128..127 in order, through int8 LOGISTIC with the given input quantization. */
    private static int[] allBytes(float scale, int zp) {
        return Int8Sweep.allBytes(BuiltinOperator.LOGISTIC, new Logistic(), new int[] {256}, scale, zp, OUT_SCALE, -128);
    }

    @Test
    void logistic_of_zero_is_one_half() {
        // gemmlowp's logistic(0) is exactly 2^30 (0.5); 2^30 / 2^23 = 128, minus 128 = 0, i.e. (0 + 128)/256 = 0.5.
        for (int zp : new int[] {-128, -7, 0, 127}) {
            assertEquals(0, at(allBytes(0.05f, zp), zp), "zero point " + zp);
        }
    }

    @Test
    void hand_checked_values_at_scale_one_tenth() {
        // Scale 0.1: 0.1f * 2^27 = 13421773 = 0.8 * 2^24 -> multiplier 1717986944, left shift 24, radius
        // floor(15 * 2^27 / 2^24) = 120. Input 10: 10 << 24 times 0.8 is 2^27, exactly 1.0 in Q4.27;
        // logistic(1) = 0.7311 -> 1569936226 raw; / 2^23 = 187.15 -> 187; minus 128 = 59.
        int[] all = allBytes(0.1f, 0);
        assertEquals(59, at(all, 10));
        // logistic(-1) = 1 - logistic(1): MAX - 1569936226 = 577547421 -> 68.85 -> 69 -> -59.
        assertEquals(-59, at(all, -10));
        // logistic(+-0.1) = 0.5 +- 0.02498 -> 128 +- 6.4 -> 134 / 122.
        assertEquals(6, at(all, 1));
        assertEquals(-6, at(all, -1));
        // Independently derived bytes for every 17th input from -128.
        int[] expected = {-128, -128, -128, -128, -127, -125, -110, -54, 49, 109, 124, 127, 127, 127, 127, 127};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], at(all, -128 + 17 * i), "input " + (-128 + 17 * i));
        }
    }

    @Test
    void inputs_beyond_the_radius_saturate() {
        int[] all = allBytes(0.1f, 0); // radius 120
        for (int q = 120; q <= 127; q++) {
            assertEquals(127, at(all, q));
        }
        for (int q = -128; q <= -120; q++) {
            assertEquals(-128, at(all, q));
        }
        // Just inside the radius the fixed-point path gives the same saturated values.
        assertEquals(127, at(all, 119));
        assertEquals(-128, at(all, -119));
    }

    @Test
    void zero_points_at_the_extremes() {
        // zp -128: inputs are all >= 0 real; zp 127: all <= 0. Independently derived bytes, every 17th input.
        int[] low = allBytes(0.05f, -128);
        int[] high = allBytes(0.05f, 127);
        int[] expectedLow = {0, 51, 88, 109, 120, 124, 126, 127, 127, 127, 127, 127, 127, 127, 127, 127};
        int[] expectedHigh = {-128, -128, -128, -128, -128, -128, -128, -128, -127, -126, -124, -120, -109, -88,
                              -51, 0};
        for (int i = 0; i < 16; i++) {
            assertEquals(expectedLow[i], at(low, -128 + 17 * i));
            assertEquals(expectedHigh[i], at(high, -128 + 17 * i));
        }
    }

    @Test
    void is_monotonic_and_antisymmetric_around_the_zero_point() {
        int[] all = allBytes(0.0235f, -3);
        for (int q = -127; q <= 127; q++) {
            assertTrue(at(all, q) >= at(all, q - 1));
        }
        // logistic(-x) = 1 - logistic(x): (a + 128) + (b + 128) = 256 up to one rounding step.
        for (int d = 1; d <= 120; d++) {
            int sum = at(all, -3 + d) + 128 + at(all, -3 - d) + 128;
            assertTrue(Math.abs(sum - 256) <= 1, "offset " + d + ": " + sum);
        }
    }

    @Test
    void absurdly_large_input_scales_saturate_everything_like_tflm() {
        // Scale 8: 8 * 2^27 = 2^30 -> left shift 31, radius floor(15 * 2^27 / 2^31) = 0, so TFLM's first test
        // (x <= -0) sends the zero point itself to -128 and everything above it to 127.
        int[] all = allBytes(8f, 0);
        assertEquals(-128, at(all, -1));
        assertEquals(-128, at(all, 0));
        assertEquals(127, at(all, 1));
        // Scale 5 (left shift 30, radius 1): only the zero point is computed, and it is 0.5.
        int[] five = allBytes(5f, 0);
        assertEquals(-128, at(five, -1));
        assertEquals(0, at(five, 0));
        assertEquals(127, at(five, 1));
    }

    @Test
    void applies_elementwise_over_any_shape() {
        KernelHarness h = KernelHarness.op(BuiltinOperator.LOGISTIC, BuiltinOptions.None.INSTANCE);
        h.inputInt8(new int[] {2, 1, 3}, 0.1f, 0, new byte[] {10, -10, 0, 1, -1, 127});
        Tensor out = h.outputInt8(new int[] {2, 1, 3}, OUT_SCALE, -128);
        PreparedOp op = h.prepare(new Logistic());
        op.invoke();
        assertArrayEquals(new byte[] {59, -59, 0, 6, -6, 127}, out.toByteArray());
        // Invoking again gives the same bytes (nothing is consumed).
        op.invoke();
        assertArrayEquals(new byte[] {59, -59, 0, 6, -6, 127}, out.toByteArray());
    }

    @Test
    void int8_agrees_with_float_within_one_lsb() {
        Int8Sweep.assertWithinOneStepOfReal(BuiltinOperator.LOGISTIC, new Logistic(), new int[] {256}, OUT_SCALE,
                -128, x -> Logistic.logistic((float) x));
    }

    @Test
    void refuses_other_output_quantizations_and_types() {
        assertThrows(UnsupportedModelException.class, () -> prepare(1f / 256, -127));
        assertThrows(UnsupportedModelException.class, () -> prepare(1f / 128, -128));
        prepare(1f / 256 * 1.0005f, -128); // within 0.1%: accepted

        KernelHarness mixed = KernelHarness.op(BuiltinOperator.LOGISTIC, BuiltinOptions.None.INSTANCE);
        mixed.inputInt8(new int[] {2}, 0.1f, 0, new byte[2]);
        mixed.outputFloat(new int[] {2});
        assertThrows(UnsupportedModelException.class, () -> mixed.prepare(new Logistic()));

        KernelHarness int16 = KernelHarness.op(BuiltinOperator.LOGISTIC, BuiltinOptions.None.INSTANCE);
        int16.input(Tensor.allocate(new dev.octet.runtime.model.TensorSpec(9, "i16", TensorType.INT16,
                new int[] {2}, null, Quantization.perTensor(1f / 4096, 0), 0, null, false)));
        int16.output(TensorType.INT16, new int[] {2}, Quantization.perTensor(1f / 32768, 0));
        assertThrows(UnsupportedModelException.class, () -> int16.prepare(new Logistic()));

        KernelHarness shapes = KernelHarness.op(BuiltinOperator.LOGISTIC, BuiltinOptions.None.INSTANCE);
        shapes.inputInt8(new int[] {4}, 0.1f, 0, new byte[4]);
        shapes.outputInt8(new int[] {5}, OUT_SCALE, -128);
        assertThrows(UnsupportedModelException.class, () -> shapes.prepare(new Logistic()));

        // A scale so small that the frexp shift is negative (TFLM's radius computation is undefined there).
        assertThrows(UnsupportedModelException.class, () -> prepareInput(1e-10f));
    }

    private static void prepare(float outScale, int outZp) {
        Int8Sweep.prepareTwoElements(BuiltinOperator.LOGISTIC, new Logistic(), 0.1f, 0, outScale, outZp);
    }

    private static void prepareInput(float inScale) {
        Int8Sweep.prepareTwoElements(BuiltinOperator.LOGISTIC, new Logistic(), inScale, 0, OUT_SCALE, -128);
    }

    @Test
    void float_logistic_follows_the_reference_cutoffs() {
        float[] in = {0f, 1f, -1f, 16.6f, 16.7f, 100f, -8.99f, -9.5f, -100f};
        KernelHarness h = KernelHarness.op(BuiltinOperator.LOGISTIC, BuiltinOptions.None.INSTANCE);
        h.inputFloat(new int[] {in.length}, in);
        Tensor out = h.outputFloat(new int[] {in.length});
        h.run(new Logistic());
        float[] got = out.toFloatArray();
        assertEquals(0.5f, got[0]);
        assertEquals(1 / (1 + Math.exp(-1)), got[1], 1e-7);
        assertEquals(1 / (1 + Math.exp(1)), got[2], 1e-7);
        assertEquals(1 / (1 + Math.exp(-16.6)), got[3], 1e-7);
        assertEquals(1f, got[4]); // above the upper cutoff: exactly 1
        assertEquals(1f, got[5]);
        assertEquals(1 / (1 + Math.exp(8.99f)), got[6], 1e-9);
        assertEquals((float) Math.exp(-9.5f), got[7]); // below the lower cutoff: exp(x)
        assertEquals((float) Math.exp(-100f), got[8]);
    }

    @Test
    void matches_independently_derived_bytes_for_every_input() {
        // All 256 outputs for input scale 0.0235, zero point -3, from a separate model of TFLM's arithmetic
        // (frexp multiplier, radius, double-rounding rescale, gemmlowp logistic, rounding shift by 23).
        int[] expected = {
            -115, -115, -115, -114, -114, -114, -113, -113, -113, -112, -112, -112, -111, -111, -110, -110,
            -110, -109, -109, -108, -108, -108, -107, -107, -106, -106, -105, -105, -104, -104, -103, -103,
            -102, -102, -101, -100, -100, -99, -99, -98, -97, -97, -96, -95, -95, -94, -93, -93,
            -92, -91, -91, -90, -89, -88, -87, -87, -86, -85, -84, -83, -82, -81, -81, -80,
            -79, -78, -77, -76, -75, -74, -73, -72, -71, -70, -69, -68, -67, -65, -64, -63,
            -62, -61, -60, -58, -57, -56, -55, -54, -52, -51, -50, -49, -47, -46, -45, -43,
            -42, -41, -39, -38, -37, -35, -34, -32, -31, -30, -28, -27, -25, -24, -22, -21,
            -19, -18, -16, -15, -13, -12, -11, -9, -8, -6, -5, -3, -2, 0, 2, 3,
            5, 6, 8, 9, 11, 12, 13, 15, 16, 18, 19, 21, 22, 24, 25, 27,
            28, 30, 31, 32, 34, 35, 37, 38, 39, 41, 42, 43, 45, 46, 47, 49,
            50, 51, 52, 54, 55, 56, 57, 58, 60, 61, 62, 63, 64, 65, 67, 68,
            69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 81, 82, 83,
            84, 85, 86, 87, 87, 88, 89, 90, 91, 91, 92, 93, 93, 94, 95, 95,
            96, 97, 97, 98, 99, 99, 100, 100, 101, 102, 102, 103, 103, 104, 104, 105,
            105, 106, 106, 107, 107, 108, 108, 108, 109, 109, 110, 110, 110, 111, 111, 112,
            112, 112, 113, 113, 113, 114, 114, 114, 115, 115, 115, 115, 116, 116, 116, 116,
        };
        assertArrayEquals(expected, allBytes(0.0235f, -3));
    }
}
