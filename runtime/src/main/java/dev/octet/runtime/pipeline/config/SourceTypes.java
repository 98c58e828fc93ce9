package dev.octet.runtime.pipeline.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The source types a stream may name and the parameters each takes. Only {@code simulated} and the {@code replay_*}
 * types are implemented in the runtime; the hardware and network types ({@code adxl345}, {@code bme280},
 * {@code mcp3008}, {@code mqtt_node}, {@code coap_node}) are validated here and mapped to drivers by the service.
 */
public final class SourceTypes {
    enum Kind { STRING, INT, NUMBER, BOOL, FILE, CHOICE, INT_LIST, NAME_LIST }

    /** @param exclusiveMin numbers must be strictly greater than {@code min} */
    record Param(String name, Kind kind, boolean required, Object fallback, double min, double max,
                 boolean exclusiveMin, List<String> choices) {
    }

    private static Param p(String name, Kind kind, Object fallback, double min, double max) {
        return new Param(name, kind, false, fallback, min, max, false, List.of());
    }

    /** A number that must be positive. */
    private static Param positive(String name, Double fallback, double max) {
        return new Param(name, Kind.NUMBER, false, fallback, 0, max, true, List.of());
    }

    private static Param required(String name, Kind kind) {
        return new Param(name, kind, true, null, 0, 0, false, List.of());
    }

    private static Param choice(String name, String fallback, String... choices) {
        return new Param(name, Kind.CHOICE, false, fallback, 0, 0, false, List.of(choices));
    }

    /** CSV payloads' leading columns before the channel values: the node's time and message counter per line. */
    private static final Param CSV_COLUMNS = new Param("columns", Kind.NAME_LIST, false, null, 0, 0, false,
            List.of("t", "seq"));

    private static Param optionalFile(String name) {
        return new Param(name, Kind.FILE, false, null, 0, 0, false, List.of());
    }

    private static final Param LOOP = p("loop", Kind.BOOL, false, 0, 0);
    private static final Param PACE = p("pace", Kind.BOOL, false, 0, 0);

    static final Map<String, List<Param>> TYPES = new LinkedHashMap<>();

    static {
        TYPES.put("simulated", List.of(
                choice("signal", "sine", "sine", "noise", "sine_noise", "silence"),
                positive("frequency_hz", 1000.0, 1e9),
                p("amplitude", Kind.NUMBER, 1.0, 0, 1e12),
                p("noise", Kind.NUMBER, 0.0, 0, 1e12),
                p("seed", Kind.INT, 42L, Long.MIN_VALUE, Long.MAX_VALUE),
                positive("duration_s", null, 1e9),
                p("pace", Kind.BOOL, true, 0, 0)));
        TYPES.put("replay_csv", List.of(required("file", Kind.FILE), p("header", Kind.BOOL, true, 0, 0), LOOP, PACE));
        TYPES.put("replay_binary", List.of(required("file", Kind.FILE),
                choice("format", "float32", "float32", "int16"), LOOP, PACE));
        TYPES.put("replay_features", List.of(required("file", Kind.FILE), LOOP, PACE));
        TYPES.put("adxl345", List.of(p("bus", Kind.INT, 1L, 0, 255), p("address", Kind.INT, 0x53L, 0x03, 0x77),
                choice("range_g", "2", "2", "4", "8", "16")));
        TYPES.put("bme280", List.of(p("bus", Kind.INT, 1L, 0, 255), p("address", Kind.INT, 0x76L, 0x76, 0x77)));
        TYPES.put("mcp3008", List.of(p("spi_bus", Kind.INT, 0L, 0, 7), p("chip_select", Kind.INT, 0L, 0, 1),
                p("inputs", Kind.INT_LIST, null, 0, 7), positive("vref", 3.3, 5.5)));
        TYPES.put("mqtt_node", List.of(required("topic", Kind.STRING), choice("format", "json", "json", "csv", "f32le"),
                p("qos", Kind.INT, 1L, 0, 2), CSV_COLUMNS));
        TYPES.put("coap_node", List.of(required("uri", Kind.STRING),
                choice("format", "auto", "auto", "json", "csv", "f32le"), p("observe", Kind.BOOL, true, 0, 0),
                p("poll_interval_ms", Kind.INT, 1000L, 10, 86_400_000), p("timeout_ms", Kind.INT, 5000L, 10, 600_000),
                p("retry_max_ms", Kind.INT, 60_000L, 10, 86_400_000),
                p("psk_identity", Kind.STRING, null, 0, 0), p("psk_key", Kind.STRING, null, 0, 0),
                optionalFile("psk_key_file"), CSV_COLUMNS));
    }

    private SourceTypes() {
    }

    public static List<String> names() {
        return List.copyOf(TYPES.keySet());
    }

