package dev.octet.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.runtime.engine.Interpreter;
import dev.octet.runtime.engine.InterpreterOptions;
import dev.octet.runtime.engine.KernelSelection;
import dev.octet.runtime.model.Activation;
import dev.octet.runtime.model.BuiltinOperator;
import dev.octet.runtime.model.BuiltinOptions;
import dev.octet.runtime.model.Model;
import dev.octet.runtime.model.ModelReader;
import dev.octet.runtime.model.Padding;
import dev.octet.runtime.model.Quantization;
import dev.octet.runtime.model.ShiftOnlyFormatException;
import dev.octet.runtime.model.ShiftOnlyRequantization;
import dev.octet.runtime.model.TensorType;
import dev.octet.runtime.quant.ShiftRequantization;
import dev.octet.runtime.quant.ptq.TfliteModelWriter;
import dev.octet.runtime.quant.ptq.TfliteModelWriter.OperatorDef;
import dev.octet.runtime.quant.ptq.TfliteModelWriter.TensorDef;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Octet's shift-only variant on a seeded random CONV_2D → RESHAPE → FULLY_CONNECTED model with power-of-two
 * scales: the marker is read, every output is the exact rounding of the real-valued requantization (so within
 * 1 LSB of the float computation), every kernel selection gives the same bytes, and a marked model whose
 * multiplier is not a power of two is refused naming the operator.
 */
class ShiftOnlyRequantizationTest {
    private static final int H = 6;
    private static final int W = 6;
    private static final int CIN = 3;
    private static final int COUT = 4;
    private static final int UNITS = 5;
    private static final float IN_SCALE = 0x1p-4f;
    private static final int IN_ZP = 3;
    private static final float[] CONV_W_SCALES = {0x1p-7f, 0x1p-6f, 0x1p-5f, 0x1p-6f};
    private static final float CONV_OUT_SCALE = 0x1p-3f;
    private static final int CONV_OUT_ZP = -5;
    private static final float FC_W_SCALE = 0x1p-8f;
    private static final float FC_OUT_SCALE = 0x1p-2f;
    private static final int FC_OUT_ZP = 2;

    private static final Map<String, byte[]> MARKER =
            Map.of(ShiftOnlyRequantization.METADATA_NAME, ShiftOnlyRequantization.encode());

    /** The model's constants, drawn once from a seed. */
    private record Weights(byte[] conv, int[] convBias, byte[] fc, int[] fcBias) {
        static Weights random(long seed) {
            Random r = new Random(seed);
            byte[] conv = new byte[COUT * 3 * 3 * CIN];
            byte[] fc = new byte[UNITS * H * W * COUT];
            for (int i = 0; i < conv.length; i++) {
                conv[i] = (byte) (r.nextInt(255) - 127);
            }
            for (int i = 0; i < fc.length; i++) {
                fc[i] = (byte) (r.nextInt(255) - 127);
            }
            int[] convBias = new int[COUT];
            int[] fcBias = new int[UNITS];
            for (int i = 0; i < COUT; i++) {
                convBias[i] = r.nextInt(4001) - 2000;
            }
            for (int i = 0; i < UNITS; i++) {
                fcBias[i] = r.nextInt(40001) - 20000;
            }
            return new Weights(conv, convBias, fc, fcBias);
        }
    }

    private static byte[] int32Bytes(int[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int x : v) {
            b.putInt(x);
        }
        return b.array();
    }

