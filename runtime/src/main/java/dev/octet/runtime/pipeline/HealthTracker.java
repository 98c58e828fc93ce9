package dev.octet.runtime.pipeline;

import java.util.function.BiConsumer;

/**
 * The health state machine of one stream (thread-safe: the worker and the source report into it).
 * <ul>
 * <li>OK → DEGRADED on a failed window, a dropped window or a non-fatal source error;</li>
 * <li>DEGRADED → OK after {@code recoverAfter} consecutive good windows;</li>
 * <li>any → FAILED after {@code failAfter} consecutive failed windows or a fatal source error;</li>
 * <li>FAILED → OK through a restart of the source ({@link #restarting}, then {@link #dataFlows});</li>
 * <li>FAILED → OK when another model is swapped in ({@link #modelSwapped}), but only if the stream FAILED because
 * its windows failed: the failures may have been the model's (a bad OTA version, rolled back), and the new model
 * deserves its windows. If they keep failing on it, the stream fails again after {@code failAfter} windows. A
 * FAILED that came from the source (a fatal source error) stays until the source is restarted: a model cannot fix
 * it;</li>
 * <li>otherwise FAILED is final.</li>
 * </ul>
 * A window that failed on a model that has since been swapped out only degrades the stream: it does not count
 * towards FAILED on the model that replaced it.
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
    /** Whether the current FAILED came from failed windows (not from the source). */
    private boolean failedByWindows;
    /**
     * Id and version of the model the stream's windows run on now (as last told by {@link #modelSwapped}); null if
     * never told. Not the handle: that would keep the replaced interpreter (weights, arena) alive after a warm-up
     * swap, which the tracker is not told of.
     */
    private ModelKey model;

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

    /** A window failed; which model ran it is not known (or none did). */
    public void windowFailed(String why) {
        windowFailed(why, null);
    }

    /**
     * A window failed.
     *
     * @param ranOn the model that ran the window, or null if the window failed before its model ran (or it is not
     *              known); a model other than the current one (swapped out meanwhile) only degrades the stream
     */
    public void windowFailed(String why, ModelHandle ranOn) {
        StreamHealth changed;
        String r;
        synchronized (this) {
            consecutiveSuccesses = 0;
            if (ranOn != null && model != null && !model.identifies(ranOn)) {
                changed = set(StreamHealth.DEGRADED, "window failed on the replaced model " + ranOn.version() + ": "
                        + why);
            } else {
                consecutiveFailures++;
                if (consecutiveFailures >= failAfter) {
                    recovering = false;
                    changed = set(StreamHealth.FAILED, consecutiveFailures + " consecutive failed windows; last: "
                            + why);
                    if (changed != null) {
                        failedByWindows = true;
                    }
                } else {
                    changed = set(StreamHealth.DEGRADED, "window failed: " + why);
                }
            }
            r = reason;
        }
        notify(changed, r);
    }

    /** A model's identity; a warmed-up copy of a model (another interpreter) is the same model. */
    private record ModelKey(String id, String version) {
        static ModelKey of(ModelHandle handle) {
            return new ModelKey(handle.id(), handle.version());
        }

        boolean identifies(ModelHandle handle) {
            return id.equals(handle.id()) && version.equals(handle.version());
        }
    }

    /**
     * {@code next} is now the stream's model (a swap takes effect between two windows): the consecutive counts
     * start again, and a FAILED that came from failed windows is cleared (see the class comment); a FAILED from
     * the source is kept.
     */
    public void modelSwapped(ModelHandle next) {
        String r;
        synchronized (this) {
            model = ModelKey.of(next);
            consecutiveFailures = 0;
            consecutiveSuccesses = 0;
            if (health != StreamHealth.FAILED || !failedByWindows) {
                return;
            }
            failedByWindows = false;
            recovering = false;
            health = StreamHealth.OK;
            reason = "model " + next.id() + " " + next.version() + " swapped in after the stream failed";
            r = reason;
        }
        notify(StreamHealth.OK, r);
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
            failedByWindows = false;
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
                failedByWindows = false; // a model swap cannot fix the source
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
