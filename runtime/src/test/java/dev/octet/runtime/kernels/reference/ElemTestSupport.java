package dev.octet.runtime.kernels.reference;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.runtime.kernels.Kernel;
import dev.octet.runtime.kernels.KernelHarness;
import dev.octet.runtime.model.ByteSlice;
import dev.octet.runtime.model.ModelException;
import dev.octet.runtime.model.Quantization;
import dev.octet.runtime.model.TensorSpec;
import dev.octet.runtime.model.TensorType;
import dev.octet.runtime.model.UnsupportedModelException;
import dev.octet.runtime.tensor.Tensor;
import java.util.Random;
import java.util.function.Supplier;

/** Small helpers for the element-wise kernel tests. */
final class ElemTestSupport {
    private static int nextIndex = 10_000;

    private ElemTestSupport() {
    }

    static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            if (values[i] < -128 || values[i] > 127) {
                throw new IllegalArgumentException("not an int8: " + values[i]);
            }
            b[i] = (byte) values[i];
        }
        return b;
    }

    static int[] shape(int... dims) {
        return dims;
    }

    /** The int8 values of a tensor. */
    static int[] int8s(Tensor t) {
        int[] v = new int[t.elementCount()];
        for (int i = 0; i < v.length; i++) {
            v[i] = t.getInt8(i);
        }
        return v;
    }

    /** The float values of a float32 tensor. */
    static float[] floats(Tensor t) {
        float[] v = new float[t.elementCount()];
        for (int i = 0; i < v.length; i++) {
            v[i] = t.getFloat(i);
        }
        return v;
    }

    /** Reference quantization for test data: round half away from zero, clamped. */
    static byte[] quantize(float[] x, float scale, int zp) {
        byte[] q = new byte[x.length];
        for (int i = 0; i < x.length; i++) {
            long r = Math.round(Math.abs(x[i] / scale)) * (x[i] < 0 ? -1 : 1) + zp;
            q[i] = (byte) Math.max(-128, Math.min(127, r));
        }
        return q;
    }

    static float[] dequantize(byte[] q, float scale, int zp) {
        float[] x = new float[q.length];
        for (int i = 0; i < q.length; i++) {
            x[i] = scale * (q[i] - zp);
        }
        return x;
    }

    static float[] randomFloats(Random random, int n, float lo, float hi) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = lo + (hi - lo) * random.nextFloat();
        }
        return x;
    }

    /** A constant tensor of any type over the given little-endian bytes, to add with {@code harness.input(t)}. */
    static Tensor constant(TensorType type, int[] shape, Quantization q, byte[] data) {
        TensorSpec spec = new TensorSpec(nextIndex++, "c", type, shape, null, q, 0,
                new ByteSlice(data.clone(), 0, data.length), false);
        return Tensor.constant(spec);
    }

    static Tensor constantInt64(int[] shape, long... values) {
        byte[] b = new byte[8 * values.length];
        for (int i = 0; i < values.length; i++) {
            for (int k = 0; k < 8; k++) {
                b[8 * i + k] = (byte) (values[i] >>> (8 * k));
            }
        }
        return constant(TensorType.INT64, shape, Quantization.NONE, b);
    }

    /** A non-constant tensor (an activation) with its own zero-filled storage. */
    static Tensor activation(TensorType type, int[] shape, Quantization q) {
        return Tensor.allocate(new TensorSpec(nextIndex++, "a", type, shape, null, q, 0, null, false));
    }

    /** A tensor over {@code storage} whatever its shape claims (for hostile shapes whose size overflows). */
    static Tensor view(TensorType type, int[] shape, Quantization q, byte[] storage) {
        return Tensor.view(new TensorSpec(nextIndex++, "v", type, shape, null, q, 0, null, false), storage, 0);
    }

    static void assertRefused(KernelHarness h, Kernel kernel) {
        assertThrows(UnsupportedModelException.class, () -> h.prepare(kernel));
    }

    /**
     * Prepares and runs; the only acceptable failure is a typed model error from prepare (for the hostile-shape
     * property tests).
     */
    static boolean runOrRefuse(KernelHarness h, Kernel kernel) {
        try {
            h.prepare(kernel).invoke();
            return true;
        } catch (ModelException e) {
            assertTrue(e instanceof UnsupportedModelException, "expected UnsupportedModelException, got " + e);
            return false;
        }
    }

    /** An int8 operand of a test: its shape, quantization and quantized values. */
    record Int8Operand(int[] shape, float scale, int zeroPoint, byte[] q) {
        float[] dequantized() {
            return dequantize(q, scale, zeroPoint);
        }
    }

    /**
     * Runs a two-input op in int8 and, on the dequantized inputs, in float (each on a fresh harness from
     * {@code op} and a fresh kernel), and asserts the int8 result is within one output step of the float one.
     */
    static void assertBinaryInt8AgreesWithFloat(Supplier<KernelHarness> op, Supplier<Kernel> kernel, Int8Operand a,
                                                Int8Operand b, int[] outShape, float outScale, int outZp) {
        KernelHarness h = op.get();
        h.inputInt8(a.shape(), a.scale(), a.zeroPoint(), a.q());
        h.inputInt8(b.shape(), b.scale(), b.zeroPoint(), b.q());
        Tensor out = h.outputInt8(outShape, outScale, outZp);
        h.run(kernel.get());

        KernelHarness f = op.get();
        f.inputFloat(a.shape(), a.dequantized());
        f.inputFloat(b.shape(), b.dequantized());
        Tensor fo = f.outputFloat(outShape);
        f.run(kernel.get());
        assertWithinLsb(floats(fo), out.toByteArray(), outScale, outZp, 1);
    }

    /** Asserts that the int8 result is within {@code lsb} output steps of the float reference. */
    static void assertWithinLsb(float[] expected, byte[] actual, float scale, int zp, int lsb) {
        for (int i = 0; i < expected.length; i++) {
            float e = Math.max(scale * (-128 - zp), Math.min(scale * (127 - zp), expected[i]));
            float a = scale * (actual[i] - zp);
            assertTrue(Math.abs(a - e) <= lsb * scale + 1e-6f,
                    "element " + i + ": int8 gives " + a + " (q=" + actual[i] + "), float gives " + expected[i]);
        }
    }
}
