package dev.octet.runtime.pipeline;

import java.util.function.BiConsumer;

/**
 * The health state machine of one stream (thread-safe: the worker and the source report into it).
 * <ul>
 * <li>OK → DEGRADED on a failed window, a dropped window or a non-fatal source error;</li>
 * <li>DEGRADED → OK after {@code recoverAfter} consecutive good windows;</li>
 * <li>any → FAILED after {@code failAfter} consecutive failed windows or a fatal source error;</li>
 * <li>FAILED → OK only through a restart of the source ({@link #restarting}, then {@link #dataFlows}); otherwise
 * FAILED is final.</li>
 * </ul>
 */
public final class HealthTracker {
    private final int failAfter;
    private final int recoverAfter;
    private final BiConsumer<StreamHealth, String> onChange;
    private StreamHealth health = StreamHealth.OK;
    private String reason = "";
    private int consecutiveFailures;
    private int consecutiveSuccesses;
    private boolean recovering;

    /**
     * @param onChange called outside the tracker's lock, on the reporting thread, with the new state and the reason;
     *                 keep it short (it runs on a stream's worker or source thread)
     */
    public HealthTracker(int failAfter, int recoverAfter, BiConsumer<StreamHealth, String> onChange) {
        if (failAfter < 1 || recoverAfter < 1) {
            throw new IllegalArgumentException("fail_after and recover_after must be >= 1");
        }
        this.failAfter = failAfter;
        this.recoverAfter = recoverAfter;
        this.onChange = onChange == null ? (h, r) -> { } : onChange;
    }

    public synchronized StreamHealth health() {
        return health;
    }

    public synchronized String reason() {
        return reason;
    }

    public void success() {
        StreamHealth changed = null;
        String why = null;
        synchronized (this) {
            consecutiveFailures = 0;
            consecutiveSuccesses++;
            if (health == StreamHealth.DEGRADED && consecutiveSuccesses >= recoverAfter) {
                changed = set(StreamHealth.OK, "recovered after " + consecutiveSuccesses + " good windows");
                why = reason;
            }
        }
        notify(changed, why);
    }

    public void windowFailed(String why) {
        StreamHealth changed;
        String r;
        synchronized (this) {
            consecutiveSuccesses = 0;
            consecutiveFailures++;
            if (consecutiveFailures >= failAfter) {
                recovering = false;
                changed = set(StreamHealth.FAILED, consecutiveFailures + " consecutive failed windows; last: " + why);
            } else {
                changed = set(StreamHealth.DEGRADED, "window failed: " + why);
            }
            r = reason;
        }
        notify(changed, r);
    }

    /**
     * The FAILED stream's source is being restarted: it stays FAILED (reason {@code why}) until {@link #dataFlows}.
     * Does nothing unless FAILED.
     */
    public synchronized void restarting(String why) {
        if (health == StreamHealth.FAILED) {
            recovering = true;
            reason = why;
            consecutiveFailures = 0;
            consecutiveSuccesses = 0;
        }
    }

    /** Whether a restarted source is awaited (FAILED, but its windows are processed again). */
    public synchronized boolean recovering() {
        return recovering;
    }

    /** Samples arrive from a restarted source: FAILED → OK. Does nothing unless {@link #recovering()}. */
    public void dataFlows(String why) {
        String r = null;
        synchronized (this) {
            if (!recovering || health != StreamHealth.FAILED) {
                return;
            }
            recovering = false;
            health = StreamHealth.OK;
            reason = why;
            r = reason;
        }
        notify(StreamHealth.OK, r);
    }

    public void windowsDropped(long count) {
        degrade(count + " window(s) dropped by backpressure");
    }

    public void sourceError(String why, boolean fatal) {
        if (fatal) {
            StreamHealth changed;
            String r;
            synchronized (this) {
                recovering = false;
                if (health == StreamHealth.FAILED) {
                    reason = "source failed: " + why; // a restart failed again: say why
                }
                changed = set(StreamHealth.FAILED, "source failed: " + why);
                r = reason;
            }
            notify(changed, r);
        } else {
            degrade("source error: " + why);
        }
    }

    private void degrade(String why) {
        StreamHealth changed;
        String r;
        synchronized (this) {
            consecutiveSuccesses = 0;
            changed = set(StreamHealth.DEGRADED, why);
            r = reason;
        }
        notify(changed, r);
    }

    /** Sets the state unless FAILED (final); returns the new state if it changed, else null. */
    private StreamHealth set(StreamHealth next, String why) {
        if (health == StreamHealth.FAILED) {
            return null;
        }
        reason = why;
        if (health == next) {
            return null;
        }
        health = next;
        return next;
    }

    private void notify(StreamHealth changed, String why) {
        if (changed != null) {
            onChange.accept(changed, why);
        }
    }
}
