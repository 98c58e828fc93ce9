package dev.octet.runtime.pipeline;

import dev.octet.runtime.pipeline.postprocess.Outputs;
import dev.octet.runtime.pipeline.postprocess.Postprocessor;
import dev.octet.runtime.pipeline.preprocess.PreprocessChain;
import dev.octet.runtime.pipeline.source.SampleListener;
import dev.octet.runtime.pipeline.source.SampleSource;
import dev.octet.runtime.pipeline.window.WindowBuffer;
import dev.octet.runtime.pipeline.window.WindowQueue;
import dev.octet.runtime.pipeline.window.WindowSpan;
import dev.octet.runtime.pipeline.window.Windower;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * One stream: source → windower → bounded window queue → worker (preprocess → quantize → model → postprocess) →
 * results. The windower runs on the source's thread; everything after the queue on the stream's own worker thread,
 * so a slow or failing stream never holds up another.
 *
 * <p>A window whose processing throws is counted and reported to the stream's {@link HealthTracker}, with the
 * model it ran on (none if it failed in preprocessing); once the stream is FAILED its windows are discarded (the
 * source is not blocked) until the pipeline is rebuilt, until a restarted source
 * ({@link dev.octet.runtime.pipeline.source.SupervisedSource}) delivers samples again, or — if it failed because
 * its windows failed — until another model is swapped in ({@link ModelRunner#swap}, e.g. an OTA rollback).
 */
public final class StreamPipeline {
    /** Where a stream's results go (the pipeline's result queue). */
    @FunctionalInterface
    public interface ResultOutput {
        void put(InferenceResult result) throws InterruptedException;
    }

    private final String id;
    private final SampleSource source;
    private final Windower windower;
    private final WindowQueue windows;
    private final PreprocessChain chain;
    private final ModelRunner runner;
    private final List<Postprocessor> postprocessors;
    private final HealthTracker health;
    private final float[] output;
    private final WindowSpan span = new WindowSpan();
    private final AtomicLong inferences = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong discarded = new AtomicLong();
    private final AtomicLong sourceErrors = new AtomicLong();
    private volatile long lastRestart;
    private volatile boolean awaitingData;
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile long lastDropped;
    private volatile WindowObserver observer;
    /** The model the window being processed ran on, null until it reached the model (worker thread only). */
    private ModelHandle windowModel;
    private ResultOutput results;
    private Thread worker;

    /**
     * @param windowSize  samples per window
     * @param stride      samples between window starts
     * @param channels    values per sample
     * @param queueCapacity windows the queue holds
     * @param policy      what the window queue does when full
     * @param onHealth    told of every health change (stream id, new state, reason); may be null
     */
    public StreamPipeline(String id, SampleSource source, int windowSize, int stride, int channels,
                          int queueCapacity, Backpressure policy, PreprocessChain chain, ModelRunner runner,
                          List<Postprocessor> postprocessors, int failAfter, int recoverAfter,
                          HealthListener onHealth) {
        this.id = Objects.requireNonNull(id, "id");
        this.source = source;
        this.windows = new WindowQueue(windowSize, channels, queueCapacity, policy);
        this.windower = new Windower(windowSize, stride, channels, windows);
        this.chain = chain;
        this.runner = runner;
        this.postprocessors = List.copyOf(postprocessors);
        BiConsumer<StreamHealth, String> change = onHealth == null ? null
                : (h, reason) -> onHealth.healthChanged(id, h, reason);
        this.health = new HealthTracker(failAfter, recoverAfter, change);
        health.modelSwapped(runner.active());
        runner.onSwap(health::modelSwapped);
        this.output = new float[runner.outputElements()];
        if (chain.outputShape().elements() != runner.inputElements()) {
            throw new IllegalArgumentException("stream " + id + ": preprocessing gives "
                    + chain.outputShape().elements() + " values, the model takes " + runner.inputElements());
        }
    }

    /** Told when a stream's health changes. */
    @FunctionalInterface
    public interface HealthListener {
        void healthChanged(String streamId, StreamHealth health, String reason);
    }

    public String id() {
        return id;
    }

    /**
     * Sees every window the stream runs, on the stream's worker thread (the OTA health watch and the recorder of
     * dry-run windows). It must be quick and must not keep the arrays it is given; what it throws is ignored.
     */
    public interface WindowObserver {
        /**
         * @param input  the model input the preprocessing produced (float, before quantization)
         * @param output the model's dequantized first output
         */
        void ran(String streamId, ModelHandle model, float[] input, float[] output, InferenceResult result);

        /**
         * A window failed (preprocessing, model or postprocessing threw).
         *
         * @param model the model the window ran on (it may have been swapped out since), or null if the window
         *              failed before reaching the model (preprocessing): then no model is to blame
         */
        void failed(String streamId, ModelHandle model, Throwable error);
    }

    /** Sets (or with null removes) the stream's {@link WindowObserver}. */
    public void observe(WindowObserver o) {
        this.observer = o;
    }

    public ModelRunner runner() {
        return runner;
    }

    public StreamHealth health() {
        return health.health();
    }

    /** The listener the source delivers to (also usable directly, e.g. by a driver adapter). */
    public SampleListener listener() {
        return new SampleListener() {
            @Override
            public void onSample(long nanos, long epochMicros, float[] values, int offset) {
                if (awaitingData) {
                    awaitingData = false;
                    health.dataFlows("samples flow again after restart " + lastRestart);
                }
                windower.push(nanos, epochMicros, values, offset);
            }

            @Override
            public void onRestart(long attempt, String why) {
                lastRestart = attempt;
                windower.reset(); // the failed source's last samples and the new source's first are not contiguous
                health.restarting("recovering: restart " + attempt + " after: " + why);
                awaitingData = true;
            }

            @Override
            public void onError(String message, Throwable cause, boolean fatal) {
                sourceErrors.incrementAndGet();
                health.sourceError(message, fatal);
                if (!fatal) {
                    // The samples around the error are suspect; start the next window afresh.
                    windower.reset();
                }
            }

            @Override
            public void onEnd() {
                windows.close();
            }
        };
    }

    /** Starts the worker, then the source. */
    synchronized void start(ResultOutput results) {
        if (worker != null) {
            throw new IllegalStateException("stream " + id + " already started");
        }
        this.results = results;
        worker = new Thread(this::work, "octet-stream-" + id);
        worker.setDaemon(true);
        worker.start();
        if (source != null) {
            source.start(listener());
        }
    }

    /** Stops the source and lets the worker finish the queued windows. */
    void stop() {
        if (source != null) {
            source.close();
        }
        windows.close();
    }

    /** Waits for the worker to finish (after the source ended or {@link #stop()}). */
    boolean awaitFinished(long timeout, TimeUnit unit) throws InterruptedException {
        return finished.await(timeout, unit);
    }

    void interruptWorker() {
        Thread t = worker;
        if (t != null) {
            t.interrupt();
        }
    }

    private void work() {
        try {
            WindowBuffer window;
            while ((window = windows.take()) != null) {
                try {
                    handle(window);
                } finally {
                    windows.release(window);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            finished.countDown();
        }
    }

    private void handle(WindowBuffer window) throws InterruptedException {
        if (health.health() == StreamHealth.FAILED && !health.recovering()) {
            discarded.incrementAndGet();
            return;
        }
        long dropped = windows.stats().dropped();
        if (dropped != lastDropped) {
            health.windowsDropped(dropped - lastDropped);
            lastDropped = dropped;
        }
        InferenceResult result;
        try {
            result = process(window);
        } catch (RuntimeException | StackOverflowError e) {
            failures.incrementAndGet();
            ModelHandle ranOn = windowModel;
            health.windowFailed(e.toString(), ranOn);
            WindowObserver o = observer;
            if (o != null) {
                try {
                    o.failed(id, ranOn, e);
                } catch (RuntimeException ignored) {
                    // an observer's problem is not the stream's
                }
            }
            return;
        }
        if (result != null) {
            inferences.incrementAndGet();
            health.success();
            results.put(result);
        }
    }

    /**
     * Runs one window through preprocessing, the model and postprocessing on the calling thread. The worker calls
     * this; call it directly only on a stream that was not started (tests, synchronous tools).
     *
     * @return the result, or null if the preprocessing has no model input yet (a stacking step filling up)
     */
    public InferenceResult process(WindowBuffer window) {
        long t0 = System.nanoTime();
        windowModel = null;
        span.copyFrom(window.span());
        float[] input = chain.apply(window.data(), span);
        if (input == null) {
            return null;
        }
        ModelHandle model;
        try {
            model = runner.run(input, output);
        } finally {
            windowModel = runner.lastRun(); // also when the model threw: the failure is that model's
        }
        Outputs.Builder outputs = new Outputs.Builder();
        for (Postprocessor p : postprocessors) {
            p.apply(input, output, outputs);
        }
        long micros = (System.nanoTime() - t0) / 1000;
        InferenceResult result = new InferenceResult(id, span.sequence(), span.startNanos(), span.endNanos(),
                span.startEpochMicros(), span.endEpochMicros(), model.id(), model.version(), outputs.build(), micros);
        WindowObserver o = observer;
        if (o != null) {
            try {
                o.ran(id, model, input, output, result);
            } catch (RuntimeException ignored) {
                // an observer's problem is not the stream's
            }
        }
        return result;
    }

    public StreamStatus status() {
        BoundedQueue.Stats q = windows.stats();
        return new StreamStatus(id, health.health(), health.reason(), windower.sampleCount(),
                windower.windowCount(), q.dropped(), discarded.get(), inferences.get(), failures.get(),
                sourceErrors.get(), q,
                source instanceof dev.octet.runtime.pipeline.source.SupervisedSource s ? s.restarts() : 0);
    }
}
