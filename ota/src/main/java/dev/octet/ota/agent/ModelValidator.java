package dev.octet.ota.agent;

import dev.octet.ota.pkg.Manifest;

/**
 * The checks only the runtime can make before a model goes live (parse, operator support, the input/output
 * contract of the pipeline that will run it, a dry run on recorded windows, the latency budget). The runtime
 * plugs one in; {@code ota} cannot read models.
 */
@FunctionalInterface
public interface ModelValidator {
    ModelValidator ACCEPT_ALL = (manifest, model) -> { };

    /** Throws {@link InvalidModelException} with the reason when the model must not be activated. */
    void validate(Manifest manifest, byte[] model) throws InvalidModelException;

    /**
     * A verified package whose model the runtime refuses. {@link #reason()} is a stable code (what the agent reports
     * as {@code reason} on its status topic), the message says why in words.
     */
    final class InvalidModelException extends Exception {
        /** The reason reported when a validator gives none. */
        public static final String DEFAULT_REASON = "invalid-model";
        private final String reason;

        public InvalidModelException(String message) {
            this(DEFAULT_REASON, message);
        }

        /** @param reason a short code of {@code [a-z0-9-]}, e.g. {@code input-contract} */
        public InvalidModelException(String reason, String message) {
            super(message);
            if (!reason.matches("[a-z0-9-]{1,64}")) {
                throw new IllegalArgumentException("reason code must be [a-z0-9-]{1,64}: " + reason);
            }
            this.reason = reason;
        }

        public String reason() {
            return reason;
        }
    }
}
