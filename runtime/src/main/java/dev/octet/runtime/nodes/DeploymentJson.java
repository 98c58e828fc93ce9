package dev.octet.runtime.nodes;

import dev.octet.ota.coap.NodeReport;
import dev.octet.runtime.cortexm.DeploymentPolicy.Decision;
import dev.octet.runtime.cortexm.Estimate;
import dev.octet.runtime.cortexm.NodeClass;
import dev.octet.runtime.json.JsonArray;
import dev.octet.runtime.json.JsonObject;
import java.util.Optional;

/**
 * The JSON forms of decisions and reports, shared by {@code --json} and the MQTT topics so both say the same thing.
 */
public final class DeploymentJson {
    private DeploymentJson() {
    }

    /**
     * One class's decision: the class and its budgets, {@code action} push or hold, the chosen model with its size,
     * SHA-256 and predicted arena (when pushed), and every candidate's estimate, verdict and reasons.
     */
    public static JsonObject decision(String gatewayId, ClassPlan plan) {
        NodeClass nc = plan.entry().nodeClass();
        JsonObject.Builder o = JsonObject.builder();
        o.put("gateway", gatewayId);
        o.put("class", plan.name());
        o.put("profile", nc.profile().id());
        o.put("board", nc.profile().name());
        o.put("core", nc.profile().core().displayName());
        o.put("clock_mhz", nc.profile().clockMhz());
        o.put("arena_budget_bytes", nc.arenaBudgetBytes());
        o.put("flash_budget_bytes", nc.flashBudgetBytes());
        if (nc.latencyDeadlineMs().isPresent()) {
            o.put("deadline_ms", nc.latencyDeadlineMs().getAsDouble());
        }
        if (nc.energyBudgetMicrojoules().isPresent()) {
            o.put("energy_budget_uj", nc.energyBudgetMicrojoules().getAsDouble());
        }
        o.put("action", plan.push() ? "push" : "hold");
        o.put("resource", "/models/" + plan.resource());
        if (plan.push()) {
            CandidateModel m = plan.chosen().orElseThrow();
            Estimate e = plan.chosenDecision().orElseThrow().estimate();
            o.put("model", m.name());
            o.put("size_bytes", m.bytes().length);
            o.put("sha256", m.sha256());
            o.put("arena_bytes", e.arenaBytes());
            o.put("latency_ms", round(e.latencyMs()));
        } else {
            o.putNull("model");
        }
        JsonArray.Builder candidates = JsonArray.builder();
        String chosen = plan.chosen().map(CandidateModel::name).orElse(null);
        for (Decision d : plan.selection().decisions()) {
            Estimate e = d.estimate();
            JsonObject.Builder c = JsonObject.builder();
            c.put("name", d.candidate().name());
            if (d.candidate().accuracy().isPresent()) {
                c.put("accuracy", d.candidate().accuracy().getAsDouble());
            }
            c.put("priority", d.candidate().priority());
            c.put("latency_ms", round(e.latencyMs()));
            c.put("cycles", Math.round(e.cycles()));
            c.put("arena_bytes", e.arenaBytes());
            c.put("flash_bytes", e.flashBytes());
            if (nc.microwattsPerMhz().isPresent()) {
                c.put("energy_uj", round(e.energyMicrojoules(nc.microwattsPerMhz().getAsDouble())));
            }
            c.put("fits", e.fits());
            c.put("push", d.push());
            c.put("chosen", d.candidate().name().equals(chosen));
            JsonArray.Builder reasons = JsonArray.builder();
            d.reasons().forEach(reasons::add);
            c.put("reasons", reasons.build());
            candidates.add(c.build());
        }
        o.put("candidates", candidates.build());
        return o.build();
    }

    /**
     * A node's report as the gateway forwards it: the node's own fields plus the gateway, the class whose resource it
     * pulled, and the model served there.
     */
    public static JsonObject report(String gatewayId, NodeReport r, Optional<ClassPlan> plan) {
        JsonObject.Builder o = JsonObject.builder();
        o.put("gateway", gatewayId);
        o.put("node", r.node());
        if (plan.isPresent()) {
            o.put("class", plan.get().name());
        } else {
            o.putNull("class");
        }
        o.put("resource", "/models/" + r.model());
        Optional<CandidateModel> served = plan.flatMap(ClassPlan::chosen);
        if (served.isPresent()) {
            o.put("model", served.get().name());
            o.put("sha256", served.get().sha256());
        } else {
            o.putNull("model");
        }
        o.put("status", r.status().name());
        if (!r.reason().isEmpty()) {
            o.put("reason", r.reason());
        }
        r.requiredBytes().ifPresent(v -> o.put("required_bytes", v));
        r.availableBytes().ifPresent(v -> o.put("available_bytes", v));
        o.put("detail", r.detail());
        return o.build();
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
