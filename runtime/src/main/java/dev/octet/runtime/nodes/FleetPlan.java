package dev.octet.runtime.nodes;

import dev.octet.runtime.cortexm.DeploymentPolicy;
import dev.octet.runtime.cortexm.DeploymentPolicy.Candidate;
import dev.octet.runtime.cortexm.DeploymentPolicy.Selection;
import dev.octet.runtime.pipeline.config.FleetConfig;
import dev.octet.runtime.pipeline.config.FleetConfig.NodeClassEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the gateway will serve: the deployment policy run for every node class of a fleet file. */
public record FleetPlan(FleetConfig config, List<ClassPlan> classes) {
    public FleetPlan {
        classes = List.copyOf(classes);
    }

    /** Runs the policy for each class over the candidates the class is offered. */
    public static FleetPlan decide(FleetConfig config, Map<String, CandidateModel> models, DeploymentPolicy policy) {
        List<ClassPlan> plans = new ArrayList<>();
        for (NodeClassEntry entry : config.classes()) {
            List<Candidate> offered = new ArrayList<>();
            for (String name : entry.candidates()) {
                CandidateModel m = models.get(name);
                Candidate c = Candidate.of(name, m.model()).withPriority(m.config().priority());
                if (m.config().accuracy().isPresent()) {
                    c = c.withAccuracy(m.config().accuracy().getAsDouble());
                }
                offered.add(c);
            }
            Selection selection = policy.choose(offered, entry.nodeClass());
            Optional<CandidateModel> chosen = selection.chosen().map(d -> models.get(d.candidate().name()));
            plans.add(new ClassPlan(entry, selection, chosen));
        }
        return new FleetPlan(config, plans);
    }

    /** The class whose resource a node pulled, if any. */
    public Optional<ClassPlan> byResource(String resource) {
        return classes.stream().filter(c -> c.resource().equals(resource)).findFirst();
    }
}
