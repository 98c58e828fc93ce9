package dev.octet.runtime.pipeline.config;

import dev.octet.ota.pkg.Keys;
import dev.octet.runtime.pipeline.config.OctetConfig.HealthWatchConfig;
import dev.octet.runtime.pipeline.config.OctetConfig.ModelConfig;
import dev.octet.runtime.pipeline.config.OctetConfig.OtaConfig;
import dev.octet.runtime.pipeline.config.OctetConfig.OtaModelConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads the optional {@code ota} section (over-the-air model updates) for {@link ConfigLoader}: trusted key files
 * (read and checked to be Ed25519 public keys), device class, state directory, size caps, and per updatable model
 * its dry-run latency budget and post-activation health watch. Problems are recorded with their field path.
 */
final class OtaConfigReader {
    static final long DEFAULT_MAX_BYTES = 16L << 20;
    private static final Pattern CLASS = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern DIGITS = Pattern.compile("\\d{1,18}");

    private OtaConfigReader() {
    }

    /**
     * @param failAfter the gateway's {@code health.fail_after}: a health watch must see a version fail before the
     *                  stream gives up on its windows ({@code max_errors} below it)
     */
    static Optional<OtaConfig> read(Fields top, Path baseDir, Map<String, ModelConfig> models, int failAfter,
                                    List<ConfigError> problems) {
        Fields o = top.object("ota", false);
        if (o == null) {
            return Optional.empty();
        }
        int before = problems.size();
        List<Path> keys = new ArrayList<>();
        List<Fields.Element> keyList = o.list("trusted_keys", true);
        if (keyList != null && keyList.isEmpty()) {
            o.problem("trusted_keys", "must list at least one public key file");
        }
        for (Fields.Element e : keyList == null ? List.<Fields.Element>of() : keyList) {
            Path key = keyFile(e, baseDir, problems);
            if (key != null) {
                keys.add(key);
            }
        }
        List<String> revoked = new ArrayList<>();
        List<Fields.Element> revokedList = o.list("revoked_keys", false);
        for (Fields.Element e : revokedList == null ? List.<Fields.Element>of() : revokedList) {
            if (e.node().isString() && !e.node().asText().isBlank()) {
                revoked.add(e.node().asText());
            } else {
                problems.add(new ConfigError(e.path(), "expected a key id, got " + Fields.describe(e.node())));
            }
        }
        String deviceClass = o.string("device_class", false, "generic");
        if (deviceClass != null && !CLASS.matcher(deviceClass).matches()) {
            o.problem("device_class", "\"" + deviceClass + "\" is not a device class (1-64 of letters, digits, . _ -)");
        }
        String state = o.string("state_dir", false, null);
        Path stateDir = state == null ? null : baseDir.resolve(state).normalize().toAbsolutePath();
        Long maxPackage = o.integer("max_package_bytes", false, DEFAULT_MAX_BYTES, 1024, 1L << 31);
        Long maxModel = o.integer("max_model_bytes", false, DEFAULT_MAX_BYTES, 1024, 1L << 31);
        Map<String, OtaModelConfig> otaModels = new LinkedHashMap<>();
        for (Fields m : o.mappings("models", "must list at least one updatable model")) {
            OtaModelConfig model = model(m, models, failAfter);
            m.finish();
            if (model != null && otaModels.put(model.id(), model) != null) {
                m.problem("id", "model \"" + model.id() + "\" is listed twice");
            }
        }
        o.finish();
        if (problems.size() != before) {
            return Optional.empty();
        }
        return Optional.of(new OtaConfig(keys, revoked, deviceClass, stateDir, maxPackage, maxModel, otaModels));
    }

