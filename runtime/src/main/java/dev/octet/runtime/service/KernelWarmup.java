package dev.octet.runtime.service;

import dev.octet.runtime.engine.Interpreter;
import dev.octet.runtime.engine.InterpreterOptions;
import dev.octet.runtime.engine.KernelSelection;
import dev.octet.runtime.kernels.optimized.OptimizedKernels;
import dev.octet.runtime.model.Model;
import dev.octet.runtime.pipeline.ModelHandle;
import dev.octet.runtime.pipeline.Pipeline;
import dev.octet.runtime.pipeline.StreamPipeline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Moves a running pipeline from the scalar kernels to the vector kernels once the JIT has compiled the latter.
 *
 * <p>Why: until C2 has compiled them, the Vector API kernels run the API's Java fallback, about a thousand times
 * slower than compiled (docs/BENCHMARKS.md, "Warm-up"); started on them, a gateway would serve its first seconds of
 * windows late or drop them. The scalar kernels are fast within a few invokes. So the service builds its streams on
 * {@link KernelSelection#SCALAR} ({@link #initialKernels}) and this class, on one background thread, gives each
 * stream a vector-kernel interpreter of the same model, runs it on seeded synthetic input until it is warm, and
 * swaps it in between two windows ({@code ModelRunner.swapIf}: windows are neither dropped nor repeated, and an OTA
 * swap made meanwhile wins).
 *
 * <p>"Warm" is measured, not assumed: each round times {@link Settings#roundInvokes} vector invokes and as many
 * scalar invokes of the same input, interleaved so both see the same load; the swap happens once the vector median
 * has been below the scalar median, with no byte allocated by the vector invokes, for two rounds in a row (and at
 * least {@link Settings#minInvokes} invokes ran): vector code that C2 compiled without intrinsifying all of it boxes
 * vectors and allocates on every invoke, which may still be faster than scalar but would churn the gateway's small
 * heap. Each round also compares every output byte of the two; a difference (a kernel bug) keeps the stream on scalar.
 * Where the vector kernels never win (no C2, e.g. {@code -XX:TieredStopAtLevel=1}; AVX2-only machines or 128-bit
 * vectors on some models) the stream stays on scalar after {@link Settings#maxDuration}. Every outcome is logged,
 * with the vector width in use ({@link OptimizedKernels#vectorName()}).
 */
public final class KernelWarmup implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(KernelWarmup.class.getName());

    /**
     * @param enabled       false: no warm-up, the streams start on {@link KernelSelection#AUTO}
     * @param minInvokes    vector invokes before a swap, at least
     * @param roundInvokes  invokes of each flavour per timed round
     * @param maxDuration   per stream: give up (stay on scalar) after this long
     * @param requireFaster false: swap after {@code minInvokes} whatever the timings (tests)
     * @param firstResultWait how long the warm-up waits for every stream's first result before it starts
     */
    public record Settings(boolean enabled, int minInvokes, int roundInvokes, Duration maxDuration,
                           boolean requireFaster, Duration firstResultWait) {
        public Settings {
            Objects.requireNonNull(firstResultWait, "firstResultWait");
            if (minInvokes < 1 || roundInvokes < 1) {
                throw new IllegalArgumentException("minInvokes and roundInvokes must be positive");
            }
            Objects.requireNonNull(maxDuration, "maxDuration");
        }

        /** On, unless the system property {@code octet.kernels.warmup} is {@code false}. */
        public static Settings defaults() {
            boolean on = !"false".equalsIgnoreCase(System.getProperty("octet.kernels.warmup", "true"));
            return new Settings(on, 32, 8, Duration.ofSeconds(60), true, Duration.ofSeconds(5));
        }
    }

    /** What the warm-up did for one stream. */
    public record Outcome(String stream, String model, boolean swapped, int invokes, long vectorMicros,
                          long scalarMicros, long millis, String reason) {
        /** Whether an over-the-air update replaced the model while it was being warmed up. */
        public boolean replaced() {
            return !swapped && REPLACED.equals(reason);
        }
    }

    private static final String REPLACED = "the model was replaced (OTA) during the warm-up";

    private final Thread thread;
    private final List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile boolean stopped;

    private KernelWarmup(Pipeline pipeline, Settings settings, Consumer<Outcome> listener) {
        thread = new Thread(() -> {
            try {
                run(pipeline, settings, listener);
            } finally {
                done.countDown();
            }
        }, "octet-kernel-warmup");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
    }

    /**
     * The kernels to build the streams with: {@link KernelSelection#SCALAR} when the vector kernels exist and will
     * be warmed up, else {@link KernelSelection#AUTO} (which is then the scalar kernels, or vector with warm-up off).
     */
    public static KernelSelection initialKernels(Settings settings) {
        return settings.enabled() && OptimizedKernels.vectorAvailable() ? KernelSelection.SCALAR
                : KernelSelection.AUTO;
    }

    /**
     * Whether this JVM has the C2 compiler, which alone intrinsifies the Vector API: not with {@code -Xint} or
     * {@code -XX:TieredStopAtLevel} below 4. Without it the vector kernels stay at their fallback's speed.
     */
    static boolean c2Available() {
        if (System.getProperty("java.vm.info", "").contains("interpreted")) {
            return false;
        }
        try {
            var diagnostics = java.lang.management.ManagementFactory.getPlatformMXBean(
                    com.sun.management.HotSpotDiagnosticMXBean.class);
            return Integer.parseInt(diagnostics.getVMOption("TieredStopAtLevel").getValue()) >= 4;
        } catch (RuntimeException | LinkageError e) {
            return true; // not HotSpot: let the timed rounds decide
        }
    }

    /**
     * Starts warming up every stream of a started pipeline, or does nothing (returns an instance that is already
     * done) when {@link #initialKernels} did not choose SCALAR.
     *
     * @param listener told of each stream's outcome on the warm-up thread; may be null
     */
    public static KernelWarmup start(Pipeline pipeline, Settings settings,
                                     Consumer<Outcome> listener) {
        KernelWarmup w = new KernelWarmup(pipeline, settings, listener);
        if (initialKernels(settings) != KernelSelection.SCALAR) {
            w.done.countDown();
        } else {
            w.thread.start();
        }
        return w;
    }

    /** Waits until every stream has its outcome. */
    public boolean awaitDone(Duration timeout) throws InterruptedException {
        return done.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    public List<Outcome> outcomes() {
        synchronized (outcomes) {
            return List.copyOf(outcomes);
        }
    }

    /** Stops the warm-up (streams not yet swapped stay on scalar). */
    @Override
    public void close() {
        stopped = true;
        if (thread.isAlive()) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run(Pipeline pipeline, Settings settings, Consumer<Outcome> listener) {
        // On this thread, not the caller's: the check loads the JDK's management classes, which the first results
        // need not wait for.
        if (!c2Available()) {
            LOG.log(System.Logger.Level.INFO, "no C2 compiler (-Xint or -XX:TieredStopAtLevel below 4): the"
                    + " streams stay on the scalar kernels, which are faster than uncompiled vector kernels");
            return;
        }
        try {
            awaitFirstResults(pipeline, settings.firstResultWait());
        } catch (InterruptedException e) {
            return;
        }
        int index = 0;
        for (StreamPipeline stream : pipeline.streams()) {
            if (stopped) {
                return;
            }
            int seed = index++;
            Outcome outcome = null;
            // An over-the-air update swapped in during the warm-up wins (swapIf); the new model is then warmed up in
            // its turn, a few times at most.
            for (int attempt = 0; attempt < 3 && (outcome == null || outcome.replaced()); attempt++) {
                try {
                    outcome = warm(stream, settings, seed);
                } catch (RuntimeException e) {
                    outcome = new Outcome(stream.id(), stream.runner().active().id(), false, 0, -1, -1, 0,
                            "warm-up failed: " + e);
                }
            }
            outcomes.add(outcome);
            LOG.log(outcome.swapped() ? System.Logger.Level.INFO : System.Logger.Level.WARNING,
                    outcome.swapped()
                            ? "stream {0}: model {1} now runs on the {5} kernels ({2}; {3} warm-up invokes in {4} ms)"
                            : "stream {0}: model {1} stays on the scalar kernels, not {5} ({2}; {3} warm-up invokes"
                                    + " in {4} ms)",
                    outcome.stream(), outcome.model(), outcome.reason(), outcome.invokes(), outcome.millis(),
                    OptimizedKernels.vectorName());
            if (listener != null) {
                listener.accept(outcome);
            }
        }
    }

    /**
     * Start-up first: on a two-core gateway the warm-up (and the C2 compilations it triggers) would compete with
     * the first windows, so it waits until every stream has produced a result, or {@code limit} has passed.
     */
    private void awaitFirstResults(Pipeline pipeline, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!stopped && System.nanoTime() < deadline
                && pipeline.status().stream().anyMatch(s -> s.inferences() == 0)) {
            Thread.sleep(20); // polling counters; the pipeline has no "first result" signal
        }
    }

    /**
     * Warms up whatever model the stream runs now: the configured one, or the version an over-the-air update put
     * there (also after a restart that starts from the slot store), with the semantics it runs with.
     */
    private Outcome warm(StreamPipeline stream, Settings settings, int seed) {
        ModelHandle current = stream.runner().active();
        Model model = current.interpreter().model();
        InterpreterOptions options = current.interpreter().options();
        Interpreter vector = Interpreter.create(model, options.withKernels(KernelSelection.VECTOR));
        Interpreter scalar = Interpreter.create(model, options.withKernels(KernelSelection.SCALAR));
        byte[] input = new byte[vector.input(0).byteLength()];
        new Random(seed).nextBytes(input);
        vector.input(0).copyFrom(input);
        scalar.input(0).copyFrom(input);

        long start = System.nanoTime();
        long deadline = start + settings.maxDuration().toNanos();
        long[] vt = new long[settings.roundInvokes()];
        long[] st = new long[settings.roundInvokes()];
        int invokes = 0;
        int fasterRounds = 0;
        long vMedian = -1;
        long sMedian = -1;
        long vAllocated = 0;
        while (!stopped) {
            vAllocated = 0;
            for (int i = 0; i < vt.length && !stopped; i++) {
                long a0 = ThreadAllocation.currentThreadAllocatedBytes();
                long t0 = System.nanoTime();
                vector.invoke();
                long t1 = System.nanoTime();
                long a1 = ThreadAllocation.currentThreadAllocatedBytes();
                scalar.invoke();
                vt[i] = t1 - t0;
                st[i] = System.nanoTime() - t1;
                vAllocated += a0 < 0 ? 0 : a1 - a0;
            }
            if (stopped) {
                break;
            }
            invokes += vt.length;
            vMedian = median(vt) / 1000;
            sMedian = median(st) / 1000;
            String differs = firstDifference(vector, scalar);
            long millis = (System.nanoTime() - start) / 1_000_000;
            if (differs != null) {
                return new Outcome(stream.id(), current.id(), false, invokes, vMedian, sMedian, millis,
                        "the vector kernels' " + differs + " differs from the scalar kernels'");
            }
            // Faster is not enough: vector code that C2 compiled without intrinsifying every vector operation boxes
            // them, allocating on each invoke (seen at 128 bits, docs/BENCHMARKS.md); it would churn the small heap.
            fasterRounds = vMedian < sMedian && vAllocated == 0 ? fasterRounds + 1 : 0;
            boolean ready = invokes >= settings.minInvokes() && (!settings.requireFaster() || fasterRounds >= 2);
            if (ready) {
                boolean swapped = stream.runner().swapIf(current,
                        new ModelHandle(current.id(), current.version(), vector));
                return new Outcome(stream.id(), current.id(), swapped, invokes, vMedian, sMedian, millis,
                        swapped ? "median invoke " + vMedian + " µs vector vs " + sMedian + " µs scalar"
                                : REPLACED);
            }
            if (System.nanoTime() > deadline) {
                return new Outcome(stream.id(), current.id(), false, invokes, vMedian, sMedian, millis,
                        vAllocated > 0 && vMedian < sMedian
                                ? "vector still allocates after " + settings.maxDuration().toSeconds() + " s ("
                                        + vAllocated / vt.length + " bytes per invoke: not fully compiled)"
                                : "vector not faster after " + settings.maxDuration().toSeconds()
                                        + " s: median invoke " + vMedian + " µs vector vs " + sMedian + " µs scalar");
            }
        }
        return new Outcome(stream.id(), current.id(), false, invokes, vMedian, sMedian,
                (System.nanoTime() - start) / 1_000_000, "the service stopped during the warm-up");
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** The first output whose bytes differ, or null. */
    private static String firstDifference(Interpreter a, Interpreter b) {
        for (int i = 0; i < a.outputCount(); i++) {
            if (!Arrays.equals(a.output(i).toByteArray(), b.output(i).toByteArray())) {
                return "output " + i;
            }
        }
        return null;
    }
}
