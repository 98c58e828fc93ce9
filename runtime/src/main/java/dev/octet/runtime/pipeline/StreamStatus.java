package dev.octet.runtime.pipeline;

/**
 * A snapshot of one stream for health and metrics endpoints.
 *
 * @param samples          samples received from the source
 * @param windows          windows cut
 * @param windowsDropped   windows dropped by the window queue's backpressure policy
 * @param windowsDiscarded windows thrown away because the stream had FAILED
 * @param inferences       results produced
 * @param failures         windows whose preprocessing, model or postprocessing threw
 * @param sourceErrors     errors reported by the source
 * @param restarts         attempts to reopen the failed source (including attempts whose opening failed)
 */
public record StreamStatus(String streamId, StreamHealth health, String reason, long samples, long windows,
                           long windowsDropped, long windowsDiscarded, long inferences, long failures,
                           long sourceErrors, BoundedQueue.Stats windowQueue, long restarts) {
}
