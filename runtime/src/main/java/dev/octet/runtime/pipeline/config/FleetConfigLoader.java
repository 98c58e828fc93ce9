package dev.octet.runtime.pipeline.config;

import dev.octet.runtime.json.JsonValue;
import dev.octet.ota.coap.PskDtls;
import dev.octet.profiles.DeviceProfile;
import dev.octet.profiles.DeviceProfiles;
import dev.octet.runtime.cortexm.NodeClass;
import dev.octet.runtime.pipeline.config.FleetConfig.Candidate;
import dev.octet.runtime.pipeline.config.FleetConfig.CoapServer;
import dev.octet.runtime.pipeline.config.FleetConfig.NodeClassEntry;
import dev.octet.runtime.pipeline.config.FleetConfig.Serve;
import dev.octet.runtime.pipeline.config.OctetConfig.MqttConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Loads a fleet file ({@code config/fleet.example.yaml} documents every field) into a {@link FleetConfig}, or
 * refuses it with a {@link ConfigException} that names the file and every field path with its reason, as the
 * gateway configuration does. Checks the schema (types, ranges, unknown keys, unique names), that board profiles
 * exist and are microcontrollers, that candidate model files and DTLS key files exist and keys are hex, and that
 * class candidate lists name declared candidates. It does not read the models: the deploy command does, and a
 * malformed model is a model error, not a configuration error.
 */
public final class FleetConfigLoader {
    /** The default UDP ports of RFC 7252: coap 5683, coaps 5684. */
    static final int COAP_PORT = 5683;
    static final int COAPS_PORT = 5684;
    /** Default time {@code until_reported} waits for the nodes. */
    static final Duration DEFAULT_REPORT_TIMEOUT = Duration.ofMinutes(10);

    private final Path file;
    private final Path baseDir;
    private final DeviceProfiles profiles;
    private final List<ConfigError> problems = new ArrayList<>();

    private FleetConfigLoader(Path file, DeviceProfiles profiles) {
        this.file = file;
        Path parent = file.toAbsolutePath().getParent();
        this.baseDir = parent == null ? Path.of(".").toAbsolutePath() : parent;
        this.profiles = profiles;
    }

    /** Reads and validates a fleet file against the bundled board profiles. */
    public static FleetConfig load(Path file) throws ConfigException {
        return load(file, DeviceProfiles.bundled());
    }

