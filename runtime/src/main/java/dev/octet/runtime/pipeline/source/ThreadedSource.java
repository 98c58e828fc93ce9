package dev.octet.runtime.pipeline.source;

import java.time.Instant;
import java.util.concurrent.locks.LockSupport;

/**
 * A source that produces its samples on its own thread, stamped with synthetic timestamps {@code period} apart
 * from the moment it starts (replays and simulations have no device clock). With {@code pace} it waits until each
 * sample's time, as a real sensor would deliver it; without, it delivers as fast as the pipeline accepts.
 *
 * <p>Pacing wakes up at most every {@link #PACE_QUANTUM_NANOS}, handing on every sample due within that quantum at
 * once, as a sound card or a sensor FIFO delivers a period's block: waking once per sample costs a simulated 16 kHz
 * microphone 16,000 thread wake-ups a second, which on a gateway was most of the service's CPU. Samples of a source
 * slower than 100 Hz still wait one by one; every sample keeps its own timestamp either way.
 */
abstract class ThreadedSource implements SampleSource {
    /** Pacing granularity: 10 ms, a typical audio period. */
    static final long PACE_QUANTUM_NANOS = 10_000_000L;

    private final String name;
    private final long periodNanos;
    private final boolean pace;
    private volatile boolean stopped;
    private volatile long pacingWaits;
    private Thread thread;

    ThreadedSource(String name, double sampleRateHz, boolean pace) {
        this.name = name;
        this.periodNanos = Math.max(1, Math.round(1e9 / sampleRateHz));
        this.pace = pace;
    }

    long periodNanos() {
        return periodNanos;
    }

    boolean stopped() {
        return stopped;
    }

    /** How many times pacing has waited for a sample's time so far (at most once per quantum). */
    long pacingWaits() {
        return pacingWaits;
    }

    /**
     * Produces samples by calling {@link #emit} until done or {@link #stopped()}.
     */
    abstract void produce(Emitter emitter) throws Exception;

    @Override
    public synchronized void start(SampleListener listener) {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        thread = new Thread(() -> run(listener), "octet-source-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    private void run(SampleListener listener) {
        Instant now = Instant.now();
        long startNanos = System.nanoTime();
        long startMicros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
        Emitter emitter = new Emitter(listener, startNanos, startMicros);
        try {
            produce(emitter);
            if (!stopped) {
                listener.onEnd();
            }
        } catch (Exception | Error e) {
            if (!stopped) {
                listener.onError("source " + name + " stopped: " + e, e, true);
                listener.onEnd();
            }
        }
    }

    @Override
    public void close() {
        stopped = true;
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null && t != Thread.currentThread()) {
            t.interrupt();
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Stamps and hands on samples; counts them to derive each one's timestamp. */
    final class Emitter {
        private final SampleListener listener;
        private final long startNanos;
        private final long startMicros;
        private long index;
        /** Samples due up to this time go out without waiting (the current pacing quantum). */
        private long releasedUntil;

        Emitter(SampleListener listener, long startNanos, long startMicros) {
            this.listener = listener;
            this.startNanos = startNanos;
            this.startMicros = startMicros;
            this.releasedUntil = startNanos;
        }

        /** Delivers one sample; false once the source was closed. */
        boolean emit(float[] values, int offset) {
            if (stopped) {
                return false;
            }
            long dt = index * periodNanos;
            long t = startNanos + dt;
            if (pace && t - releasedUntil > 0) {
                long wait;
                while ((wait = t - System.nanoTime()) > 0 && !stopped) {
                    LockSupport.parkNanos(wait);
                }
                releasedUntil = t + PACE_QUANTUM_NANOS;
                pacingWaits++; // only this thread writes it
            }
            listener.onSample(t, startMicros + dt / 1000, values, offset);
            index++;
            return !stopped;
        }
    }
}
