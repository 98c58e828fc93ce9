package dev.octet.runtime.service.ota;

import dev.octet.runtime.model.Quantization;
import dev.octet.runtime.model.TensorType;
import dev.octet.runtime.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The inputs a new model version is dry-run on: a stream's recorded windows when it has any, otherwise seeded
 * synthetic windows spread over the range the running model's input can represent (so that they exercise the
 * whole quantized range, as real windows do). {@link #synthetic()} says which it was.
 */
record DryRunInputs(List<float[]> windows, boolean synthetic) {
    static DryRunInputs of(WindowRecorder recorder, Tensor runningInput, int count, long seed) {
        List<float[]> recorded = recorder == null ? List.of() : recorder.snapshot();
        if (!recorded.isEmpty()) {
            return new DryRunInputs(recorded, false);
        }
        int n = runningInput.elementCount();
        float lo = -1f;
        float hi = 1f;
        Quantization q = runningInput.quantization();
        if (runningInput.type() == TensorType.INT8 && q.isQuantized() && !q.isPerAxis()) {
            lo = (-128 - q.zeroPoint()) * q.scale();
            hi = (127 - q.zeroPoint()) * q.scale();
        }
        SplittableRandom random = new SplittableRandom(seed);
        List<float[]> out = new ArrayList<>(count);
        for (int w = 0; w < count; w++) {
            float[] x = new float[n];
            for (int i = 0; i < n; i++) {
                x[i] = lo + (float) random.nextDouble() * (hi - lo);
            }
            out.add(x);
        }
        return new DryRunInputs(out, true);
    }
}
