package dev.octet.runtime.pipeline;

import dev.octet.runtime.engine.Interpreter;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Runs one stream's model window by window, behind a swap point for over-the-air updates.
 *
 * <p>The active model is an atomic reference that {@link #run} reads exactly once per window, at its start: the
 * window is quantized into, run on and dequantized from that one model. {@link #swap} only replaces the
 * reference, so a swap takes effect between two windows: the window in flight finishes on the old model, the
 * next one runs on the new model, and no window is skipped or run twice (the window queue is never touched).
 *
 * <p>{@code run} is called by the stream's single worker thread; {@code swap} may be called from any thread.
 * Swaps are serialized, and the stream is told of each ({@link #onSwap}) in the order they took effect.
 */
public final class ModelRunner {
    private final int inputElements;
    private final int outputElements;
    private final AtomicReference<Bound> active;
    private volatile Consumer<ModelHandle> onSwap = m -> { };
    /** The model the latest {@link #run} read; only the thread that calls {@code run} may read it. */
    private ModelHandle lastRun;

    /**
     * @param inputElements  values the preprocessing chain produces per window
     */
    public ModelRunner(ModelHandle initial, int inputElements) {
        this.inputElements = inputElements;
        Bound bound = bind(initial, inputElements, -1);
        this.outputElements = bound.dequantizer.elements();
        this.active = new AtomicReference<>(bound);
    }

    /** The model the next window will run on. */
    public ModelHandle active() {
        return active.get().handle;
    }

    public int inputElements() {
        return inputElements;
    }

    public int outputElements() {
        return outputElements;
    }

    /**
     * Makes {@code next} the model for every window that starts after this returns; the window being run (if
     * any) finishes on the previous model.
     *
     * @return the previous model (the caller may discard its interpreter once the in-flight window is done)
     * @throws IllegalArgumentException if {@code next} does not take the same input size and give the same output
     *                                  size as the stream was built for; the active model is then unchanged
     */
    public synchronized ModelHandle swap(ModelHandle next) {
        Bound bound = bind(next, inputElements, outputElements);
        // Told first: a window that starts on the new model and fails at once is then counted against it, not
        // mistaken for a late failure of the model it replaces.
        onSwap.accept(next);
        return active.getAndSet(bound).handle;
    }

    /**
     * Sets who is told, as each {@link #swap} happens (just before it takes effect), of the model becoming active (the stream's health: a stream that
     * failed on a bad model runs again on the next one). Not told of {@link #swapIf} (the same model, warmed up).
     */
    public void onSwap(Consumer<ModelHandle> listener) {
        this.onSwap = Objects.requireNonNull(listener, "listener");
    }

    /**
     * {@link #swap(ModelHandle)} only if {@code expected} is still the active model: a change made in between (an
     * OTA update) wins over this one. For replacing the same model by a faster-running copy (kernel warm-up).
     *
     * @return true if {@code next} is now active
     * @throws IllegalArgumentException as {@link #swap(ModelHandle)}
     */
    public synchronized boolean swapIf(ModelHandle expected, ModelHandle next) {
        Bound bound = bind(next, inputElements, outputElements);
        while (true) {
            Bound current = active.get();
            if (current.handle != expected) {
                return false;
            }
            if (active.compareAndSet(current, bound)) {
                return true;
            }
        }
    }

    /** Checks that {@link #swap} would accept {@code next}, without swapping. */
    public void check(ModelHandle next) {
        bind(next, inputElements, outputElements);
    }

    /** {@link #swap(ModelHandle)} keeping the model id, with a new version. */
    public ModelHandle swap(Interpreter next, String version) {
        return swap(new ModelHandle(active().id(), version, next));
    }

    /**
     * Runs one window: reads the active model once, quantizes {@code input} into it, invokes it and dequantizes its
     * first output into {@code output} (at least {@link #outputElements()} long).
     *
     * @return the model that ran (for the result's model id and version); if this throws, {@link #lastRun()}
     *         says which model the window was run on
     */
    public ModelHandle run(float[] input, float[] output) {
        Bound bound = active.get();
        lastRun = bound.handle;
        bound.quantizer.write(input);
        bound.handle.interpreter().invoke();
        bound.dequantizer.read(output);
        return bound.handle;
    }

    /**
     * The model the latest {@link #run} on this thread read at its start, whether it returned or threw; null before
     * the first run. Only for the thread that calls {@code run} (the stream's worker): a failed window is blamed
     * on the model it ran on, not on one swapped in meanwhile.
     */
    public ModelHandle lastRun() {
        return lastRun;
    }

    private static Bound bind(ModelHandle handle, int inputElements, int outputElements) {
        Objects.requireNonNull(handle, "model");
        Interpreter interpreter = handle.interpreter();
        if (interpreter.inputCount() != 1 || interpreter.outputCount() < 1) {
            throw new IllegalArgumentException("model " + handle.id() + " " + handle.version() + " has "
                    + interpreter.inputCount() + " inputs and " + interpreter.outputCount()
                    + " outputs; the pipeline runs models with one input");
        }
        InputQuantizer quantizer = new InputQuantizer(interpreter.input(0));
        if (quantizer.elements() != inputElements) {
            throw new IllegalArgumentException("model " + handle.id() + " " + handle.version() + " takes "
                    + quantizer.elements() + " input values; the stream produces " + inputElements);
        }
        OutputDequantizer dequantizer = new OutputDequantizer(interpreter.output(0));
        if (outputElements >= 0 && dequantizer.elements() != outputElements) {
            throw new IllegalArgumentException("model " + handle.id() + " " + handle.version() + " gives "
                    + dequantizer.elements() + " output values; the stream expects " + outputElements);
        }
        return new Bound(handle, quantizer, dequantizer);
    }

    private record Bound(ModelHandle handle, InputQuantizer quantizer, OutputDequantizer dequantizer) {
    }
}
