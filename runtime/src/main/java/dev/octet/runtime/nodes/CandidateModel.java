package dev.octet.runtime.nodes;

import dev.octet.ota.coap.ModelManifest;
import dev.octet.runtime.model.Model;
import dev.octet.runtime.model.ModelException;
import dev.octet.runtime.model.ModelReader;
import dev.octet.runtime.pipeline.config.FleetConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A candidate of the fleet file, read: the exact bytes nodes will receive (read once, so what the emulator judged
 * is what is served) and the parsed model the emulator judges.
 */
public record CandidateModel(FleetConfig.Candidate config, byte[] bytes, Model model, String sha256) {
    public String name() {
        return config.name();
    }

    /** Reads every candidate; a malformed one is a model error that names the candidate and its file. */
    public static Map<String, CandidateModel> readAll(List<FleetConfig.Candidate> candidates) throws IOException {
        Map<String, CandidateModel> out = new LinkedHashMap<>();
        ModelReader reader = ModelReader.withDefaults();
        for (FleetConfig.Candidate c : candidates) {
            byte[] bytes = Files.readAllBytes(c.path());
            Model model;
            try {
                model = reader.read(bytes);
            } catch (ModelException e) {
                throw new CandidateModelException(c, e);
            }
            out.put(c.name(), new CandidateModel(c, bytes, model, ModelManifest.sha256(bytes)));
        }
        return out;
    }

    /** A candidate model that cannot be read; the message names the candidate, the file and what is wrong. */
    public static final class CandidateModelException extends ModelException {
        private static final long serialVersionUID = 1L;

        CandidateModelException(FleetConfig.Candidate c, ModelException cause) {
            super("candidate " + c.name() + " (" + c.path() + "): " + cause.getMessage(), cause);
        }
    }
}
