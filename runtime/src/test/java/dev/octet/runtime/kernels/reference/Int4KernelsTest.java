package dev.octet.runtime.kernels.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.runtime.engine.Interpreter;
import dev.octet.runtime.engine.InterpreterOptions;
import dev.octet.runtime.engine.KernelSelection;
import dev.octet.runtime.model.Int4Packing;
import dev.octet.runtime.model.Model;
import dev.octet.runtime.model.ModelReader;
import dev.octet.runtime.model.Padding;
import dev.octet.runtime.model.UnsupportedModelException;
import dev.octet.runtime.quant.ptq.GroupedInt4Weights;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The int4 FULLY_CONNECTED and CONV_2D kernels against the real-valued computation with the same int4 weights
 * and int8 inputs, on seeded random shapes, group sizes (dividing the reduction or not), zero points and biases:
 * every output within {@link GroupedInt4#ERROR_BOUND_LSB} of the exact value, with the reference and the optimized
 * registries (which fall back to the same int4 kernels).
 */
class Int4KernelsTest {

    @Test
    void packing_is_low_nibble_first_and_sign_extends() {
        byte[] p = Int4Packing.pack(new int[] {1, -2, 7, -8, 3});
        assertEquals(3, p.length);
        assertEquals((byte) 0xE1, p[0]);
        assertEquals((byte) 0x87, p[1]);
        assertEquals((byte) 0x03, p[2]);
        int[] back = new int[5];
        for (int i = 0; i < 5; i++) {
            back[i] = Int4Packing.get(p, 0, i);
        }
        assertEquals("[1, -2, 7, -8, 3]", java.util.Arrays.toString(back));
    }

    @Test
    void group_scales_are_ratios_of_the_channel_scale() {
        float[] w = {0.7f, -0.36f, 0.01f, 0f, 0f, 0f, 0.07f, 0f};
        GroupedInt4Weights q = GroupedInt4Weights.quantize(w, new int[] {1, 8}, 2);
        assertEquals(0.1f, q.channelScales()[0], 1e-7f);
        // Groups: max 0.7 -> k 255; max 0.01 -> k = ceil(255 · 0.01 / 0.7) = 4; all zero -> 255; 0.07 -> 26 (25.5 up).
        assertEquals(0.1f, q.groupScales()[0]);
        assertEquals(4, dev.octet.runtime.model.Int4Layout.ratio(q.groupScales()[1], 0.1f));
        assertEquals(255, dev.octet.runtime.model.Int4Layout.ratio(q.groupScales()[2], 0.1f));
        assertEquals(26, dev.octet.runtime.model.Int4Layout.ratio(q.groupScales()[3], 0.1f));
        assertEquals("[7, -4, 6, 0, 0, 0, 7, 0]", java.util.Arrays.toString(q.codes()));
        assertEquals(-1, dev.octet.runtime.model.Int4Layout.ratio(0.0504f, 0.1f), "128.52/255 is no ratio");
    }

    @Test
    void fully_connected_matches_the_real_computation_within_the_bound() {
        Random rng = new Random(20261123L);
        double worst = 0;
        for (int trial = 0; trial < 40; trial++) {
            int k = 1 + rng.nextInt(100);
            int units = 1 + rng.nextInt(12);
            int groupSize = rng.nextBoolean() ? 32 : 1 + rng.nextInt(40);
            int batches = 1 + rng.nextInt(3);
            float[] w = gaussian(rng, units * k, 0.2f);
            GroupedInt4Weights q = GroupedInt4Weights.quantize(w, new int[] {units, k}, groupSize);
            float inScale = 0.005f + 0.05f * rng.nextFloat();
            int inZp = rng.nextInt(256) - 128;
            byte[] x = randomBytes(rng, batches * k);
            int[] bias = Int4TestModels.quantizeBias(gaussian(rng, units, 0.5f), inScale, q);
            double[] real = new double[batches * units];
            for (int b = 0; b < batches; b++) {
                for (int c = 0; c < units; c++) {
                    double sum = bias[c] * (double) inScale * q.accumulatorScale(c);
                    for (int i = 0; i < k; i++) {
                        sum += inScale * (x[b * k + i] - inZp) * (double) groupScale(q, c, i, k, groupSize)
                                * q.codes()[c * k + i];
                    }
                    real[b * units + c] = sum;
                }
            }
            float[] out = outputParams(real);
            Int4TestModels.Spec spec = new Int4TestModels.Spec(new int[] {batches, k}, inScale, inZp, q,
                    new int[] {units, k}, groupSize, bias, new int[] {batches, units}, out[0], (int) out[1]);
            byte[] model = Int4TestModels.fullyConnected(spec);
            worst = Math.max(worst, check(model, x, real, units, c -> GroupedInt4.ERROR_BOUND_LSB, out));
        }
        System.out.println("int4 FC: worst error " + worst + " LSB");
    }

    @Test
    void conv2d_matches_the_real_computation_within_the_bound() {
        Random rng = new Random(77L);
        double worst = 0;
        for (int trial = 0; trial < 30; trial++) {
            int h = 1 + rng.nextInt(7);
            int wd = 1 + rng.nextInt(7);
            int cin = 1 + rng.nextInt(12);
            int cout = 1 + rng.nextInt(8);
            int fh = 1 + rng.nextInt(3);
            int fw = 1 + rng.nextInt(3);
            int stride = 1 + rng.nextInt(2);
            int dilation = 1 + rng.nextInt(2);
            Padding padding = rng.nextBoolean() ? Padding.SAME : Padding.VALID;
            if ((fh - 1) * dilation + 1 > h || (fw - 1) * dilation + 1 > wd) {
                padding = Padding.SAME;
            }
            int k = fh * fw * cin;
            int groupSize = rng.nextBoolean() ? 32 : 1 + rng.nextInt(20);
            float[] w = gaussian(rng, cout * k, 0.3f);
            GroupedInt4Weights q = GroupedInt4Weights.quantize(w, new int[] {cout, fh, fw, cin}, groupSize);
            float inScale = 0.005f + 0.05f * rng.nextFloat();
            int inZp = rng.nextInt(256) - 128;
            byte[] x = randomBytes(rng, h * wd * cin);
            int[] bias = Int4TestModels.quantizeBias(gaussian(rng, cout, 0.5f), inScale, q);
            int effH = (fh - 1) * dilation + 1;
            int effW = (fw - 1) * dilation + 1;
            int oh = padding == Padding.SAME ? (h + stride - 1) / stride : (h - effH + stride) / stride;
            int ow = padding == Padding.SAME ? (wd + stride - 1) / stride : (wd - effW + stride) / stride;
            int padTop = Math.max(0, ((oh - 1) * stride + effH - h) / 2);
            int padLeft = Math.max(0, ((ow - 1) * stride + effW - wd) / 2);
            double[] real = new double[oh * ow * cout];
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    for (int c = 0; c < cout; c++) {
                        double sum = bias[c] * (double) inScale * q.accumulatorScale(c);
                        for (int fy = 0; fy < fh; fy++) {
                            for (int fx = 0; fx < fw; fx++) {
                                int iy = oy * stride - padTop + fy * dilation;
                                int ix = ox * stride - padLeft + fx * dilation;
                                if (iy < 0 || iy >= h || ix < 0 || ix >= wd) {
                                    continue;
                                }
                                for (int ic = 0; ic < cin; ic++) {
                                    int i = (fy * fw + fx) * cin + ic;
                                    sum += inScale * (x[(iy * wd + ix) * cin + ic] - inZp)
                                            * (double) groupScale(q, c, i, k, groupSize) * q.codes()[c * k + i];
                                }
                            }
                        }
                        real[(oy * ow + ox) * cout + c] = sum;
                    }
                }
            }
            float[] out = outputParams(real);
            Int4TestModels.Spec spec = new Int4TestModels.Spec(new int[] {1, h, wd, cin}, inScale, inZp, q,
                    new int[] {cout, fh, fw, cin}, groupSize, bias, new int[] {1, oh, ow, cout}, out[0],
                    (int) out[1]);
            byte[] model = Int4TestModels.conv2D(spec, padding, stride, dilation);
            worst = Math.max(worst, check(model, x, real, cout, c -> GroupedInt4.ERROR_BOUND_LSB, out));
        }
        System.out.println("int4 conv: worst error " + worst + " LSB");
    }

    @Test
    void depthwise_matches_the_real_computation_within_the_bound() {
        Random rng = new Random(91L);
        double worst = 0;
        for (int trial = 0; trial < 30; trial++) {
            int h = 1 + rng.nextInt(7);
            int wd = 1 + rng.nextInt(7);
            int cin = 1 + rng.nextInt(6);
            int mult = 1 + rng.nextInt(2);
            int cout = cin * mult;
            int fh = 1 + rng.nextInt(3);
            int fw = 1 + rng.nextInt(3);
            int stride = 1 + rng.nextInt(2);
            int dilation = 1 + rng.nextInt(2);
            Padding padding = rng.nextBoolean() ? Padding.SAME : Padding.VALID;
            if ((fh - 1) * dilation + 1 > h || (fw - 1) * dilation + 1 > wd) {
                padding = Padding.SAME;
            }
            int k = fh * fw;
            int groupSize = rng.nextBoolean() ? 32 : 1 + rng.nextInt(5);
            int[] shape = {1, fh, fw, cout};
            GroupedInt4Weights q = GroupedInt4Weights.quantize(gaussian(rng, k * cout, 0.3f), shape, groupSize, 3);
            float inScale = 0.005f + 0.05f * rng.nextFloat();
            int inZp = rng.nextInt(256) - 128;
            byte[] x = randomBytes(rng, h * wd * cin);
            int[] bias = Int4TestModels.quantizeBias(gaussian(rng, cout, 0.5f), inScale, q);
            int effH = (fh - 1) * dilation + 1;
            int effW = (fw - 1) * dilation + 1;
            int oh = padding == Padding.SAME ? (h + stride - 1) / stride : (h - effH + stride) / stride;
            int ow = padding == Padding.SAME ? (wd + stride - 1) / stride : (wd - effW + stride) / stride;
            int padTop = Math.max(0, ((oh - 1) * stride + effH - h) / 2);
            int padLeft = Math.max(0, ((ow - 1) * stride + effW - wd) / 2);
            double[] real = new double[oh * ow * cout];
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    for (int c = 0; c < cout; c++) {
                        double sum = bias[c] * (double) inScale * q.accumulatorScale(c);
                        for (int fy = 0; fy < fh; fy++) {
                            for (int fx = 0; fx < fw; fx++) {
                                int iy = oy * stride - padTop + fy * dilation;
                                int ix = ox * stride - padLeft + fx * dilation;
                                if (iy < 0 || iy >= h || ix < 0 || ix >= wd) {
                                    continue;
                                }
                                int i = fy * fw + fx;
                                sum += inScale * (x[(iy * wd + ix) * cin + c / mult] - inZp)
                                        * (double) groupScale(q, c, i, k, groupSize) * q.codes()[c * k + i];
                            }
                        }
                        real[(oy * ow + ox) * cout + c] = sum;
                    }
                }
            }
            float[] out = outputParams(real);
            Int4TestModels.Spec spec = new Int4TestModels.Spec(new int[] {1, h, wd, cin}, inScale, inZp, q, shape,
                    groupSize, bias, new int[] {1, oh, ow, cout}, out[0], (int) out[1]);
            byte[] model = Int4TestModels.depthwiseConv2D(spec, padding, stride, dilation, mult);
            worst = Math.max(worst, check(model, x, real, cout, c -> GroupedInt4.ERROR_BOUND_LSB, out));
        }
        System.out.println("int4 depthwise: worst error " + worst + " LSB");
    }

    @Test
    void prepare_refuses_what_the_int4_kernels_do_not_run() {
        GroupedInt4Weights q = GroupedInt4Weights.quantize(gaussian(new Random(3), 4 * 9 * 2, 0.3f),
                new int[] {4, 3, 3, 2}, 32);
        // A grouped convolution: 4 input channels, filters of 2.
        byte[] grouped = Int4TestModels.conv2D(new Int4TestModels.Spec(new int[] {1, 5, 5, 4}, 0.02f, 0, q,
                new int[] {4, 3, 3, 2}, 32, new int[4], new int[] {1, 5, 5, 4}, 0.05f, 0), Padding.SAME, 1, 1);
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class,
                () -> Interpreter.create(ModelReader.withDefaults().read(grouped)));
        assertTrue(e.getMessage().contains("operator 0 (CONV_2D)") && e.getMessage().contains("grouped"),
                e.getMessage());

        GroupedInt4Weights fc = GroupedInt4Weights.quantize(gaussian(new Random(4), 3 * 40, 0.3f), new int[] {3, 40}, 32);
        byte[] hybrid = Int4TestModels.fullyConnectedWithFloatInput(new Int4TestModels.Spec(new int[] {1, 40}, 0.02f,
                0, fc, new int[] {3, 40}, 32, new int[3], new int[] {1, 3}, 0.05f, 0));
        for (KernelSelection kernels : new KernelSelection[] {KernelSelection.REFERENCE, KernelSelection.AUTO}) {
            UnsupportedModelException f = assertThrows(UnsupportedModelException.class, () -> Interpreter.create(
                    ModelReader.withDefaults().read(hybrid), InterpreterOptions.defaults().withKernels(kernels)));
            assertTrue(f.getMessage().contains("FULLY_CONNECTED") && f.getMessage().contains("FLOAT32"),
                    f.getMessage());
        }
    }

    /** Runs the model with the reference and the optimized registry; returns the largest error in LSB. */
    private static double check(byte[] bytes, byte[] x, double[] real, int channels,
                                java.util.function.IntToDoubleFunction bound, float[] out) {
        Model model = ModelReader.withDefaults().read(bytes);
        double worst = 0;
        byte[] first = null;
        for (KernelSelection kernels : new KernelSelection[] {KernelSelection.REFERENCE, KernelSelection.AUTO}) {
            Interpreter interpreter = Interpreter.create(model, InterpreterOptions.defaults().withKernels(kernels));
            interpreter.input(0).copyFrom(x, 0);
            interpreter.invoke();
            byte[] got = interpreter.output(0).toByteArray();
            if (first == null) {
                first = got;
            } else {
                assertEquals(java.util.Arrays.toString(first), java.util.Arrays.toString(got), "same bytes");
            }
            for (int i = 0; i < real.length; i++) {
                double exact = Math.max(-128, Math.min(127, real[i] / out[0] + out[1]));
                double err = Math.abs(got[i] - exact);
                double limit = bound.applyAsDouble(i % channels);
                assertTrue(err <= limit + 1e-9, "output " + i + ": " + got[i] + " vs exact " + exact + ", bound "
                        + limit);
                worst = Math.max(worst, err);
            }
        }
        return worst;
    }

    private static float groupScale(GroupedInt4Weights q, int c, int i, int k, int groupSize) {
        int groups = (k + groupSize - 1) / groupSize;
        return q.groupScales()[c * groups + i / groupSize];
    }

    /** Output scale and zero point covering the real values and 0. */
    private static float[] outputParams(double[] real) {
        double lo = 0;
        double hi = 0;
        for (double v : real) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        float scale = (float) Math.max((hi - lo) / 255, 1e-6);
        int zp = (int) Math.max(-128, Math.min(127, Math.round(-128 - lo / scale)));
        return new float[] {scale, zp};
    }

    private static float[] gaussian(Random rng, int n, float sigma) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = sigma * (float) rng.nextGaussian();
        }
        return v;
    }

    private static byte[] randomBytes(Random rng, int n) {
        byte[] b = new byte[n];
        rng.nextBytes(b);
        return b;
    }
}
