package dev.octet.runtime.pipeline.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.List;

/**
 * Reads the top of a YAML configuration file (the gateway's, the fleet's) into a tree. What makes a file unusable as
 * a whole (not YAML, empty, not a mapping, a key given twice) is added to the loader's problems, so that it is
 * reported with the others, with the line and column where YAML knows them.
 */
final class YamlDocument {
    private YamlDocument() {
    }

    /** The top-level mapping, or null after adding the reason to {@code problems}. */
    static JsonNode readMapping(String yaml, List<ConfigError> problems) {
        ObjectMapper mapper = new ObjectMapper(YAMLFactory.builder().build());
        // A key given twice is almost always a mistake that would otherwise silently win or lose.
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        try {
            JsonNode root = mapper.readTree(yaml);
            if (root == null || root.isMissingNode() || root.isNull()) {
                problems.add(new ConfigError("", "the file is empty"));
                return null;
            }
            if (!root.isObject()) {
                problems.add(new ConfigError("", "expected a mapping at the top, got " + Fields.describe(root)));
                return null;
            }
            return root;
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : "line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ": ";
            problems.add(new ConfigError("", "not valid YAML: " + where + e.getOriginalMessage()));
            return null;
        }
    }
}
