package dev.octet.ota.agent;

/**
 * How the runtime puts a model into service (the hot swap between two windows). The agent calls it after the
 * model is installed in the slot store, and after a rollback with the model that is active again.
 */
@FunctionalInterface
public interface ModelActivator {
    /**
     * Makes {@code model} (version {@code version} of {@code modelId}) the running model.
     *
     * @throws Exception if the runtime cannot run it; the running model must then be unchanged (the agent puts
     *                   the slot store back and reports the package as rejected with reason
     *                   {@code activation-failed})
     */
    void activate(String modelId, long version, byte[] model) throws Exception;

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
