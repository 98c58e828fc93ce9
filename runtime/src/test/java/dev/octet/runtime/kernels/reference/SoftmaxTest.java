package dev.octet.runtime.kernels.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.runtime.json.JsonValue;
import dev.octet.runtime.json.Json;
import dev.octet.runtime.TestModels;
import dev.octet.runtime.kernels.KernelHarness;
import dev.octet.runtime.model.BuiltinOperator;
import dev.octet.runtime.model.BuiltinOptions;
import dev.octet.runtime.model.Quantization;
import dev.octet.runtime.model.TensorType;
import dev.octet.runtime.model.UnsupportedModelException;
import dev.octet.runtime.tensor.Tensor;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SoftmaxTest {
    private static final float OUT_SCALE = 1f / 256;

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    private static int[] ints(byte[] b) {
        int[] v = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            v[i] = b[i];
        }
        return v;
    }

    /** Runs int8 softmax on one tensor and returns the output bytes as ints. */
    private static int[] runInt8(int[] shape, float scale, int zp, float beta, int... values) {
        KernelHarness h = KernelHarness.op(BuiltinOperator.SOFTMAX, new BuiltinOptions.Softmax(beta));
        h.inputInt8(shape, scale, zp, bytes(values));
        Tensor out = h.outputInt8(shape, OUT_SCALE, -128);
        h.run(new Softmax());
        return ints(out.toByteArray());
    }

    private static int[] runInt8(float scale, int... values) {
        return runInt8(new int[] {1, values.length}, scale, 0, 1f, values);
    }

    private static float[] runFloat(int[] shape, float beta, float[] values) {
        KernelHarness h = KernelHarness.op(BuiltinOperator.SOFTMAX, new BuiltinOptions.Softmax(beta));
        h.inputFloat(shape, values);
        Tensor out = h.outputFloat(shape);
        h.run(new Softmax());
        return out.toFloatArray();
    }

    // ----- hand-checked int8 cases --------------------------------------------------------------------------

    @Test
    void twelve_equal_logits_share_the_probability_equally() {
        // Each exp is exp(0) = one; in Q12.19 that is 2^19, so the sum is 12 * 2^19 = 1.5 * 2^22: 3 bits over
        // unit, and the reciprocal of 1.5 is 1431655762 (Q0, see GemmlowpFixedPointTest). Each output is
        // srdhm(1431655762, MAX) = 1431655761 shifted right by 3 + 31 - 8 = 26: 21.33 -> 21, minus 128 = -107.
        int[] out = runInt8(0.1f, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5);
        int[] expected = new int[12];
        Arrays.fill(expected, -107);
        assertArrayEquals(expected, out);
        // 12 * 21 = 252 LSB of 1/256: the probabilities sum to ~1 (256 LSB), losing < 1 LSB each to rounding.
        int sum = Arrays.stream(out).map(v -> v + 128).sum();
        assertEquals(252, sum);
    }

    @Test
    void two_equal_logits_are_one_half_each() {
        // Sum 2 * 2^19 = 2^20: 1 bit over unit, normalised sum exactly 1.0, reciprocal saturates to MAX.
        // srdhm(MAX, MAX) = MAX - 1, shifted right by 1 + 23 = 24: 127.99 -> 128, minus 128 = 0 (0.5).
        assertArrayEquals(new int[] {0, 0}, runInt8(0.1f, -40, -40));
    }

    @Test
    void two_logits_follow_the_logistic_of_their_difference() {
        // p = 1/(1 + e^-1) = 0.731 -> 187.2 LSB -> 59; the other 68.8 -> 69 -> -59 (they sum to 256 LSB).
        assertArrayEquals(new int[] {59, -59}, runInt8(0.1f, 10, 0));
    }

    @Test
    void a_row_of_one_is_certain() {
        // Sum = 2^19 (1.0): reciprocal MAX, shift 23: MAX/2^23 rounds to 256, minus 128 = 128, clamped to 127.
        for (int v : new int[] {-128, 0, 127}) {
            assertArrayEquals(new int[] {127}, runInt8(0.1f, v));
        }
        assertArrayEquals(new int[] {127, 127, 127}, runInt8(new int[] {3, 1}, 0.3f, 7, 1f, -5, 99, 0));
    }

    @Test
    void matches_tflm_test_vector_for_one_to_five() {
        // TFLM's softmax_test: inputs 1..5 quantized with scale 0.1 (10, 20, 30, 40, 50). Bytes derived
        // independently from gemmlowp's algorithm; TFLM's float golden 0.011656231, 0.031684921, 0.086128544,
        // 0.234121657, 0.636408647 is 2.98, 8.11, 22.05, 59.93, 162.92 LSB above -128.
        int[] out = runInt8(0.1f, 10, 20, 30, 40, 50);
        assertArrayEquals(new int[] {-125, -120, -106, -68, 35}, out);
        double[] golden = {0.011656231, 0.031684921, 0.086128544, 0.234121657, 0.636408647};
        for (int i = 0; i < golden.length; i++) {
            assertTrue(Math.abs((out[i] + 128) - golden[i] * 256) <= 1.0);
        }
    }

    @Test
    void reproduces_the_kws_model_softmax_bit_exactly() throws Exception {
        // The KWS DS-CNN's last op: a 12-logit softmax. Input and expected output come from TFLM's run of the
        // model on the bundled sample (models/testdata/kws01_sample0_per_op).
        JsonValue index = Json.parse(TestModels.bytes("testdata/kws01_sample0_per_op/index.json"));
        JsonValue fc = null;
        JsonValue softmax = null;
        for (JsonValue op : index.asArray()) {
            if (op.get("op_name").asText().equals("SOFTMAX")) {
                softmax = op;
            } else if (op.get("op_name").asText().equals("FULLY_CONNECTED")) {
                fc = op;
            }
        }
        byte[] logits = TestModels.bytes("testdata/kws01_sample0_per_op/" + fc.get("file").asText());
        byte[] expected = TestModels.bytes("testdata/kws01_sample0_per_op/" + softmax.get("file").asText());
        assertEquals(12, logits.length);

        KernelHarness h = KernelHarness.op(BuiltinOperator.SOFTMAX, new BuiltinOptions.Softmax(1f));
        h.inputInt8(new int[] {1, 12}, (float) fc.get("scale").asDouble(), fc.get("zero_point").asInt(), logits);
        Tensor out = h.outputInt8(new int[] {1, 12}, (float) softmax.get("scale").asDouble(),
                softmax.get("zero_point").asInt());
        h.run(new Softmax());
        assertArrayEquals(expected, out.toByteArray());
        assertArrayEquals(TestModels.bytes("testdata/kws01_sample0_expected_int8_12.bin"), out.toByteArray());
    }

    @Test
    void twelve_kws_like_logits_match_independently_derived_bytes() {
        // A less one-sided 12-class row (scale of the KWS logits, 0.1447). Bytes from an independent model of the
        // gemmlowp arithmetic (written separately from this code); they sum to 256 LSB.
        int[] logits = {-15, -22, -5, -6, 4, 11, -4, -5, 1, -9, -8, 3};
        int[] out = runInt8(new int[] {1, 12}, 0.14469251f, 14, 1f, logits);
        assertArrayEquals(new int[] {-126, -127, -118, -119, -90, -24, -116, -118, -104, -122, -121, -95}, out);
        float[] reference = floatSoftmax(dequantize(logits, 0.14469251f, 14), 1f);
        for (int i = 0; i < 12; i++) {
            assertTrue(Math.abs((out[i] + 128) / 256.0 - reference[i]) <= 1.0 / 256 + 1e-6,
                    "class " + i + ": " + Arrays.toString(out));
        }
    }

    @Test
    void scaling_beta_is_the_same_as_scaling_the_input_scale() {
        // beta * scale is what enters PreprocessSoftmaxScaling: 2 * 0.05f == 1 * 0.1f exactly in float.
        int[] values = {12, -3, 40, 7, 7, -90, 0, 33};
        int[] shape = {1, values.length};
        assertArrayEquals(runInt8(shape, 0.1f, 0, 1f, values), runInt8(shape, 0.05f, 0, 2f, values));
        // ... and a smaller beta flattens the distribution.
        int[] sharp = runInt8(shape, 0.1f, 0, 1f, values);
        int[] flat = runInt8(shape, 0.1f, 0, 0.25f, values);
        assertTrue(flat[2] < sharp[2]);
        assertTrue(flat[5] > sharp[5]);
    }

    @Test
    void input_zero_point_does_not_matter() {
        int[] values = {-128, -100, 0, 127, 126};
        int[] shape = {1, values.length};
        int[] a = runInt8(shape, 0.05f, -128, 1f, values);
        assertArrayEquals(a, runInt8(shape, 0.05f, 127, 1f, values));
        assertArrayEquals(a, runInt8(shape, 0.05f, 0, 1f, values));
        // The 127 (largest) dominates but 126 (0.05 below) is close: e^-0.05 = 0.95.
        assertTrue(a[3] > a[4] && a[4] > a[2]);
    }

    @Test
    void differences_beyond_the_input_radius_get_zero_probability() {
        // Scale 10: beta*scale*2^26 = 671088640 -> left shift 30, radius floor(31 * 2^26 / 2^30) = 1: only
        // differences of 0 and -1 are computed; e^-10 contributes 0 LSB anyway and -2 and below are cut off.
        assertArrayEquals(new int[] {127, -128, -128}, runInt8(new int[] {1, 3}, 10f, 0, 1f, 5, 4, 3));
        // Scale 64: the multiplier is capped at 2^31 - 1 (shift 31) and the radius is 0: the row maxima share
        // the probability and everything else is 0.
        assertArrayEquals(new int[] {0, 0, -128}, runInt8(new int[] {1, 3}, 64f, 0, 1f, 3, 3, 2));
    }

    @Test
    void rows_are_independent_over_the_outer_dimensions() {
        Random random = new Random(42);
        int[] shape = {2, 3, 5};
        int[] values = new int[30];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextInt(256) - 128;
        }
        int[] all = runInt8(shape, 0.07f, 3, 1f, values);
        for (int row = 0; row < 6; row++) {
            int[] one = runInt8(new int[] {5}, 0.07f, 3, 1f, Arrays.copyOfRange(values, row * 5, row * 5 + 5));
            assertArrayEquals(one, Arrays.copyOfRange(all, row * 5, row * 5 + 5), "row " + row);
        }
    }

    @Test
    void saturated_inputs_give_certain_outputs() {
        // 127 vs -128 at scale 0.5: a difference of 127.5, exp(-127.5) is far below 1/256.
        assertArrayEquals(new int[] {-128, 127, -128}, runInt8(0.5f, -128, 127, -128));
    }

    @Test
    void int8_to_int16_output_uses_the_full_range() {
        KernelHarness h = KernelHarness.op(BuiltinOperator.SOFTMAX, new BuiltinOptions.Softmax(1f));
        h.inputInt8(new int[] {1, 2}, 0.1f, 0, bytes(-40, -40));
        Tensor out = h.output(TensorType.INT16, new int[] {1, 2}, Quantization.perTensor(1f / 65536, -32768));
        h.run(new Softmax());
        // Sum 2^20 -> 1 bit over unit, shift 1 + 31 - 16 = 16: (MAX - 1) / 2^16 rounds to 32768, minus 32768 = 0.
        assertEquals(0, out.getInt16(0));
        assertEquals(0, out.getInt16(1));

        KernelHarness h2 = KernelHarness.op(BuiltinOperator.SOFTMAX, new BuiltinOptions.Softmax(1f));
        h2.inputInt8(new int[] {1, 5}, 0.1f, 0, bytes(10, 20, 30, 40, 50));
        Tensor out2 = h2.output(TensorType.INT16, new int[] {1, 5}, Quantization.perTensor(1f / 65536, -32768));
        h2.run(new Softmax());
        // Independently derived: -32004, -30692, -27123, -17425, 8940; TFLM's float golden times 65536 is
        // 763.9, 2076.5, 5644.5, 15343.2, 41707.7 above -32768.
        int[] expected = {-32004, -30692, -27123, -17425, 8940};
        double[] golden = {0.011656231, 0.031684921, 0.086128544, 0.234121657, 0.636408647};
        for (int i = 0; i < 5; i++) {
            assertEquals(expected[i], out2.getInt16(i));
            assertEquals(golden[i] * 65536, out2.getInt16(i) + 32768, 2.0, "element " + i);
        }
    }

    @Test
    void empty_tensors_are_a_no_op() {
        for (int[] shape : new int[][] {{0, 12}, {3, 0}}) {
            KernelHarness h = KernelHarness.op(BuiltinOperator.SOFTMAX, new BuiltinOptions.Softmax(1f));
            h.inputInt8(shape, 0.1f, 0, new byte[0]);
            h.outputInt8(shape, OUT_SCALE, -128);
            h.run(new Softmax());
        }
    }

    @Test
    void wide_rounding_divide_rounds_quotients_below_one_half_to_zero() {
        assertEquals(3, Softmax.roundingDivideByPOTWide(5, 1));
        assertEquals(0, Softmax.roundingDivideByPOTWide(Integer.MAX_VALUE, 32));
        assertEquals(0, Softmax.roundingDivideByPOTWide(Integer.MAX_VALUE, 40));
        assertEquals(-1, Softmax.roundingDivideByPOTWide(Integer.MIN_VALUE, 32));
    }

    @Test
    void long_rows_beyond_tflm_limits_still_produce_probabilities() {
        // 600 equal logits: the sum is 600.0 in Q12.19, 10 bits over unit, so TFLM's final shift would be 33
        // and its check would fail; the exact result (1/600 = 0.43 LSB) rounds to 0.
        int[] values = new int[600];
        int[] out = runInt8(new int[] {1, 600}, 0.1f, 0, 1f, values);
        for (int v : out) {
            assertEquals(-128, v);
        }
        // 300 equal logits and one 2.0 above: still inside TFLM's limits.
        int[] v2 = new int[301];
        v2[0] = 20;
        int[] out2 = runInt8(new int[] {1, 301}, 0.1f, 0, 1f, v2);
        // e^2 / (e^2 + 300) = 0.0240 -> 6.15 LSB -> 6; 1 / 307.4 = 0.83 LSB -> 1.
        assertEquals(-122, out2[0]);
        assertEquals(-127, out2[1]);
    }

    // ----- prepare refusals ---------------------------------------------------------------------------------

    @Test
    void refuses_other_output_quantizations_and_types() {
        assertThrows(UnsupportedModelException.class, () -> prepareInt8(1f / 255, -128));
        assertThrows(UnsupportedModelException.class, () -> prepareInt8(1f / 256, 0));
        // int16 output must be 1/65536 and -32768.
        KernelHarness h = KernelHarness.op(BuiltinOperator.SOFTMAX, new BuiltinOptions.Softmax(1f));
        h.inputInt8(new int[] {1, 2}, 0.1f, 0, new byte[2]);
        h.output(TensorType.INT16, new int[] {1, 2}, Quantization.perTensor(1f / 32768, 0));
        assertThrows(UnsupportedModelException.class, () -> h.prepare(new Softmax()));
        // int8 in, float out.
        KernelHarness h2 = KernelHarness.op(BuiltinOperator.SOFTMAX, new BuiltinOptions.Softmax(1f));
        h2.inputInt8(new int[] {1, 2}, 0.1f, 0, new byte[2]);
        h2.outputFloat(new int[] {1, 2});
        assertThrows(UnsupportedModelException.class, () -> h2.prepare(new Softmax()));
        // int32 input.
        KernelHarness h3 = KernelHarness.op(BuiltinOperator.SOFTMAX, new BuiltinOptions.Softmax(1f));
        h3.constantInt32(new int[] {2}, Quantization.NONE, new int[] {1, 2});
        h3.output(TensorType.INT32, new int[] {2}, Quantization.NONE);
        assertThrows(UnsupportedModelException.class, () -> h3.prepare(new Softmax()));
    }

    @Test
    void refuses_mismatched_shapes_missing_quantization_and_tiny_beta() {
        KernelHarness h = KernelHarness.op(BuiltinOperator.SOFTMAX, new BuiltinOptions.Softmax(1f));
        h.inputInt8(new int[] {1, 4}, 0.1f, 0, new byte[4]);
        h.outputInt8(new int[] {1, 2, 2}, OUT_SCALE, -128);
        assertThrows(UnsupportedModelException.class, () -> h.prepare(new Softmax()));

        KernelHarness h2 = KernelHarness.op(BuiltinOperator.SOFTMAX, new BuiltinOptions.Softmax(1f));
        h2.input(Tensor.allocate(new dev.octet.runtime.model.TensorSpec(50, "q", TensorType.INT8, new int[] {1, 4},
                null, Quantization.NONE, 0, null, false)));
        h2.outputInt8(new int[] {1, 4}, OUT_SCALE, -128);
        assertThrows(UnsupportedModelException.class, () -> h2.prepare(new Softmax()));

        // beta * scale * 2^26 <= 1: TFLite's QuantizeMultiplierGreaterThanOne check.
        KernelHarness h3 = KernelHarness.op(BuiltinOperator.SOFTMAX, new BuiltinOptions.Softmax(1e-8f));
        h3.inputInt8(new int[] {1, 4}, 0.1f, 0, new byte[4]);
        h3.outputInt8(new int[] {1, 4}, OUT_SCALE, -128);
        assertThrows(UnsupportedModelException.class, () -> h3.prepare(new Softmax()));

        KernelHarness h4 = KernelHarness.op(BuiltinOperator.SOFTMAX, new BuiltinOptions.Softmax(1f));
        h4.inputInt8(new int[] {}, 0.1f, 0, new byte[1]);
        h4.outputInt8(new int[] {}, OUT_SCALE, -128);
        assertThrows(UnsupportedModelException.class, () -> h4.prepare(new Softmax()));
    }

    private static void prepareInt8(float outScale, int outZp) {
        KernelHarness h = KernelHarness.op(BuiltinOperator.SOFTMAX, new BuiltinOptions.Softmax(1f));
        h.inputInt8(new int[] {1, 2}, 0.1f, 0, new byte[2]);
        h.outputInt8(new int[] {1, 2}, outScale, outZp);
        h.prepare(new Softmax());
    }

    // ----- float32 and agreement ----------------------------------------------------------------------------

    private static float[] dequantize(int[] q, float scale, int zp) {
        float[] f = new float[q.length];
        for (int i = 0; i < q.length; i++) {
            f[i] = scale * (q[i] - zp);
        }
        return f;
    }

    /** Softmax in double, as an independent reference for the float kernel. */
    private static float[] floatSoftmax(float[] x, float beta) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : x) {
            max = Math.max(max, v);
        }
        double sum = 0;
        double[] e = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            e[i] = Math.exp(beta * (x[i] - max));
            sum += e[i];
        }
        float[] p = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            p[i] = (float) (e[i] / sum);
        }
        return p;
    }

    @Test
    void float_softmax_matches_tflm_golden_and_sums_to_one() {
        float[] out = runFloat(new int[] {2, 5}, 1f, new float[] {1, 2, 3, 4, 5, -1, -2, -3, -4, -5});
        float[] golden = {0.011656231f, 0.031684921f, 0.086128544f, 0.234121657f, 0.636408647f,
                          0.636408647f, 0.234121657f, 0.086128544f, 0.031684921f, 0.011656231f};
        for (int i = 0; i < golden.length; i++) {
            assertEquals(golden[i], out[i], 1e-6f);
        }
        float[] beta = runFloat(new int[] {3}, 0.5f, new float[] {0, 2, 4});
        // exp(0), exp(1), exp(2) normalised.
        double s = 1 + Math.E + Math.exp(2);
        assertEquals(1 / s, beta[0], 1e-6);
        assertEquals(Math.E / s, beta[1], 1e-6);
        assertEquals(Math.exp(2) / s, beta[2], 1e-6);
    }

    @Test
    void float_softmax_of_a_single_logit_is_one() {
        assertArrayEquals(new float[] {1f, 1f}, runFloat(new int[] {2, 1}, 1f, new float[] {-1e30f, 7f}));
    }

    @Test
    void int8_agrees_with_float_within_one_lsb_on_random_rows() {
        Random random = new Random(42);
        float[] scales = {0.02f, 0.05f, 0.1f, 0.2f, 0.5f, 1.0f};
        float[] betas = {1f, 0.5f, 2f, 0.3f};
        int[] lengths = {1, 2, 3, 10, 12, 20, 64};
        double worst = 0;
        for (int trial = 0; trial < 400; trial++) {
            float scale = scales[random.nextInt(scales.length)];
            float beta = betas[random.nextInt(betas.length)];
            int depth = lengths[random.nextInt(lengths.length)];
            int rows = 1 + random.nextInt(3);
            int zp = random.nextInt(256) - 128;
            int[] q = new int[rows * depth];
            for (int i = 0; i < q.length; i++) {
                q[i] = random.nextInt(256) - 128;
            }
            int[] shape = {rows, depth};
            int[] out = runInt8(shape, scale, zp, beta, q);
            float[] reference = runFloat(shape, beta, dequantize(q, scale, zp));
            for (int r = 0; r < rows; r++) {
                float[] independent = floatSoftmax(Arrays.copyOfRange(dequantize(q, scale, zp), r * depth,
                        (r + 1) * depth), beta);
                for (int c = 0; c < depth; c++) {
                    int i = r * depth + c;
                    assertEquals(independent[c], reference[i], 1e-6f, "float kernel");
                    worst = Math.max(worst, Math.abs((out[i] + 128) / 256.0 - reference[i]) * 256);
                }
            }
        }
        assertTrue(worst <= 1.0 + 1e-3, "worst difference " + worst + " LSB");
    }

    @Test
    void matches_independently_derived_bytes_on_mixed_rows() {
        // Rows and bytes from a separate model of TFLM's softmax arithmetic (scale, beta, logits, outputs).
        Object[][] cases = {
            {0.17f, 0.7f, new int[] {11, 17, 9, 11, -20, 9, -30, 23, 3, -26, -27, -28},
                new int[] {-103, -77, -108, -103, -127, -108, -128, -24, -118, -128, -128, -128}},
            {0.0625f, 1f, new int[] {-2, 7}, new int[] {-35, 35}},
            {0.0625f, 1f, new int[] {2, -12, -29, -26, 6, 19, -24, -5, -24, 24},
                new int[] {-105, -118, -125, -124, -98, -60, -123, -113, -123, -35}},
            {0.1f, 0.7f, new int[] {-17, -17}, new int[] {0, 0}},
            {0.03f, 0.7f, new int[] {-22, -15, 15, -24, -30, -27, -1, 21, 1, -19, 13, 5},
                new int[] {-113, -111, -96, -114, -116, -115, -105, -92, -104, -113, -98, -102}},
            {0.0625f, 0.7f, new int[] {-4, -17, -30, -13, 25}, new int[] {-86, -104, -115, -100, 21}},
        };
        for (Object[] c : cases) {
            int[] logits = (int[]) c[2];
            assertArrayEquals((int[]) c[3], runInt8(new int[] {1, logits.length}, (float) c[0], 0, (float) c[1],
                    logits), Arrays.toString(logits));
        }
    }
}
