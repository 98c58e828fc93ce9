package dev.octet.runtime.pipeline.recording;

import java.time.Duration;
import java.util.Objects;

/**
 * What to record from a stream: {@code windows} model inputs, after skipping the first {@code skip}, taking every
 * {@code every}-th one (so that a recording of a given size covers {@code every} times as much of the stream), and
 * giving up after {@code timeout}.
 *
 * @param paced keep a simulated or replayed source's configured real-time pacing; by default such sources run as fast
 *              as the recorder takes their windows (their samples and timestamps do not depend on it). Sensors are
 *              always real time.
 */
public record RecordingOptions(int windows, int skip, int every, Duration timeout, boolean paced) {
    /** A time limit generous enough for slow sensors, yet one: a recording never waits forever. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);

    public RecordingOptions {
        Objects.requireNonNull(timeout, "timeout");
        if (windows < 1) {
            throw new IllegalArgumentException("the number of windows must be at least 1, got " + windows);
        }
        if (skip < 0) {
            throw new IllegalArgumentException("the windows to skip must not be negative, got " + skip);
        }
        if (every < 1) {
            throw new IllegalArgumentException("every must be at least 1 (every window), got " + every);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the timeout must be positive, got " + timeout);
        }
    }

    /** {@code windows} consecutive windows from the first, unpaced, within {@link #DEFAULT_TIMEOUT}. */
    public static RecordingOptions of(int windows) {
        return new RecordingOptions(windows, 0, 1, DEFAULT_TIMEOUT, false);
    }

    public RecordingOptions withSkip(int n) {
        return new RecordingOptions(windows, n, every, timeout, paced);
    }

    public RecordingOptions withEvery(int k) {
        return new RecordingOptions(windows, skip, k, timeout, paced);
    }

    public RecordingOptions withTimeout(Duration t) {
        return new RecordingOptions(windows, skip, every, t, paced);
    }

    public RecordingOptions withPaced(boolean p) {
        return new RecordingOptions(windows, skip, every, timeout, p);
    }

    /** How many model inputs the stream must produce for the recording to complete. */
    public long windowsNeeded() {
        return skip + (long) (windows - 1) * every + 1;
    }

    /** Whether model input number {@code index} (from 0) is one to keep. */
    boolean keeps(long index) {
        return index >= skip && (index - skip) % every == 0;
    }
}