    private static byte[] model(Weights w, float convOutScale, Map<String, byte[]> metadata) {
        float[] convBiasScales = new float[COUT];
        for (int c = 0; c < COUT; c++) {
            convBiasScales[c] = IN_SCALE * CONV_W_SCALES[c];
        }
        List<TensorDef> tensors = List.of(
                new TensorDef("input", TensorType.INT8, new int[] {1, H, W, CIN},
                        Quantization.perTensor(IN_SCALE, IN_ZP), null),
                new TensorDef("conv_w", TensorType.INT8, new int[] {COUT, 3, 3, CIN},
                        new Quantization(CONV_W_SCALES, new long[COUT], 0), w.conv()),
                new TensorDef("conv_b", TensorType.INT32, new int[] {COUT},
                        new Quantization(convBiasScales, new long[COUT], 0), int32Bytes(w.convBias())),
                new TensorDef("conv", TensorType.INT8, new int[] {1, H, W, COUT},
                        Quantization.perTensor(convOutScale, CONV_OUT_ZP), null),
                new TensorDef("shape", TensorType.INT32, new int[] {2}, null, int32Bytes(new int[] {1, H * W * COUT})),
                new TensorDef("flat", TensorType.INT8, new int[] {1, H * W * COUT},
                        Quantization.perTensor(convOutScale, CONV_OUT_ZP), null),
                new TensorDef("fc_w", TensorType.INT8, new int[] {UNITS, H * W * COUT},
                        Quantization.perTensor(FC_W_SCALE, 0), w.fc()),
                new TensorDef("fc_b", TensorType.INT32, new int[] {UNITS},
                        Quantization.perTensor(convOutScale * FC_W_SCALE, 0), int32Bytes(w.fcBias())),
                new TensorDef("out", TensorType.INT8, new int[] {1, UNITS},
                        Quantization.perTensor(FC_OUT_SCALE, FC_OUT_ZP), null));
        List<OperatorDef> ops = List.of(
                new OperatorDef(BuiltinOperator.CONV_2D, 3, new int[] {0, 1, 2}, new int[] {3},
                        new BuiltinOptions.Conv2D(Padding.SAME, 1, 1, Activation.NONE, 1, 1)),
                new OperatorDef(BuiltinOperator.RESHAPE, 1, new int[] {3, 4}, new int[] {5},
                        new BuiltinOptions.Reshape(new int[] {1, H * W * COUT})),
                new OperatorDef(BuiltinOperator.FULLY_CONNECTED, 4, new int[] {5, 6, 7}, new int[] {8},
                        new BuiltinOptions.FullyConnected(Activation.NONE, 0, false, false)));
        return TfliteModelWriter.write("shift-only test", "main", tensors, ops, new int[] {0}, new int[] {8},
                metadata);
    }

    private static byte[] randomInput(Random r) {
        byte[] in = new byte[H * W * CIN];
        for (int i = 0; i < in.length; i++) {
            in[i] = (byte) (r.nextInt(256) - 128);
        }
        return in;
    }

    /** {@code round(real · m)} by the variant's definition, half up, plus the zero point, clamped to int8. */
    private static int exactRounding(long acc, double m, int zp) {
        return clamp((long) Math.floor(acc * m + 0.5) + zp);
    }

    private static int clamp(long v) {
        return (int) Math.max(-128, Math.min(127, v));
    }

    @Test
    void marker_is_written_and_read() {
        Weights w = Weights.random(1);
        assertTrue(ModelReader.withDefaults().read(model(w, CONV_OUT_SCALE, MARKER)).shiftOnlyRequantization());
        assertFalse(ModelReader.withDefaults().read(model(w, CONV_OUT_SCALE, Map.of())).shiftOnlyRequantization());
    }

