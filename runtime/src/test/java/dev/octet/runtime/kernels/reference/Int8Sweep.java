package dev.octet.runtime.kernels.reference;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.runtime.kernels.Kernel;
import dev.octet.runtime.kernels.KernelHarness;
import dev.octet.runtime.model.BuiltinOperator;
import dev.octet.runtime.model.BuiltinOptions;
import dev.octet.runtime.tensor.Tensor;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;

/**
 * Runs a one-input int8 activation (LOGISTIC, TANH, HARD_SWISH) over every input byte −128..127 at once, so a
 * test can read the whole lookup the kernel implements: {@code at(all, q)} is the output byte for input byte
 * {@code q}.
 */
final class Int8Sweep {
    private Int8Sweep() {
    }

    /**
     * The 256 output bytes for inputs −128..127 in order, through {@code kernel} with one input and one output
     * tensor of {@code shape} (256 elements) and the given quantizations.
     */
    static int[] allBytes(BuiltinOperator op, Kernel kernel, int[] shape, float inScale, int inZp, float outScale,
                          int outZp) {
        byte[] in = new byte[256];
        for (int i = 0; i < 256; i++) {
            in[i] = (byte) (i - 128);
        }
        KernelHarness h = KernelHarness.op(op, BuiltinOptions.None.INSTANCE);
        h.inputInt8(shape, inScale, inZp, in);
        Tensor out = h.outputInt8(shape, outScale, outZp);
        h.run(kernel);
        int[] v = new int[256];
        for (int i = 0; i < 256; i++) {
            v[i] = out.getInt8(i);
        }
        return v;
    }

    /** Prepares {@code kernel} on a two-element int8 input and output with these quantizations (to test refusals). */
    static void prepareTwoElements(BuiltinOperator op, Kernel kernel, float inScale, int inZp, float outScale,
                                   int outZp) {
        KernelHarness h = KernelHarness.op(op, BuiltinOptions.None.INSTANCE);
        h.inputInt8(new int[] {2}, inScale, inZp, new byte[2]);
        h.outputInt8(new int[] {2}, outScale, outZp);
        h.prepare(kernel);
    }

    /** The output byte for input byte {@code q}. */
    static int at(int[] all, int q) {
        return all[q + 128];
    }

    /** The outputs for every 17th input byte from −128 (16 values). */
    static int[] every17th(int[] all) {
        int[] v = new int[16];
        for (int i = 0; i < 16; i++) {
            v[i] = at(all, -128 + 17 * i);
        }
        return v;
    }

    /**
     * For 8 input scales × 8 seeded random input zero points, every input byte's output is within one output step
     * of {@code real} applied to the dequantized input (computed in float, as the kernels' own float variants do).
     * The output quantization is fixed, as LOGISTIC and TANH require.
     */
    static void assertWithinOneStepOfReal(BuiltinOperator op, Kernel kernel, int[] shape, float outScale, int outZp,
                                          DoubleUnaryOperator real) {
        Random random = new Random(42);
        float[] scales = {0.002f, 0.01f, 0.0235f, 0.05f, 0.1f, 0.2f, 0.5f, 1f};
        for (float scale : scales) {
            for (int trial = 0; trial < 8; trial++) {
                int zp = random.nextInt(256) - 128;
                int[] all = allBytes(op, kernel, shape, scale, zp, outScale, outZp);
                for (int q = -128; q <= 127; q++) {
                    float x = scale * (q - zp);
                    double want = real.applyAsDouble(x);
                    double got = (double) outScale * (at(all, q) - outZp);
                    assertTrue(Math.abs(got - want) <= (double) outScale + 1e-6,
                            "scale " + scale + " zp " + zp + " q " + q + ": " + got + " vs " + want);
                }
            }
        }
    }
}
