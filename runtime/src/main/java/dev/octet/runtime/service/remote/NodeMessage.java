package dev.octet.runtime.service.remote;

import java.util.List;

/**
 * One unit a node sent: one or more samples, with the node's own timestamp and sequence number when it gave them.
 *
 * @param seq         the node's message counter, or null (no gap detection)
 * @param epochMillis the node's wall-clock time of the first sample, or null (stamped on arrival)
 * @param samples     one float array per sample, each with the stream's channel count
 */
public record NodeMessage(Long seq, Long epochMillis, List<float[]> samples) {
    public NodeMessage {
        samples = List.copyOf(samples);
    }
}