    @Test
    void conv_and_fc_outputs_are_the_exact_rounding_and_within_one_lsb_of_float_for_every_kernel_selection() {
        Weights w = Weights.random(42);
        Model marked = ModelReader.withDefaults().read(model(w, CONV_OUT_SCALE, MARKER));
        InterpreterOptions keep = InterpreterOptions.defaults().withPreserveAllTensors(true);
        Interpreter reference = Interpreter.create(marked, keep.withKernels(KernelSelection.REFERENCE));
        Interpreter scalar = Interpreter.create(marked, keep.withKernels(KernelSelection.SCALAR));
        Interpreter auto = Interpreter.create(marked, keep.withKernels(KernelSelection.AUTO));
        Random r = new Random(7);
        int checked = 0;
        for (int sample = 0; sample < 20; sample++) {
            byte[] in = randomInput(r);
            for (Interpreter i : List.of(reference, scalar, auto)) {
                i.input(0).copyFrom(in);
                i.invoke();
            }
            byte[] conv = reference.tensor(3).toByteArray();
            byte[] out = reference.output(0).toByteArray();
            assertArrayEquals(conv, scalar.tensor(3).toByteArray(), "conv, scalar kernels");
            assertArrayEquals(conv, auto.tensor(3).toByteArray(), "conv, auto kernels");
            assertArrayEquals(out, scalar.output(0).toByteArray(), "fc, scalar kernels");
            assertArrayEquals(out, auto.output(0).toByteArray(), "fc, auto kernels");

            for (int y = 0; y < H; y++) {
                for (int x = 0; x < W; x++) {
                    for (int oc = 0; oc < COUT; oc++) {
                        long acc = w.convBias()[oc];
                        for (int ky = 0; ky < 3; ky++) {
                            for (int kx = 0; kx < 3; kx++) {
                                int iy = y + ky - 1;
                                int ix = x + kx - 1;
                                if (iy < 0 || iy >= H || ix < 0 || ix >= W) {
                                    continue;
                                }
                                for (int ic = 0; ic < CIN; ic++) {
                                    acc += (long) (in[(iy * W + ix) * CIN + ic] - IN_ZP)
                                            * w.conv()[((oc * 3 + ky) * 3 + kx) * CIN + ic];
                                }
                            }
                        }
                        double m = (double) IN_SCALE * CONV_W_SCALES[oc] / CONV_OUT_SCALE;
                        int got = conv[(y * W + x) * COUT + oc];
                        assertEquals(exactRounding(acc, m, CONV_OUT_ZP), got, "conv " + y + "," + x + "," + oc);
                        double real = acc * m + CONV_OUT_ZP;
                        assertTrue(Math.abs(clamp(Math.round(real)) - got) <= 1, "conv within 1 LSB of " + real);
                        checked++;
                    }
                }
            }
            for (int u = 0; u < UNITS; u++) {
                long acc = w.fcBias()[u];
                for (int d = 0; d < H * W * COUT; d++) {
                    acc += (long) (conv[d] - CONV_OUT_ZP) * w.fc()[u * H * W * COUT + d];
                }
                double m = (double) CONV_OUT_SCALE * FC_W_SCALE / FC_OUT_SCALE;
                assertEquals(exactRounding(acc, m, FC_OUT_ZP), out[u], "fc unit " + u);
                assertTrue(Math.abs(clamp(Math.round(acc * m + FC_OUT_ZP)) - out[u]) <= 1, "fc within 1 LSB");
                checked++;
            }
        }
        assertEquals(20 * (H * W * COUT + UNITS), checked);
    }

    @Test
    void invoke_of_a_marked_model_allocates_nothing() {
        Interpreter i = Interpreter.create(ModelReader.withDefaults().read(model(Weights.random(6), CONV_OUT_SCALE,
                MARKER)));
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        for (int k = 0; k < 2000; k++) {
            i.invoke();
        }
        // A real per-invoke allocation shows in every window; a one-off JVM allocation (recompilation) does not.
        int clean = 0;
        long last = 0;
        for (int window = 0; window < 100 && clean < 3; window++) {
            long before = threads.getThreadAllocatedBytes(id);
            for (int k = 0; k < 50; k++) {
                i.invoke();
            }
            last = threads.getThreadAllocatedBytes(id) - before;
            clean = last == 0 ? clean + 1 : 0;
        }
        assertEquals(3, clean, "allocated " + last + " bytes over 50 invokes");
    }

