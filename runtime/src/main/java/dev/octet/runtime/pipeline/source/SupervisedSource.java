package dev.octet.runtime.pipeline.source;

import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Restarts a stream's source when it fails: after a fatal error the failed source is closed and, after the
 * {@link RestartPolicy}'s backoff, a new one is opened (the device probed and configured again, a connection made
 * again) and started. An attempt whose opening fails, or whose source fails again, waits twice as long next time;
 * the first sample of a reopened source resets the backoff. Every attempt is logged and counted.
 *
 * <p>Callbacks from a source that was replaced are ignored. The end of the stream ({@code onEnd}) right after a
 * fatal error is swallowed (a restart follows); an end without error is passed on and ends the stream for good.
 *
 * <p>Threads: the source's own threads deliver; restarts run on one daemon thread per supervised stream
 * ({@code octet-restart-<stream>}), created at the first failure. No lock is held while a source is opened,
 * started or closed (a source's close waits for its in-flight callback, which may be ours).
 */
public final class SupervisedSource implements SampleSource {
    private static final System.Logger LOG = System.getLogger(SupervisedSource.class.getName());

    /** Opens a fresh source for the stream (the same factory that opened the first one). */
    @FunctionalInterface
    public interface Opener {
        SampleSource open() throws IOException;
    }

    private final String streamId;
    private final Opener opener;
    private final RestartPolicy policy;
    private final AtomicLong attempts = new AtomicLong();

    // Written under this; the volatile ones are read without it on the per-sample path.
    private SampleSource current;
    private volatile SampleListener downstream;
    private ScheduledExecutorService restarter;
    private volatile int generation;
    private int failureStreak;
    private boolean restartPending;
    private volatile boolean closed;

    public SupervisedSource(String streamId, SampleSource first, Opener opener, RestartPolicy policy) {
        this.streamId = Objects.requireNonNull(streamId, "streamId");
        this.current = Objects.requireNonNull(first, "first");
        this.opener = Objects.requireNonNull(opener, "opener");
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    /** Restart attempts so far. */
    public long restarts() {
        return attempts.get();
    }

    @Override
    public void start(SampleListener listener) {
        SampleSource s;
        int gen;
        synchronized (this) {
            if (downstream != null) {
                throw new IllegalStateException("already started");
            }
            downstream = Objects.requireNonNull(listener, "listener");
            s = current;
            gen = generation;
        }
        s.start(new Relay(gen));
    }

    /** Schedules the next attempt; called with the lock held. */
    private void scheduleRestart(String why) {
        if (closed || restartPending) {
            return;
        }
        restartPending = true;
        long delay = policy.delay(failureStreak).toMillis();
        failureStreak++;
        if (restarter == null) {
            restarter = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "octet-restart-" + streamId);
                t.setDaemon(true);
                return t;
            });
        }
        LOG.log(System.Logger.Level.WARNING, "stream {0}: source failed ({1}); restarting it in {2} ms",
                streamId, why, delay);
        restarter.schedule(() -> restart(why), delay, TimeUnit.MILLISECONDS);
    }

    private void restart(String why) {
        SampleSource old;
        synchronized (this) {
            if (closed) {
                return;
            }
            old = current;
            generation++; // the old source's callbacks are ignored from now on
        }
        old.close();
        long attempt = attempts.incrementAndGet();
        SampleSource next;
        try {
            next = opener.open();
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "stream {0}: restart {1} could not open the source: {2}",
                    streamId, attempt, e.getMessage());
            synchronized (this) {
                restartPending = false;
                scheduleRestart("cannot reopen: " + e.getMessage());
            }
            return;
        }
        int gen;
        SampleListener target;
        synchronized (this) {
            if (closed) {
                next.close();
                return;
            }
            current = next;
            gen = generation;
            target = downstream;
            restartPending = false;
        }
        LOG.log(System.Logger.Level.INFO, "stream {0}: restart {1}: source reopened", streamId, attempt);
        target.onRestart(attempt, why);
        next.start(new Relay(gen));
    }

    @Override
    public void close() {
        SampleSource s;
        ScheduledExecutorService r;
        synchronized (this) {
            closed = true;
            s = current;
            r = restarter;
            restarter = null;
        }
        if (r != null) {
            r.shutdownNow();
        }
        s.close();
    }

    /** Passes one source's callbacks on while it is the current one. */
    private final class Relay implements SampleListener {
        private final int gen;
        private boolean delivered;

        Relay(int gen) {
            this.gen = gen;
        }

        private SampleListener target() {
            synchronized (SupervisedSource.this) {
                return gen == generation && !closed ? downstream : null;
            }
        }

        @Override
        public void onSample(long nanos, long epochMicros, float[] values, int offset) {
            SampleListener t;
            if (!delivered) {
                // First sample of this source: it works, so the next failure starts a new backoff streak.
                delivered = true;
                synchronized (SupervisedSource.this) {
                    if (gen == generation) {
                        failureStreak = 0;
                    }
                }
            }
            t = gen == generation && !closed ? downstream : null;
            if (t != null) {
                t.onSample(nanos, epochMicros, values, offset);
            }
        }

        @Override
        public void onSamples(long nanos, long epochMicros, long periodNanos, float[] values, int offset,
                              int channels, int count) {
            for (int i = 0; i < count; i++) {
                long dt = i * periodNanos;
                onSample(nanos + dt, epochMicros + dt / 1000, values, offset + i * channels);
            }
        }

        @Override
        public void onError(String message, Throwable cause, boolean fatal) {
            SampleListener t = target();
            if (t == null) {
                return;
            }
            t.onError(message, cause, fatal);
            if (fatal) {
                synchronized (SupervisedSource.this) {
                    if (gen == generation) {
                        scheduleRestart(message);
                    }
                }
            }
        }

        @Override
        public void onEnd() {
            SampleListener t;
            synchronized (SupervisedSource.this) {
                if (gen != generation || closed || restartPending) {
                    return; // replaced, closed, or failed and about to be reopened
                }
                t = downstream;
            }
            t.onEnd();
        }
    }
}
