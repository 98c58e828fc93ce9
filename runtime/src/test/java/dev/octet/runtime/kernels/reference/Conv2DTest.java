package dev.octet.runtime.kernels.reference;

import static dev.octet.runtime.kernels.reference.ConvTestSupport.assertRefused;
import static dev.octet.runtime.kernels.reference.ConvTestSupport.bytes;
import static dev.octet.runtime.kernels.reference.ConvTestSupport.perChannel;
import static dev.octet.runtime.kernels.reference.ConvTestSupport.perTensor;
import static dev.octet.runtime.kernels.reference.ConvTestSupport.prod;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.runtime.kernels.KernelHarness;
import dev.octet.runtime.kernels.PreparedOp;
import dev.octet.runtime.model.Activation;
import dev.octet.runtime.model.BuiltinOperator;
import dev.octet.runtime.model.BuiltinOptions;
import dev.octet.runtime.model.Padding;
import dev.octet.runtime.model.Quantization;
import dev.octet.runtime.model.TensorType;
import dev.octet.runtime.quant.FixedPoint;
import dev.octet.runtime.quant.QuantizedMultiplier;
import dev.octet.runtime.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Conv2DTest {

    private static KernelHarness conv(Padding p, int stride, int dilation, Activation a) {
        return KernelHarness.op(BuiltinOperator.CONV_2D,
                new BuiltinOptions.Conv2D(p, stride, stride, a, dilation, dilation));
    }

    private static final byte[] GRID_PLUS_ONE = bytes(2, 3, 4, 5, 6, 7, 8, 9, 10); // zp 1 -> 1..9

    @Test
    void computes_a_valid_3x3_by_2x2_convolution_with_per_channel_multipliers() {
        // Input zp 1, scale 0.5: q − zp is the grid 1..9.
        // Channel 0: filter [[1,2],[3,4]] scale 0.25, bias 3. Windows: 1+4+12+20 = 37, 2+6+15+24 = 47,
        //   4+10+21+32 = 67, 5+12+24+36 = 77; plus bias: 40, 50, 70, 80. Multiplier 0.5·0.25/1 = 1/8:
        //   40/8 = 5, 50/8 = 6.25 -> 6, 70/8 = 8.75 -> 9, 80/8 = 10; plus output zp −5: 0, 1, 4, 5.
        // Channel 1: filter [[−1,0],[0,1]] scale 0.5, bias −2. Windows all 4 (e.g. −1+5), plus bias 2.
        //   Multiplier 0.5·0.5 = 1/4: 2/4 = 0.5 -> 1 (half away from zero); plus zp: −4.
        KernelHarness h = conv(Padding.VALID, 1, 1, Activation.NONE);
        h.inputInt8(new int[] {1, 3, 3, 1}, 0.5f, 1, GRID_PLUS_ONE);
        h.constantInt8(new int[] {2, 2, 2, 1}, perChannel(0, 0.25f, 0.5f), bytes(1, 2, 3, 4, -1, 0, 0, 1));
        h.constantInt32(new int[] {2}, perChannel(0, 0.125f, 0.25f), new int[] {3, -2});
        Tensor out = h.outputInt8(new int[] {1, 2, 2, 2}, 1f, -5);
        h.run(new Conv2D());
        assertArrayEquals(bytes(0, -4, 1, -4, 4, -4, 5, -4), out.toByteArray());
    }

    @Test
    void same_padding_treats_the_border_as_real_zeros_and_runs_without_bias() {
        // 3x3 ones filter over the grid 1..9 (input zp 1): each output is the sum of the in-bounds neighbours.
        // Multiplier 1·1/1 = 1 (shift +1).
        KernelHarness h = conv(Padding.SAME, 1, 1, Activation.NONE);
        h.inputInt8(new int[] {1, 3, 3, 1}, 1f, 1, GRID_PLUS_ONE);
        h.constantInt8(new int[] {1, 3, 3, 1}, perTensor(1f), bytes(1, 1, 1, 1, 1, 1, 1, 1, 1));
        Tensor out = h.outputInt8(new int[] {1, 3, 3, 1}, 1f, 0);
        h.run(new Conv2D());
        assertArrayEquals(bytes(12, 21, 16, 27, 45, 33, 24, 39, 28), out.toByteArray());
    }

    @Test
    void stride_two_with_same_padding_counts_border_taps() {
        // 5x5 input whose q − zp is all 1, 3x3 ones filter, stride 2, SAME: out 3x3, padding 1 before.
        // Each output counts its in-bounds taps: corners 4, edges 6, centre 9.
        KernelHarness h = conv(Padding.SAME, 2, 1, Activation.NONE);
        byte[] ones = new byte[25];
        java.util.Arrays.fill(ones, (byte) -3);
        h.inputInt8(new int[] {1, 5, 5, 1}, 1f, -4, ones);
        h.constantInt8(new int[] {1, 3, 3, 1}, perTensor(1f), bytes(1, 1, 1, 1, 1, 1, 1, 1, 1));
        Tensor out = h.outputInt8(new int[] {1, 3, 3, 1}, 1f, 0);
        h.run(new Conv2D());
        assertArrayEquals(bytes(4, 6, 4, 6, 9, 6, 4, 6, 4), out.toByteArray());
    }

    @Test
    void stride_two_on_an_even_input_pads_only_after() {
        // 4x4 ones, 3x3 ones filter, stride 2, SAME: out 2x2, total padding 1 -> 0 before, 1 after.
        // Window rows {0,1,2} and {2,3}: counts 3·3, 3·2, 2·3, 2·2.
        KernelHarness h = conv(Padding.SAME, 2, 1, Activation.NONE);
        byte[] ones = new byte[16];
        java.util.Arrays.fill(ones, (byte) 1);
        h.inputInt8(new int[] {1, 4, 4, 1}, 1f, 0, ones);
        h.constantInt8(new int[] {1, 3, 3, 1}, perTensor(1f), bytes(1, 1, 1, 1, 1, 1, 1, 1, 1));
        Tensor out = h.outputInt8(new int[] {1, 2, 2, 1}, 1f, 0);
        h.run(new Conv2D());
        assertArrayEquals(bytes(9, 6, 6, 4), out.toByteArray());
    }

    @Test
    void dilation_two_spreads_the_taps() {
        // 5x5 input v(r,c) = 5r + c + 1, 2x2 ones filter with dilation 2, VALID: out 3x3,
        // out(i,j) = v(i,j) + v(i,j+2) + v(i+2,j) + v(i+2,j+2) = 4·v(i,j) + 24.
        byte[] grid = new byte[25];
        for (int i = 0; i < 25; i++) {
            grid[i] = (byte) (i + 1);
        }
        KernelHarness h = conv(Padding.VALID, 1, 2, Activation.NONE);
        h.inputInt8(new int[] {1, 5, 5, 1}, 1f, 0, grid);
        h.constantInt8(new int[] {1, 2, 2, 1}, perTensor(1f), bytes(1, 1, 1, 1));
        Tensor out = h.outputInt8(new int[] {1, 3, 3, 1}, 1f, 0);
        h.run(new Conv2D());
        assertArrayEquals(bytes(28, 32, 36, 48, 52, 56, 68, 72, 76), out.toByteArray());
    }

    @Test
    void dilation_two_with_same_padding_skips_taps_outside_the_image() {
        // Grid 1..9, 2x2 ones filter, dilation 2, SAME: effective 3, padding 1. out(i,j) sums
        // v(i−1+2a, j−1+2b) in bounds: corners only see the centre 5, edges two values, the centre the corners.
        KernelHarness h = conv(Padding.SAME, 1, 2, Activation.NONE);
        h.inputInt8(new int[] {1, 3, 3, 1}, 1f, 1, GRID_PLUS_ONE);
        h.constantInt8(new int[] {1, 2, 2, 1}, perTensor(1f), bytes(1, 1, 1, 1));
        Tensor out = h.outputInt8(new int[] {1, 3, 3, 1}, 1f, 0);
        h.run(new Conv2D());
        assertArrayEquals(bytes(5, 10, 5, 10, 20, 10, 5, 10, 5), out.toByteArray());
    }

    private static byte[] oneByOne(Activation a, float outScale, int outZp, int... inputs) {
        // 1x1 conv with weight 1 (per-tensor scale 1, broadcast), input scale 1: real output = input.
        KernelHarness h = conv(Padding.VALID, 1, 1, a);
        h.inputInt8(new int[] {1, 1, inputs.length, 1}, 1f, 0, bytes(inputs));
        h.constantInt8(new int[] {1, 1, 1, 1}, perTensor(1f), bytes(1));
        Tensor out = h.outputInt8(new int[] {1, 1, inputs.length, 1}, outScale, outZp);
        h.run(new Conv2D());
        return out.toByteArray();
    }

    @Test
    void saturates_at_both_ends_of_int8() {
        // Output scale 0.1: q = 10·x. −20 -> −200 -> −128; 20 -> 200 -> 127.
        assertArrayEquals(bytes(-128, 10, 127), oneByOne(Activation.NONE, 0.1f, 0, -20, 1, 20));
    }

    @Test
    void clamps_fused_activations_at_both_ends() {
        // RELU6 at scale 0.1: [0, 60]. −3 -> −30 -> 0, 1 -> 10, 9 -> 90 -> 60.
        assertArrayEquals(bytes(0, 10, 60), oneByOne(Activation.RELU6, 0.1f, 0, -3, 1, 9));
        // RELU_N1_TO_1: [−10, 10].
        assertArrayEquals(bytes(-10, 10, 10), oneByOne(Activation.RELU_N1_TO_1, 0.1f, 0, -3, 1, 9));
        // RELU with output zp −10: lower bound is the zero point. −3 -> −30 − 10 -> −10.
        assertArrayEquals(bytes(-10, 0, 80), oneByOne(Activation.RELU, 0.1f, -10, -3, 1, 9));
    }

    @Test
    void runs_grouped_convolution() {
        // 4 input channels, filter with 2 input channels -> 2 groups; output 0 reads channels 0–1, output 1
        // reads channels 2–3. Input [1,2,3,4], filters [1,1] and [1,−1]: 1+2 = 3 and 3−4 = −1.
        KernelHarness h = conv(Padding.VALID, 1, 1, Activation.NONE);
        h.inputInt8(new int[] {1, 1, 1, 4}, 1f, 0, bytes(1, 2, 3, 4));
        h.constantInt8(new int[] {2, 1, 1, 2}, perTensor(1f), bytes(1, 1, 1, -1));
        Tensor out = h.outputInt8(new int[] {1, 1, 1, 2}, 1f, 0);
        h.run(new Conv2D());
        assertArrayEquals(bytes(3, -1), out.toByteArray());
    }

    @Test
    void a_huge_stride_reads_only_the_first_position() {
        KernelHarness h = KernelHarness.op(BuiltinOperator.CONV_2D,
                new BuiltinOptions.Conv2D(Padding.SAME, Integer.MAX_VALUE, Integer.MAX_VALUE, Activation.NONE, 1, 1));
        h.inputInt8(new int[] {1, 3, 3, 1}, 1f, 0, bytes(7, 1, 1, 1, 1, 1, 1, 1, 1));
        h.constantInt8(new int[] {1, 1, 1, 1}, perTensor(1f), bytes(2));
        Tensor out = h.outputInt8(new int[] {1, 1, 1, 1}, 1f, 0);
        h.run(new Conv2D());
        assertArrayEquals(bytes(14), out.toByteArray());
    }

    @Test
    void runs_float32_with_same_padding_bias_and_relu6() {
        // Same sums as the int8 SAME case, plus bias 0.5, then RELU6.
        KernelHarness h = conv(Padding.SAME, 1, 1, Activation.RELU6);
        h.inputFloat(new int[] {1, 3, 3, 1}, new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        h.constantFloat(new int[] {1, 3, 3, 1}, new float[] {0.25f, 0.25f, 0.25f, 0.25f, 0.25f, 0.25f, 0.25f,
            0.25f, 0.25f});
        h.constantFloat(new int[] {1}, new float[] {-4f});
        Tensor out = h.outputFloat(new int[] {1, 3, 3, 1});
        h.run(new Conv2D());
        // sums/4 − 4: 12/4−4 = −1 -> 0, 21/4−4 = 1.25, 16/4−4 = 0, 27/4−4 = 2.75, 45/4−4 = 7.25 -> 6,
        // 33/4−4 = 4.25, 24/4−4 = 2, 39/4−4 = 5.75, 28/4−4 = 3.
        assertArrayEquals(new float[] {0f, 1.25f, 0f, 2.75f, 6f, 4.25f, 2f, 5.75f, 3f}, out.toFloatArray());
    }

    @Test
    void runs_float32_grouped() {
        KernelHarness h = conv(Padding.VALID, 1, 1, Activation.NONE);
        h.inputFloat(new int[] {1, 1, 1, 4}, new float[] {1.5f, 2f, 3f, 4f});
        h.constantFloat(new int[] {2, 1, 1, 2}, new float[] {1, 1, 1, -1});
        Tensor out = h.outputFloat(new int[] {1, 1, 1, 2});
        h.run(new Conv2D());
        assertArrayEquals(new float[] {3.5f, -1f}, out.toFloatArray());
    }

    @Test
    void runs_weight_only_quantized_float_models_with_dequantized_weights() {
        // Float input, int8 weights (scale 0.5, zp 0): weights 2·0.5 = 1 and −4·0.5 = −2.
        KernelHarness h = conv(Padding.VALID, 1, 1, Activation.NONE);
        h.inputFloat(new int[] {1, 1, 2, 1}, new float[] {1.5f, -3f});
        h.constantInt8(new int[] {2, 1, 1, 1}, perChannel(0, 0.5f, 0.5f), bytes(2, -4));
        h.constantFloat(new int[] {2}, new float[] {0.25f, 0f});
        Tensor out = h.outputFloat(new int[] {1, 1, 2, 2});
        h.run(new Conv2D());
        assertArrayEquals(new float[] {1.75f, -3f, -2.75f, 6f}, out.toFloatArray());
    }

    @Test
    void clamps_an_infinite_float_sum_to_the_largest_float_like_tflite() {
        KernelHarness h = conv(Padding.VALID, 1, 1, Activation.NONE);
        h.inputFloat(new int[] {1, 1, 1, 1}, new float[] {Float.MAX_VALUE});
        h.constantFloat(new int[] {1, 1, 1, 1}, new float[] {4f});
        Tensor out = h.outputFloat(new int[] {1, 1, 1, 1});
        h.run(new Conv2D());
        assertEquals(Float.MAX_VALUE, out.getFloat(0));
    }

    // ---- refusals ----------------------------------------------------------------------------------------

    private static KernelHarness valid1x1(int[] inShape, int[] filterShape, int[] outShape) {
        KernelHarness h = conv(Padding.VALID, 1, 1, Activation.NONE);
        h.inputInt8(inShape, 1f, 0, new byte[prod(inShape)]);
        h.constantInt8(filterShape, perTensor(1f), new byte[prod(filterShape)]);
        h.outputInt8(outShape, 1f, 0);
        return h;
    }

    @Test
    void refuses_input_channels_that_are_not_a_multiple_of_the_filter_channels() {
        assertRefused(valid1x1(new int[] {1, 1, 1, 3}, new int[] {2, 1, 1, 2}, new int[] {1, 1, 1, 2}),
                new Conv2D());
    }

    @Test
    void refuses_output_channels_that_do_not_split_into_the_groups() {
        assertRefused(valid1x1(new int[] {1, 1, 1, 4}, new int[] {3, 1, 1, 2}, new int[] {1, 1, 1, 3}),
                new Conv2D());
    }

    @Test
    void refuses_zero_size_dimensions() {
        assertRefused(valid1x1(new int[] {1, 0, 1, 1}, new int[] {1, 1, 1, 1}, new int[] {1, 0, 1, 1}),
                new Conv2D());
        assertRefused(valid1x1(new int[] {1, 1, 1, 1}, new int[] {0, 1, 1, 1}, new int[] {1, 1, 1, 0}),
                new Conv2D());
    }

    @Test
    void refuses_an_output_shape_that_does_not_match_the_geometry() {
        assertRefused(valid1x1(new int[] {1, 2, 2, 1}, new int[] {1, 1, 1, 1}, new int[] {1, 2, 3, 1}),
                new Conv2D());
        assertRefused(valid1x1(new int[] {1, 2, 2, 1}, new int[] {1, 1, 1, 1}, new int[] {1, 4, 1}),
                new Conv2D());
    }

    @Test
    void refuses_wrong_ranks_and_a_missing_filter() {
        assertRefused(valid1x1(new int[] {2, 2, 1}, new int[] {1, 1, 1, 1}, new int[] {1, 2, 2, 1}), new Conv2D());
        KernelHarness h = conv(Padding.VALID, 1, 1, Activation.NONE);
        h.inputInt8(new int[] {1, 1, 1, 1}, 1f, 0, bytes(1));
        h.outputInt8(new int[] {1, 1, 1, 1}, 1f, 0);
        assertRefused(h, new Conv2D());
    }

    @Test
    void refuses_hostile_strides_and_dilations() {
        for (int[] sd : new int[][] {{0, 1}, {-1, 1}, {1, 0}, {1, Integer.MAX_VALUE}}) {
            KernelHarness h = KernelHarness.op(BuiltinOperator.CONV_2D,
                    new BuiltinOptions.Conv2D(Padding.SAME, sd[0], sd[0], Activation.NONE, sd[1], sd[1]));
            h.inputInt8(new int[] {1, 3, 3, 1}, 1f, 0, new byte[9]);
            h.constantInt8(new int[] {1, 3, 3, 1}, perTensor(1f), new byte[9]);
            h.outputInt8(new int[] {1, 3, 3, 1}, 1f, 0);
            assertRefused(h, new Conv2D());
        }
    }

    @Test
    void refuses_mismatched_quantization() {
        // Three scales for two output channels.
        KernelHarness h = conv(Padding.VALID, 1, 1, Activation.NONE);
        h.inputInt8(new int[] {1, 1, 1, 1}, 1f, 0, bytes(1));
        h.constantInt8(new int[] {2, 1, 1, 1}, perChannel(0, 1f, 1f, 1f), bytes(1, 1));
        h.outputInt8(new int[] {1, 1, 1, 2}, 1f, 0);
        assertRefused(h, new Conv2D());
        // Asymmetric weights.
        h = conv(Padding.VALID, 1, 1, Activation.NONE);
        h.inputInt8(new int[] {1, 1, 1, 1}, 1f, 0, bytes(1));
        h.constantInt8(new int[] {1, 1, 1, 1}, Quantization.perTensor(1f, 3), bytes(1));
        h.outputInt8(new int[] {1, 1, 1, 1}, 1f, 0);
        assertRefused(h, new Conv2D());
        // Zero or negative activation scale, zero point outside int8.
        for (float[] sz : new float[][] {{0f, 0}, {-1f, 0}, {1f, 200}}) {
            h = conv(Padding.VALID, 1, 1, Activation.NONE);
            h.inputInt8(new int[] {1, 1, 1, 1}, sz[0], (int) sz[1], bytes(1));
            h.constantInt8(new int[] {1, 1, 1, 1}, perTensor(1f), bytes(1));
            h.outputInt8(new int[] {1, 1, 1, 1}, 1f, 0);
            assertRefused(h, new Conv2D());
        }
        // Bias with the wrong element count, or not int32.
        h = conv(Padding.VALID, 1, 1, Activation.NONE);
        h.inputInt8(new int[] {1, 1, 1, 1}, 1f, 0, bytes(1));
        h.constantInt8(new int[] {1, 1, 1, 1}, perTensor(1f), bytes(1));
        h.constantInt32(new int[] {2}, perTensor(1f), new int[] {1, 2});
        h.outputInt8(new int[] {1, 1, 1, 1}, 1f, 0);
        assertRefused(h, new Conv2D());
        h = conv(Padding.VALID, 1, 1, Activation.NONE);
        h.inputInt8(new int[] {1, 1, 1, 1}, 1f, 0, bytes(1));
        h.constantInt8(new int[] {1, 1, 1, 1}, perTensor(1f), bytes(1));
        h.constantFloat(new int[] {1}, new float[] {1f});
        h.outputInt8(new int[] {1, 1, 1, 1}, 1f, 0);
        assertRefused(h, new Conv2D());
    }

    @Test
    void refuses_unsupported_types_and_activations() {
        // int8 input with float weights.
        KernelHarness h = conv(Padding.VALID, 1, 1, Activation.NONE);
        h.inputInt8(new int[] {1, 1, 1, 1}, 1f, 0, bytes(1));
        h.constantFloat(new int[] {1, 1, 1, 1}, new float[] {1f});
        h.outputInt8(new int[] {1, 1, 1, 1}, 1f, 0);
        assertRefused(h, new Conv2D());
        // int16 input.
        h = conv(Padding.VALID, 1, 1, Activation.NONE);
        h.input(Tensor.allocate(new dev.octet.runtime.model.TensorSpec(90, "i16", TensorType.INT16,
                new int[] {1, 1, 1, 1}, null, Quantization.perTensor(1f, 0), 0, null, false)));
        h.constantInt8(new int[] {1, 1, 1, 1}, perTensor(1f), bytes(1));
        h.output(TensorType.INT16, new int[] {1, 1, 1, 1}, Quantization.perTensor(1f, 0));
        assertRefused(h, new Conv2D());
        // Fused TANH and SIGN_BIT, int8 and float.
        for (Activation a : new Activation[] {Activation.TANH, Activation.SIGN_BIT}) {
            h = conv(Padding.VALID, 1, 1, a);
            h.inputInt8(new int[] {1, 1, 1, 1}, 1f, 0, bytes(1));
            h.constantInt8(new int[] {1, 1, 1, 1}, perTensor(1f), bytes(1));
            h.outputInt8(new int[] {1, 1, 1, 1}, 1f, 0);
            assertRefused(h, new Conv2D());
            h = conv(Padding.VALID, 1, 1, a);
            h.inputFloat(new int[] {1, 1, 1, 1}, new float[] {1f});
            h.constantFloat(new int[] {1, 1, 1, 1}, new float[] {1f});
            h.outputFloat(new int[] {1, 1, 1, 1});
            assertRefused(h, new Conv2D());
        }
        // Unknown padding.
        h = conv(null, 1, 1, Activation.NONE);
        h.inputInt8(new int[] {1, 1, 1, 1}, 1f, 0, bytes(1));
        h.constantInt8(new int[] {1, 1, 1, 1}, perTensor(1f), bytes(1));
        h.outputInt8(new int[] {1, 1, 1, 1}, 1f, 0);
        assertRefused(h, new Conv2D());
    }

    // ---- random data ---------------------------------------------------------------------------------------

    /** One random conv case with int8 data and its parameters, as the literal reference needs them. */
    private static final class RandomConv {
        final ConvTestSupport.ConvCase c = new ConvTestSupport.ConvCase();
        Activation activation;
        boolean perChannel;
        boolean withBias;
        float inScale;
        float outScale;
        float[] filterScales;
        byte[] input;
        byte[] filter;
        int[] bias;

        RandomConv(Random r) {
            do {
                c.batches = 1 + r.nextInt(2);
                c.inH = 1 + r.nextInt(7);
                c.inW = 1 + r.nextInt(7);
                c.fic = 1 + r.nextInt(3);
                int groups = 1 + r.nextInt(2);
                c.inC = c.fic * groups;
                c.outC = groups * (1 + r.nextInt(3));
                c.fh = 1 + r.nextInt(3);
                c.fw = 1 + r.nextInt(3);
                c.strideH = 1 + r.nextInt(3);
                c.strideW = 1 + r.nextInt(3);
                c.dilH = 1 + r.nextInt(2);
                c.dilW = 1 + r.nextInt(2);
                c.padding = r.nextBoolean() ? Padding.SAME : Padding.VALID;
                c.computeGeometry();
            } while (c.outH < 1 || c.outW < 1);
            activation = ConvTestSupport.randomActivation(r);
            perChannel = r.nextBoolean();
            withBias = r.nextBoolean();
            inScale = 0.01f + r.nextFloat() * 0.1f;
            outScale = 0.02f + r.nextFloat() * 0.3f;
            int inZp = r.nextInt(256) - 128;
            int outZp = r.nextInt(256) - 128;
            c.inputOffset = -inZp;
            c.outputZp = outZp;
            filterScales = new float[c.outC];
            float shared = 0.001f + r.nextFloat() * 0.02f;
            for (int i = 0; i < c.outC; i++) {
                filterScales[i] = perChannel ? 0.001f + r.nextFloat() * 0.02f : shared;
            }
            c.mult = new int[c.outC];
            c.shift = new int[c.outC];
            for (int i = 0; i < c.outC; i++) {
                QuantizedMultiplier m = FixedPoint.quantizeMultiplier(
                        (double) inScale * (double) filterScales[i] / (double) outScale);
                c.mult[i] = m.multiplier();
                c.shift[i] = m.shift();
            }
            var range = dev.octet.runtime.quant.ActivationRange.int8(activation, Quantization.perTensor(outScale, outZp));
            c.actMin = range.min();
            c.actMax = range.max();
            input = ConvTestSupport.randomBytes(r, c.batches * c.inH * c.inW * c.inC);
            filter = ConvTestSupport.randomBytes(r, c.outC * c.fh * c.fw * c.fic);
            for (int i = 0; i < filter.length; i++) {
                if (filter[i] == -128) {
                    filter[i] = -127;
                }
            }
            bias = withBias ? ConvTestSupport.randomInts(r, c.outC, 20000) : null;
        }

        KernelHarness harness() {
            KernelHarness h = KernelHarness.op(BuiltinOperator.CONV_2D, new BuiltinOptions.Conv2D(c.padding,
                    c.strideW, c.strideH, activation, c.dilW, c.dilH));
            h.inputInt8(new int[] {c.batches, c.inH, c.inW, c.inC}, inScale, -c.inputOffset, input);
            h.constantInt8(new int[] {c.outC, c.fh, c.fw, c.fic},
                    perChannel ? perChannel(0, filterScales) : perTensor(filterScales[0]), filter);
            if (withBias) {
                h.constantInt32(new int[] {c.outC}, Quantization.NONE, bias);
            } else if (c.outC % 2 == 0) {
                h.omittedInput();
            }
            return h;
        }
    }

    @Test
    void matches_tflms_literal_loops_bit_for_bit_on_random_int8_convolutions() {
        Random r = new Random(42);
        for (int trial = 0; trial < 300; trial++) {
            RandomConv rc = new RandomConv(r);
            KernelHarness h = rc.harness();
            Tensor out = h.outputInt8(new int[] {rc.c.batches, rc.c.outH, rc.c.outW, rc.c.outC}, rc.outScale,
                    rc.c.outputZp);
            h.run(new Conv2D());
            byte[] expected = ConvTestSupport.naiveConvInt8(rc.c, rc.input, rc.filter, rc.bias);
            assertArrayEquals(expected, out.toByteArray(), "trial " + trial);
        }
    }

    @Test
    void matches_tflites_literal_float_loops_bit_for_bit() {
        Random r = new Random(42);
        for (int trial = 0; trial < 300; trial++) {
            RandomConv rc = new RandomConv(r);
            ConvTestSupport.ConvCase c = rc.c;
            float[] clamp = ConvCommon.floatActivation(ConvTestSupport.context(), rc.activation);
            c.fActMin = clamp[0];
            c.fActMax = clamp[1];
            float[] input = ConvTestSupport.randomFloats(r, rc.input.length, 3f);
            float[] filter = ConvTestSupport.randomFloats(r, rc.filter.length, 1f);
            float[] bias = rc.withBias ? ConvTestSupport.randomFloats(r, c.outC, 2f) : null;
            KernelHarness h = KernelHarness.op(BuiltinOperator.CONV_2D, new BuiltinOptions.Conv2D(c.padding,
                    c.strideW, c.strideH, rc.activation, c.dilW, c.dilH));
            h.inputFloat(new int[] {c.batches, c.inH, c.inW, c.inC}, input);
            h.constantFloat(new int[] {c.outC, c.fh, c.fw, c.fic}, filter);
            if (bias != null) {
                h.constantFloat(new int[] {c.outC}, bias);
            }
            Tensor out = h.outputFloat(new int[] {c.batches, c.outH, c.outW, c.outC});
            h.run(new Conv2D());
            assertArrayEquals(ConvTestSupport.naiveConvFloat(c, input, filter, bias), out.toFloatArray(),
                    "trial " + trial);
        }
    }

    @Test
    void int8_agrees_with_float_within_one_output_step_on_random_data() {
        Random r = new Random(42);
        for (int trial = 0; trial < 100; trial++) {
            int inH = 3 + r.nextInt(6);
            int inW = 3 + r.nextInt(6);
            int inC = 1 + r.nextInt(4);
            int outC = 1 + r.nextInt(5);
            int k = 1 + r.nextInt(3);
            int stride = 1 + r.nextInt(2);
            Padding p = r.nextBoolean() ? Padding.SAME : Padding.VALID;
            float[] realIn = ConvTestSupport.randomFloats(r, inH * inW * inC, 2f);
            int[] wShape = {outC, k, k, inC};
            float[] realW = ConvTestSupport.randomFloats(r, prod(wShape), 0.5f);
            ConvTestSupport.QuantizedWeights qw = new ConvTestSupport.QuantizedWeights(realW, wShape, 0);
            // Input: asymmetric over [−2, 2] with a zero point.
            ConvTestSupport.QuantizedInput in = new ConvTestSupport.QuantizedInput(new int[] {1, inH, inW, inC},
                    realIn, 4f / 255f, -1);
            ConvTestSupport.QuantizedBias bias = new ConvTestSupport.QuantizedBias(
                    ConvTestSupport.randomFloats(r, outC, 0.5f), in.scale, qw.scales);
            int outH = ConvTestSupport.outSize(p, inH, k, stride, 1);
            int outW = ConvTestSupport.outSize(p, inW, k, stride, 1);
            if (outH < 1 || outW < 1) {
                continue;
            }
            BuiltinOptions.Conv2D options = new BuiltinOptions.Conv2D(p, stride, stride, Activation.NONE, 1, 1);
            ConvTestSupport.assertInt8AgreesWithFloat("trial " + trial, BuiltinOperator.CONV_2D, options,
                    new Conv2D(), in, qw, bias, new int[] {1, outH, outW, outC});
        }
    }

    @Test
    void rereads_a_non_constant_filter_and_bias_on_every_invoke() {
        KernelHarness h = conv(Padding.VALID, 1, 1, Activation.NONE);
        h.inputInt8(new int[] {1, 1, 1, 2}, 1f, 0, bytes(3, 4));
        Tensor filter = h.input(Tensor.allocate(new dev.octet.runtime.model.TensorSpec(50, "w", TensorType.INT8,
                new int[] {1, 1, 1, 2}, null, perTensor(1f), 0, null, false)));
        Tensor bias = h.input(Tensor.allocate(new dev.octet.runtime.model.TensorSpec(51, "b", TensorType.INT32,
                new int[] {1}, null, Quantization.NONE, 0, null, false)));
        Tensor out = h.outputInt8(new int[] {1, 1, 1, 1}, 1f, 0);
        PreparedOp op = h.prepare(new Conv2D());
        filter.setInt8(0, (byte) 1);
        filter.setInt8(1, (byte) 2);
        bias.setInt32(0, 5);
        op.invoke();
        assertEquals(3 + 8 + 5, out.getInt8(0));
        filter.setInt8(1, (byte) -1);
        op.invoke();
        assertEquals(3 - 4 + 5, out.getInt8(0));
    }

    @Test
    void invoke_allocates_nothing() {
        RandomConv rc = new RandomConv(new Random(7));
        KernelHarness h = rc.harness();
        h.outputInt8(new int[] {rc.c.batches, rc.c.outH, rc.c.outW, rc.c.outC}, rc.outScale, rc.c.outputZp);
        ConvTestSupport.assertInvokeAllocatesNothing(h.prepare(new Conv2D()));

        KernelHarness f = conv(Padding.SAME, 1, 1, Activation.RELU);
        f.inputFloat(new int[] {1, 3, 3, 1}, new float[9]);
        f.constantFloat(new int[] {2, 3, 3, 1}, new float[18]);
        f.outputFloat(new int[] {1, 3, 3, 2});
        ConvTestSupport.assertInvokeAllocatesNothing(f.prepare(new Conv2D()));
    }
}
