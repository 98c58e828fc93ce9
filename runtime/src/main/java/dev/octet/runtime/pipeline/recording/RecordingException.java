package dev.octet.runtime.pipeline.recording;

/**
 * A recording could not get its windows. Nothing was written. The message names the stream, how many windows were
 * recorded of how many, and why.
 */
public final class RecordingException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why the recording stopped short. */
    public enum Reason {
        /** The source reported a fatal error (device gone, file unreadable). */
        SOURCE_FAILED,
        /** The source ended (a finite replay or simulation) before delivering enough windows. */
        SOURCE_ENDED,
        /** The time limit passed first (a dead or slow sensor). */
        TIMED_OUT,
        /** A preprocessing step threw on a window. */
        PREPROCESSING_FAILED
    }

    private final Reason reason;
    private final int recorded;

    public RecordingException(Reason reason, int recorded, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.recorded = recorded;
    }

    public Reason reason() {
        return reason;
    }

    /** Windows recorded before it stopped (and discarded). */
    public int recorded() {
        return recorded;
    }
}
