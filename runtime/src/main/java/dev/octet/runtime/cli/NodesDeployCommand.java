package dev.octet.runtime.cli;

import dev.octet.ota.coap.CoapSettings;
import dev.octet.ota.coap.NodeReport;
import dev.octet.runtime.cortexm.CortexMEmulator;
import dev.octet.runtime.cortexm.DeploymentPolicy;
import dev.octet.runtime.cortexm.DeploymentPolicy.Decision;
import dev.octet.runtime.cortexm.Estimate;
import dev.octet.runtime.cortexm.NodeClass;
import dev.octet.runtime.nodes.CandidateModel;
import dev.octet.runtime.nodes.ClassPlan;
import dev.octet.runtime.json.Json;
import dev.octet.runtime.json.JsonArray;
import dev.octet.runtime.json.JsonObject;
import dev.octet.runtime.json.JsonParseException;
import dev.octet.runtime.nodes.DeploymentJson;
import dev.octet.runtime.nodes.FleetMqttPublisher;
import dev.octet.runtime.nodes.FleetPlan;
import dev.octet.runtime.nodes.NodeDeploymentServer;
import dev.octet.runtime.pipeline.config.ConfigException;
import dev.octet.runtime.pipeline.config.FleetConfig;
import dev.octet.runtime.pipeline.config.FleetConfigLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.elements.config.Configuration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code octet nodes deploy --fleet FILE}: runs the deployment policy for every node class of a fleet file, prints
 * the decisions, then serves each class's chosen model over CoAP (nodes pull it), publishes the decisions and the
 * nodes' reports on MQTT, and stops when told (every expected node reported, a timeout, or a signal).
 */
@Command(name = "deploy", mixinStandardHelpOptions = true,
        description = {"Decides per node class which candidate model to push (predicted latency, arena and flash "
                + "against the class's budgets), serves the chosen models to the nodes over CoAP/DTLS, and "
                + "forwards the nodes' reports to MQTT.",
                "Exit codes: 0 done, 1 --until-reported timed out before every expected node reported, 2 usage, "
                        + "3 a candidate model is malformed, 4 a file or the CoAP port cannot be used, 5 invalid "
                        + "fleet file."})
final class NodesDeployCommand implements Callable<Integer> {
    /** How long the broker gets to confirm the last decisions and reports when the command stops. */
    static final Duration MQTT_FLUSH = Duration.ofSeconds(10);

    @Option(names = "--fleet", required = true, paramLabel = "FILE",
            description = "The fleet file (see config/fleet.example.yaml).")
    Path fleet;

    @Option(names = "--dry-run", description = "Print the decisions only: serve nothing, publish nothing.")
    boolean dryRun;

    @Option(names = "--json", description = "Machine-readable output: one JSON object per line (events "
            + "'decisions', then when serving 'serving', one 'report' per node report, and 'summary').")
    boolean json;

