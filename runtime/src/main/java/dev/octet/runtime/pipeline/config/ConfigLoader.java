package dev.octet.runtime.pipeline.config;

import dev.octet.runtime.json.JsonValue;
import dev.octet.runtime.json.JsonObject;
import dev.octet.runtime.engine.Interpreter;
import dev.octet.runtime.engine.InterpreterOptions;
import dev.octet.runtime.kernels.ReferenceSemantics;
import dev.octet.runtime.model.Model;
import dev.octet.runtime.model.ModelException;
import dev.octet.runtime.model.ModelReader;
import dev.octet.runtime.pipeline.Backpressure;
import dev.octet.runtime.pipeline.Bundled;
import dev.octet.runtime.pipeline.config.OctetConfig.AnomalyScorePost;
import dev.octet.runtime.pipeline.config.OctetConfig.ClassificationPost;
import dev.octet.runtime.pipeline.config.OctetConfig.DequantizePost;
import dev.octet.runtime.pipeline.config.OctetConfig.FftMagnitudeStep;
import dev.octet.runtime.pipeline.config.OctetConfig.FileSink;
import dev.octet.runtime.pipeline.config.OctetConfig.FramesStep;
import dev.octet.runtime.pipeline.config.OctetConfig.HealthConfig;
import dev.octet.runtime.pipeline.source.RestartPolicy;
import dev.octet.runtime.pipeline.source.SourceRegistry;
import dev.octet.runtime.pipeline.config.OctetConfig.HttpConfig;
import dev.octet.runtime.pipeline.config.OctetConfig.LogMelStep;
import dev.octet.runtime.pipeline.config.OctetConfig.ModelConfig;
import dev.octet.runtime.pipeline.config.OctetConfig.MqttConfig;
import dev.octet.runtime.pipeline.config.OctetConfig.MqttSink;
import dev.octet.runtime.pipeline.config.OctetConfig.NormalizeStep;
import dev.octet.runtime.pipeline.config.OctetConfig.PassthroughStep;
import dev.octet.runtime.pipeline.config.OctetConfig.PostprocessConfig;
import dev.octet.runtime.pipeline.config.OctetConfig.QuantizeStep;
import dev.octet.runtime.pipeline.config.OctetConfig.QueueConfig;
import dev.octet.runtime.pipeline.config.OctetConfig.ScaleStep;
import dev.octet.runtime.pipeline.config.OctetConfig.SinkConfig;
import dev.octet.runtime.pipeline.config.OctetConfig.SourceConfig;
import dev.octet.runtime.pipeline.config.OctetConfig.StdoutSink;
import dev.octet.runtime.pipeline.config.OctetConfig.StepConfig;
import dev.octet.runtime.pipeline.config.OctetConfig.StreamConfig;
import dev.octet.runtime.pipeline.config.OctetConfig.TlsConfig;
import dev.octet.runtime.pipeline.config.OctetConfig.WindowConfig;
import dev.octet.runtime.pipeline.preprocess.MelScale;
import dev.octet.runtime.pipeline.preprocess.PreprocessChain;
import dev.octet.runtime.pipeline.preprocess.WindowFunction;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads the gateway's YAML configuration into an {@link OctetConfig}, or refuses it with a {@link ConfigException}
 * that lists every problem with its field path. Nothing is started here, and nothing is returned half-checked:
 * <ol>
 * <li>syntax and schema: every key known, every value of the right type and in range, required fields present,
 *     names unique and topic-safe, referenced models, steps, sinks and source types known;</li>
 * <li>files: models, replayed files, TLS and password files exist (paths are relative to the config file);
 *     models are read and every operator checked to be supported;</li>
 * <li>fit: each stream's windows, channels and preprocessing produce exactly the model's input, and its
 *     postprocessing fits the model's output.</li>
 * </ol>
 * Step 2 and 3 run only when step 1 found nothing, so a typo does not bury itself under follow-up errors.
 */