    @Test
    void marked_model_with_a_multiplier_that_is_not_a_power_of_two_is_refused_naming_the_operator() {
        Model bad = ModelReader.withDefaults().read(model(Weights.random(3), 0.3f, MARKER));
        for (KernelSelection k : List.of(KernelSelection.REFERENCE, KernelSelection.SCALAR)) {
            ShiftOnlyFormatException e = assertThrows(ShiftOnlyFormatException.class,
                    () -> Interpreter.create(bad, InterpreterOptions.defaults().withKernels(k)));
            assertTrue(e.getMessage().startsWith("operator 0 (CONV_2D)"), e.getMessage());
            assertTrue(e.getMessage().contains("not a power of two"), e.getMessage());
        }
        // The same file without the marker is an ordinary int8 model.
        Interpreter.create(ModelReader.withDefaults().read(model(Weights.random(3), 0.3f, Map.of())));
    }

    @Test
    void a_marker_with_another_meaning_is_refused() {
        byte[] other = model(Weights.random(4), CONV_OUT_SCALE, Map.of(ShiftOnlyRequantization.METADATA_NAME,
                "requantization=shift-round-half-even\n".getBytes(StandardCharsets.UTF_8)));
        ShiftOnlyFormatException e = assertThrows(ShiftOnlyFormatException.class,
                () -> ModelReader.withDefaults().read(other));
        assertTrue(e.getMessage().contains("shift-round-half-even"), e.getMessage());
    }

    @Test
    void the_marker_together_with_the_int4_marker_is_refused() {
        byte[] both = model(Weights.random(5), CONV_OUT_SCALE, Map.of(
                ShiftOnlyRequantization.METADATA_NAME, ShiftOnlyRequantization.encode(),
                dev.octet.runtime.model.Int4Layout.METADATA_NAME, new dev.octet.runtime.model.Int4Layout(32).encode()));
        ShiftOnlyFormatException e = assertThrows(ShiftOnlyFormatException.class,
                () -> ModelReader.withDefaults().read(both));
        assertTrue(e.getMessage().contains("together"), e.getMessage());
    }

    @Test
    void the_shift_rounds_half_up_and_differs_from_tflm_by_at_most_one() {
        assertEquals(-7, ShiftRequantization.exponentOf(0x1p-7));
        assertEquals(Integer.MIN_VALUE, ShiftRequantization.exponentOf(0.3));
        assertEquals(Integer.MIN_VALUE, ShiftRequantization.exponentOf(-0.25));
        assertEquals(1, ShiftRequantization.scale(2, -2));   // 0.5 -> 1
        assertEquals(0, ShiftRequantization.scale(-2, -2));  // -0.5 -> 0 (half up)
        assertEquals(-1, ShiftRequantization.scale(-3, -2)); // -0.75 -> -1
        assertEquals(Integer.MAX_VALUE, ShiftRequantization.scale(1 << 30, 2));
        // TFLM's double rounding takes -0.5 to -1 here: the 1 LSB by which the variant is not bit-exact.
        dev.octet.runtime.quant.QuantizedMultiplier quarter =
                dev.octet.runtime.quant.FixedPoint.quantizeMultiplier(0.25);
        assertEquals(-1, dev.octet.runtime.quant.FixedPoint.multiplyByQuantizedMultiplier(-2, quarter.multiplier(),
                quarter.shift()));
        Random r = new Random(11);
        for (int i = 0; i < 100_000; i++) {
            int x = r.nextInt();
            int e = -1 - r.nextInt(31);
            int got = ShiftRequantization.scale(x, e);
            assertEquals((long) Math.floor(Math.scalb((double) x, e) + 0.5), got, x + " * 2^" + e);
            dev.octet.runtime.quant.QuantizedMultiplier q =
                    dev.octet.runtime.quant.FixedPoint.quantizeMultiplier(Math.scalb(1.0, e));
            int tflm = dev.octet.runtime.quant.FixedPoint.multiplyByQuantizedMultiplier(x, q.multiplier(), q.shift());
            assertTrue(Math.abs(tflm - got) <= 1, x + " * 2^" + e + ": TFLM " + tflm + ", shift " + got);
        }
    }
}
