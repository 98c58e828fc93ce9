package dev.octet.runtime.kernels.reference;

import static dev.octet.runtime.kernels.reference.ConvTestSupport.assertRefused;
import static dev.octet.runtime.kernels.reference.ConvTestSupport.bytes;
import static dev.octet.runtime.kernels.reference.ConvTestSupport.perChannel;
import static dev.octet.runtime.kernels.reference.ConvTestSupport.perTensor;
import static dev.octet.runtime.kernels.reference.ConvTestSupport.prod;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.runtime.kernels.KernelHarness;
import dev.octet.runtime.kernels.ReferenceSemantics;
import dev.octet.runtime.model.Activation;
import dev.octet.runtime.model.BuiltinOperator;
import dev.octet.runtime.model.BuiltinOptions;
import dev.octet.runtime.model.Quantization;
import dev.octet.runtime.model.TensorSpec;
import dev.octet.runtime.model.TensorType;
import dev.octet.runtime.quant.ActivationRange;
import dev.octet.runtime.quant.FixedPoint;
import dev.octet.runtime.quant.QuantizedMultiplier;
import dev.octet.runtime.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FullyConnectedTest {

    private static KernelHarness fc(Activation a, boolean keepNumDims) {
        return KernelHarness.op(BuiltinOperator.FULLY_CONNECTED,
                new BuiltinOptions.FullyConnected(a, 0, keepNumDims, false));
    }

    /** Input scale 0.5, zp 1, rows of q; weights [[1,2,3],[4,−5,−6]] with the given quantization. */
    private static Tensor runHandCase(Quantization weights, int[] bias, float outScale, int outZp, byte[] input) {
        int batches = input.length / 3;
        KernelHarness h = fc(Activation.NONE, false);
        h.inputInt8(new int[] {batches, 3}, 0.5f, 1, input);
        h.constantInt8(new int[] {2, 3}, weights, bytes(1, 2, 3, 4, -5, -6));
        if (bias != null) {
            h.constantInt32(new int[] {2}, Quantization.NONE, bias);
        }
        Tensor out = h.outputInt8(new int[] {batches, 2}, outScale, outZp);
        h.run(new FullyConnected());
        return out;
    }

    @Test
    void computes_per_tensor_int8_by_hand() {
        // q − zp = [2, 0, −2]. acc0 = 2 − 6 = −4, + bias 10 = 6; acc1 = 8 + 12 = 20, + bias −4 = 16.
        // Multiplier (0.5·0.25)/0.25 = 0.5: 3 and 8; plus output zp 2: 5 and 10.
        Tensor out = runHandCase(perTensor(0.25f), new int[] {10, -4}, 0.25f, 2, bytes(3, 1, -1));
        assertArrayEquals(bytes(5, 10), out.toByteArray());
    }

    @Test
    void computes_each_batch_row() {
        // Second row q − zp = [0, 0, 0]: only the bias, 10·0.5 = 5 and −4·0.5 = −2, plus zp 2: 7 and 0.
        Tensor out = runHandCase(perTensor(0.25f), new int[] {10, -4}, 0.25f, 2, bytes(3, 1, -1, 1, 1, 1));
        assertArrayEquals(bytes(5, 10, 7, 0), out.toByteArray());
    }

    @Test
    void computes_per_channel_int8_by_hand() {
        // Scales 0.25 and 0.5: 6·0.5·0.25/0.25 = 3 and 16·0.5·0.5/0.25 = 16.
        Tensor out = runHandCase(perChannel(0, 0.25f, 0.5f), new int[] {10, -4}, 0.25f, 0, bytes(3, 1, -1));
        assertArrayEquals(bytes(3, 16), out.toByteArray());
    }

    @Test
    void runs_without_bias() {
        // −4·0.5 = −2 and 20·0.5 = 10.
        Tensor out = runHandCase(perTensor(0.25f), null, 0.25f, 0, bytes(3, 1, -1));
        assertArrayEquals(bytes(-2, 10), out.toByteArray());
    }

    @Test
    void honours_a_per_tensor_weight_zero_point() {
        // Weights q [2, 3, 4] with zp 1 are [1, 2, 3]; input q − zp [2, 0, −2]: 2 − 6 = −4.
        // Multiplier 0.5·0.25/0.125 = 1.
        KernelHarness h = fc(Activation.NONE, false);
        h.inputInt8(new int[] {1, 3}, 0.5f, 1, bytes(3, 1, -1));
        h.constantInt8(new int[] {1, 3}, Quantization.perTensor(0.25f, 1), bytes(2, 3, 4));
        Tensor out = h.outputInt8(new int[] {1, 1}, 0.125f, 0);
        h.run(new FullyConnected());
        assertArrayEquals(bytes(-4), out.toByteArray());
    }

    private static byte[] tieCase(ReferenceSemantics semantics) {
        // x = 101 (scale 0.5), weights [1, −1] (scale 0.5), output scale 1: real 101·0.25 = 25.25 and −25.25.
        KernelHarness h = fc(Activation.NONE, false).semantics(semantics);
        h.inputInt8(new int[] {1, 1}, 0.5f, 0, bytes(101));
        h.constantInt8(new int[] {2, 1}, perTensor(0.5f), bytes(1, -1));
        Tensor out = h.outputInt8(new int[] {1, 2}, 1f, 0);
        h.run(new FullyConnected());
        return out.toByteArray();
    }

    @Test
    void requantizes_with_double_rounding_like_tflm() {
        // 101·0.5 = 50.5 -> 51 (tie up), then 51/2 = 25.5 -> 26 (tie away): double rounding lands on 26.
        // −101·0.5 = −50.5 -> −50, then −50/2 = −25.
        assertArrayEquals(bytes(26, -25), tieCase(ReferenceSemantics.TFLM));
    }

    @Test
    void requantizes_in_double_with_one_rounding_like_tflite() {
        // round(101 · 0.25) = round(25.25) = 25; round(−25.25) = −25.
        assertArrayEquals(bytes(25, -25), tieCase(ReferenceSemantics.TFLITE));
    }

    @Test
    void tflite_semantics_rounds_exact_ties_away_from_zero() {
        // x = −2, weight 1, effective scale 0.25: round(−0.5) = −1 (C round), not 0.
        // x = 2: round(0.5) = 1; x = −6: round(−1.5) = −2.
        KernelHarness h = fc(Activation.NONE, false).semantics(ReferenceSemantics.TFLITE);
        h.inputInt8(new int[] {3, 1}, 0.5f, 0, bytes(-2, 2, -6));
        h.constantInt8(new int[] {1, 1}, perTensor(0.5f), bytes(1));
        Tensor out = h.outputInt8(new int[] {3, 1}, 1f, 0);
        h.run(new FullyConnected());
        assertArrayEquals(bytes(-1, 1, -2), out.toByteArray());
    }

    @Test
    void clamps_fused_activations() {
        // RELU6 at output scale 0.25 allows [0, 24]; biases push one unit below and one above.
        KernelHarness h = fc(Activation.RELU6, false);
        h.inputInt8(new int[] {1, 3}, 0.5f, 1, bytes(3, 1, -1));
        h.constantInt8(new int[] {2, 3}, perTensor(0.25f), bytes(1, 2, 3, 4, -5, -6));
        h.constantInt32(new int[] {2}, Quantization.NONE, new int[] {-100, 100});
        Tensor out = h.outputInt8(new int[] {1, 2}, 0.25f, 0);
        h.run(new FullyConnected());
        // (−4 − 100)·0.5 = −52 -> 0; (20 + 100)·0.5 = 60 -> 24.
        assertArrayEquals(bytes(0, 24), out.toByteArray());
    }

    @Test
    void flattens_leading_dimensions_into_batches() {
        KernelHarness h = fc(Activation.NONE, false);
        h.inputFloat(new int[] {2, 1, 3}, new float[] {1, 2, 3, -1, 0, 1});
        h.constantFloat(new int[] {1, 3}, new float[] {1, 1, 1});
        Tensor out = h.outputFloat(new int[] {2, 1});
        h.run(new FullyConnected());
        assertArrayEquals(new float[] {6f, 0f}, out.toFloatArray());
    }

    @Test
    void keep_num_dims_keeps_the_input_shape_with_units_last() {
        KernelHarness h = fc(Activation.NONE, true);
        h.inputFloat(new int[] {2, 1, 3}, new float[] {1, 2, 3, -1, 0, 1});
        h.constantFloat(new int[] {2, 3}, new float[] {1, 1, 1, 1, 0, 0});
        Tensor out = h.outputFloat(new int[] {2, 1, 2});
        h.run(new FullyConnected());
        assertArrayEquals(new float[] {6f, 1f, 0f, -1f}, out.toFloatArray());

        // Without keep_num_dims the output must be [batches, units]; with it, the input's shape.
        h = fc(Activation.NONE, false);
        h.inputFloat(new int[] {2, 1, 3}, new float[6]);
        h.constantFloat(new int[] {2, 3}, new float[6]);
        h.outputFloat(new int[] {2, 1, 2});
        assertRefused(h, new FullyConnected());
        h = fc(Activation.NONE, true);
        h.inputFloat(new int[] {2, 1, 3}, new float[6]);
        h.constantFloat(new int[] {2, 3}, new float[6]);
        h.outputFloat(new int[] {2, 2});
        assertRefused(h, new FullyConnected());
        // keep_num_dims needs the input's last dimension to be the depth.
        h = fc(Activation.NONE, true);
        h.inputFloat(new int[] {3, 2}, new float[6]);
        h.constantFloat(new int[] {2, 3}, new float[6]);
        h.outputFloat(new int[] {3, 2});
        assertRefused(h, new FullyConnected());
    }

    @Test
    void runs_float32_with_relu_and_bias() {
        // [1,2,3]·[1,0,−1] = −2 -> + 0.5 = −1.5 -> RELU 0; [1,2,3]·[0.5,0.5,0.5] = 3, + 0.25 = 3.25.
        KernelHarness h = fc(Activation.RELU, false);
        h.inputFloat(new int[] {1, 3}, new float[] {1, 2, 3});
        h.constantFloat(new int[] {2, 3}, new float[] {1, 0, -1, 0.5f, 0.5f, 0.5f});
        h.constantFloat(new int[] {2}, new float[] {0.5f, 0.25f});
        Tensor out = h.outputFloat(new int[] {1, 2});
        h.run(new FullyConnected());
        assertArrayEquals(new float[] {0f, 3.25f}, out.toFloatArray());
    }

    // ---- refusals ----------------------------------------------------------------------------------------

    private static KernelHarness int8Case(BuiltinOptions.FullyConnected options, int[] inShape, int[] wShape,
                                          Quantization wq, int[] outShape) {
        KernelHarness h = KernelHarness.op(BuiltinOperator.FULLY_CONNECTED, options);
        h.inputInt8(inShape, 1f, 0, new byte[prod(inShape)]);
        h.constantInt8(wShape, wq, new byte[prod(wShape)]);
        h.outputInt8(outShape, 1f, 0);
        return h;
    }

    private static final BuiltinOptions.FullyConnected PLAIN =
            new BuiltinOptions.FullyConnected(Activation.NONE, 0, false, false);

    @Test
    void refuses_shuffled_weights() {
        assertRefused(int8Case(new BuiltinOptions.FullyConnected(Activation.NONE, 1, false, false),
                new int[] {1, 3}, new int[] {2, 3}, perTensor(1f), new int[] {1, 2}), new FullyConnected());
    }

    @Test
    void refuses_hybrid_float_input_with_int8_weights() {
        for (boolean asymmetric : new boolean[] {false, true}) {
            KernelHarness h = KernelHarness.op(BuiltinOperator.FULLY_CONNECTED,
                    new BuiltinOptions.FullyConnected(Activation.NONE, 0, false, asymmetric));
            h.inputFloat(new int[] {1, 3}, new float[3]);
            h.constantInt8(new int[] {2, 3}, perTensor(1f), new byte[6]);
            h.outputFloat(new int[] {1, 2});
            assertRefused(h, new FullyConnected());
        }
    }

    @Test
    void refuses_inconsistent_shapes() {
        // 4 input elements are not rows of 3.
        assertRefused(int8Case(PLAIN, new int[] {1, 4}, new int[] {2, 3}, perTensor(1f), new int[] {1, 2}),
                new FullyConnected());
        // Output rows or units wrong.
        assertRefused(int8Case(PLAIN, new int[] {2, 3}, new int[] {2, 3}, perTensor(1f), new int[] {1, 2}),
                new FullyConnected());
        assertRefused(int8Case(PLAIN, new int[] {1, 3}, new int[] {2, 3}, perTensor(1f), new int[] {1, 3}),
                new FullyConnected());
        // Weights of rank 3, zero-size weights, zero-size input.
        assertRefused(int8Case(PLAIN, new int[] {1, 3}, new int[] {2, 1, 3}, perTensor(1f), new int[] {1, 2}),
                new FullyConnected());
        assertRefused(int8Case(PLAIN, new int[] {1, 3}, new int[] {0, 3}, perTensor(1f), new int[] {1, 0}),
                new FullyConnected());
        assertRefused(int8Case(PLAIN, new int[] {0, 3}, new int[] {2, 3}, perTensor(1f), new int[] {0, 2}),
                new FullyConnected());
    }

    @Test
    void refuses_bad_weight_quantization() {
        // Three scales for two units; per-channel along the depth; asymmetric per-channel weights.
        assertRefused(int8Case(PLAIN, new int[] {1, 3}, new int[] {2, 3}, perChannel(0, 1f, 1f, 1f),
                new int[] {1, 2}), new FullyConnected());
        assertRefused(int8Case(PLAIN, new int[] {1, 2}, new int[] {2, 2}, perChannel(1, 1f, 1f),
                new int[] {1, 2}), new FullyConnected());
        assertRefused(int8Case(PLAIN, new int[] {1, 3}, new int[] {2, 3},
                new Quantization(new float[] {1f, 1f}, new long[] {0, 2}, 0), new int[] {1, 2}),
                new FullyConnected());
        assertRefused(int8Case(PLAIN, new int[] {1, 3}, new int[] {2, 3}, Quantization.NONE, new int[] {1, 2}),
                new FullyConnected());
    }

    @Test
    void refuses_a_bias_of_the_wrong_size_or_scale() {
        KernelHarness h = int8Case(PLAIN, new int[] {1, 3}, new int[] {2, 3}, perTensor(1f), new int[] {1, 2});
        h.constantInt32(new int[] {3}, Quantization.NONE, new int[3]);
        assertRefused(h, new FullyConnected());
        // Bias scale 2 while input · weight scale is 1: off by 100% of the output scale (TFLite allows 2%).
        h = KernelHarness.op(BuiltinOperator.FULLY_CONNECTED, PLAIN);
        h.inputInt8(new int[] {1, 3}, 1f, 0, new byte[3]);
        h.constantInt8(new int[] {2, 3}, perTensor(1f), new byte[6]);
        h.constantInt32(new int[] {2}, Quantization.perTensor(2f, 0), new int[2]);
        h.outputInt8(new int[] {1, 2}, 1f, 0);
        assertRefused(h, new FullyConnected());
    }

    @Test
    void refuses_unsupported_types_and_activations() {
        assertRefused(int8Case(new BuiltinOptions.FullyConnected(Activation.TANH, 0, false, false),
                new int[] {1, 3}, new int[] {2, 3}, perTensor(1f), new int[] {1, 2}), new FullyConnected());
        KernelHarness h = KernelHarness.op(BuiltinOperator.FULLY_CONNECTED, PLAIN);
        h.input(Tensor.allocate(new TensorSpec(90, "i16", TensorType.INT16, new int[] {1, 3}, null,
                Quantization.perTensor(1f, 0), 0, null, false)));
        h.constantInt8(new int[] {2, 3}, perTensor(1f), new byte[6]);
        h.output(TensorType.INT16, new int[] {1, 2}, Quantization.perTensor(1f, 0));
        assertRefused(h, new FullyConnected());
        // Missing weights.
        h = KernelHarness.op(BuiltinOperator.FULLY_CONNECTED, PLAIN);
        h.inputInt8(new int[] {1, 3}, 1f, 0, new byte[3]);
        h.outputInt8(new int[] {1, 2}, 1f, 0);
        assertRefused(h, new FullyConnected());
    }

    // ---- random data ---------------------------------------------------------------------------------------

    /** reference_integer_ops::FullyConnected / FullyConnectedPerChannel as TFLM and TFLite 2.20+ write them. */
    private static byte[] naive(ReferenceSemantics semantics, byte[] input, int batches, int depth, byte[] weights,
                                int units, int weightsZp, boolean perChannel, float inScale, float[] wScales,
                                float outScale, int inZp, int outZp, int[] bias, int actMin, int actMax) {
        byte[] out = new byte[batches * units];
        for (int b = 0; b < batches; b++) {
            for (int oc = 0; oc < units; oc++) {
                int acc = 0;
                for (int d = 0; d < depth; d++) {
                    int x = input[b * depth + d];
                    int w = weights[oc * depth + d];
                    acc += (w - weightsZp) * (x - inZp);
                }
                if (bias != null) {
                    acc += bias[oc];
                }
                int v;
                if (semantics == ReferenceSemantics.TFLITE) {
                    double eff = (double) inScale * (double) wScales[oc] / (double) outScale;
                    double p = (double) acc * eff;
                    // C round(): half away from zero.
                    v = (int) (p >= 0 ? Math.floor(p + 0.5) : -Math.floor(-p + 0.5));
                } else {
                    double real = perChannel
                            ? (double) inScale * (double) wScales[oc] / (double) outScale
                            : (double) (inScale * wScales[oc]) / (double) outScale;
                    QuantizedMultiplier m = FixedPoint.quantizeMultiplier(real);
                    v = FixedPoint.multiplyByQuantizedMultiplier(acc, m.multiplier(), m.shift());
                }
                v += outZp;
                v = Math.max(v, actMin);
                v = Math.min(v, actMax);
                out[b * units + oc] = (byte) v;
            }
        }
        return out;
    }

    @Test
    void matches_the_literal_reference_bit_for_bit_under_both_semantics() {
        Random r = new Random(42);
        for (int trial = 0; trial < 400; trial++) {
            ReferenceSemantics semantics = trial % 2 == 0 ? ReferenceSemantics.TFLM : ReferenceSemantics.TFLITE;
            int batches = 1 + r.nextInt(3);
            int depth = 1 + r.nextInt(40);
            int units = 1 + r.nextInt(10);
            boolean perChannel = r.nextBoolean();
            boolean withBias = r.nextBoolean();
            Activation a = ConvTestSupport.randomActivation(r);
            float inScale = 0.01f + r.nextFloat() * 0.1f;
            float outScale = 0.02f + r.nextFloat() * 0.2f;
            int inZp = r.nextInt(256) - 128;
            int outZp = r.nextInt(256) - 128;
            int weightsZp = perChannel ? 0 : r.nextInt(9) - 4;
            float[] wScales = new float[units];
            for (int i = 0; i < units; i++) {
                wScales[i] = perChannel || i == 0 ? 0.001f + r.nextFloat() * 0.02f : wScales[0];
            }
            byte[] input = ConvTestSupport.randomBytes(r, batches * depth);
            byte[] weights = ConvTestSupport.randomBytes(r, units * depth);
            int[] bias = withBias ? ConvTestSupport.randomInts(r, units, 30000) : null;
            ActivationRange range = ActivationRange.int8(a, Quantization.perTensor(outScale, outZp));

            KernelHarness h = KernelHarness.op(BuiltinOperator.FULLY_CONNECTED,
                    new BuiltinOptions.FullyConnected(a, 0, false, false)).semantics(semantics);
            h.inputInt8(new int[] {batches, depth}, inScale, inZp, input);
            h.constantInt8(new int[] {units, depth},
                    perChannel ? perChannel(0, wScales) : Quantization.perTensor(wScales[0], weightsZp), weights);
            if (withBias) {
                h.constantInt32(new int[] {units}, Quantization.NONE, bias);
            }
            Tensor out = h.outputInt8(new int[] {batches, units}, outScale, outZp);
            h.run(new FullyConnected());
            byte[] expected = naive(semantics, input, batches, depth, weights, units, weightsZp, perChannel, inScale,
                    wScales, outScale, inZp, outZp, bias, range.min(), range.max());
            assertArrayEquals(expected, out.toByteArray(), "trial " + trial + " " + semantics);
        }
    }

    @Test
    void float32_matches_tflites_literal_loop_bit_for_bit() {
        Random r = new Random(42);
        for (int trial = 0; trial < 200; trial++) {
            int batches = 1 + r.nextInt(3);
            int depth = 1 + r.nextInt(50);
            int units = 1 + r.nextInt(10);
            float[] input = ConvTestSupport.randomFloats(r, batches * depth, 3f);
            float[] weights = ConvTestSupport.randomFloats(r, units * depth, 1f);
            float[] bias = r.nextBoolean() ? ConvTestSupport.randomFloats(r, units, 1f) : null;
            Activation a = ConvTestSupport.randomActivation(r);
            float[] clamp = ConvCommon.floatActivation(ConvTestSupport.context(), a);
            float[] expected = new float[batches * units];
            for (int b = 0; b < batches; b++) {
                for (int oc = 0; oc < units; oc++) {
                    float total = 0f;
                    for (int d = 0; d < depth; d++) {
                        total += input[b * depth + d] * weights[oc * depth + d];
                    }
                    float biasValue = bias != null ? bias[oc] : 0f;
                    expected[b * units + oc] = ConvTestSupport.stdClamp(total + biasValue, clamp[0], clamp[1]);
                }
            }
            KernelHarness h = fc(a, false);
            h.inputFloat(new int[] {batches, depth}, input);
            h.constantFloat(new int[] {units, depth}, weights);
            if (bias != null) {
                h.constantFloat(new int[] {units}, bias);
            }
            Tensor out = h.outputFloat(new int[] {batches, units});
            h.run(new FullyConnected());
            assertArrayEquals(expected, out.toFloatArray(), "trial " + trial);
        }
    }

    @Test
    void int8_agrees_with_float_within_one_output_step_under_both_semantics() {
        Random r = new Random(42);
        for (int trial = 0; trial < 100; trial++) {
            int depth = 4 + r.nextInt(60);
            int units = 1 + r.nextInt(12);
            float[] realIn = new float[depth];
            for (int i = 0; i < depth; i++) {
                realIn[i] = r.nextFloat() * 6f;
            }
            ConvTestSupport.QuantizedInput in = new ConvTestSupport.QuantizedInput(new int[] {1, depth}, realIn,
                    6f / 255f, -128);
            int[] wShape = {units, depth};
            boolean perChannel = r.nextBoolean();
            ConvTestSupport.QuantizedWeights qw = new ConvTestSupport.QuantizedWeights(
                    ConvTestSupport.randomFloats(r, units * depth, 0.3f), wShape, 0);
            float[] scales = qw.scales;
            byte[] qW = qw.q;
            if (!perChannel) {
                // Requantize every row with the largest scale so one scale fits all.
                float s = 0;
                for (float x : qw.scales) {
                    s = Math.max(s, x);
                }
                float[] deq = qw.dequantized();
                qW = new byte[deq.length];
                for (int i = 0; i < deq.length; i++) {
                    qW[i] = (byte) Math.round(deq[i] / s);
                }
                scales = new float[units];
                java.util.Arrays.fill(scales, s);
            }
            float[] deqW = new float[qW.length];
            for (int i = 0; i < qW.length; i++) {
                deqW[i] = scales[i / depth] * qW[i];
            }
            float[] realBias = new float[units];
            for (int c = 0; c < units; c++) {
                realBias[c] = r.nextFloat() - 0.5f;
            }
            ConvTestSupport.QuantizedBias bias = new ConvTestSupport.QuantizedBias(realBias, in.scale, scales);
            KernelHarness fh = fc(Activation.NONE, false);
            fh.inputFloat(in.shape, in.dequantized);
            fh.constantFloat(wShape, deqW);
            fh.constantFloat(new int[] {units}, bias.dequantized);
            Tensor fOut = fh.outputFloat(new int[] {1, units});
            fh.run(new FullyConnected());
            float[] expected = fOut.toFloatArray();
            float outScale = ConvTestSupport.outputScaleCovering(expected);
            for (ReferenceSemantics semantics : ReferenceSemantics.values()) {
                KernelHarness ih = fc(Activation.NONE, false).semantics(semantics);
                ih.inputInt8(in.shape, in.scale, in.zeroPoint, in.q);
                ih.constantInt8(wShape, perChannel ? perChannel(0, scales) : perTensor(scales[0]), qW);
                ih.constantInt32(new int[] {units}, Quantization.NONE, bias.q);
                Tensor iOut = ih.outputInt8(new int[] {1, units}, outScale, 0);
                ih.run(new FullyConnected());
                ConvTestSupport.assertWithinOneOutputStep(expected, iOut.toFloatArray(), outScale,
                        "trial " + trial + " " + semantics);
            }
        }
    }

    @Test
    void invoke_allocates_nothing() {
        for (ReferenceSemantics semantics : ReferenceSemantics.values()) {
            KernelHarness h = fc(Activation.RELU, false).semantics(semantics);
            h.inputInt8(new int[] {2, 16}, 0.1f, 3, new byte[32]);
            h.constantInt8(new int[] {8, 16}, perTensor(0.01f), new byte[128]);
            h.constantInt32(new int[] {8}, Quantization.NONE, new int[8]);
            h.outputInt8(new int[] {2, 8}, 0.05f, -2);
            ConvTestSupport.assertInvokeAllocatesNothing(h.prepare(new FullyConnected()));
        }
        KernelHarness f = fc(Activation.NONE, false);
        f.inputFloat(new int[] {1, 16}, new float[16]);
        f.constantFloat(new int[] {8, 16}, new float[128]);
        f.outputFloat(new int[] {1, 8});
        ConvTestSupport.assertInvokeAllocatesNothing(f.prepare(new FullyConnected()));
    }
}
