package dev.octet.runtime.service.remote;

import dev.octet.drivers.time.TimeSource;
import dev.octet.runtime.pipeline.source.RestartPolicy;
import java.util.Objects;

/**
 * Paces a network source's attempts to reach its node again: after an attempt that has not (yet) brought good
 * data, the next one waits {@link RestartPolicy#delay} of the number of such attempts so far (doubling from the
 * policy's initial wait up to its maximum); the first good data resets it, so a node that drops out again is retried
 * at once. Time comes from a {@link TimeSource}, so tests step it by hand.
 *
 * <p>Thread-safe: attempts are made on the source's control thread, good data arrives on the transport's.
 */
final class RetryBackoff {
    private final RestartPolicy policy;
    private final TimeSource clock;
    private int streak;
    private long notBefore;
    private long attempts;
    private long deferred;

    RetryBackoff(RestartPolicy policy, TimeSource clock) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Whether an attempt may be made now; counts a refusal as deferred. */
    synchronized boolean due() {
        if (streak == 0 || clock.nanoTime() - notBefore >= 0) {
            return true;
        }
        deferred++;
        return false;
    }

    /** An attempt is being made now: the next one waits longer, until {@link #succeeded}. */
    synchronized void attempted() {
        notBefore = clock.nanoTime() + policy.delay(streak).toNanos();
        streak++;
        attempts++;
    }

    /** Good data arrived: the next attempt, whenever one is needed, is due at once. */
    synchronized void succeeded() {
        streak = 0;
    }

    /** Attempts since the last good data. */
    synchronized int streak() {
        return streak;
    }

    /** Every attempt so far. */
    synchronized long attempts() {
        return attempts;
    }

    /** How often an attempt was wanted but held back by the backoff. */
    synchronized long deferred() {
        return deferred;
    }
}
