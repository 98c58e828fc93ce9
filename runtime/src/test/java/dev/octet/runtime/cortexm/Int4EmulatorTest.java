package dev.octet.runtime.cortexm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.profiles.DeviceProfiles;
import dev.octet.runtime.TestModels;
import dev.octet.runtime.model.Model;
import dev.octet.runtime.model.ModelReader;
import dev.octet.runtime.model.OperatorSpec;
import dev.octet.runtime.quant.calibration.Calibration;
import dev.octet.runtime.quant.calibration.CalibrationData;
import dev.octet.runtime.quant.calibration.ProgressListener;
import dev.octet.runtime.quant.calibration.TensorStatistics;
import dev.octet.runtime.quant.ptq.Quantizer;
import dev.octet.runtime.quant.ptq.WeightFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The emulator costs Octet's int4 variant: less flash, unpacking and rescaling cycles, the same arena. */
class Int4EmulatorTest {

    private static Model[] adInt8AndInt4() {
        ModelReader reader = ModelReader.withDefaults();
        Model model = reader.read(TestModels.bytes("float/ad01_fc_autoencoder_fp32.tflite"));
        List<float[]> frames = CalibrationData.split(
                TestModels.bytes("testdata/ad01_normal_id_01_00000000_hist_librosa.bin"), 128, "hist");
        List<float[]> windows = new ArrayList<>();
        for (int start = 0; start < 16; start++) {
            float[] w = new float[640];
            for (int f = 0; f < 5; f++) {
                System.arraycopy(frames.get(start + f), 0, w, 128 * f, 128);
            }
            windows.add(w);
        }
        Map<Integer, TensorStatistics> stats = Calibration.collect(model, windows, ProgressListener.NONE);
        return new Model[] {
            reader.read(Quantizer.quantize(model, stats, Quantizer.Options.defaults()).bytes()),
            reader.read(Quantizer.quantize(model, stats, Quantizer.Options.defaults(), WeightFormat.int4(32)).bytes())};
    }

    @Test
    void int4_all_costs_depthwise_unpacking_per_output_pixel() {
        ModelReader reader = ModelReader.withDefaults();
        Model model = reader.read(TestModels.bytes("float/kws01_dscnn_fp32.tflite"));
        byte[] q = TestModels.bytes("testdata/kws01_sample0_int8_49x10.bin");
        float[] x = new float[q.length];
        for (int i = 0; i < q.length; i++) {
            x[i] = 0.5847029f * (q[i] - 83);
        }
        Map<Integer, TensorStatistics> stats = Calibration.collect(model, List.of(x), ProgressListener.NONE);
        Model int4 = reader.read(Quantizer.quantize(model, stats, Quantizer.Options.defaults(), WeightFormat.int4(32))
                .bytes());
        Model all = reader.read(Quantizer.quantize(model, stats, Quantizer.Options.defaults(),
                WeightFormat.int4All(32)).bytes());
        Estimate a = CortexMEmulator.calibrated().estimate(int4, DeviceProfiles.bundled().get("ra6m4"));
        Estimate b = CortexMEmulator.calibrated().estimate(all, DeviceProfiles.bundled().get("ra6m4"));
        assertEquals(a.codeBytes() + Int4Costs.CODE_BYTES_PER_KERNEL, b.codeBytes(), "one more int4 kernel");
        assertEquals(a.arenaBytes(), b.arenaBytes());
        LayerEstimate dw8 = a.layers().get(1);
        LayerEstimate dw4 = b.layers().get(1);
        assertEquals(KernelClass.DEPTHWISE_3X3, dw4.kernel());
        // 3x3x64 weights unpacked at each of the 125 output pixels, at 0.75 cycles (DSP), times the MAC factor.
        double unpack = 9 * 64 * 125 * 0.75 * dev.octet.runtime.cortexm.Calibration.BUNDLED.factorsFor(
                DeviceProfiles.bundled().get("ra6m4").core()).mac();
        assertEquals(dw8.macCycles() + unpack, dw4.macCycles(), 1e-6);
        assertTrue(dw4.weightBytes() < dw8.weightBytes());
    }

    @Test
    void deployment_policy_holds_the_int4_variant_even_where_it_fits() {
        Model[] m = adInt8AndInt4();
        DeploymentPolicy policy = new DeploymentPolicy(CortexMEmulator.calibrated());
        NodeClass node = NodeClass.of("sensor", DeviceProfiles.bundled().get("stm32l4r5"), 0.25, 0.25);
        assertTrue(policy.decide(DeploymentPolicy.Candidate.of("int8", m[0]), node).push());
        DeploymentPolicy.Decision int4 = policy.decide(DeploymentPolicy.Candidate.of("int4", m[1]), node);
        assertFalse(int4.push());
        assertEquals(1, int4.reasons().size(), int4.reasons().toString());
        assertTrue(int4.reasons().get(0).contains("TFLite Micro"), int4.reasons().toString());
        assertEquals("int8", policy.choose(List.of(DeploymentPolicy.Candidate.of("int4", m[1]).withAccuracy(1.0),
                DeploymentPolicy.Candidate.of("int8", m[0])), node).chosen().orElseThrow().candidate().name());
    }

    @Test
    void int4_takes_less_flash_and_more_compute_in_the_same_arena() {
        Model[] m = adInt8AndInt4();
        DeviceProfiles profiles = DeviceProfiles.bundled();
        CortexMEmulator emulator = CortexMEmulator.calibrated();
        for (String id : new String[] {"stm32l4r5", "ra6m4", "alif-e7-hp", "stm32g0b1"}) {
            Estimate int8 = emulator.estimate(m[0], profiles.get(id));
            Estimate int4 = emulator.estimate(m[1], profiles.get(id));
            System.out.printf("AD %s: int8 %.3f ms flash %d arena %d; int4 %.3f ms flash %d arena %d%n", id,
                    int8.latencyMs(), int8.flashBytes(), int8.arenaBytes(), int4.latencyMs(), int4.flashBytes(),
                    int4.arenaBytes());
            assertTrue(int4.flashBytes() < int8.flashBytes(), id + " flash");
            assertEquals(m[1].sizeBytes() + int8.codeBytes() + Int4Costs.CODE_BYTES_PER_KERNEL, int4.flashBytes());
            // The ratios are recovered from the scales in flash: nothing more in RAM.
            assertEquals(int8.arena().nonPersistentBytes(), int4.arena().nonPersistentBytes(), id);
            assertEquals(int8.arena().persistentBytes(), int4.arena().persistentBytes(), id);
            for (int i = 0; i < int8.layers().size(); i++) {
                LayerEstimate a = int8.layers().get(i);
                LayerEstimate b = int4.layers().get(i);
                assertTrue(b.macCycles() > a.macCycles(), id + " layer " + i + ": unpacking in the MAC loop");
                assertTrue(b.auxCycles() > a.auxCycles(), id + " layer " + i + ": rescaling");
                assertTrue(b.memoryCycles() < a.memoryCycles(), id + " layer " + i + ": half the weight bytes");
                assertTrue(b.weightBytes() < a.weightBytes(), id + " layer " + i + ": fewer weight bytes");
            }
        }
    }
}
