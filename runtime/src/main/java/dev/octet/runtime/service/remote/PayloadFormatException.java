package dev.octet.runtime.service.remote;

/**
 * A node's message could not be turned into samples: malformed JSON or CSV, a value that is not a finite number, a
 * binary payload that is not a whole number of samples, or a sample with the wrong number of channels. The message
 * names what and where; the message's samples are all discarded (none is half-delivered).
 */
public final class PayloadFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    public PayloadFormatException(String message) {
        super(message);
    }

    public PayloadFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