    private static Path keyFile(Fields.Element e, Path baseDir, List<ConfigError> problems) {
        if (!e.node().isString() || e.node().asText().isBlank()) {
            problems.add(new ConfigError(e.path(), "expected a public key file, got " + Fields.describe(e.node())));
            return null;
        }
        Path p = baseDir.resolve(e.node().asText()).normalize().toAbsolutePath();
        if (!Files.isRegularFile(p)) {
            problems.add(new ConfigError(e.path(), "file not found: " + p));
            return null;
        }
        try {
            Keys.readPublic(p);
        } catch (IOException | RuntimeException x) {
            problems.add(new ConfigError(e.path(), "not an Ed25519 public key file: " + x.getMessage()));
            return null;
        }
        return p;
    }

    private static OtaModelConfig model(Fields m, Map<String, ModelConfig> models, int failAfter) {
        String id = m.string("id", true, null);
        if (id != null && !models.containsKey(id)) {
            m.problem("id", "no model \"" + id + "\" in the models section (known: "
                    + String.join(", ", models.keySet()) + ")");
            id = null;
        }
        ModelConfig declared = id == null ? null : models.get(id);
        long fallbackVersion = declared != null && declared.version() != null
                && DIGITS.matcher(declared.version()).matches() ? Long.parseLong(declared.version()) : 0;
        Long baseline = m.integer("baseline_version", false, fallbackVersion, 0, Long.MAX_VALUE);
        if (baseline != null && declared != null && DIGITS.matcher(String.valueOf(declared.version())).matches()
                && baseline != fallbackVersion) {
            // Results label the baseline with the model's version text: a different number would be ambiguous.
            m.problem("baseline_version", "must equal the model's version (" + declared.version()
                    + ") when that is a whole number, got " + baseline);
            baseline = null;
        }
        Double budget = m.number("latency_budget_ms", false, null, 0, 1e7, true);
        Integer dryRun = m.int32("dry_run_windows", false, 8, 1, 1024);
        HealthWatchConfig watch = new HealthWatchConfig(20, 0, budget, 5, true, true, null, 0);
        Fields w = m.object("health_watch", false);
        if (w != null) {
            watch = watch(w, watch, failAfter);
            w.finish();
        }
        if (id == null || baseline == null || dryRun == null || watch == null || (m.has("latency_budget_ms")
                && budget == null)) {
            return null;
        }
        return new OtaModelConfig(id, baseline, budget, dryRun, watch);
    }

    private static HealthWatchConfig watch(Fields w, HealthWatchConfig d, int failAfter) {
        Integer windows = w.int32("windows", false, d.windows(), 1, 1_000_000);
        Integer maxErrors = w.int32("max_errors", false, d.maxErrors(), 0, 1_000_000);
        if (maxErrors != null && maxErrors >= failAfter) {
            // After fail_after consecutive failed windows a stream stops running its windows, so the watch would
            // never see the (max_errors + 1)th error, and a version failing every window would never be rolled back.
            w.problem("max_errors", "must be below health.fail_after (" + failAfter + "), got " + maxErrors);
            maxErrors = null;
        }
        Double maxLatency = w.number("max_latency_ms", false, d.maxLatencyMs(), 0, 1e7, true);
        Integer maxSlow = w.int32("max_slow_windows", false, d.maxSlowWindows(), 0, 1_000_000);
        Boolean finite = w.bool("outputs_finite", false, d.outputsFinite());
        Boolean notConstant = w.bool("outputs_not_constant", false, d.outputsNotConstant());
        Double maxScore = w.number("max_score", false, null, -Double.MAX_VALUE, Double.MAX_VALUE, false);
        Integer maxBad = w.int32("max_bad_outputs", false, d.maxBadOutputs(), 0, 1_000_000);
        if (windows == null || maxErrors == null || maxSlow == null || finite == null || notConstant == null
                || maxBad == null || (w.has("max_latency_ms") && maxLatency == null)
                || (w.has("max_score") && maxScore == null)) {
            return null;
        }
        return new HealthWatchConfig(windows, maxErrors, maxLatency, maxSlow, finite, notConstant, maxScore, maxBad);
    }
}
