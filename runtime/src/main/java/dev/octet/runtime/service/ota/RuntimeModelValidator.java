package dev.octet.runtime.service.ota;

import dev.octet.ota.agent.ModelValidator;
import dev.octet.ota.pkg.Manifest;
import dev.octet.ota.pkg.TensorContract;
import dev.octet.runtime.engine.Interpreter;
import dev.octet.runtime.engine.InterpreterOptions;
import dev.octet.runtime.model.Model;
import dev.octet.runtime.model.ModelException;
import dev.octet.runtime.model.ModelReader;
import dev.octet.runtime.model.Quantization;
import dev.octet.runtime.model.TensorSpec;
import dev.octet.runtime.model.UnsupportedModelException;
import dev.octet.runtime.pipeline.InputQuantizer;
import dev.octet.runtime.pipeline.ModelRunner;
import dev.octet.runtime.pipeline.OutputDequantizer;
import dev.octet.runtime.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The runtime's checks of a verified OTA model before it may go live ({@link ModelValidator}). In order, each with
 * its own reason code (reported by the agent as {@code state=rejected}, {@code reason=<code>}):
 * <ol>
 * <li>{@code model-malformed}: the model reader refuses the bytes (bounds, structure, limits);</li>
 * <li>{@code unsupported-operator}: an operator has no kernel, or cannot be prepared (interpreter creation);</li>
 * <li>{@code manifest-contract}: the manifest declares an input/output contract the model does not have;</li>
 * <li>{@code input-contract}: for some stream running this model id, not exactly one input, or its shape differs
 *     from the running model's, or its type is not one the pipeline quantizes into (int8 with one scale, or
 *     float32);</li>
 * <li>{@code input-quantization}: the new input scale/zero point clip clearly more of the stream's recorded
 *     inputs than the running model's do (more than 1 percentage point more, and more than 1 %);</li>
 * <li>{@code output-contract}: the first output's size differs from what the stream's postprocessing was built
 *     for, or its type cannot be dequantized;</li>
 * <li>{@code dry-run-failed} / {@code dry-run-output}: running the stream's last recorded windows (or seeded
 *     synthetic ones when none are recorded yet; {@link #lastReport()} says which) throws, or gives non-finite
 *     outputs;</li>
 * <li>{@code latency-budget}: the median invoke time of the dry run exceeds the budget.</li>
 * </ol>
 * Runs on the agent's thread; it builds its own interpreters and never touches the running ones.
 */
public final class RuntimeModelValidator implements ModelValidator {
    private static final System.Logger LOG = System.getLogger(RuntimeModelValidator.class.getName());

    /** A stream that runs the model id being updated: its swap point and its recorded windows. */
    public record Target(String streamId, ModelRunner runner, WindowRecorder recorder) {
    }

    private final String modelId;
    private final Supplier<InterpreterOptions> options;
    private final Supplier<List<Target>> targets;
    private final Double latencyBudgetMs;
    private final int dryRunWindows;
    private final long seed;
    private volatile String lastReport = "";

    /**
     * @param targets         the streams running {@code modelId} now (asked at every validation)
     * @param latencyBudgetMs median invoke time allowed, or null for no limit
     * @param dryRunWindows   synthetic windows to run when a stream has recorded none
     * @param seed            for the synthetic windows
     */
    public RuntimeModelValidator(String modelId, Supplier<InterpreterOptions> options, Supplier<List<Target>> targets,
                                 Double latencyBudgetMs, int dryRunWindows, long seed) {
        this.modelId = Objects.requireNonNull(modelId);
        this.options = Objects.requireNonNull(options);
        this.targets = Objects.requireNonNull(targets);
        this.latencyBudgetMs = latencyBudgetMs;
        this.dryRunWindows = dryRunWindows;
        this.seed = seed;
    }

    /** What the last validation's dry run ran on, and its median invoke time. */
    public String lastReport() {
        return lastReport;
    }

    @Override
    public void validate(Manifest manifest, byte[] bytes) throws InvalidModelException {
        Model model = parse(bytes);
        Interpreter probe = interpreter(model);
        checkManifest(manifest, model);
        List<Long> invokeNanos = new ArrayList<>();
        StringBuilder report = new StringBuilder();
        for (Target t : targets.get()) {
            Interpreter candidate = interpreter(model);
            Tensor running = t.runner().active().interpreter().input(0);
            InputQuantizer quantizer = checkInput(t, candidate, running);
            OutputDequantizer dequantizer = checkOutput(t, candidate);
            DryRunInputs inputs = DryRunInputs.of(t.recorder(), running, dryRunWindows, seed);
            checkClipping(t, inputs, candidate.input(0), running);
            dryRun(t, inputs, candidate, quantizer, dequantizer, invokeNanos);
            report.append(report.length() == 0 ? "" : "; ").append("stream ").append(t.streamId()).append(": ")
                    .append(inputs.windows().size()).append(inputs.synthetic()
                            ? " synthetic (seeded) windows, none recorded yet" : " recorded windows");
        }
        if (invokeNanos.isEmpty()) {
            // No stream runs this model now: still prove it invokes.
            try {
                probe.invoke();
            } catch (RuntimeException e) {
                throw new InvalidModelException("dry-run-failed", "invoke failed: " + e);
            }
            report.append("no stream runs ").append(modelId).append(": one invoke on zeros");
        } else {
            long[] sorted = invokeNanos.stream().mapToLong(Long::longValue).sorted().toArray();
            double medianMs = sorted[sorted.length / 2] / 1e6;
            report.append(String.format(Locale.ROOT, "; median invoke %.3f ms", medianMs));
            if (latencyBudgetMs != null && medianMs > latencyBudgetMs) {
                lastReport = report.toString();
                throw new InvalidModelException("latency-budget", String.format(Locale.ROOT,
                        "median invoke %.3f ms over %d dry-run windows exceeds the budget of %s ms", medianMs,
                        sorted.length, latencyBudgetMs));
            }
        }
        lastReport = report.toString();
        LOG.log(System.Logger.Level.INFO, "OTA {0} v{1} passed validation: {2}", modelId, manifest.version(),
                lastReport);
    }

    private static Model parse(byte[] bytes) throws InvalidModelException {
        try {
            return ModelReader.withDefaults().read(bytes);
        } catch (UnsupportedModelException e) {
            throw new InvalidModelException("unsupported-operator", e.getMessage());
        } catch (ModelException e) {
            throw new InvalidModelException("model-malformed", e.getMessage());
        } catch (RuntimeException e) {
            throw new InvalidModelException("model-malformed", e.toString());
        }
    }

    private Interpreter interpreter(Model model) throws InvalidModelException {
        try {
            return Interpreter.create(model, options.get());
        } catch (UnsupportedModelException e) {
            throw new InvalidModelException("unsupported-operator", e.getMessage());
        } catch (ModelException e) {
            throw new InvalidModelException("model-malformed", e.getMessage());
        } catch (RuntimeException e) {
            throw new InvalidModelException("unsupported-operator", "cannot prepare the model: " + e);
        }
    }

    private static void checkManifest(Manifest manifest, Model model) throws InvalidModelException {
        var g = model.mainSubgraph();
        compare("input", manifest.inputs(), g.inputs().length, i -> g.input(i));
        compare("output", manifest.outputs(), g.outputs().length, i -> g.output(i));
    }

    private static void compare(String what, List<TensorContract> declared, int actualCount,
                                java.util.function.IntFunction<TensorSpec> actual) throws InvalidModelException {
        if (declared.isEmpty()) {
            return; // the packer had no model reader: nothing declared
        }
        if (declared.size() != actualCount) {
            throw new InvalidModelException("manifest-contract", "the manifest declares " + declared.size() + " "
                    + what + "s, the model has " + actualCount);
        }
        for (int i = 0; i < actualCount; i++) {
            TensorContract d = declared.get(i);
            TensorSpec t = actual.apply(i);
            String type = t.type().name().toLowerCase(Locale.ROOT);
            Quantization q = t.quantization();
            boolean quantOk = d.scale().isEmpty() || (q.isQuantized() && !q.isPerAxis()
                    && (float) d.scale().getAsDouble() == q.scale() && d.zeroPoint().getAsLong() == q.zeroPoint());
            if (!d.type().equals(type) || !Arrays.equals(d.shape(), t.shape()) || !quantOk) {
                throw new InvalidModelException("manifest-contract", what + " " + i + ": the manifest declares "
                        + d + ", the model has " + type + Arrays.toString(t.shape()) + " " + q);
            }
        }
    }

    private InputQuantizer checkInput(Target t, Interpreter candidate, Tensor running) throws InvalidModelException {
        if (candidate.inputCount() != 1) {
            throw new InvalidModelException("input-contract", "stream " + t.streamId() + " feeds one input; the model"
                    + " has " + candidate.inputCount());
        }
        Tensor in = candidate.input(0);
        if (!Arrays.equals(in.shape(), running.shape())) {
            throw new InvalidModelException("input-contract", "stream " + t.streamId() + " gives "
                    + t.runner().inputElements() + " values shaped " + Arrays.toString(running.shape())
                    + "; the model takes " + in.type().name().toLowerCase(Locale.ROOT) + Arrays.toString(in.shape()));
        }
        try {
            return new InputQuantizer(in);
        } catch (UnsupportedModelException e) {
            throw new InvalidModelException("input-contract", "stream " + t.streamId() + ": " + e.getMessage());
        }
    }

    private static OutputDequantizer checkOutput(Target t, Interpreter candidate) throws InvalidModelException {
        if (candidate.outputCount() < 1) {
            throw new InvalidModelException("output-contract", "the model has no output");
        }
        OutputDequantizer d;
        try {
            d = new OutputDequantizer(candidate.output(0));
        } catch (RuntimeException e) {
            throw new InvalidModelException("output-contract", "stream " + t.streamId() + ": " + e.getMessage());
        }
        if (d.elements() != t.runner().outputElements()) {
            throw new InvalidModelException("output-contract", "stream " + t.streamId() + " postprocesses "
                    + t.runner().outputElements() + " output values; the model gives " + d.elements());
        }
        return d;
    }

    private static void checkClipping(Target t, DryRunInputs inputs, Tensor candidate, Tensor running)
            throws InvalidModelException {
        if (inputs.synthetic()) {
            return; // synthetic windows are drawn from the running model's range: they say nothing here
        }
        double now = clippedFraction(inputs.windows(), running);
        double next = clippedFraction(inputs.windows(), candidate);
        if (next > 0.01 && next > now + 0.01) {
            throw new InvalidModelException("input-quantization", String.format(Locale.ROOT,
                    "stream %s: the model's input quantization %s clips %.1f %% of the recorded inputs "
                            + "(the running model's %.1f %%)", t.streamId(), candidate.quantization(),
                    100 * next, 100 * now));
        }
    }

    /** Share of values outside what an int8 input tensor can represent (0 for float inputs). */
    private static double clippedFraction(List<float[]> windows, Tensor input) {
        Quantization q = input.quantization();
        if (!q.isQuantized() || q.isPerAxis()) {
            return 0;
        }
        double lo = (-128.5 - q.zeroPoint()) * q.scale();
        double hi = (127.5 - q.zeroPoint()) * q.scale();
        long clipped = 0;
        long total = 0;
        for (float[] w : windows) {
            for (int i = 0; i < input.elementCount() && i < w.length; i++) {
                total++;
                if (w[i] < lo || w[i] > hi) {
                    clipped++;
                }
            }
        }
        return total == 0 ? 0 : (double) clipped / total;
    }

    private static void dryRun(Target t, DryRunInputs inputs, Interpreter candidate, InputQuantizer quantizer,
                               OutputDequantizer dequantizer, List<Long> invokeNanos) throws InvalidModelException {
        float[] out = new float[dequantizer.elements()];
        for (int w = 0; w < inputs.windows().size(); w++) {
            try {
                quantizer.write(inputs.windows().get(w));
                long t0 = System.nanoTime();
                candidate.invoke();
                invokeNanos.add(System.nanoTime() - t0);
                dequantizer.read(out);
            } catch (RuntimeException | StackOverflowError e) {
                throw new InvalidModelException("dry-run-failed", "stream " + t.streamId() + ", dry-run window "
                        + w + (inputs.synthetic() ? " (synthetic)" : " (recorded)") + ": " + e);
            }
            for (int i = 0; i < out.length; i++) {
                if (!Float.isFinite(out[i])) {
                    throw new InvalidModelException("dry-run-output", "stream " + t.streamId() + ", dry-run window "
                            + w + ": output " + i + " is " + out[i]);
                }
            }
        }
    }
}
