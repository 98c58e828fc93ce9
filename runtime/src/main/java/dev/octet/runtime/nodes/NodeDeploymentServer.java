package dev.octet.runtime.nodes;

import dev.octet.ota.coap.ModelDeliveryServer;
import dev.octet.ota.coap.ModelManifest;
import dev.octet.ota.coap.NodeReport;
import dev.octet.ota.coap.PskDtls;
import dev.octet.runtime.pipeline.config.FleetConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;
import org.eclipse.californium.elements.config.Configuration;

/**
 * Serves a {@link FleetPlan} to nodes: the chosen model of every pushed class under {@code /models/<resource>} of a
 * {@link ModelDeliveryServer} (plain CoAP, or DTLS with the fleet's pre-shared keys), its manifest carrying size,
 * SHA-256 and the arena the class's board needs; publishes each class's decision on MQTT and forwards every node's
 * report there; and tracks which expected nodes have reported.
 */
public final class NodeDeploymentServer implements AutoCloseable {
    private final FleetPlan plan;
    private final ModelDeliveryServer server;
    private final Optional<FleetMqttPublisher> mqtt;
    private final Set<String> expected;
    /** Guarded by itself: latest report per node, in arrival order of first report. */
    private final Map<String, NodeReport> reports = new LinkedHashMap<>();
    private final Map<String, ModelManifest> manifests = new LinkedHashMap<>();

    private NodeDeploymentServer(FleetPlan plan, ModelDeliveryServer server, Optional<FleetMqttPublisher> mqtt) {
        this.plan = plan;
        this.server = server;
        this.mqtt = mqtt;
        this.expected = new LinkedHashSet<>(plan.config().expectedNodes());
    }

    /**
     * Binds the CoAP endpoint, publishes the chosen models, and starts forwarding reports to {@code listener} (called
     * on a CoAP thread, once per report) and to MQTT.
     *
     * @throws IOException if the CoAP port cannot be bound; nothing is left running then
     */
    public static NodeDeploymentServer start(FleetPlan plan, Configuration coap, Optional<FleetMqttPublisher> mqtt,
                                             Consumer<ForwardedReport> listener) throws IOException {
        FleetConfig.CoapServer settings = plan.config().coap();
        InetSocketAddress bind = new InetSocketAddress(settings.bind(), settings.port());
        if (bind.isUnresolved()) {
            throw new IOException("cannot resolve the CoAP bind address " + settings.bind());
        }
        ModelDeliveryServer server = settings.dtls()
                ? new ModelDeliveryServer(coap, PskDtls.server(bind, coap, settings.pskKeys()))
                : new ModelDeliveryServer(coap, bind);
        NodeDeploymentServer d = new NodeDeploymentServer(plan, server, mqtt);
        String gateway = plan.config().gatewayId();
        for (ClassPlan c : plan.classes()) {
            if (c.push()) {
                CandidateModel m = c.chosen().orElseThrow();
                long arena = c.chosenDecision().orElseThrow().estimate().arenaBytes();
                d.manifests.put(c.resource(), server.publish(c.resource(), m.bytes(), OptionalLong.of(arena)));
            }
            mqtt.ifPresent(p -> p.publishDecision(c.name(), DeploymentJson.decision(gateway, c).toString()));
        }
        server.onReport(r -> {
            Optional<ClassPlan> cls = plan.byResource(r.model());
            String json = DeploymentJson.report(gateway, r, cls).toString();
            mqtt.ifPresent(p -> p.publishReport(r.node(), json));
            // The listener first: whoever waits for the last report then finds it printed and handed to MQTT.
            listener.accept(new ForwardedReport(r, cls, json));
            synchronized (d.reports) {
                d.reports.put(r.node(), r);
                d.reports.notifyAll();
            }
        });
        try {
            server.start();
        } catch (RuntimeException e) {
            server.close();
            throw new IOException("cannot serve CoAP on " + settings.bind() + ":" + settings.port() + ": "
                    + e.getMessage(), e);
        }
        return d;
    }

    /** A report as received, with the class whose resource the node pulled and the JSON sent on MQTT. */
    public record ForwardedReport(NodeReport report, Optional<ClassPlan> nodeClass, String json) {
    }

    /** The bound UDP port. */
    public int port() {
        return server.port();
    }

    /** The manifest served for a resource (pushed classes only). */
    public Optional<ModelManifest> manifest(String resource) {
        return Optional.ofNullable(manifests.get(resource));
    }

    /** The latest report of every node that reported, in the order they first reported. */
    public List<NodeReport> reports() {
        synchronized (reports) {
            return List.copyOf(reports.values());
        }
    }

    /** Expected nodes that have not reported yet, in fleet-file order. */
    public List<String> missing() {
        synchronized (reports) {
            List<String> out = new ArrayList<>();
            for (String n : expected) {
                if (!reports.containsKey(n)) {
                    out.add(n);
                }
            }
            return out;
        }
    }

    /**
     * Waits until every expected node has reported (accepted, refused or failed), at most {@code timeout}.
     *
     * @return whether all did
     */
    public boolean awaitReports(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (reports) {
            while (!missing().isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                reports.wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
