package dev.octet.runtime.pipeline.source;

/**
 * Receives a stream's samples. This is the point where sensor drivers plug into the pipeline: a driver (or an
 * adapter around the drivers module's {@code SensorSource}) calls it from one thread at a time.
 */
public interface SampleListener {
    /**
     * One multi-channel sample, {@code values[offset .. offset + channels)}, read before this returns (the caller
     * may reuse the array).
     *
     * @param nanos       monotonic timestamp ({@link System#nanoTime()} scale)
     * @param epochMicros wall-clock timestamp, µs since the epoch
     */
    void onSample(long nanos, long epochMicros, float[] values, int offset);

    /**
     * {@code count} samples back to back (channels interleaved) from {@code offset}, the first at the given
     * timestamps and the others {@code periodNanos} apart.
     */
    default void onSamples(long nanos, long epochMicros, long periodNanos, float[] values, int offset, int channels,
                           int count) {
        for (int i = 0; i < count; i++) {
            long dt = i * periodNanos;
            onSample(nanos + dt, epochMicros + dt / 1000, values, offset + i * channels);
        }
    }

    /**
     * The source had a problem. A non-fatal error (a missed read, a checksum error) degrades the stream; a fatal one
     * (device gone) fails it.
     */
    void onError(String message, Throwable cause, boolean fatal);

    /** The source has no more samples (end of a replayed file). */
    void onEnd();

    /**
     * A supervisor ({@link SupervisedSource}) closed the failed source and is about to start a reopened one;
     * samples that follow belong to the new one. Called before the new source's first sample.
     *
     * @param attempt the restart's number for this stream (1, 2, ...)
     * @param why     what failed
     */
    default void onRestart(long attempt, String why) {
    }
}
