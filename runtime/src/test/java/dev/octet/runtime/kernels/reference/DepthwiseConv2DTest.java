package dev.octet.runtime.kernels.reference;

import static dev.octet.runtime.kernels.reference.ConvTestSupport.assertRefused;
import static dev.octet.runtime.kernels.reference.ConvTestSupport.bytes;
import static dev.octet.runtime.kernels.reference.ConvTestSupport.perChannel;
import static dev.octet.runtime.kernels.reference.ConvTestSupport.perTensor;
import static dev.octet.runtime.kernels.reference.ConvTestSupport.prod;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.runtime.kernels.KernelHarness;
import dev.octet.runtime.model.Activation;
import dev.octet.runtime.model.BuiltinOperator;
import dev.octet.runtime.model.BuiltinOptions;
import dev.octet.runtime.model.Padding;
import dev.octet.runtime.model.Quantization;
import dev.octet.runtime.quant.ActivationRange;
import dev.octet.runtime.quant.FixedPoint;
import dev.octet.runtime.quant.QuantizedMultiplier;
import dev.octet.runtime.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DepthwiseConv2DTest {

    private static KernelHarness dw(Padding p, int stride, int multiplier, int dilation, Activation a) {
        return KernelHarness.op(BuiltinOperator.DEPTHWISE_CONV_2D,
                new BuiltinOptions.DepthwiseConv2D(p, stride, stride, multiplier, a, dilation, dilation));
    }

    @Test
    void computes_depth_multiplier_two_with_per_channel_scales_by_hand() {
        // Input 3x3x2: channel 0 the grid 1..9, channel 1 all ones (scale 1, zp 0). Multiplier 2 -> 4 outputs,
        // output channel ic·2 + m. 2x2 filters, VALID: out 2x2.
        //   oc0 (ic0): [[1,0],[0,0]] picks the top-left: 1, 2, 4, 5.
        //   oc1 (ic0): [[0,0],[0,1]] picks the bottom-right: 5, 6, 8, 9; scale 0.5 -> 2.5, 3, 4, 4.5, rounded half
        //        away from zero: 3, 3, 4, 5.
        //   oc2 (ic1): all ones: 4, plus bias 10 -> 14.
        //   oc3 (ic1): [[1,−1],[0,0]]: 0, plus bias −1 -> −1.
        byte[] input = new byte[18];
        for (int i = 0; i < 9; i++) {
            input[2 * i] = (byte) (i + 1);
            input[2 * i + 1] = 1;
        }
        KernelHarness h = dw(Padding.VALID, 1, 2, 1, Activation.NONE);
        h.inputInt8(new int[] {1, 3, 3, 2}, 1f, 0, input);
        // [1, H, W, 4]: tap (0,0) [1,0,1,1], (0,1) [0,0,1,−1], (1,0) [0,0,1,0], (1,1) [0,1,1,0].
        h.constantInt8(new int[] {1, 2, 2, 4}, perChannel(3, 1f, 0.5f, 1f, 1f),
                bytes(1, 0, 1, 1, 0, 0, 1, -1, 0, 0, 1, 0, 0, 1, 1, 0));
        h.constantInt32(new int[] {4}, perChannel(0, 1f, 0.5f, 1f, 1f), new int[] {0, 0, 10, -1});
        Tensor out = h.outputInt8(new int[] {1, 2, 2, 4}, 1f, 0);
        h.run(new DepthwiseConv2D());
        assertArrayEquals(bytes(1, 3, 14, -1, 2, 3, 14, -1, 4, 4, 14, -1, 5, 5, 14, -1), out.toByteArray());
    }

    @Test
    void same_padding_sums_only_in_bounds_neighbours() {
        KernelHarness h = dw(Padding.SAME, 1, 1, 1, Activation.NONE);
        h.inputInt8(new int[] {1, 3, 3, 1}, 1f, 1, bytes(2, 3, 4, 5, 6, 7, 8, 9, 10));
        h.constantInt8(new int[] {1, 3, 3, 1}, perTensor(1f), bytes(1, 1, 1, 1, 1, 1, 1, 1, 1));
        Tensor out = h.outputInt8(new int[] {1, 3, 3, 1}, 1f, 0);
        h.run(new DepthwiseConv2D());
        assertArrayEquals(bytes(12, 21, 16, 27, 45, 33, 24, 39, 28), out.toByteArray());
    }

    @Test
    void stride_two_and_dilation_two_with_same_padding() {
        // 5x5 ones (zp −4, values −3), 2x2 ones filter, dilation 2 (effective 3), stride 2, SAME: out 3x3,
        // total padding 2·2 + 3 − 5 = 2 -> 1 before. Output (i,j) reads rows 2i−1, 2i+1 and the same columns:
        // i = 0 sees only row 1, i = 1 rows 1 and 3, i = 2 row 3 (row 5 is outside). Counts 1·1, 1·2, 1·1, ...
        byte[] ones = new byte[25];
        java.util.Arrays.fill(ones, (byte) -3);
        KernelHarness h = dw(Padding.SAME, 2, 1, 2, Activation.NONE);
        h.inputInt8(new int[] {1, 5, 5, 1}, 1f, -4, ones);
        h.constantInt8(new int[] {1, 2, 2, 1}, perTensor(1f), bytes(1, 1, 1, 1));
        Tensor out = h.outputInt8(new int[] {1, 3, 3, 1}, 1f, 0);
        h.run(new DepthwiseConv2D());
        assertArrayEquals(bytes(1, 2, 1, 2, 4, 2, 1, 2, 1), out.toByteArray());
    }

    @Test
    void derives_the_depth_multiplier_from_the_shapes_like_tflite() {
        // The options claim multiplier 1 but the filter has 2 channels per input channel: the shapes win.
        KernelHarness h = dw(Padding.VALID, 1, 1, 1, Activation.NONE);
        h.inputInt8(new int[] {1, 1, 1, 1}, 1f, 0, bytes(3));
        h.constantInt8(new int[] {1, 1, 1, 2}, perTensor(1f), bytes(2, -1));
        Tensor out = h.outputInt8(new int[] {1, 1, 1, 2}, 1f, 0);
        h.run(new DepthwiseConv2D());
        assertArrayEquals(bytes(6, -3), out.toByteArray());
    }

    @Test
    void clamps_fused_relu6_at_both_ends() {
        // Output scale 0.1: x -> 10x, RELU6 range [0, 60].
        KernelHarness h = dw(Padding.VALID, 1, 1, 1, Activation.RELU6);
        h.inputInt8(new int[] {1, 1, 1, 3}, 1f, 0, bytes(-3, 1, 9));
        h.constantInt8(new int[] {1, 1, 1, 3}, perTensor(1f), bytes(1, 1, 1));
        Tensor out = h.outputInt8(new int[] {1, 1, 1, 3}, 0.1f, 0);
        h.run(new DepthwiseConv2D());
        assertArrayEquals(bytes(0, 10, 60), out.toByteArray());
    }

    @Test
    void runs_float32_with_multiplier_and_bias() {
        // Input 1x1x2 [2, −1], multiplier 2, weights [1, 0.5, −1, 3], bias [0.25, 0, 0, −1].
        KernelHarness h = dw(Padding.VALID, 1, 2, 1, Activation.NONE);
        h.inputFloat(new int[] {1, 1, 1, 2}, new float[] {2f, -1f});
        h.constantFloat(new int[] {1, 1, 1, 4}, new float[] {1f, 0.5f, -1f, 3f});
        h.constantFloat(new int[] {4}, new float[] {0.25f, 0f, 0f, -1f});
        Tensor out = h.outputFloat(new int[] {1, 1, 1, 4});
        h.run(new DepthwiseConv2D());
        assertArrayEquals(new float[] {2.25f, 1f, 1f, -4f}, out.toFloatArray());
    }

    @Test
    void runs_weight_only_quantized_float_models_with_dequantized_weights() {
        // int8 weights [4, −2] with per-channel scales [0.25, 1.5] along dimension 3: 1.0 and −3.0.
        KernelHarness h = dw(Padding.VALID, 1, 1, 1, Activation.NONE);
        h.inputFloat(new int[] {1, 1, 1, 2}, new float[] {2f, 0.5f});
        h.constantInt8(new int[] {1, 1, 1, 2}, perChannel(3, 0.25f, 1.5f), bytes(4, -2));
        Tensor out = h.outputFloat(new int[] {1, 1, 1, 2});
        h.run(new DepthwiseConv2D());
        assertArrayEquals(new float[] {2f, -1.5f}, out.toFloatArray());
    }

    // ---- refusals ----------------------------------------------------------------------------------------

    private static KernelHarness simple(int[] inShape, int[] filterShape, int[] outShape, Quantization wq) {
        KernelHarness h = dw(Padding.VALID, 1, 1, 1, Activation.NONE);
        h.inputInt8(inShape, 1f, 0, new byte[prod(inShape)]);
        h.constantInt8(filterShape, wq, new byte[prod(filterShape)]);
        h.outputInt8(outShape, 1f, 0);
        return h;
    }

    @Test
    void refuses_filter_channels_that_are_not_a_multiple_of_the_input_channels() {
        assertRefused(simple(new int[] {1, 1, 1, 2}, new int[] {1, 1, 1, 3}, new int[] {1, 1, 1, 3},
                perTensor(1f)), new DepthwiseConv2D());
    }

    @Test
    void refuses_a_filter_whose_first_dimension_is_not_one() {
        assertRefused(simple(new int[] {1, 1, 1, 2}, new int[] {2, 1, 1, 2}, new int[] {1, 1, 1, 2},
                perTensor(1f)), new DepthwiseConv2D());
    }

    @Test
    void refuses_scales_along_the_wrong_dimension_or_of_the_wrong_count() {
        assertRefused(simple(new int[] {1, 1, 1, 2}, new int[] {1, 1, 1, 2}, new int[] {1, 1, 1, 2},
                perChannel(0, 1f, 1f)), new DepthwiseConv2D());
        assertRefused(simple(new int[] {1, 1, 1, 2}, new int[] {1, 1, 1, 2}, new int[] {1, 1, 1, 2},
                perChannel(3, 1f, 1f, 1f)), new DepthwiseConv2D());
    }

    @Test
    void refuses_zero_size_and_mismatched_shapes() {
        assertRefused(simple(new int[] {1, 1, 1, 0}, new int[] {1, 1, 1, 0}, new int[] {1, 1, 1, 0},
                perTensor(1f)), new DepthwiseConv2D());
        assertRefused(simple(new int[] {1, 2, 2, 1}, new int[] {1, 1, 1, 1}, new int[] {1, 2, 2, 2},
                perTensor(1f)), new DepthwiseConv2D());
        assertRefused(simple(new int[] {1, 2, 2, 1}, new int[] {1, 3, 3, 1}, new int[] {1, 1, 1, 1},
                perTensor(1f)), new DepthwiseConv2D());
    }

    @Test
    void refuses_unsupported_activation_and_mixed_types() {
        KernelHarness h = dw(Padding.VALID, 1, 1, 1, Activation.TANH);
        h.inputInt8(new int[] {1, 1, 1, 1}, 1f, 0, bytes(1));
        h.constantInt8(new int[] {1, 1, 1, 1}, perTensor(1f), bytes(1));
        h.outputInt8(new int[] {1, 1, 1, 1}, 1f, 0);
        assertRefused(h, new DepthwiseConv2D());
        h = dw(Padding.VALID, 1, 1, 1, Activation.NONE);
        h.inputInt8(new int[] {1, 1, 1, 1}, 1f, 0, bytes(1));
        h.constantFloat(new int[] {1, 1, 1, 1}, new float[] {1f});
        h.outputInt8(new int[] {1, 1, 1, 1}, 1f, 0);
        assertRefused(h, new DepthwiseConv2D());
        h = dw(Padding.VALID, 1, 1, 1, Activation.NONE);
        h.inputFloat(new int[] {1, 1, 1, 1}, new float[] {1f});
        h.constantFloat(new int[] {1, 1, 1, 1}, new float[] {1f});
        h.outputInt8(new int[] {1, 1, 1, 1}, 1f, 0);
        assertRefused(h, new DepthwiseConv2D());
    }

    // ---- random data ---------------------------------------------------------------------------------------

    @Test
    void matches_tflms_literal_loops_bit_for_bit_on_random_int8_and_float_cases() {
        Random r = new Random(42);
        for (int trial = 0; trial < 300; trial++) {
            ConvTestSupport.ConvCase c = new ConvTestSupport.ConvCase();
            int multiplier;
            do {
                c.batches = 1 + r.nextInt(2);
                c.inH = 1 + r.nextInt(7);
                c.inW = 1 + r.nextInt(7);
                c.inC = 1 + r.nextInt(5);
                multiplier = 1 + r.nextInt(3);
                c.outC = c.inC * multiplier;
                c.fh = 1 + r.nextInt(3);
                c.fw = 1 + r.nextInt(3);
                c.strideH = 1 + r.nextInt(3);
                c.strideW = 1 + r.nextInt(3);
                c.dilH = 1 + r.nextInt(2);
                c.dilW = 1 + r.nextInt(2);
                c.padding = r.nextBoolean() ? Padding.SAME : Padding.VALID;
                c.computeGeometry();
            } while (c.outH < 1 || c.outW < 1);
            Activation a = ConvTestSupport.randomActivation(r);
            boolean perChannel = r.nextBoolean();
            boolean withBias = r.nextBoolean();
            float inScale = 0.01f + r.nextFloat() * 0.1f;
            float outScale = 0.01f + r.nextFloat() * 0.1f;
            int inZp = r.nextInt(256) - 128;
            c.inputOffset = -inZp;
            c.outputZp = r.nextInt(256) - 128;
            float[] scales = new float[c.outC];
            for (int i = 0; i < c.outC; i++) {
                scales[i] = perChannel || i == 0 ? 0.001f + r.nextFloat() * 0.05f : scales[0];
            }
            c.mult = new int[c.outC];
            c.shift = new int[c.outC];
            for (int i = 0; i < c.outC; i++) {
                QuantizedMultiplier m = FixedPoint.quantizeMultiplier((double) inScale * scales[i] / outScale);
                c.mult[i] = m.multiplier();
                c.shift[i] = m.shift();
            }
            ActivationRange range = ActivationRange.int8(a, Quantization.perTensor(outScale, c.outputZp));
            c.actMin = range.min();
            c.actMax = range.max();
            int[] inShape = {c.batches, c.inH, c.inW, c.inC};
            int[] wShape = {1, c.fh, c.fw, c.outC};
            int[] outShape = {c.batches, c.outH, c.outW, c.outC};
            byte[] input = ConvTestSupport.randomBytes(r, prod(inShape));
            byte[] filter = ConvTestSupport.randomBytes(r, prod(wShape));
            int[] bias = withBias ? ConvTestSupport.randomInts(r, c.outC, 20000) : null;
            BuiltinOptions.DepthwiseConv2D options = new BuiltinOptions.DepthwiseConv2D(c.padding, c.strideW,
                    c.strideH, multiplier, a, c.dilW, c.dilH);

            KernelHarness h = KernelHarness.op(BuiltinOperator.DEPTHWISE_CONV_2D, options);
            h.inputInt8(inShape, inScale, inZp, input);
            h.constantInt8(wShape, perChannel ? perChannel(3, scales) : perTensor(scales[0]), filter);
            if (withBias) {
                h.constantInt32(new int[] {c.outC}, Quantization.NONE, bias);
            }
            Tensor out = h.outputInt8(outShape, outScale, c.outputZp);
            h.run(new DepthwiseConv2D());
            assertArrayEquals(ConvTestSupport.naiveDepthwiseInt8(c, multiplier, input, filter, bias),
                    out.toByteArray(), "int8 trial " + trial);

            float[] clamp = ConvCommon.floatActivation(ConvTestSupport.context(), a);
            c.fActMin = clamp[0];
            c.fActMax = clamp[1];
            float[] fIn = ConvTestSupport.randomFloats(r, prod(inShape), 3f);
            float[] fW = ConvTestSupport.randomFloats(r, prod(wShape), 1f);
            float[] fB = withBias ? ConvTestSupport.randomFloats(r, c.outC, 1f) : null;
            KernelHarness fh = KernelHarness.op(BuiltinOperator.DEPTHWISE_CONV_2D, options);
            fh.inputFloat(inShape, fIn);
            fh.constantFloat(wShape, fW);
            if (withBias) {
                fh.constantFloat(new int[] {c.outC}, fB);
            }
            Tensor fOut = fh.outputFloat(outShape);
            fh.run(new DepthwiseConv2D());
            assertArrayEquals(ConvTestSupport.naiveDepthwiseFloat(c, multiplier, fIn, fW, fB), fOut.toFloatArray(),
                    "float trial " + trial);
        }
    }

    @Test
    void int8_agrees_with_float_within_one_output_step_on_random_data() {
        Random r = new Random(42);
        for (int trial = 0; trial < 100; trial++) {
            int inH = 3 + r.nextInt(6);
            int inW = 3 + r.nextInt(6);
            int inC = 1 + r.nextInt(4);
            int multiplier = 1 + r.nextInt(2);
            int outC = inC * multiplier;
            int k = 1 + r.nextInt(3);
            int stride = 1 + r.nextInt(2);
            Padding p = r.nextBoolean() ? Padding.SAME : Padding.VALID;
            int outH = ConvTestSupport.outSize(p, inH, k, stride, 1);
            int outW = ConvTestSupport.outSize(p, inW, k, stride, 1);
            if (outH < 1 || outW < 1) {
                continue;
            }
            ConvTestSupport.QuantizedInput in = new ConvTestSupport.QuantizedInput(new int[] {1, inH, inW, inC},
                    ConvTestSupport.randomFloats(r, inH * inW * inC, 2f), 4f / 255f, 3);
            int[] wShape = {1, k, k, outC};
            ConvTestSupport.QuantizedWeights qw = new ConvTestSupport.QuantizedWeights(
                    ConvTestSupport.randomFloats(r, prod(wShape), 1f), wShape, 3);
            ConvTestSupport.QuantizedBias bias = new ConvTestSupport.QuantizedBias(
                    ConvTestSupport.randomFloats(r, outC, 0.5f), in.scale, qw.scales);
            BuiltinOptions.DepthwiseConv2D options = new BuiltinOptions.DepthwiseConv2D(p, stride, stride,
                    multiplier, Activation.NONE, 1, 1);
            ConvTestSupport.assertInt8AgreesWithFloat("trial " + trial, BuiltinOperator.DEPTHWISE_CONV_2D, options,
                    new DepthwiseConv2D(), in, qw, bias, new int[] {1, outH, outW, outC});
        }
    }

    @Test
    void invoke_allocates_nothing() {
        KernelHarness h = dw(Padding.SAME, 1, 2, 1, Activation.RELU);
        h.inputInt8(new int[] {1, 4, 4, 3}, 0.1f, 2, new byte[48]);
        h.constantInt8(new int[] {1, 3, 3, 6}, perTensor(0.01f), new byte[54]);
        h.constantInt32(new int[] {6}, Quantization.NONE, new int[6]);
        h.outputInt8(new int[] {1, 4, 4, 6}, 0.2f, -3);
        ConvTestSupport.assertInvokeAllocatesNothing(h.prepare(new DepthwiseConv2D()));
        KernelHarness f = dw(Padding.SAME, 1, 1, 1, Activation.NONE);
        f.inputFloat(new int[] {1, 4, 4, 3}, new float[48]);
        f.constantFloat(new int[] {1, 3, 3, 3}, new float[27]);
        f.outputFloat(new int[] {1, 4, 4, 3});
        ConvTestSupport.assertInvokeAllocatesNothing(f.prepare(new DepthwiseConv2D()));
    }
}
