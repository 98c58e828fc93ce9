package dev.octet.runtime.cortexm;

import dev.octet.runtime.model.Model;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Decides whether a model may be pushed to a class of nodes, with the reasons, and picks the best of several
 * candidate models. A model is pushed only if, by the emulator's prediction, its arena fits the SRAM left after
 * the class's headroom, its flash (model plus code) fits the flash left after headroom, its latency meets the
 * deadline, and its energy per inference meets the budget (each check only when the class sets it). Octet's int4
 * variant (docs/INT4.md) is always held: TFLite Micro nodes cannot run it. Octet's shift-only variant is judged
 * with the multiply requantization TFLite Micro runs it with (docs/QUANTIZER.md, "Power-of-two scales").
 *
 * <p>Among candidates that may be pushed the best is the one with the highest declared accuracy (a candidate
 * without a declared accuracy ranks below any with one), then the highest priority, then the lowest predicted
 * latency, then the smallest arena.
 */
public final class DeploymentPolicy {
    private final CortexMEmulator emulator;

    public DeploymentPolicy(CortexMEmulator emulator) {
        this.emulator = Objects.requireNonNull(emulator);
    }

    /** A model offered for deployment. */
    public record Candidate(String name, Model model, OptionalDouble accuracy, int priority) {
        public Candidate {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(accuracy, "accuracy");
        }

        public static Candidate of(String name, Model model) {
            return new Candidate(name, model, OptionalDouble.empty(), 0);
        }

        public Candidate withAccuracy(double accuracy) {
            return new Candidate(name, model, OptionalDouble.of(accuracy), priority);
        }

        public Candidate withPriority(int priority) {
            return new Candidate(name, model, accuracy, priority);
        }
    }

    /** The verdict for one candidate on one node class. */
    public record Decision(Candidate candidate, NodeClass nodeClass, Estimate estimate, boolean push,
                           List<String> reasons) {
        public Decision {
            reasons = List.copyOf(reasons);
        }
    }

    /** The verdicts for every candidate, and the chosen one if any may be pushed. */
    public record Selection(NodeClass nodeClass, List<Decision> decisions, Optional<Decision> chosen) {
        public Selection {
            decisions = List.copyOf(decisions);
        }
    }

    /** Push or hold one model, with the reasons (the failed checks on hold; the margins on push). */
    public Decision decide(Candidate candidate, NodeClass node) {
        // The nodes run stock TFLite Micro: a shift-only model (valid TFLite) runs there with the multiply, so it
        // is judged at that cost (and computes TFLM's bytes, which may differ from the gateway's by 1 LSB).
        Estimate e = emulator.estimate(candidate.model(), node.profile(), false);
        List<String> failed = new ArrayList<>();
        List<String> passed = new ArrayList<>();
        long arenaBudget = node.arenaBudgetBytes();
        String ram = String.format(Locale.ROOT, "arena %,d B %s budget %,d B (%,d B SRAM less %.0f%% headroom)",
                e.arenaBytes(), e.arenaBytes() <= arenaBudget ? "within" : "exceeds", arenaBudget,
                node.profile().memory().sramBytes(), 100 * node.ramHeadroom());
        (e.arenaBytes() <= arenaBudget ? passed : failed).add(ram);
        long flashBudget = node.flashBudgetBytes();
        String flash = String.format(Locale.ROOT,
                "flash %,d B (model %,d + code %,d) %s budget %,d B (%,d B flash less %.0f%% headroom)",
                e.flashBytes(), e.modelBytes(), e.codeBytes(), e.flashBytes() <= flashBudget ? "within" : "exceeds",
                flashBudget, node.profile().memory().flashBytes(), 100 * node.flashHeadroom());
        (e.flashBytes() <= flashBudget ? passed : failed).add(flash);
        if (node.latencyDeadlineMs().isPresent()) {
            double deadline = node.latencyDeadlineMs().getAsDouble();
            boolean ok = e.latencyMs() <= deadline;
            (ok ? passed : failed).add(String.format(Locale.ROOT, "latency %.2f ms %s deadline %.2f ms",
                    e.latencyMs(), ok ? "meets" : "misses", deadline));
        }
        if (node.energyBudgetMicrojoules().isPresent()) {
            double energy = e.energyMicrojoules(node.microwattsPerMhz().getAsDouble());
            double budget = node.energyBudgetMicrojoules().getAsDouble();
            boolean ok = energy <= budget;
            (ok ? passed : failed).add(String.format(Locale.ROOT, "energy %.1f µJ per inference %s budget %.1f µJ",
                    energy, ok ? "within" : "exceeds", budget));
        }
        // The emulator costs Octet's int4 variant (what a port of Octet's int4 kernels would take), but the nodes
        // run TFLite Micro, which refuses the model: never push it.
        candidate.model().int4Layout().ifPresent(l -> failed.add("int4 weights in groups of " + l.groupSize()
                + " (Octet's int4 variant) need Octet's int4 kernels, which TFLite Micro nodes do not have"));
        boolean push = failed.isEmpty();
        return new Decision(candidate, node, e, push, push ? passed : failed);
    }

    /** Decides every candidate and chooses the best one that may be pushed. */
    public Selection choose(List<Candidate> candidates, NodeClass node) {
        List<Decision> decisions = new ArrayList<>();
        for (Candidate c : candidates) {
            decisions.add(decide(c, node));
        }
        Optional<Decision> best = decisions.stream().filter(Decision::push).min(RANKING);
        return new Selection(node, decisions, best);
    }

    /** Best first: declared accuracy (declared before undeclared), priority, latency, arena. */
    static final Comparator<Decision> RANKING = Comparator
            .comparingDouble((Decision d) -> -d.candidate().accuracy().orElse(Double.NEGATIVE_INFINITY))
            .thenComparingInt(d -> -d.candidate().priority())
            .thenComparingDouble(d -> d.estimate().latencyMs())
            .thenComparingLong(d -> d.estimate().arenaBytes());
}