    @Option(names = "--until-reported", description = "Stop once every node the fleet file lists has reported "
            + "(accepted, refused or failed), or at the timeout (exit 1, naming the missing nodes).")
    boolean untilReported;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "The longest to serve (overrides "
            + "serve.timeout_s). Default with --until-reported: the file's, else 600.")
    Double timeoutSeconds;

    @Spec
    CommandLine.Model.CommandSpec spec;

    /** CoAP timers; the tests shorten them. */
    Configuration coapConfiguration = CoapSettings.standard();

    private PrintWriter out;

    @Override
    public Integer call() throws IOException, InterruptedException {
        out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (timeoutSeconds != null && !(timeoutSeconds > 0 && timeoutSeconds <= 1e7)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--timeout must be a positive number of "
                    + "seconds, at most 1e7, got " + timeoutSeconds);
        }
        FleetConfig config;
        try {
            config = FleetConfigLoader.load(fleet);
        } catch (ConfigException e) {
            err.println("octet: invalid fleet file " + e.getMessage());
            err.flush();
            return OctetCommand.EXIT_CONFIG_ERROR;
        }
        boolean waitForReports = untilReported || config.serve().untilReported();
        if (waitForReports && config.expectedNodes().isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--until-reported: " + fleet
                    + " lists no nodes to wait for (node_classes[*].nodes)");
        }
        Optional<Duration> limit = timeoutSeconds != null
                ? Optional.of(Duration.ofMillis(Math.round(timeoutSeconds * 1000)))
                : config.serve().timeout().or(() -> waitForReports ? Optional.of(Duration.ofMinutes(10))
                        : Optional.empty());

        Map<String, CandidateModel> models = CandidateModel.readAll(config.candidates());
        FleetPlan plan = FleetPlan.decide(config, models, new DeploymentPolicy(CortexMEmulator.calibrated()));
        printDecisions(plan);
        if (dryRun) {
            out.flush();
            return 0;
        }
        return serve(plan, waitForReports, limit);
    }

    // ------------------------------------------------------------------------------------------- serving

    private int serve(FleetPlan plan, boolean waitForReports, Optional<Duration> limit)
            throws IOException, InterruptedException {
        // The hook first, so that a SIGTERM at any point from here on ends in the same orderly stop: the hook
        // only signals, and holds the JVM until this thread has closed the server, flushed MQTT and printed.
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                stopped.await(MQTT_FLUSH.toSeconds() + 5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "octet-nodes-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return serve(plan, waitForReports, limit, stop);
        } finally {
            stopped.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is exiting because of a signal; the hook has been waiting for us
            }
        }
    }

    private int serve(FleetPlan plan, boolean waitForReports, Optional<Duration> limit, CountDownLatch stop)
            throws IOException, InterruptedException {
        FleetConfig config = plan.config();
        Optional<FleetMqttPublisher> mqtt = config.mqtt().map(m -> FleetMqttPublisher.start(m, config.gatewayId()));
        NodeDeploymentServer server;
        try {
            server = NodeDeploymentServer.start(plan, coapConfiguration, mqtt, this::printReport);
        } catch (IOException | RuntimeException e) {
            mqtt.ifPresent(FleetMqttPublisher::close);
            throw e;
        }
        boolean complete = true;
        try {
            printServing(plan, server, mqtt, waitForReports, limit);
            long deadline = limit.map(d -> System.nanoTime() + d.toNanos()).orElse(Long.MAX_VALUE);
            if (waitForReports) {
                complete = false;
                while (!complete && stop.getCount() > 0) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    complete = server.awaitReports(Duration.ofNanos(Math.min(left, 200_000_000L)));
                }
            } else if (limit.isPresent()) {
                stop.await(limit.get().toNanos(), TimeUnit.NANOSECONDS);
            } else {
                stop.await();
            }
        } finally {
            server.close();
            List<String> unconfirmed = List.of();
            try {
                if (mqtt.isPresent()) {
                    unconfirmed = mqtt.get().flush(MQTT_FLUSH);
                }
            } finally {
                mqtt.ifPresent(FleetMqttPublisher::close);
            }
            printSummary(server, mqtt, unconfirmed);
        }
        return complete || !waitForReports ? 0 : 1;
    }

    private void printServing(FleetPlan plan, NodeDeploymentServer server, Optional<FleetMqttPublisher> mqtt,
                              boolean waitForReports, Optional<Duration> limit) {
        FleetConfig c = plan.config();
        String uri = (c.coap().dtls() ? "coaps://" : "coap://") + c.coap().bind() + ":" + server.port();
        synchronized (out) {
            if (json) {
                JsonObject.Builder o = DeploymentJsonEvents.event("serving");
                o.put("uri", uri);
                o.put("dtls", c.coap().dtls());
                JsonArray.Builder resources = JsonArray.builder();
                plan.classes().stream().filter(ClassPlan::push).forEach(p -> resources.add("/models/" + p.resource()));
                o.put("resources", resources.build());
                if (mqtt.isPresent()) {
                    o.put("mqtt", mqtt.get().uri());
                } else {
                    o.putNull("mqtt");
                }
                o.put("expected_nodes", Json.from(c.expectedNodes()));
                o.put("until_reported", waitForReports);
                limit.ifPresent(d -> o.put("timeout_s", d.toMillis() / 1000.0));
                out.println(o.build());
            } else {
                out.printf(Locale.ROOT, "serving on %s%s; reports to %s%n", uri,
                        c.coap().dtls() ? " (DTLS-PSK, " + c.coap().pskKeys().size() + " identities)" : "",
                        mqtt.map(m -> m.uri() + " (octet/" + c.gatewayId() + "/nodes/...)").orElse("stdout only"));
                String until = waitForReports ? "until " + c.expectedNodes().size() + " node(s) reported"
                        + limit.map(d -> " or " + seconds(d) + " passed").orElse("")
                        : limit.map(d -> "for " + seconds(d)).orElse("until stopped (Ctrl-C or SIGTERM)");
                out.println("serving " + until);
            }
            out.flush();
        }
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    private void printReport(NodeDeploymentServer.ForwardedReport f) {
        NodeReport r = f.report();
        synchronized (out) {
            if (json) {
                JsonObject.Builder o = DeploymentJsonEvents.event("report");
                try {
                    o.putAll(Json.parse(f.json()).asObject());
                } catch (JsonParseException e) {
                    throw new IllegalStateException(e); // our own JSON
                }
                out.println(o.build());
            } else {
                out.printf(Locale.ROOT, "report %s (class %s, %s): %s%s: %s%n", r.node(),
                        f.nodeClass().map(ClassPlan::name).orElse("unknown"),
                        f.nodeClass().flatMap(ClassPlan::chosen).map(CandidateModel::name).orElse("/models/" + r.model()),
                        r.status(), r.reason().isEmpty() ? "" : " (" + r.reason() + ")", r.detail());
            }
            out.flush();
        }
    }

    private void printSummary(NodeDeploymentServer server, Optional<FleetMqttPublisher> mqtt,
                              List<String> unconfirmed) {
        List<NodeReport> reports = server.reports();
        List<String> missing = server.missing();
        long accepted = reports.stream().filter(r -> r.status() == NodeReport.Status.ACCEPTED).count();
        long refused = reports.stream().filter(r -> r.status() == NodeReport.Status.REFUSED).count();
        long failed = reports.stream().filter(r -> r.status() == NodeReport.Status.FAILED).count();
        synchronized (out) {
            if (json) {
                JsonObject.Builder o = DeploymentJsonEvents.event("summary");
                o.put("reported", reports.size());
                o.put("accepted", accepted);
                o.put("refused", refused);
                o.put("failed", failed);
                o.put("missing", Json.from(missing));
                o.put("mqtt_unconfirmed", Json.from(unconfirmed));
                out.println(o.build());
            } else {
                out.printf(Locale.ROOT, "%d node(s) reported: %d accepted, %d refused, %d failed%s%n",
                        reports.size(), accepted, refused, failed,
                        missing.isEmpty() ? "" : "; not reported: " + String.join(", ", missing));
            }
            out.flush();
        }
        if (!unconfirmed.isEmpty()) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("octet: the MQTT broker " + mqtt.map(FleetMqttPublisher::uri).orElse("")
                    + " did not confirm " + unconfirmed.size() + " message(s) within " + seconds(MQTT_FLUSH) + ": "
                    + String.join(", ", unconfirmed));
            err.flush();
        }
    }

    // ----------------------------------------------------------------------------------------- decisions

    private void printDecisions(FleetPlan plan) {
        FleetConfig c = plan.config();
        if (json) {
            JsonObject.Builder o = DeploymentJsonEvents.event("decisions");
            o.put("gateway", c.gatewayId());
            o.put("fleet", c.file().toString());
            JsonArray.Builder classes = JsonArray.builder();
            plan.classes().forEach(p -> classes.add(DeploymentJson.decision(c.gatewayId(), p)));
            o.put("classes", classes.build());
            out.println(o.build());
            out.flush();
            return;
        }
        out.printf(Locale.ROOT, "fleet %s: gateway %s, %d node class(es), %d candidate(s)%n", c.file(),
                c.gatewayId(), c.classes().size(), c.candidates().size());
        for (ClassPlan p : plan.classes()) {
            NodeClass nc = p.entry().nodeClass();
            out.println();
            out.printf(Locale.ROOT, "class %s: %s (%s, %s @ %d MHz); arena budget %,d B, flash budget %,d B%s%s%n",
                    p.name(), nc.profile().id(), nc.profile().name(), nc.profile().core().displayName(),
                    nc.profile().clockMhz(), nc.arenaBudgetBytes(), nc.flashBudgetBytes(),
                    nc.latencyDeadlineMs().isPresent() ? String.format(Locale.ROOT, ", deadline %.1f ms",
                            nc.latencyDeadlineMs().getAsDouble()) : "",
                    nc.energyBudgetMicrojoules().isPresent() ? String.format(Locale.ROOT, ", energy %.1f µJ",
                            nc.energyBudgetMicrojoules().getAsDouble()) : "");
            Table t = new Table("candidate", "latency ms", "arena B", "flash B", "fits", "decision", "reasons");
            String chosen = p.chosen().map(CandidateModel::name).orElse(null);
            for (Decision d : p.selection().decisions()) {
                Estimate e = d.estimate();
                t.row(d.candidate().name(), String.format(Locale.ROOT, "%.2f", e.latencyMs()),
                        String.format(Locale.ROOT, "%,d", e.arenaBytes()),
                        String.format(Locale.ROOT, "%,d", e.flashBytes()),
                        e.fits() ? "yes" : "NO" + (e.fitsRam() ? "" : " (RAM)") + (e.fitsFlash() ? "" : " (flash)"),
                        d.push() ? (d.candidate().name().equals(chosen) ? "PUSH (chosen)" : "push") : "hold",
                        String.join("; ", d.reasons()));
            }
            t.print(out);
            if (p.push()) {
                CandidateModel m = p.chosen().orElseThrow();
                out.printf(Locale.ROOT, "=> push %s as /models/%s: %,d B, sha256 %s, arena %,d B%n", m.name(),
                        p.resource(), m.bytes().length, m.sha256(),
                        p.chosenDecision().orElseThrow().estimate().arenaBytes());
            } else {
                out.printf(Locale.ROOT, "=> hold: no candidate fits class %s; nothing is served under /models/%s%n",
                        p.name(), p.resource());
            }
        }
        out.println();
        out.flush();
    }

    /** JSON-lines events: every line carries its {@code event}. */
    static final class DeploymentJsonEvents {
        private DeploymentJsonEvents() {
        }

        static JsonObject.Builder event(String name) {
            return JsonObject.builder().put("event", name);
        }
    }
}