    /** Reads and checks a source mapping; null if it has problems (recorded). */
    static OctetConfig.SourceConfig read(Fields f, Path baseDir, List<ConfigError> problems) {
        int before = problems.size();
        String type = f.string("type", true, null);
        if (type == null) {
            return null;
        }
        List<Param> params = TYPES.get(type);
        if (params == null) {
            f.problem("type", "unknown source type \"" + type + "\" (known: " + String.join(", ", names()) + ")");
            return null;
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (Param param : params) {
            Object v = switch (param.kind()) {
                case STRING -> f.string(param.name(), param.required(), (String) param.fallback());
                case BOOL -> f.bool(param.name(), param.required(), (Boolean) param.fallback());
                case INT -> f.integer(param.name(), param.required(), (Long) param.fallback(), (long) param.min(),
                        (long) param.max());
                case NUMBER -> f.number(param.name(), param.required(), (Double) param.fallback(), param.min(),
                        param.max(), param.exclusiveMin());
                case CHOICE -> choice(f, param);
                case FILE -> param.required() || f.has(param.name()) ? file(f, param.name(), baseDir) : null;
                case INT_LIST -> intList(f, param, problems);
                case NAME_LIST -> nameList(f, param, problems);
            };
            if (v != null) {
                values.put(param.name(), v);
            }
        }
        checkRemote(f, type, values);
        f.finish();
        return problems.size() == before ? new OctetConfig.SourceConfig(type, values) : null;
    }

    /** The network sources' fields that depend on each other. */
    private static void checkRemote(Fields f, String type, Map<String, Object> values) {
        if (type.equals("mqtt_node") && values.get("topic") instanceof String topic) {
            try {
                dev.octet.mqtt.Topics.validateFilter(topic);
            } catch (IllegalArgumentException e) {
                f.problem("topic", e.getMessage());
            }
        }
        if (values.containsKey("columns") && !List.of("csv", "auto").contains(String.valueOf(values.get("format")))) {
            f.problem("columns", "leading columns are for CSV payloads (format: csv), not " + values.get("format"));
        }
        if (!type.equals("coap_node") || !(values.get("uri") instanceof String uri)) {
            return;
        }
        boolean secure = uri.startsWith("coaps://");
        if (!secure && !uri.startsWith("coap://")) {
            f.problem("uri", "expected coap://host[:port]/path or coaps://..., got \"" + uri + "\"");
            return;
        }
        try {
            java.net.URI u = new java.net.URI(uri);
            if (u.getHost() == null) {
                f.problem("uri", "no host in \"" + uri + "\"");
            }
        } catch (java.net.URISyntaxException e) {
            f.problem("uri", "not a URI: " + e.getMessage());
        }
        if (values.get("poll_interval_ms") instanceof Number poll && values.get("retry_max_ms") instanceof Number max
                && max.longValue() < poll.longValue()) {
            if (f.has("retry_max_ms")) {
                f.problem("retry_max_ms", "must be at least poll_interval_ms (" + poll + "): re-registrations start "
                        + "one poll interval apart");
            } else {
                values.put("retry_max_ms", poll.longValue()); // the default minute is shorter than a long poll
            }
        }
        boolean hasKey = values.containsKey("psk_key") || values.containsKey("psk_key_file");
        if (values.containsKey("psk_key") && values.containsKey("psk_key_file")) {
            f.problem("psk_key", "give psk_key or psk_key_file, not both");
        }
        if (secure && (!hasKey || !values.containsKey("psk_identity"))) {
            f.problem("uri", "coaps:// needs psk_identity and psk_key (or psk_key_file)");
        }
        if (!secure && (hasKey || values.containsKey("psk_identity"))) {
            f.problem("psk_identity", "a pre-shared key is only used with a coaps:// uri");
        }
        if (values.get("psk_key") instanceof String hex && !hex.strip().matches("([0-9a-fA-F]{2})+")) {
            f.problem("psk_key", "expected the key as hexadecimal digits (an even number of them)");
        }
    }

    private static Object choice(Fields f, Param param) {
        // Numeric choices (range_g: 2) are written as numbers; their text is compared.
        return f.has(param.name()) ? f.choiceOfScalar(param.name(), param.choices()) : param.fallback();
    }

    /** Distinct names out of the parameter's choices, in the order given. */
    private static Object nameList(Fields f, Param param, List<ConfigError> problems) {
        List<Fields.Element> items = f.list(param.name(), param.required());
        if (items == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (Fields.Element e : items) {
            String name = e.node().isString() ? e.node().asText() : null;
            if (name == null || !param.choices().contains(name)) {
                problems.add(new ConfigError(e.path(), "expected one of " + String.join(", ", param.choices())
                        + ", got " + e.node()));
            } else if (out.contains(name)) {
                problems.add(new ConfigError(e.path(), "\"" + name + "\" is listed twice"));
            } else {
                out.add(name);
            }
        }
        return List.copyOf(out);
    }

    private static Object intList(Fields f, Param param, List<ConfigError> problems) {
        List<Fields.Element> items = f.list(param.name(), param.required());
        if (items == null) {
            return null;
        }
        List<Long> out = new ArrayList<>();
        for (Fields.Element e : items) {
            Long v = Fields.integerValue(e.node(), e.path(), (long) param.min(), (long) param.max(), problems);
            if (v != null) {
                out.add(v);
            }
        }
        return List.copyOf(out);
    }

    /** A file parameter: {@code bundled:NAME} or a path (relative to the config file) that must exist. */
    static String file(Fields f, String key, Path baseDir) {
        String s = f.string(key, true, null);
        if (s == null) {
            return null;
        }
        if (dev.octet.runtime.pipeline.Bundled.isBundled(s)) {
            if (!dev.octet.runtime.pipeline.Bundled.exists(s)) {
                f.problem(key, "no bundled file \"" + s + "\" (bundled: "
                        + dev.octet.runtime.pipeline.Bundled.names() + ")");
                return null;
            }
            return s;
        }
        Path p = baseDir.resolve(s).normalize().toAbsolutePath();
        if (!Files.isRegularFile(p)) {
            f.problem(key, "file not found: " + p);
            return null;
        }
        if (!Files.isReadable(p)) {
            f.problem(key, "file not readable: " + p);
            return null;
        }
        return p.toString();
    }
}
