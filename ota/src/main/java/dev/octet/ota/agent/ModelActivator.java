package dev.octet.ota.agent;

/**
 * How the runtime puts a model into service (the hot swap between two windows). The agent calls it before the
 * new model is installed in the slot store (so that the store never names a model the runtime does not run), and
 * {@link #restore} after a rollback, or after a failed slot store install, with the model that runs again.
 */
@FunctionalInterface
public interface ModelActivator {
    /**
     * Makes {@code model} (version {@code version} of {@code modelId}) the running model.
     *
     * @throws Exception if the runtime cannot run it; the running model must then be unchanged (the agent leaves
     *                   the slot store on it and reports the package as rejected with reason
     *                   {@code activation-failed})
     */
    void activate(String modelId, long version, byte[] model) throws Exception;

    /**
     * Makes {@code model} the running model again: not a new version (a rollback, or undoing an activation whose
     * slot store install failed), so it is not health-watched. By default the same as {@link #activate}.
     */
    default void restore(String modelId, long version, byte[] model) throws Exception {
        activate(modelId, version, model);
    }

    /**
     * Whether the runtime watches a newly activated version and reports the verdict: {@link
     * GatewayAgent#healthPassed} when the version passed, {@link GatewayAgent#rollback(long, String)} when it
     * failed. The agent then reports {@code state=active} with {@code health=watching} until the verdict. Without a
     * watch (the default) a version is reported {@code health=passed} as soon as it is active.
     */
    default boolean watchesHealth() {
        return false;
    }
}
