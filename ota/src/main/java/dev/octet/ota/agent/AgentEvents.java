package dev.octet.ota.agent;

/**
 * What a {@link GatewayAgent} tells the process it runs in, for metrics and logs (the status topic says the same
 * to the fleet). Called on the thread that made the step (MQTT callback, or the runtime's verdict thread), while
 * the agent may hold its lock: implementations must only record, quickly, and never call back into the agent.
 * Every method does nothing by default.
 */
public interface AgentEvents {
    /** No-op. */
    AgentEvents NONE = new AgentEvents() {
    };

    /**
     * A chunk of {@code version} reached the disk.
     *
     * @param bytesOnDisk  the package bytes held so far (whole chunks; at most {@code packageBytes})
     * @param packageBytes the package's announced size
     */
    default void downloading(long version, long bytesOnDisk, long packageBytes) {
    }

    /** {@code version} was installed and swapped in (its health watch, if any, starts). */
    default void activated(long version) {
    }

    /** The health watch of {@code version} passed (or nothing watches it): the update succeeded. */
    default void healthPassed(long version) {
    }

    /** {@code version} was refused without touching the active model; {@code reason} is the status code. */
    default void rejected(long version, String reason) {
    }

    /**
     * {@code version} was rolled back to {@code activeVersion}.
     *
     * @param reason the status reason's code (such as {@code health-outputs})
     */
    default void rolledBack(long version, String reason, long activeVersion) {
    }
}
