package dev.octet.runtime.pipeline.config;

import dev.octet.runtime.json.JsonParseException;
import dev.octet.runtime.json.JsonValue;
import dev.octet.runtime.json.Yaml;
import java.util.List;

/**
 * Reads the top of a YAML configuration file (the gateway's, the fleet's) into a tree. What makes a file unusable as
 * a whole (not YAML, outside the supported YAML subset, empty, not a mapping, a key given twice) is added to the
 * loader's problems, so that it is reported with the others, with the line and column.
 */
final class YamlDocument {
    private YamlDocument() {
    }

    /** The top-level mapping, or null after adding the reason to {@code problems}. */
    static JsonValue readMapping(String yaml, List<ConfigError> problems) {
        try {
            JsonValue root = Yaml.parse(yaml);
            if (root.isNull()) {
                problems.add(new ConfigError("", "the file is empty"));
                return null;
            }
            if (!root.isObject()) {
                problems.add(new ConfigError("", "expected a mapping at the top, got " + Fields.describe(root)));
                return null;
            }
            return root;
        } catch (JsonParseException e) {
            // Constructs outside the subset are valid YAML, only not read here: say so.
            String what = e.reason().contains("not supported") ? "unsupported YAML: " : "not valid YAML: ";
            problems.add(new ConfigError("", what + e.getMessage()));
            return null;
        }
    }
}
