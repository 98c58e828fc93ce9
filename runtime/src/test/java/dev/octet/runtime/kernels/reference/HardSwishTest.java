package dev.octet.runtime.kernels.reference;

import static dev.octet.runtime.kernels.reference.Int8Sweep.at;
import static dev.octet.runtime.kernels.reference.Int8Sweep.every17th;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.runtime.kernels.KernelHarness;
import dev.octet.runtime.model.BuiltinOperator;
import dev.octet.runtime.model.BuiltinOptions;
import dev.octet.runtime.model.Quantization;
import dev.octet.runtime.model.UnsupportedModelException;
import dev.octet.runtime.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HardSwishTest {

    /** Every input byte -128..127 in order, through int8 HARD_SWISH. */
    private static int[] allBytes(float inScale, int inZp, float outScale, int outZp) {
        return Int8Sweep.allBytes(BuiltinOperator.HARD_SWISH, new HardSwish(), new int[] {1, 16, 16}, inScale, inZp,
                outScale, outZp);
    }

    /** The prepared parameters (the context is only used to report refusals, which these scales do not hit). */
    private static HardSwish.Params params(float inScale, int inZp, float outScale, int outZp) {
        return HardSwish.Params.of(null, Quantization.perTensor(inScale, inZp), Quantization.perTensor(outScale, outZp));
    }

    @Test
    void computes_the_multipliers_like_tflm_prepare() {
        // Input 0.05, output 0.03: hires scale 0.05/128 = 3.90625e-4.
        // Output multiplier 3.90625e-4 / 0.03 = 0.0130208 = 0.8333 * 2^-6 -> Q31 1789569707 -> Q15 27307, exp -6.
        // Reluish multiplier 3.90625e-4 / (3/32768) = 4.2667 = 0.5333 * 2^3 -> Q31 1145324612 -> Q15 17476, exp 3.
        HardSwish.Params p = params(0.05f, 0, 0.03f, -20);
        assertEquals(27307, p.outputMultiplier16());
        assertEquals(-6, p.outputExponent());
        assertEquals(17476, p.reluishMultiplier16());
        assertEquals(3, p.reluishExponent());
    }

    @Test
    void hand_checked_value_in_the_ramp() {
        // Input 30 at scale 0.05 is x = 1.5; hard_swish(1.5) = 1.5 * 4.5 / 6 = 1.125 = 37.5 output steps of 0.03.
        // hires = 30 << 7 = 3840; on the output scale: srdhm16(3840, 27307): 3840 * 27307 = 104858880,
        //   + 16384 = 104875264, / 32768 = 3200.5 truncated to 3200.
        // reluish: saturating << 2 = 15360; srdhm16(15360, 17476) = (268431360 + 16384) / 32768 = 8192.5 -> 8192;
        //   << 1 = 16384 (x/3 = 0.5); (16384 + 32768) >> 1 = 24576 ((x + 3)/6 = 0.75).
        // sdhm16(24576, 3200) = 78643200 / 32768 = 2400; rounding >> 6 = 37.5 -> 38; + (-20) = 18.
        int[] all = allBytes(0.05f, 0, 0.03f, -20);
        assertEquals(18, at(all, 30));
        // Independently derived bytes for every 17th input from -128.
        assertArrayEquals(new int[] {-20, -20, -20, -20, -20, -30, -32, -26, -12, 10, 40, 78, 107, 127, 127, 127},
                every17th(all));
    }

    @Test
    void is_zero_below_minus_three_and_identity_above_three() {
        int[] all = allBytes(0.05f, 0, 0.05f, 0);
        // x <= -3 (q <= -60): output 0 at the zero point.
        for (int q = -128; q <= -60; q++) {
            assertEquals(0, at(all, q), "q " + q);
        }
        // x >= 3 (q >= 60): output x, i.e. the same q (same scales), up to one rounding step.
        for (int q = 60; q <= 127; q++) {
            assertTrue(Math.abs(at(all, q) - q) <= 1, "q " + q + " -> " + at(all, q));
        }
        assertEquals(0, at(all, 0));
    }

    @Test
    void zero_points_at_the_extremes() {
        assertArrayEquals(new int[] {-128, -107, -79, -42, 2, 42, 76, 110, 127, 127, 127, 127, 127, 127, 127, 127},
                every17th(allBytes(0.04f, -128, 0.02f, -128)));
        assertArrayEquals(new int[] {127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 121, 111, 108, 114, 127},
                every17th(allBytes(0.04f, 127, 0.02f, 127)));
    }

    @Test
    void covers_the_right_shifting_reluish_and_the_unshifted_output() {
        // Input 0.002: reluish multiplier 0.6667 * 2^-2 (exponent -2, the rounding right shift path).
        assertEquals(-2, params(0.002f, 0, 0.001f, 0).reluishExponent());
        assertArrayEquals(new int[] {-117, -103, -88, -73, -58, -42, -26, -9, 8, 25, 43, 61, 80, 99, 118, 127},
                every17th(allBytes(0.002f, 0, 0.001f, 0)));
        // Input 1, output 0.01: output multiplier 0.78 (exponent 0, no final shift).
        assertEquals(0, params(1f, 0, 0.01f, 127).outputExponent());
        int[] all = allBytes(1f, 0, 0.01f, 127);
        assertArrayEquals(new int[] {127, 94, 94, 127, 127}, new int[] {at(all, -3), at(all, -2), at(all, -1),
                at(all, 0), at(all, 1)});
    }

    @Test
    void reproduces_gemmlowps_int16_shift_quirk_for_very_coarse_outputs() {
        // Output scale 1000 times the input scale: exponent -16, where gemmlowp's int16 RoundingDivideByPOT
        // returns +1 for non-negative and -1 for negative values (TFLM's bytes; the exact result would be 0).
        assertEquals(-16, params(0.001f, 0, 1f, 0).outputExponent());
        int[] all = allBytes(0.001f, 0, 1f, 0);
        assertEquals(-1, at(all, -128));
        assertEquals(1, at(all, 0));
        assertEquals(1, at(all, 127));
    }

    @Test
    void int8_agrees_with_float_within_one_lsb() {
        Random random = new Random(42);
        for (int trial = 0; trial < 200; trial++) {
            float inScale = 0.005f + random.nextFloat() * 0.3f;
            float outScale = 0.005f + random.nextFloat() * 0.3f;
            int inZp = random.nextInt(256) - 128;
            int outZp = random.nextInt(256) - 128;
            int[] all = allBytes(inScale, inZp, outScale, outZp);
            for (int q = -128; q <= 127; q++) {
                float want = HardSwish.hardSwish(inScale * (q - inZp));
                float lo = outScale * (-128 - outZp);
                float hi = outScale * (127 - outZp);
                float clamped = Math.max(lo, Math.min(hi, want));
                float got = outScale * (at(all, q) - outZp);
                assertTrue(Math.abs(got - clamped) <= 1.0f * outScale + 1e-6f,
                        "in " + inScale + "/" + inZp + " out " + outScale + "/" + outZp + " q " + q + ": " + got
                                + " vs " + clamped);
            }
        }
    }

    @Test
    void refuses_outputs_finer_than_the_hires_input_scale() {
        // Output multiplier (in/128)/out >= 1 gives a positive exponent, which TFLM's prepare rejects.
        KernelHarness h = KernelHarness.op(BuiltinOperator.HARD_SWISH, BuiltinOptions.None.INSTANCE);
        h.inputInt8(new int[] {2}, 1f, 0, new byte[2]);
        h.outputInt8(new int[] {2}, 1f / 200, 0);
        assertThrows(UnsupportedModelException.class, () -> h.prepare(new HardSwish()));

        KernelHarness mixed = KernelHarness.op(BuiltinOperator.HARD_SWISH, BuiltinOptions.None.INSTANCE);
        mixed.inputInt8(new int[] {2}, 1f, 0, new byte[2]);
        mixed.outputFloat(new int[] {2});
        assertThrows(UnsupportedModelException.class, () -> mixed.prepare(new HardSwish()));

        KernelHarness huge = KernelHarness.op(BuiltinOperator.HARD_SWISH, BuiltinOptions.None.INSTANCE);
        huge.inputInt8(new int[] {2}, 1e8f, 0, new byte[2]);
        huge.outputInt8(new int[] {2}, 1e9f, 0);
        assertThrows(UnsupportedModelException.class, () -> huge.prepare(new HardSwish()));
    }

    @Test
    void int16_helpers_match_tflite() {
        assertEquals(32767, HardSwish.saturatingLeftShift16(20000, 1));
        assertEquals(-32768, HardSwish.saturatingLeftShift16(-20000, 1));
        assertEquals(-24, HardSwish.saturatingLeftShift16(-3, 3));
        // Truncating doubling high multiply: 2 * 3 * 16384 / 65536 = 1.5 -> 1; -1.5 -> -1.
        assertEquals(1, HardSwish.saturatingDoublingHighMul16(3, 16384));
        assertEquals(-1, HardSwish.saturatingDoublingHighMul16(-3, 16384));
        assertEquals(32767, HardSwish.saturatingDoublingHighMul16(-32768, -32768));
        // Q31 -> Q15 with rounding, saturating near the top.
        assertEquals(27307, HardSwish.downScaleInt32ToInt16Multiplier(1789569707));
        assertEquals(16384, HardSwish.downScaleInt32ToInt16Multiplier(1 << 30));
        assertEquals(32767, HardSwish.downScaleInt32ToInt16Multiplier(Integer.MAX_VALUE));
        assertEquals(32767, HardSwish.downScaleInt32ToInt16Multiplier(Integer.MAX_VALUE - (1 << 15)));
        assertEquals(32767, HardSwish.downScaleInt32ToInt16Multiplier(Integer.MAX_VALUE - (1 << 15) - 1));
    }

    @Test
    void float_hard_swish_follows_the_formula() {
        float[] in = {-4f, -3f, -1.5f, 0f, 1.5f, 3f, 7f};
        KernelHarness h = KernelHarness.op(BuiltinOperator.HARD_SWISH, BuiltinOptions.None.INSTANCE);
        h.inputFloat(new int[] {in.length}, in);
        Tensor out = h.outputFloat(new int[] {in.length});
        h.run(new HardSwish());
        assertArrayEquals(new float[] {-0f, -0f, -0.375f, 0f, 1.125f, 3f, 7f}, out.toFloatArray());
    }

    @Test
    void matches_independently_derived_bytes_for_every_input() {
        // All 256 outputs for two quantizations, from a separate model of TFLM's int16 arithmetic.
        int[] first = {
            -20, -20, -20, -20, -20, -20, -20, -20, -20, -20, -20, -20, -20, -20, -20, -20,
            -20, -20, -20, -20, -20, -20, -20, -20, -20, -20, -20, -20, -20, -20, -20, -20,
            -20, -20, -20, -20, -20, -20, -20, -20, -20, -20, -20, -20, -20, -20, -20, -20,
            -20, -20, -20, -20, -20, -20, -20, -20, -20, -20, -20, -20, -20, -20, -20, -20,
            -20, -20, -20, -20, -20, -21, -22, -22, -23, -24, -25, -25, -26, -26, -27, -27,
            -28, -28, -29, -29, -30, -30, -30, -31, -31, -31, -32, -32, -32, -32, -32, -32,
            -32, -32, -33, -32, -32, -32, -32, -32, -32, -32, -32, -31, -31, -31, -31, -30,
            -30, -29, -29, -28, -28, -27, -27, -26, -26, -25, -25, -24, -23, -22, -22, -21,
            -20, -19, -18, -17, -16, -15, -15, -13, -12, -11, -10, -9, -8, -7, -6, -4,
            -3, -2, -1, 1, 2, 4, 5, 7, 8, 10, 11, 13, 14, 16, 18, 19,
            21, 23, 24, 26, 28, 30, 32, 34, 36, 38, 40, 42, 44, 46, 48, 50,
            52, 54, 56, 59, 61, 63, 65, 68, 70, 73, 75, 78, 80, 82, 83, 85,
            87, 88, 90, 92, 93, 95, 97, 98, 100, 102, 103, 105, 107, 108, 110, 112,
            113, 115, 117, 118, 120, 122, 123, 125, 127, 127, 127, 127, 127, 127, 127, 127,
            127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127,
            127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127,
        };
        assertArrayEquals(first, allBytes(0.05f, 0, 0.03f, -20));
        int[] second = {
            -100, -100, -100, -100, -100, -100, -100, -100, -100, -100, -100, -100, -100, -100, -100, -100,
            -100, -100, -100, -100, -100, -100, -100, -100, -100, -100, -100, -100, -100, -100, -100, -100,
            -100, -100, -100, -100, -100, -100, -100, -100, -100, -100, -100, -100, -100, -100, -100, -100,
            -100, -100, -100, -100, -100, -100, -100, -100, -100, -100, -100, -100, -100, -100, -100, -100,
            -100, -100, -100, -100, -100, -100, -100, -100, -100, -100, -100, -100, -100, -100, -100, -100,
            -100, -100, -100, -100, -100, -100, -100, -100, -100, -100, -100, -100, -100, -100, -100, -100,
            -100, -100, -100, -100, -100, -100, -100, -100, -100, -100, -100, -100, -100, -100, -100, -100,
            -100, -100, -100, -100, -100, -100, -100, -100, -101, -102, -103, -104, -105, -106, -107, -107,
            -108, -108, -108, -109, -109, -109, -109, -108, -108, -107, -107, -106, -105, -105, -104, -103,
            -101, -100, -99, -97, -95, -94, -92, -90, -88, -86, -83, -81, -79, -76, -73, -71,
            -68, -65, -61, -58, -55, -51, -48, -44, -41, -37, -33, -29, -27, -24, -21, -18,
            -16, -13, -10, -7, -5, -2, 1, 3, 6, 9, 12, 14, 17, 20, 22, 25,
            28, 31, 33, 36, 39, 42, 44, 47, 50, 52, 55, 58, 61, 63, 66, 69,
            71, 74, 77, 80, 82, 85, 88, 90, 93, 96, 99, 101, 104, 107, 110, 112,
            115, 118, 120, 123, 126, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127,
            127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127,
        };
        assertArrayEquals(second, allBytes(0.1173f, 17, 0.0431f, -100));
    }
}
