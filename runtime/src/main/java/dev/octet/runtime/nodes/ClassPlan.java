package dev.octet.runtime.nodes;

import dev.octet.runtime.cortexm.DeploymentPolicy.Decision;
import dev.octet.runtime.cortexm.DeploymentPolicy.Selection;
import dev.octet.runtime.pipeline.config.FleetConfig.NodeClassEntry;
import java.util.Optional;

/**
 * The policy's verdict for one node class: every candidate's decision and, if one may be pushed, the chosen model
 * with the bytes to serve under the class's resource.
 */
public record ClassPlan(NodeClassEntry entry, Selection selection, Optional<CandidateModel> chosen) {
    public String name() {
        return entry.name();
    }

    public String resource() {
        return entry.resource();
    }

    /** The chosen candidate's decision (its estimate on this class's board). */
    public Optional<Decision> chosenDecision() {
        return selection.chosen();
    }

    public boolean push() {
        return chosen.isPresent();
    }
}
