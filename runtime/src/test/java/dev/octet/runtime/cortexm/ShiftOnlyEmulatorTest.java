package dev.octet.runtime.cortexm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.profiles.DeviceProfile;
import dev.octet.profiles.DeviceProfiles;
import dev.octet.runtime.TestModels;
import dev.octet.runtime.model.Model;
import dev.octet.runtime.model.ModelReader;
import dev.octet.runtime.quant.calibration.Calibration;
import dev.octet.runtime.quant.calibration.ProgressListener;
import dev.octet.runtime.quant.calibration.TensorStatistics;
import dev.octet.runtime.quant.ptq.Quantizer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The emulator costs Octet's shift-only variant's requantization as a shift: fewer cycles, nothing else changes. */
class ShiftOnlyEmulatorTest {

    /** KWS quantized with power-of-two scales: the marked model and the same model without the marker. */
    private static Model[] kwsMarkedAndUnmarked() {
        byte[] q = TestModels.bytes("testdata/kws01_sample0_int8_49x10.bin");
        float[] x = new float[q.length];
        for (int i = 0; i < q.length; i++) {
            x[i] = 0.5847029f * (q[i] - 83);
        }
        return markedAndUnmarked("float/kws01_dscnn_fp32.tflite", x);
    }

    /** A float model quantized with power-of-two scales on one sample, marked and with the marker dropped. */
    private static Model[] markedAndUnmarked(String floatModel, float[] x) {
        ModelReader reader = ModelReader.withDefaults();
        Model model = reader.read(TestModels.bytes(floatModel));
        Map<Integer, TensorStatistics> stats = Calibration.collect(model, List.of(x), ProgressListener.NONE);
        Model marked = reader.read(Quantizer.quantize(model, stats,
                Quantizer.Options.defaults().withPowerOfTwoScales(true)).bytes());
        Model unmarked = new Model(marked.bytes(), marked.schemaVersion(), marked.description(),
                marked.operatorCodes(), marked.subgraphs(), marked.signatures(), null, false);
        return new Model[] {marked, unmarked};
    }

    @Test
    void marked_model_costs_fewer_requantization_cycles_on_the_m0plus_and_on_an_m4() {
        Model[] m = kwsMarkedAndUnmarked();
        assertTrue(m[0].shiftOnlyRequantization());
        for (String id : List.of("stm32g0b1", "stm32l4r5")) {
            DeviceProfile p = DeviceProfiles.bundled().get(id);
            Estimate shift = CortexMEmulator.calibrated().estimate(m[0], p);
            Estimate mul = CortexMEmulator.calibrated().estimate(m[1], p);
            double auxFactor = CortexMEmulator.calibrated().calibration().factorsFor(p.core()).aux();
            double perOutput = CoreTraits.of(p).requantCyclesPerOutput() - ShiftOnlyCosts.requantCyclesPerOutput(p);
            assertTrue(perOutput > 0, id);
            for (int i = 0; i < shift.layers().size(); i++) {
                LayerEstimate a = shift.layers().get(i);
                LayerEstimate b = mul.layers().get(i);
                assertEquals(b.macCycles(), a.macCycles(), 1e-9, id + " layer " + i);
                assertEquals(b.memoryCycles(), a.memoryCycles(), 1e-9, id + " layer " + i);
                boolean requantizesPerChannel = a.op().equals("CONV_2D") || a.op().equals("DEPTHWISE_CONV_2D")
                        || a.op().equals("FULLY_CONNECTED");
                long outputs = m[0].mainSubgraph().tensor(
                        m[0].mainSubgraph().operators().get(i).output(0)).elementCount();
                double saved = requantizesPerChannel ? outputs * perOutput * auxFactor : 0;
                assertEquals(b.auxCycles() - saved, a.auxCycles(), 1e-6, id + " layer " + i + " " + a.op());
            }
            assertTrue(shift.cycles() < mul.cycles(), id);
            assertEquals(mul.arenaBytes(), shift.arenaBytes());
            assertEquals(mul.flashBytes(), shift.flashBytes());
            System.out.printf("KWS power-of-two scales on %s: %.3f ms shift-only, %.3f ms with the multiply%n",
                    id, shift.latencyMs(), mul.latencyMs());
        }
    }

    @Test
    void autoencoder_latency_marked_and_unmarked() {
        float[] window = new float[640];
        for (int i = 0; i < window.length; i++) {
            window[i] = (float) Math.sin(i * 0.1);
        }
        Model[] m = markedAndUnmarked("float/ad01_fc_autoencoder_fp32.tflite", window);
        for (String id : List.of("stm32g0b1", "stm32l4r5")) {
            DeviceProfile p = DeviceProfiles.bundled().get(id);
            Estimate shift = CortexMEmulator.calibrated().estimate(m[0], p);
            Estimate mul = CortexMEmulator.calibrated().estimate(m[1], p);
            assertTrue(shift.cycles() < mul.cycles(), id);
            System.out.printf("AD power-of-two scales on %s: %.3f ms shift-only, %.3f ms with the multiply%n",
                    id, shift.latencyMs(), mul.latencyMs());
        }
    }

    @Test
    void deployment_policy_judges_a_marked_model_at_the_multiply_cost_the_tflm_nodes_pay() {
        Model[] m = kwsMarkedAndUnmarked();
        DeploymentPolicy policy = new DeploymentPolicy(CortexMEmulator.calibrated());
        NodeClass node = NodeClass.of("sensor", DeviceProfiles.bundled().get("stm32l4r5"), 0.25, 0.25);
        double marked = policy.decide(DeploymentPolicy.Candidate.of("pow2", m[0]), node).estimate().latencyMs();
        double unmarked = policy.decide(DeploymentPolicy.Candidate.of("int8", m[1]), node).estimate().latencyMs();
        assertEquals(unmarked, marked, 1e-9);
        assertTrue(CortexMEmulator.calibrated().estimate(m[0], node.profile()).latencyMs() < marked);
    }

    @Test
    void the_shift_does_not_depend_on_the_m0plus_multiplier_but_the_multiply_does() {
        DeviceProfile g0 = DeviceProfiles.bundled().get("stm32g0b1");
        assertEquals(1, g0.multiplierCycles());
        assertEquals(12, ShiftOnlyCosts.requantCyclesPerOutput(g0));
        assertEquals(40, CoreTraits.of(g0).requantCyclesPerOutput());
    }
}
