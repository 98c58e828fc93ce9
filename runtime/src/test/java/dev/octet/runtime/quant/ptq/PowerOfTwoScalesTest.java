package dev.octet.runtime.quant.ptq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.runtime.engine.Interpreter;
import dev.octet.runtime.engine.InterpreterOptions;
import dev.octet.runtime.engine.KernelSelection;
import dev.octet.runtime.model.Model;
import dev.octet.runtime.model.ModelReader;
import dev.octet.runtime.model.TensorSpec;
import dev.octet.runtime.quant.calibration.ProgressListener;
import java.util.List;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import org.junit.jupiter.api.Test;

class PowerOfTwoScalesTest {

    private static boolean isPowerOfTwo(float f) {
        int bits = Float.floatToIntBits(f);
        return f > 0 && (bits & 0x007FFFFF) == 0; // a normal float with an all-zero mantissa
    }

    @Test
    void rounds_up_to_powers_of_two() {
        assertEquals(0.5f, Quantizer.ceilPowerOfTwo(0.3f));
        assertEquals(0.5f, Quantizer.ceilPowerOfTwo(0.5f));
        assertEquals(1f / 256, Quantizer.ceilPowerOfTwo(0.0030f));
        assertEquals(4f, Quantizer.ceilPowerOfTwo(2.01f));
    }

    @Test
    void every_scale_is_a_power_of_two_and_the_models_still_work() {
        Model kws = QuantizerModelsTest.read("float/kws01_dscnn_fp32.tflite");
        List<float[]> samples = QuantizerModelsTest.kwsCalibration();
        Quantizer.Result r = QuantizerModelsTest.quantize(kws, samples,
                Quantizer.Options.defaults().withPowerOfTwoScales(true));
        Model q = ModelReader.withDefaults().read(r.bytes());
        for (TensorSpec t : q.mainSubgraph().tensors()) {
            for (float s : t.quantization().scales()) {
                assertTrue(isPowerOfTwo(s), t + " scale " + s);
            }
        }
        QuantizationReport kwsReport = QuantizationReport.evaluate(kws, r, samples, ProgressListener.NONE);
        assertTrue(q.shiftOnlyRequantization(), "the octet.pow2.v1 marker is written and read");
        System.out.printf("KWS power-of-two scales: top-1 agreement %.3f, output SQNR %.2f%n",
                kwsReport.top1Agreement(), kwsReport.output().sqnrDb());
        assertTrue(kwsReport.top1Agreement() >= 0.75);

        Model ad = QuantizerModelsTest.read("float/ad01_fc_autoencoder_fp32.tflite");
        List<float[]> windows = QuantizerModelsTest.adWindows();
        Quantizer.Result adResult = QuantizerModelsTest.quantize(ad, windows,
                Quantizer.Options.defaults().withPowerOfTwoScales(true));
        QuantizationReport adReport = QuantizationReport.evaluate(ad, adResult, windows, ProgressListener.NONE);
        System.out.printf("AD power-of-two scales: score %.4f (float %.4f), output SQNR %.2f%n",
                adReport.int8Score(), adReport.floatScore(), adReport.output().sqnrDb());
        assertTrue(adReport.int8Score() < 1.5 * adReport.floatScore());
    }

    /** The same model without the shift-only marker: TFLM's fixed-point requantization of the same multipliers. */
    static Model unmarked(Model m) {
        return new Model(m.bytes(), m.schemaVersion(), m.description(), m.operatorCodes(), m.subgraphs(),
                m.signatures(), null, false);
    }

    /** Runs the samples through an interpreter (quantizing them into its int8 input) and returns the outputs. */
    private static List<byte[]> run(Interpreter i, List<float[]> samples) {
        var q = i.input(0).quantization();
        List<byte[]> outputs = new java.util.ArrayList<>();
        for (float[] x : samples) {
            for (int k = 0; k < x.length; k++) {
                long v = Math.round(x[k] / q.scale()) + q.zeroPoint();
                i.input(0).setInt8(k, (byte) Math.max(-128, Math.min(127, v)));
            }
            i.invoke();
            outputs.add(i.output(0).toByteArray());
        }
        return outputs;
    }

    private static int argmax(byte[] b) {
        int best = 0;
        for (int i = 1; i < b.length; i++) {
            if (b[i] > b[best]) {
                best = i;
            }
        }
        return best;
    }

    @Test
    void shift_only_kernels_run_the_marked_models_with_the_same_bytes_for_every_kernel_selection() {
        Model kws = QuantizerModelsTest.read("float/kws01_dscnn_fp32.tflite");
        List<float[]> samples = QuantizerModelsTest.kwsCalibration();
        Model marked = ModelReader.withDefaults().read(QuantizerModelsTest.quantize(kws, samples,
                Quantizer.Options.defaults().withPowerOfTwoScales(true)).bytes());
        assertTrue(marked.shiftOnlyRequantization());
        List<byte[]> ref = run(Interpreter.create(marked, InterpreterOptions.defaults()
                .withKernels(KernelSelection.REFERENCE)), samples);
        List<byte[]> scalar = run(Interpreter.create(marked, InterpreterOptions.defaults()
                .withKernels(KernelSelection.SCALAR)), samples);
        List<byte[]> auto = run(Interpreter.create(marked), samples);
        List<byte[]> tflm = run(Interpreter.create(unmarked(marked)), samples);
        int sameClass = 0;
        boolean anyByteDiffers = false;
        for (int s = 0; s < samples.size(); s++) {
            assertArrayEquals(ref.get(s), scalar.get(s), "sample " + s + ", scalar kernels");
            assertArrayEquals(ref.get(s), auto.get(s), "sample " + s + ", auto kernels");
            sameClass += argmax(ref.get(s)) == argmax(tflm.get(s)) ? 1 : 0;
            anyByteDiffers |= !java.util.Arrays.equals(ref.get(s), tflm.get(s));
        }
        System.out.printf("KWS power-of-two scales: shift-only vs TFLM arithmetic, same class on %d of %d%n",
                sameClass, samples.size());
        assertTrue(anyByteDiffers, "the shift-only path is not the TFLM arithmetic");
        assertTrue(sameClass >= samples.size() * 0.9, sameClass + " of " + samples.size());

        Model ad = QuantizerModelsTest.read("float/ad01_fc_autoencoder_fp32.tflite");
        List<float[]> windows = QuantizerModelsTest.adWindows();
        Quantizer.Result adResult = QuantizerModelsTest.quantize(ad, windows,
                Quantizer.Options.defaults().withPowerOfTwoScales(true));
        Model adMarked = ModelReader.withDefaults().read(adResult.bytes());
        List<byte[]> adRef = run(Interpreter.create(adMarked, InterpreterOptions.defaults()
                .withKernels(KernelSelection.REFERENCE)), windows);
        List<byte[]> adAuto = run(Interpreter.create(adMarked), windows);
        for (int s = 0; s < windows.size(); s++) {
            assertArrayEquals(adRef.get(s), adAuto.get(s), "AD window " + s);
        }
        // docs/QUANTIZER.md: 10.8599 with the shift-only kernels (10.9094 with TFLM's arithmetic; float 9.7071).
        QuantizationReport adReport = QuantizationReport.evaluate(ad, adResult, windows, ProgressListener.NONE);
        assertEquals(10.86, adReport.int8Score(), 0.05);
        assertFalse(unmarked(adMarked).shiftOnlyRequantization());
    }
}