    /** Reads and validates a fleet file against the given board profiles. */
    public static FleetConfig load(Path file, DeviceProfiles profiles) throws ConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(file, List.of(new ConfigError("", "cannot read the file: " + e)));
        }
        return new FleetConfigLoader(file, profiles).run(text);
    }

    private FleetConfig run(String yaml) throws ConfigException {
        JsonValue root = YamlDocument.readMapping(yaml, problems);
        FleetConfig config = root == null ? null : schema(root);
        if (config == null || !problems.isEmpty()) {
            throw new ConfigException(file, problems);
        }
        return config;
    }

    private FleetConfig schema(JsonValue root) {
        Fields top = new Fields("", root, problems);
        String gatewayId = null;
        Fields gateway = top.object("gateway", true);
        if (gateway != null) {
            gatewayId = id(gateway, "id");
            gateway.finish();
        }
        CoapServer coap = coap(top.object("coap", false));
        Optional<MqttConfig> mqtt = mqtt(top, gatewayId);
        Map<String, Candidate> candidates = candidates(top);
        List<NodeClassEntry> classes = classes(top, candidates);
        Serve serve = serve(top.object("serve", false), classes);
        top.finish();
        if (!problems.isEmpty() || gatewayId == null || coap == null || serve == null) {
            return null;
        }
        return new FleetConfig(file, gatewayId, coap, mqtt, serve, List.copyOf(candidates.values()), classes);
    }

    private String id(Fields f, String key) {
        String id = f.string(key, true, null);
        if (id != null && !ConfigLoader.ID.matcher(id).matches()) {
            f.problem(key, "\"" + id + "\" is not a valid id (letters, digits, '_', '-', '.'; at most 64; no MQTT "
                    + "wildcards or '/')");
            return null;
        }
        return id;
    }

    private CoapServer coap(Fields c) {
        if (c == null) {
            return new CoapServer("0.0.0.0", COAP_PORT, Map.of());
        }
        String bind = c.string("bind", false, "0.0.0.0");
        Map<String, byte[]> keys = new LinkedHashMap<>();
        boolean keysOk = true;
        Fields dtls = c.object("dtls", false);
        if (dtls != null) {
            List<Fields.Element> psk = dtls.list("psk", true);
            if (psk != null && psk.isEmpty()) {
                dtls.problem("psk", "must list at least one identity (or leave dtls out for plain CoAP)");
                keysOk = false;
            }
            for (Fields.Element e : psk == null ? List.<Fields.Element>of() : psk) {
                Fields p = e.fields(problems);
                if (p == null) {
                    keysOk = false;
                    continue;
                }
                String identity = p.string("identity", true, null);
                String keyFile = p.has("key_file") ? SourceTypes.file(p, "key_file", baseDir) : null;
                if (!p.has("key_file")) {
                    p.problem("key_file", "missing");
                }
                p.finish();
                if (identity != null && keys.containsKey(identity)) {
                    p.problem("identity", "duplicate identity \"" + identity + "\"");
                    identity = null;
                }
                byte[] key = keyFile == null ? null : key(p, Path.of(keyFile));
                if (identity == null || key == null) {
                    keysOk = false;
                } else {
                    keys.put(identity, key);
                }
            }
            dtls.finish();
        }
        Integer port = c.int32("port", false, keys.isEmpty() ? COAP_PORT : COAPS_PORT, 0, 65535);
        c.finish();
        if (bind == null || port == null || !keysOk) {
            return null;
        }
        return new CoapServer(bind, port, keys);
    }

    private byte[] key(Fields p, Path keyFile) {
        try {
            return PskDtls.readKeyFile(keyFile);
        } catch (IOException e) {
            p.problem("key_file", "cannot read: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            p.problem("key_file", e.getMessage());
        }
        return null;
    }

    private Optional<MqttConfig> mqtt(Fields top, String gatewayId) {
        Fields m = top.object("mqtt", false);
        if (m == null) {
            return Optional.empty();
        }
        // Not the gateway service's own client id: a second connection with it would throw the service off.
        boolean ownId = m.has("client_id");
        Optional<MqttConfig> read = new ConfigLoader(file).mqtt(m, gatewayId);
        if (read.isEmpty() || ownId || gatewayId == null) {
            return read;
        }
        MqttConfig c = read.get();
        return Optional.of(new MqttConfig(c.uri(), "octet-" + gatewayId + "-nodes", c.username(), c.password(),
                c.tls(), c.keepAliveSeconds()));
    }

    private Map<String, Candidate> candidates(Fields top) {
        Map<String, Candidate> out = new LinkedHashMap<>();
        List<Fields> list = top.mappings("candidates", "must list at least one model");
        for (Fields c : list) {
            String name = id(c, "name");
            String path = c.has("path") ? SourceTypes.file(c, "path", baseDir) : null;
            if (!c.has("path")) {
                c.problem("path", "missing");
            } else if (path != null && dev.octet.runtime.pipeline.Bundled.isBundled(path)) {
                c.problem("path", "give a .tflite file; bundled: names are for the gateway's own pipeline");
                path = null;
            }
            Double accuracy = c.number("accuracy", false, null, 0, 1, false);
            Integer priority = c.int32("priority", false, 0, -1_000_000, 1_000_000);
            c.finish();
            if (name != null && out.containsKey(name)) {
                c.problem("name", "duplicate candidate \"" + name + "\"");
                continue;
            }
            if (name == null || path == null || priority == null || (c.has("accuracy") && accuracy == null)) {
                if (name != null) {
                    out.put(name, null); // known, so that classes naming it get no second, misleading error
                }
                continue;
            }
            out.put(name, new Candidate(name, Path.of(path),
                    accuracy == null ? OptionalDouble.empty() : OptionalDouble.of(accuracy), priority));
        }
        return out;
    }

    private List<NodeClassEntry> classes(Fields top, Map<String, Candidate> candidates) {
        List<NodeClassEntry> out = new ArrayList<>();
        List<Fields> list = top.mappings("node_classes", "must list at least one node class");
        Set<String> names = new HashSet<>();
        Set<String> resources = new HashSet<>();
        Set<String> nodeIds = new HashSet<>();
        for (Fields c : list) {
            String name = id(c, "name");
            if (name != null && !names.add(name)) {
                c.problem("name", "duplicate node class \"" + name + "\"");
                name = null;
            }
            String resource = c.has("resource") ? id(c, "resource") : name;
            if (resource != null && !resources.add(resource)) {
                c.problem(c.has("resource") ? "resource" : "name", "resource \"" + resource
                        + "\" is already another class's (each class needs its own /models/RESOURCE)");
                resource = null;
            }
            DeviceProfile profile = profile(c);
            Double ram = headroom(c, "ram_headroom");
            Double flash = headroom(c, "flash_headroom");
            Double deadline = c.number("deadline_ms", false, null, 0, 1e9, true);
            boolean deadlineOk = !c.has("deadline_ms") || deadline != null;
            Double microwatts = null;
            Double budget = null;
            boolean energyOk = true;
            Fields energy = c.object("energy", false);
            if (energy != null) {
                microwatts = energy.number("microwatts_per_mhz", true, null, 0, 1e9, true);
                budget = energy.number("budget_uj", true, null, 0, 1e15, true);
                energy.finish();
                energyOk = microwatts != null && budget != null;
            } else if (c.has("energy")) {
                energyOk = false;
            }
            List<String> offered = names(c, "candidates", candidates, null);
            List<String> nodes = names(c, "nodes", null, nodeIds);
            c.finish();
            if (name == null || resource == null || profile == null || ram == null || flash == null || !deadlineOk
                    || !energyOk || offered == null || nodes == null) {
                continue;
            }
            NodeClass nodeClass = NodeClass.of(name, profile, ram, flash);
            if (deadline != null) {
                nodeClass = nodeClass.withDeadlineMs(deadline);
            }
            if (microwatts != null) {
                nodeClass = nodeClass.withEnergy(microwatts, budget);
            }
            out.add(new NodeClassEntry(nodeClass, resource, offered.isEmpty() ? List.copyOf(candidates.keySet())
                    : offered, nodes));
        }
        return out;
    }

    private DeviceProfile profile(Fields c) {
        String id = c.string("profile", true, null);
        if (id == null) {
            return null;
        }
        Optional<DeviceProfile> p = profiles.find(id);
        List<String> micro = profiles.all().stream().filter(x -> !x.isGateway()).map(DeviceProfile::id).toList();
        if (p.isEmpty()) {
            c.problem("profile", "unknown board profile \"" + id + "\" (known: " + String.join(", ", micro) + ")");
            return null;
        }
        if (p.get().isGateway()) {
            c.problem("profile", "\"" + id + "\" is a gateway board; node classes run on microcontrollers ("
                    + String.join(", ", micro) + ")");
            return null;
        }
        return p.get();
    }

    private static Double headroom(Fields c, String key) {
        Double h = c.number(key, false, 0.25, 0, 1, false);
        if (h != null && h >= 1) {
            c.problem(key, "must be at least 0 and below 1 (a fraction kept free), got " + h);
            return null;
        }
        return h;
    }

    /**
     * A list of ids under {@code key}: candidate names that must be declared ({@code known}), or node ids that must
     * be unique across the fleet ({@code unique}). Empty when absent; null when something is wrong.
     */
    private List<String> names(Fields c, String key, Map<String, Candidate> known, Set<String> unique) {
        List<Fields.Element> items = c.list(key, false);
        if (items == null) {
            return c.has(key) ? null : List.of();
        }
        List<String> out = new ArrayList<>();
        boolean ok = true;
        for (Fields.Element e : items) {
            String v = e.node().isString() ? e.node().asText() : null;
            if (v == null || !ConfigLoader.ID.matcher(v).matches()) {
                problems.add(new ConfigError(e.path(), "expected an id (letters, digits, '_', '-', '.'), got "
                        + Fields.describe(e.node())));
                ok = false;
            } else if (known != null && !known.containsKey(v)) {
                problems.add(new ConfigError(e.path(), "unknown candidate \"" + v + "\" (declared: "
                        + String.join(", ", known.keySet()) + ")"));
                ok = false;
            } else if (out.contains(v) || (unique != null && !unique.add(v))) {
                problems.add(new ConfigError(e.path(), "\"" + v + "\" is listed twice"));
                ok = false;
            } else {
                out.add(v);
            }
        }
        return ok ? out : null;
    }

    private Serve serve(Fields s, List<NodeClassEntry> classes) {
        if (s == null) {
            return new Serve(false, Optional.empty());
        }
        Boolean untilReported = s.bool("until_reported", false, false);
        Double timeout = s.number("timeout_s", false, null, 0, 1e7, true);
        s.finish();
        if (untilReported == null || (s.has("timeout_s") && timeout == null)) {
            return null;
        }
        if (untilReported && classes.stream().allMatch(c -> c.nodes().isEmpty())) {
            s.problem("until_reported", "no node class lists nodes to wait for (node_classes[*].nodes)");
            return null;
        }
        Optional<Duration> limit = timeout != null ? Optional.of(Duration.ofMillis(Math.round(timeout * 1000)))
                : untilReported ? Optional.of(DEFAULT_REPORT_TIMEOUT) : Optional.empty();
        return new Serve(untilReported, limit);
    }
}