public final class ConfigLoader {
    static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^}]*)}");
    private static final Set<String> TOPIC_PLACEHOLDERS = Set.of("gateway", "stream", "model");
    private static final Pattern MQTT_URI = Pattern.compile("(tcp|ssl|ws|wss)://[^\\s/:]+(:\\d{1,5})?(/\\S*)?");
    private static final List<String> STEPS = List.of("scale", "normalize", "fft_magnitude", "log_mel", "frames",
            "passthrough", "quantize");
    private static final List<String> POSTPROCESSORS = List.of("dequantize", "classification", "anomaly_score");
    private static final List<String> SINKS = List.of("mqtt", "stdout", "file");
    private static final List<String> POLICIES = List.of("block", "drop_oldest", "drop_newest");
    private static final int MAX_WINDOW = 1 << 24;

    private final Path file;
    private final Path baseDir;
    private final List<ConfigError> problems = new ArrayList<>();

    /** Package-private for {@link FleetConfigLoader}, which reads its {@code mqtt} section the same way. */
    ConfigLoader(Path file) {
        this.file = file;
        Path parent = file.toAbsolutePath().getParent();
        this.baseDir = parent == null ? Path.of(".").toAbsolutePath() : parent;
    }

    /** Reads, validates and resolves {@code file}. */
    public static OctetConfig load(Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(file, List.of(new ConfigError("", "cannot read the file: " + e)));
        }
        return parse(text, file);
    }

    /** Validates YAML text as if it were {@code file} (relative paths resolve against the file's folder). */
    public static OctetConfig parse(String yaml, Path file) throws ConfigException {
        return new ConfigLoader(file).run(yaml);
    }

    private OctetConfig run(String yaml) throws ConfigException {
        JsonValue root = YamlDocument.readMapping(yaml, problems);
        OctetConfig config = root == null ? null : schema(root);
        if (config == null || !problems.isEmpty()) {
            throw new ConfigException(file, problems);
        }
        checkFit(config);
        if (!problems.isEmpty()) {
            throw new ConfigException(file, problems);
        }
        return config;
    }

    // ---------------------------------------------------------------------------------------------- schema

    private OctetConfig schema(JsonValue root) {
        Fields top = new Fields("", root, problems);
        String gatewayId = null;
        Fields gateway = top.object("gateway", true);
        if (gateway != null) {
            gatewayId = id(gateway, "id");
            gateway.finish();
        }
        QueueConfig windowQueue = new QueueConfig(8, Backpressure.DROP_OLDEST);
        QueueConfig resultQueue = new QueueConfig(1024, Backpressure.DROP_OLDEST);
        Fields queues = top.object("queues", false);
        if (queues != null) {
            windowQueue = queue(queues.object("windows", false), windowQueue);
            resultQueue = queue(queues.object("results", false), resultQueue);
            queues.finish();
        }
        HealthConfig health = new HealthConfig(5, 10);
        Fields h = top.object("health", false);
        if (h != null) {
            Integer failAfter = h.int32("fail_after", false, 5, 1, 1_000_000);
            Integer recoverAfter = h.int32("recover_after", false, 10, 1, 1_000_000);
            RestartPolicy restart = restart(h.object("restart", false), RestartPolicy.DEFAULT);
            h.finish();
            if (failAfter != null && recoverAfter != null && restart != null) {
                health = new HealthConfig(failAfter, recoverAfter, restart);
            }
        }
        Map<String, ModelConfig> models = models(top);
        List<StreamConfig> streams = streams(top, models, windowQueue, health.restart());
        Optional<MqttConfig> mqtt = mqtt(top.object("mqtt", false), gatewayId);
        List<SinkConfig> sinks = sinks(top, mqtt.isPresent());
        HttpConfig http = new HttpConfig("0.0.0.0", 9464);
        Fields web = top.object("http", false);
        if (web != null) {
            String bind = web.string("bind", false, "0.0.0.0");
            Integer port = web.int32("port", false, 9464, 0, 65535);
            web.finish();
            http = new HttpConfig(bind, port == null ? 0 : port);
        }
        Optional<OctetConfig.OtaConfig> ota = OtaConfigReader.read(top, baseDir, models, health.failAfter(),
                problems);
        if (ota.isPresent() && mqtt.isEmpty()) {
            top.problem("ota", "over-the-air updates arrive over MQTT: the mqtt section is needed");
        }
        top.finish();
        if (!problems.isEmpty()) {
            return null;
        }
        return new OctetConfig(file, gatewayId, models, streams, sinks, resultQueue, health, mqtt, http, ota);
    }

    /**
     * {@code health.restart} or {@code streams[].restart}: {@code enabled}, {@code initial_ms}, {@code max_ms}, each
     * defaulting to {@code base}'s (the built-in defaults for the former, {@code health.restart} for the latter);
     * {@code base} itself if the section is absent, null if it has problems.
     */
    private static RestartPolicy restart(Fields r, RestartPolicy base) {
        if (r == null) {
            return base;
        }
        Boolean enabled = r.bool("enabled", false, base.enabled());
        Integer initial = r.int32("initial_ms", false, (int) base.initial().toMillis(), 1, 3_600_000);
        Integer max = r.int32("max_ms", false, (int) base.max().toMillis(), 1, 3_600_000);
        if (initial != null && max != null && max < initial) {
            r.problem("max_ms", "must be at least initial_ms (" + initial + (r.has("initial_ms") ? "" : ", inherited")
                    + ")");
            max = null;
        }
        r.finish();
        if (enabled == null || initial == null || max == null) {
            return null;
        }
        return new RestartPolicy(enabled, java.time.Duration.ofMillis(initial), java.time.Duration.ofMillis(max));
    }

    private String id(Fields f, String key) {
        String id = f.string(key, true, null);
        if (id != null && !ID.matcher(id).matches()) {
            f.problem(key, "\"" + id + "\" is not a valid id (letters, digits, '_', '-', '.'; at most 64; no MQTT "
                    + "wildcards or '/')");
            return null;
        }
        return id;
    }

    private QueueConfig queue(Fields q, QueueConfig fallback) {
        if (q == null) {
            return fallback;
        }
        Integer capacity = q.int32("capacity", false, fallback.capacity(), 1, 1_000_000);
        String policy = q.choice("backpressure", false, fallback.backpressure().configName(), POLICIES);
        q.finish();
        if (capacity == null || policy == null) {
            return fallback;
        }
        return new QueueConfig(capacity, Backpressure.fromConfigName(policy));
    }

    private Map<String, ModelConfig> models(Fields top) {
        Map<String, ModelConfig> models = new LinkedHashMap<>();
        List<Fields> list = top.mappings("models", "must declare at least one model");
        for (Fields m : list) {
            String id = id(m, "id");
            String location = m.string("path", true, null);
            String version = m.string("version", false, null);
            String semantics = m.choice("semantics", false, "tflm", List.of("tflm", "tflite"));
            m.finish();
            if (id != null && models.containsKey(id)) {
                m.problem("id", "duplicate model id \"" + id + "\"");
                continue;
            }
            if (id == null || location == null || semantics == null) {
                continue;
            }
            ModelConfig model = loadModel(m, id, location, version,
                    ReferenceSemantics.valueOf(semantics.toUpperCase(Locale.ROOT)));
            if (model != null) {
                models.put(id, model);
            } else {
                // Keep the id known so that streams naming it get no second, misleading error.
                models.put(id, null);
            }
        }
        return models;
    }

    private ModelConfig loadModel(Fields m, String id, String location, String version, ReferenceSemantics sem) {
        byte[] bytes;
        Path path = null;
        try {
            if (Bundled.isBundled(location)) {
                if (!Bundled.exists(location)) {
                    m.problem("path", "no bundled model \"" + location + "\" (bundled: " + Bundled.names() + ")");
                    return null;
                }
                bytes = Bundled.read(location);
            } else {
                path = baseDir.resolve(location).normalize().toAbsolutePath();
                if (!Files.isRegularFile(path)) {
                    m.problem("path", "model file not found: " + path);
                    return null;
                }
                bytes = Files.readAllBytes(path);
            }
        } catch (IOException e) {
            m.problem("path", "cannot read the model: " + e.getMessage());
            return null;
        }
        try {
            Model model = ModelReader.withDefaults().read(bytes);
            // Creating an interpreter checks that every operator has a kernel and can be prepared.
            Interpreter.create(model, InterpreterOptions.defaults().withSemantics(sem));
            String v = version != null ? version : path == null ? "bundled" : "sha256:" + sha256(bytes, 12);
            return new ModelConfig(id, location, path, v, sem, model);
        } catch (ModelException e) {
            m.problem("path", "not a usable model: " + e.getMessage());
            return null;
        }
    }

    private static String sha256(byte[] bytes, int hexChars) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return HexFormat.of().formatHex(digest).substring(0, hexChars);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<StreamConfig> streams(Fields top, Map<String, ModelConfig> models, QueueConfig defaultQueue,
                                       RestartPolicy restartBase) {
        List<StreamConfig> streams = new ArrayList<>();
        List<Fields> list = top.mappings("streams", "must declare at least one stream");
        Set<String> ids = new HashSet<>();
        for (Fields s : list) {
            int before = problems.size();
            String id = id(s, "id");
            if (id != null && !ids.add(id)) {
                s.problem("id", "duplicate stream id \"" + id + "\"");
            }
            Fields src = s.object("source", true);
            SourceConfig source = src == null ? null : SourceTypes.read(src, baseDir, problems);
            Double rate = s.number("sample_rate_hz", true, null, 0, 10_000_000, true);
            Integer channels = s.int32("channels", true, null, 1, 4096);
            WindowConfig windows = null;
            Fields w = s.object("windows", true);
            if (w != null) {
                Integer size = w.int32("size", true, null, 1, MAX_WINDOW);
                Integer stride = w.int32("stride", false, size, 1, MAX_WINDOW);
                w.finish();
                if (size != null && stride != null) {
                    windows = new WindowConfig(size, stride);
                }
            }
            List<StepConfig> steps = steps(s);
            String model = s.string("model", true, null);
            if (model != null && !models.containsKey(model)) {
                s.problem("model", "unknown model \"" + model + "\" (declared: " + String.join(", ", models.keySet())
                        + ")");
            }
            List<PostprocessConfig> post = postprocess(s);
            QueueConfig queue = queue(s.object("queue", false), defaultQueue);
            RestartPolicy restart = streamRestart(s, source, restartBase);
            s.finish();
            if (source != null && channels != null) {
                checkSourceChannels(s, source, channels);
            }
            if (problems.size() == before) {
                streams.add(new StreamConfig(id, source, rate, channels, windows, steps, model, post, queue,
                        restart));
            }
        }
        return streams;
    }

    /**
     * A stream's own {@code restart} section over {@code health.restart} (null when it has none). Only device and
     * node sources are restarted; on a replay or simulation the section would do nothing, so it is refused.
     */
    private static RestartPolicy streamRestart(Fields s, SourceConfig source, RestartPolicy base) {
        if (!s.has("restart")) {
            return null;
        }
        Fields r = s.object("restart", false);
        if (source != null && SourceRegistry.builtin().types().contains(source.type())) {
            s.problem("restart", "a " + source.type() + " source is never restarted (it fails only on a bad file); "
                    + "restart settings are for device and node sources");
            return null;
        }
        return restart(r, base);
    }

    private void checkSourceChannels(Fields s, SourceConfig source, int channels) {
        int expected = switch (source.type()) {
            case "adxl345", "bme280" -> 3; // x, y, z acceleration; temperature, pressure, humidity
            case "mcp3008" -> source.parameters().containsKey("inputs")
                    ? ((List<?>) source.parameters().get("inputs")).size() : -1;
            default -> -1;
        };
        if (expected > 0 && channels != expected) {
            s.problem("channels", "a " + source.type() + " source delivers " + expected + " channels, got "
                    + channels);
        }
        String fileName = source.string("file");
        if (fileName != null && (source.type().equals("replay_features") || source.type().equals("replay_binary"))) {
            int bytesPerValue = "int16".equals(source.string("format")) ? 2 : 4;
            long size;
            try {
                size = Bundled.isBundled(fileName) ? Bundled.read(fileName).length : Files.size(Path.of(fileName));
            } catch (IOException e) {
                s.problem("source.file", "cannot read: " + e.getMessage());
                return;
            }
            long sampleBytes = (long) bytesPerValue * channels;
            if (size == 0 || size % sampleBytes != 0) {
                s.problem("source.file", size + " bytes is not a whole number of " + channels + "-channel samples ("
                        + sampleBytes + " bytes each)");
            }
        }
    }

    private List<StepConfig> steps(Fields s) {
        List<StepConfig> steps = new ArrayList<>();
        List<Fields.Element> list = s.list("preprocess", false);
        if (list == null) {
            return steps;
        }
        for (int i = 0; i < list.size(); i++) {
            Fields.Element e = list.get(i);
            Named named = named(e, STEPS, "step");
            if (named == null) {
                continue;
            }
            Fields p = named.params();
            StepConfig step = switch (named.name()) {
                case "scale" -> {
                    Double mul = p.number("multiply", false, 1.0, -Double.MAX_VALUE, Double.MAX_VALUE, false);
                    Double off = p.number("offset", false, 0.0, -Double.MAX_VALUE, Double.MAX_VALUE, false);
                    yield mul == null || off == null ? null : new ScaleStep(mul, off);
                }
                case "normalize" -> normalize(p);
                case "fft_magnitude" -> {
                    String window = p.choice("window", false, "hann", List.of("hann", "rectangular"));
                    String spectrum = p.choice("spectrum", false, "magnitude", List.of("magnitude", "power"));
                    yield window == null || spectrum == null ? null : new FftMagnitudeStep(
                            WindowFunction.valueOf(window.toUpperCase(Locale.ROOT)), spectrum.equals("power"));
                }
                case "log_mel" -> logMel(p);
                case "frames" -> {
                    Integer count = p.int32("count", true, null, 1, 65536);
                    yield count == null ? null : new FramesStep(count);
                }
                case "passthrough" -> new PassthroughStep();
                case "quantize" -> {
                    if (i != list.size() - 1) {
                        problems.add(new ConfigError(e.path(), "quantize must be the last step (it writes the "
                                + "model's input tensor)"));
                    }
                    yield new QuantizeStep();
                }
                default -> throw new IllegalStateException(named.name());
            };
            p.finish();
            if (step != null) {
                steps.add(step);
            }
        }
        return steps;
    }

    private StepConfig normalize(Fields p) {
        String mode = p.choice("mode", false, "fixed", List.of("fixed", "window"));
        if (mode == null) {
            return null;
        }
        if (mode.equals("window")) {
            if (p.has("mean") || p.has("std")) {
                p.problem("mode", "mode window uses each window's own mean and std; remove mean and std");
                return null;
            }
            return new NormalizeStep(true, List.of(), List.of());
        }
        List<Double> mean = numbers(p, "mean", -Double.MAX_VALUE, false);
        List<Double> std = numbers(p, "std", 0, true);
        return mean == null || std == null ? null : new NormalizeStep(false, mean, std);
    }

    /** A required number or non-empty list of numbers. */
    private List<Double> numbers(Fields p, String key, double min, boolean exclusiveMin) {
        if (!p.has(key)) {
            p.problem(key, "missing (one number, or one per column)");
            return null;
        }
        int before = problems.size();
        JsonValue raw = p.raw(key);
        if (raw.isArray()) {
            if (raw.isEmpty()) {
                p.problem(key, "must not be empty");
                return null;
            }
            List<Double> out = new ArrayList<>();
            for (int i = 0; i < raw.size(); i++) {
                out.add(Fields.numberValue(raw.get(i), p.path(key) + "[" + i + "]", min, Double.MAX_VALUE,
                        exclusiveMin, problems));
            }
            return problems.size() == before ? List.copyOf(out) : null;
        }
        Double one = Fields.numberValue(raw, p.path(key), min, Double.MAX_VALUE, exclusiveMin, problems);
        return one == null ? null : List.of(one);
    }

    private StepConfig logMel(Fields p) {
        Integer nFft = p.int32("n_fft", false, 1024, 2, 65536);
        if (nFft != null && Integer.bitCount(nFft) != 1) {
            p.problem("n_fft", "must be a power of two, got " + nFft);
            nFft = null;
        }
        Integer hop = p.int32("hop_length", false, 512, 1, 65536);
        Integer nMels = p.int32("n_mels", false, 128, 1, 1024);
        Double fmin = p.number("fmin", false, 0.0, 0, 1e7, false);
        Double fmax = p.number("fmax", false, null, 0, 1e7, true);
        String scale = p.choice("mel_scale", false, "slaney", List.of("slaney", "htk"));
        String norm = p.choice("norm", false, "slaney", List.of("slaney", "none"));
        Double power = p.number("power", false, 2.0, 0, 4, true);
        Integer channel = p.int32("channel", false, 0, 0, 4095);
        if (nFft == null || hop == null || nMels == null || fmin == null || (p.has("fmax") && fmax == null)
                || scale == null || norm == null || power == null || channel == null) {
            return null;
        }
        return new LogMelStep(nFft, hop, nMels, fmin, fmax, MelScale.valueOf(scale.toUpperCase(Locale.ROOT)),
                norm.equals("slaney"), power, channel);
    }

    private List<PostprocessConfig> postprocess(Fields s) {
        List<PostprocessConfig> out = new ArrayList<>();
        List<Fields.Element> list = s.list("postprocess", false);
        if (list == null) {
            return out;
        }
        for (Fields.Element e : list) {
            Named named = named(e, POSTPROCESSORS, "postprocessor");
            if (named == null) {
                continue;
            }
            Fields p = named.params();
            PostprocessConfig post = switch (named.name()) {
                case "dequantize" -> {
                    Boolean include = p.bool("include_outputs", false, false);
                    yield include == null ? null : new DequantizePost(include);
                }
                case "classification" -> classification(p);
                case "anomaly_score" -> {
                    Double threshold = p.number("threshold", true, null, -Double.MAX_VALUE, Double.MAX_VALUE, false);
                    yield threshold == null ? null : new AnomalyScorePost(threshold);
                }
                default -> throw new IllegalStateException(named.name());
            };
            p.finish();
            if (post != null) {
                out.add(post);
            }
        }
        return out;
    }

    private PostprocessConfig classification(Fields p) {
        List<String> labels = new ArrayList<>();
        boolean ok = true;
        if (p.has("labels") && p.has("labels_file")) {
            p.problem("labels_file", "give labels or labels_file, not both");
            return null;
        }
        List<Fields.Element> items = p.list("labels", false);
        if (items != null) {
            for (Fields.Element e : items) {
                if (!e.node().isString() && !e.node().isNumber()) {
                    problems.add(new ConfigError(e.path(), "expected a label, got " + Fields.describe(e.node())
                            + (e.node().isBoolean() ? " (quote the label)"
                            : "")));
                    ok = false;
                } else {
                    labels.add(e.node().asText());
                }
            }
        }
        if (p.has("labels_file")) {
            String f = SourceTypes.file(p, "labels_file", baseDir);
            if (f == null) {
                ok = false;
            } else {
                try {
                    for (String line : Files.readAllLines(Path.of(f), StandardCharsets.UTF_8)) {
                        if (!line.isBlank()) {
                            labels.add(line.strip());
                        }
                    }
                } catch (IOException e) {
                    p.problem("labels_file", "cannot read: " + e.getMessage());
                    ok = false;
                }
            }
        }
        Integer topK = p.int32("top_k", false, 1, 1, 1000);
        Double min = p.number("min_confidence", false, 0.0, -Double.MAX_VALUE, Double.MAX_VALUE, false);
        if (!ok || topK == null || min == null) {
            return null;
        }
        return new ClassificationPost(labels, topK, min);
    }

    private record Named(String name, Fields params) {
    }

    /**
     * A list element naming a step: either a bare name ({@code - passthrough}) or a mapping with that one name
     * as key and the parameters as value ({@code - scale: {multiply: 2}}).
     */
    private Named named(Fields.Element e, List<String> known, String what) {
        JsonValue node = e.node();
        String name;
        JsonValue params;
        if (node.isString()) {
            name = node.asText();
            params = JsonObject.empty();
        } else if (node.isObject() && node.size() == 1) {
            name = node.asObject().keys().iterator().next();
            params = node.get(name);
            if (params == null || params.isNull()) {
                params = JsonObject.empty();
            }
        } else {
            problems.add(new ConfigError(e.path(), "expected a " + what + " name, or a mapping with one " + what
                    + " name as key (e.g. \"- " + known.get(0) + ": {…}\"), got " + Fields.describe(node)
                    + (node.isObject() ? " with " + node.size() + " keys" : "")));
            return null;
        }
        if (!known.contains(name)) {
            problems.add(new ConfigError(e.path(), "unknown " + what + " \"" + name + "\" (known: "
                    + String.join(", ", known) + ")"));
            return null;
        }
        String path = e.path() + "." + name;
        if (!params.isObject()) {
            problems.add(new ConfigError(path, "expected a mapping of parameters, got " + Fields.describe(params)));
            return null;
        }
        return new Named(name, new Fields(path, params, problems));
    }

    private List<SinkConfig> sinks(Fields top, boolean haveMqtt) {
        List<SinkConfig> sinks = new ArrayList<>();
        List<Fields> list = top.mappings("sinks", "must declare at least one sink");
        for (Fields s : list) {
            String type = s.string("type", true, null);
            if (type == null) {
                continue;
            }
            SinkConfig sink = switch (type) {
                case "mqtt" -> {
                    String topic = s.string("topic", false, "octet/{gateway}/{stream}/inference");
                    Integer qos = s.int32("qos", false, 1, 0, 2);
                    Boolean retain = s.bool("retain", false, false);
                    if (topic != null) {
                        topic = checkTopic(s, topic);
                    }
                    if (!haveMqtt) {
                        s.problem("type", "an mqtt sink needs the top-level mqtt section (broker uri, client id)");
                    }
                    yield topic == null || qos == null || retain == null ? null : new MqttSink(topic, qos, retain);
                }
                case "stdout" -> {
                    String format = s.choice("format", false, "text", List.of("text", "json"));
                    yield format == null ? null : new StdoutSink(format.equals("json"));
                }
                case "file" -> {
                    String path = s.string("path", true, null);
                    if (path == null) {
                        yield null;
                    }
                    Path p = baseDir.resolve(path).normalize().toAbsolutePath();
                    if (p.getParent() != null && !Files.isDirectory(p.getParent())) {
                        s.problem("path", "directory does not exist: " + p.getParent());
                        yield null;
                    }
                    yield new FileSink(p);
                }
                default -> {
                    s.problem("type", "unknown sink type \"" + type + "\" (known: " + String.join(", ", SINKS) + ")");
                    yield null;
                }
            };
            s.finish();
            if (sink != null) {
                sinks.add(sink);
            }
        }
        return sinks;
    }

    private String checkTopic(Fields s, String topic) {
        if (topic.contains("+") || topic.contains("#")) {
            s.problem("topic", "a publish topic cannot contain the wildcards + or #: \"" + topic + "\"");
            return null;
        }
        Matcher m = PLACEHOLDER.matcher(topic);
        while (m.find()) {
            if (!TOPIC_PLACEHOLDERS.contains(m.group(1))) {
                s.problem("topic", "unknown placeholder {" + m.group(1) + "} (known: {gateway}, {stream}, {model})");
                return null;
            }
        }
        return topic;
    }

    Optional<MqttConfig> mqtt(Fields m, String gatewayId) {
        if (m == null) {
            return Optional.empty();
        }
        String uri = m.string("uri", true, null);
        if (uri != null && !MQTT_URI.matcher(uri).matches()) {
            m.problem("uri", "expected tcp://host[:port], ssl://host[:port], ws:// or wss://, got \"" + uri + "\"");
            uri = null;
        }
        String clientId = m.string("client_id", false, "octet-{gateway}");
        if (clientId != null && gatewayId != null) {
            clientId = clientId.replace("{gateway}", gatewayId);
        }
        String username = m.string("username", false, null);
        String password = m.string("password", false, null);
        if (m.has("password_file")) {
            if (password != null) {
                m.problem("password_file", "give password or password_file, not both");
            } else {
                String f = SourceTypes.file(m, "password_file", baseDir);
                if (f != null) {
                    try {
                        password = Files.readString(Path.of(f), StandardCharsets.UTF_8).strip();
                    } catch (IOException e) {
                        m.problem("password_file", "cannot read: " + e.getMessage());
                    }
                }
            }
        }
        Integer keepAlive = m.int32("keep_alive_s", false, 30, 0, 65535);
        TlsConfig tls = null;
        Fields t = m.object("tls", false);
        if (t != null) {
            String ca = t.has("ca_file") ? SourceTypes.file(t, "ca_file", baseDir) : null;
            String cert = t.has("cert_file") ? SourceTypes.file(t, "cert_file", baseDir) : null;
            String key = t.has("key_file") ? SourceTypes.file(t, "key_file", baseDir) : null;
            if (t.has("cert_file") != t.has("key_file")) {
                t.problem(t.has("cert_file") ? "key_file" : "cert_file",
                        "missing (a client certificate needs both cert_file and key_file)");
            }
            t.finish();
            tls = new TlsConfig(ca == null ? null : Path.of(ca), cert == null ? null : Path.of(cert),
                    key == null ? null : Path.of(key));
        }
        m.finish();
        if (uri == null || clientId == null || keepAlive == null) {
            return Optional.empty();
        }
        return Optional.of(new MqttConfig(uri, clientId, username, password, tls, keepAlive));
    }

    // ------------------------------------------------------------------------------------------------- fit

    private void checkFit(OctetConfig config) {
        for (int i = 0; i < config.streams().size(); i++) {
            StreamConfig stream = config.streams().get(i);
            String at = "streams[" + i + "]";
            ModelConfig model = config.models().get(stream.model());
            if (model == null) {
                continue; // the model itself was refused; already reported
            }
            PreprocessChain chain = StreamAssembly.preprocess(stream, at, problems);
            if (chain == null) {
                continue;
            }
            Interpreter probe = Interpreter.create(model.model());
            int inputs = probe.input(0).elementCount();
            if (probe.inputCount() != 1) {
                problems.add(new ConfigError(at + ".model", "model \"" + model.id() + "\" has " + probe.inputCount()
                        + " inputs; the pipeline feeds models with one input"));
                continue;
            }
            try {
                new dev.octet.runtime.pipeline.InputQuantizer(probe.input(0));
                new dev.octet.runtime.pipeline.OutputDequantizer(probe.output(0));
            } catch (dev.octet.runtime.model.UnsupportedModelException e) {
                problems.add(new ConfigError(at + ".model", "model \"" + model.id() + "\": " + e.getMessage()));
                continue;
            }
            int produced = chain.outputShape().elements();
            if (produced != inputs) {
                boolean reshaped = chain.steps().stream().anyMatch(s -> !s.inputShape().equals(s.outputShape()));
                String via = reshaped ? " after preprocessing (" + chain.inputShape() + " window -> "
                        + chain.outputShape() + ")" : "";
                problems.add(new ConfigError(reshaped ? at + ".preprocess" : at + ".windows.size",
                        "windows of " + stream.windows().size() + " samples x " + stream.channels() + " channels give "
                                + produced + " values" + via + ", but model \"" + model.id() + "\" takes " + inputs
                                + " " + java.util.Arrays.toString(probe.input(0).shape())));
                continue;
            }
            StreamAssembly.postprocess(stream, at, inputs, probe.output(0).elementCount(), problems);
        }
    }
}
