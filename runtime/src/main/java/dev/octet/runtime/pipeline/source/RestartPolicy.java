package dev.octet.runtime.pipeline.source;

import java.time.Duration;

/**
 * When a failed source is reopened: after {@code initial}, then twice as long after each attempt that failed again,
 * never longer than {@code max}. The wait starts again at {@code initial} once a reopened source delivers samples.
 *
 * @param enabled whether failed sources are restarted at all
 */
public record RestartPolicy(boolean enabled, Duration initial, Duration max) {
    /** 1 s, doubling up to 60 s. */
    public static final RestartPolicy DEFAULT = new RestartPolicy(true, Duration.ofSeconds(1), Duration.ofSeconds(60));
    public static final RestartPolicy NEVER = new RestartPolicy(false, Duration.ofSeconds(1), Duration.ofSeconds(1));

    public RestartPolicy {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("restart delays: need 0 < initial <= max, got " + initial + ", " + max);
        }
    }

    /** The wait before attempt {@code failuresSoFar + 1} of a streak. */
    public Duration delay(int failuresSoFar) {
        long ms = initial.toMillis();
        for (int i = 0; i < failuresSoFar && ms < max.toMillis(); i++) {
            ms *= 2;
        }
        return Duration.ofMillis(Math.min(ms, max.toMillis()));
    }
}
