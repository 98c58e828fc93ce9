package dev.octet.runtime.pipeline.config;

import dev.octet.runtime.cortexm.NodeClass;
import dev.octet.runtime.pipeline.config.OctetConfig.MqttConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A validated fleet file for {@code octet nodes deploy}: which node classes the gateway serves, which models it may
 * offer them, how nodes reach it over CoAP, where their reports go on MQTT, and how long to serve. Built only by
 * {@link FleetConfigLoader}; every path is absolute and every file was found.
 *
 * @param file the fleet file
 * @param gatewayId the gateway's id (MQTT topics)
 * @param coap the CoAP server
 * @param mqtt the broker decisions and node reports go to, if any
 * @param serve how long the command serves
 * @param candidates the models on offer, in file order
 * @param classes the node classes, in file order
 */
public record FleetConfig(Path file, String gatewayId, CoapServer coap, Optional<MqttConfig> mqtt, Serve serve,
                          List<Candidate> candidates, List<NodeClassEntry> classes) {
    public FleetConfig {
        candidates = List.copyOf(candidates);
        classes = List.copyOf(classes);
    }

    /** Every node id the classes expect to report, in file order. */
    public List<String> expectedNodes() {
        return classes.stream().flatMap(c -> c.nodes().stream()).toList();
    }

    /**
     * Where nodes pull models from.
     *
     * @param bind the address to bind, e.g. {@code 0.0.0.0}
     * @param port the UDP port, 0 for any free one
     * @param pskKeys DTLS pre-shared keys by identity; empty for plain CoAP
     */
    public record CoapServer(String bind, int port, Map<String, byte[]> pskKeys) {
        public CoapServer {
            pskKeys = Map.copyOf(pskKeys);
        }

        public boolean dtls() {
            return !pskKeys.isEmpty();
        }

        /** Never shows the keys. */
        @Override
        public String toString() {
            return "CoapServer[bind=" + bind + ", port=" + port + ", pskIdentities=" + pskKeys.keySet() + "]";
        }
    }

    /**
     * How long to serve.
     *
     * @param untilReported stop once every expected node has reported
     * @param timeout the longest to serve; empty serves until a signal (never with {@code untilReported})
     */
    public record Serve(boolean untilReported, Optional<Duration> timeout) {
        public Serve {
            Objects.requireNonNull(timeout);
            if (untilReported && timeout.isEmpty()) {
                throw new IllegalArgumentException("waiting for reports needs a timeout");
            }
        }
    }

    /** A model on offer: its name, the file, and what ranks it (see {@code DeploymentPolicy}). */
    public record Candidate(String name, Path path, OptionalDouble accuracy, int priority) {
    }

    /**
     * One node class.
     *
     * @param nodeClass the policy's view: board, headroom, deadline, energy
     * @param resource the CoAP resource its nodes pull: {@code /models/RESOURCE}
     * @param candidates names of the candidates offered to it (every candidate when the file names none)
     * @param nodes the node ids expected to report
     */
    public record NodeClassEntry(NodeClass nodeClass, String resource, List<String> candidates, List<String> nodes) {
        public NodeClassEntry {
            candidates = List.copyOf(candidates);
            nodes = List.copyOf(nodes);
        }

        public String name() {
            return nodeClass.name();
        }
    }
}
