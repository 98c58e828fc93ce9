package dev.octet.runtime.kernels.reference;

import static dev.octet.runtime.kernels.reference.Int8Sweep.at;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.runtime.kernels.KernelHarness;
import dev.octet.runtime.model.BuiltinOperator;
import dev.octet.runtime.model.BuiltinOptions;
import dev.octet.runtime.model.UnsupportedModelException;
import dev.octet.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

class TanhTest {
    private static final float OUT_SCALE = 1f / 128;

    /** Every input byte -128..127 in order, through int8 TANH with the given input quantization. */
    private static int[] allBytes(float scale, int zp) {
        return Int8Sweep.allBytes(BuiltinOperator.TANH, new Tanh(), new int[] {1, 256}, scale, zp, OUT_SCALE, 0);
    }

    @Test
    void tanh_of_zero_is_zero() {
        for (int zp : new int[] {-128, 0, 42, 127}) {
            assertEquals(0, at(allBytes(0.05f, zp), zp), "zero point " + zp);
        }
    }

    @Test
    void hand_checked_values_at_scale_one_tenth() {
        // Same input scaling as LOGISTIC (multiplier 1717986944, shift 24, radius 120): input 10 is 1.0 in Q4.27.
        // tanh(1) = 0.76159 -> 1635510876 raw; / 2^24 = 97.48 -> 97 (no zero point for tanh's output).
        int[] all = allBytes(0.1f, 0);
        assertEquals(97, at(all, 10));
        assertEquals(-97, at(all, -10));
        // tanh(0.1) = 0.0997 -> 12.76 -> 13.
        assertEquals(13, at(all, 1));
        assertEquals(-13, at(all, -1));
        int[] expected = {-128, -128, -128, -128, -128, -128, -127, -92, 85, 126, 127, 127, 127, 127, 127, 127};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], at(all, -128 + 17 * i), "input " + (-128 + 17 * i));
        }
    }

    @Test
    void large_inputs_saturate_at_both_ends() {
        int[] all = allBytes(0.1f, 0);
        for (int q = 120; q <= 127; q++) {
            assertEquals(127, at(all, q));
        }
        for (int q = -128; q <= -120; q++) {
            assertEquals(-128, at(all, q)); // -1.0 is representable in Q0.7
        }
    }

    @Test
    void zero_points_at_the_extremes_and_oddness() {
        int[] low = allBytes(0.05f, -128);
        int[] high = allBytes(0.05f, 127);
        int[] expectedLow = {0, 88, 120, 126, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127};
        int[] expectedHigh = {-128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -126, -120,
                              -88, 0};
        for (int i = 0; i < 16; i++) {
            assertEquals(expectedLow[i], at(low, -128 + 17 * i));
            assertEquals(expectedHigh[i], at(high, -128 + 17 * i));
        }
        // tanh is odd: gemmlowp negates the result for negative inputs, so the bytes are exactly symmetric.
        int[] centred = allBytes(0.0235f, 0);
        for (int d = 1; d <= 127; d++) {
            assertEquals(-at(centred, d), at(centred, -d), "offset " + d);
        }
    }

    @Test
    void int8_agrees_with_float_within_one_lsb() {
        Int8Sweep.assertWithinOneStepOfReal(BuiltinOperator.TANH, new Tanh(), new int[] {1, 256}, OUT_SCALE, 0,
                x -> (float) Math.tanh(x));
    }

    @Test
    void refuses_other_output_quantizations() {
        assertThrows(UnsupportedModelException.class, () -> prepare(1f / 128, -128));
        assertThrows(UnsupportedModelException.class, () -> prepare(1f / 256, 0));
        prepare(1f / 128, 0);

        KernelHarness mixed = KernelHarness.op(BuiltinOperator.TANH, BuiltinOptions.None.INSTANCE);
        mixed.inputFloat(new int[] {2}, new float[2]);
        mixed.outputInt8(new int[] {2}, OUT_SCALE, 0);
        assertThrows(UnsupportedModelException.class, () -> mixed.prepare(new Tanh()));
    }

    private static void prepare(float outScale, int outZp) {
        Int8Sweep.prepareTwoElements(BuiltinOperator.TANH, new Tanh(), 0.1f, 0, outScale, outZp);
    }

    @Test
    void float_tanh_is_elementwise_tanh() {
        float[] in = {0f, 0.5f, -0.5f, 3f, -20f, 20f};
        KernelHarness h = KernelHarness.op(BuiltinOperator.TANH, BuiltinOptions.None.INSTANCE);
        h.inputFloat(new int[] {2, 3}, in);
        Tensor out = h.outputFloat(new int[] {2, 3});
        h.run(new Tanh());
        float[] expected = new float[in.length];
        for (int i = 0; i < in.length; i++) {
            expected[i] = (float) Math.tanh(in[i]);
        }
        assertArrayEquals(expected, out.toFloatArray());
        assertEquals(-1f, out.getFloat(4));
        assertEquals(0.46211716f, out.getFloat(1), 1e-7f);
    }

    @Test
    void matches_independently_derived_bytes_for_every_input() {
        // All 256 outputs for input scale 0.0235, zero point -3, from a separate model of TFLM's arithmetic
        // (frexp multiplier, radius, double-rounding rescale, gemmlowp tanh, rounding shift by 24).
        int[] expected = {
            -127, -127, -127, -127, -127, -127, -127, -127, -127, -127, -127, -127, -127, -127, -127, -127,
            -126, -126, -126, -126, -126, -126, -126, -126, -126, -126, -126, -125, -125, -125, -125, -125,
            -125, -125, -124, -124, -124, -124, -124, -124, -123, -123, -123, -123, -122, -122, -122, -122,
            -121, -121, -121, -120, -120, -120, -119, -119, -118, -118, -117, -117, -116, -116, -115, -115,
            -114, -114, -113, -112, -112, -111, -110, -109, -108, -108, -107, -106, -105, -104, -103, -102,
            -100, -99, -98, -97, -95, -94, -93, -91, -90, -88, -87, -85, -83, -81, -80, -78,
            -76, -74, -72, -70, -68, -65, -63, -61, -58, -56, -54, -51, -49, -46, -43, -41,
            -38, -35, -32, -30, -27, -24, -21, -18, -15, -12, -9, -6, -3, 0, 3, 6,
            9, 12, 15, 18, 21, 24, 27, 30, 32, 35, 38, 41, 43, 46, 49, 51,
            54, 56, 58, 61, 63, 65, 68, 70, 72, 74, 76, 78, 80, 81, 83, 85,
            87, 88, 90, 91, 93, 94, 95, 97, 98, 99, 100, 102, 103, 104, 105, 106,
            107, 108, 108, 109, 110, 111, 112, 112, 113, 114, 114, 115, 115, 116, 116, 117,
            117, 118, 118, 119, 119, 120, 120, 120, 121, 121, 121, 122, 122, 122, 122, 123,
            123, 123, 123, 124, 124, 124, 124, 124, 124, 125, 125, 125, 125, 125, 125, 125,
            126, 126, 126, 126, 126, 126, 126, 126, 126, 126, 126, 127, 127, 127, 127, 127,
            127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127,
        };
        assertArrayEquals(expected, allBytes(0.0235f, -3));
    }
}
