package dev.octet.runtime.pipeline.config;

import dev.octet.runtime.json.JsonValue;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads one YAML mapping while tracking its field path, recording problems instead of throwing so that a file's
 * errors are all reported at once. A getter returns null when the value is missing (and not required) or wrong
 * (the problem is recorded); {@link #finish()} reports keys nobody asked for.
 */
final class Fields {
    /** A number in quotes ("1e-3") is a string in YAML; accept it where a number is expected. */
    private static final Pattern NUMBER = Pattern.compile("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?");

    private final String path;
    private final JsonValue node;
    private final List<ConfigError> problems;
    private final Set<String> known = new LinkedHashSet<>();

    Fields(String path, JsonValue node, List<ConfigError> problems) {
        this.path = path;
        this.node = node;
        this.problems = problems;
    }

    String path() {
        return path;
    }

    String path(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    void problem(String key, String reason) {
        problems.add(new ConfigError(key == null ? path : path(key), reason));
    }

    boolean has(String key) {
        known.add(key);
        JsonValue v = node.get(key);
        return v != null && !v.isNull() && !(v.isString() && v.asText().isEmpty());
    }

    private JsonValue get(String key, boolean required) {
        known.add(key);
        JsonValue v = node.get(key);
        // "key:" with nothing after it reads as an empty string: treat it as absent.
        if (v == null || v.isNull() || (v.isString() && v.asText().isEmpty())) {
            if (required) {
                problem(key, "missing");
            }
            return null;
        }
        return v;
    }

    /** The raw value of a present key (check {@link #has} first). */
    JsonValue raw(String key) {
        known.add(key);
        return node.get(key);
    }

    static String describe(JsonValue v) {
        if (v.isString()) {
            return "a string (\"" + v.asText() + "\")";
        }
        if (v.isBoolean()) {
            return "a boolean (" + v.asText() + ")";
        }
        if (v.isIntegral()) {
            return "an integer (" + v.asText() + ")";
        }
        if (v.isNumber()) {
            return "a number (" + v.asText() + ")";
        }
        if (v.isArray()) {
            return "a list";
        }
        if (v.isObject()) {
            return "a mapping";
        }
        return "null";
    }

    String string(String key, boolean required, String fallback) {
        JsonValue v = get(key, required);
        if (v == null) {
            return fallback;
        }
        if (!v.isString()) {
            problem(key, "expected a string, got " + describe(v));
            return null;
        }
        if (v.asText().isBlank()) {
            problem(key, "must not be empty");
            return null;
        }
        return v.asText();
    }

    /** A string that must be one of {@code allowed}. */
    String choice(String key, boolean required, String fallback, List<String> allowed) {
        String s = string(key, required, fallback);
        if (s != null && !allowed.contains(s)) {
            problem(key, "unknown value \"" + s + "\" (expected one of " + String.join(", ", allowed) + ")");
            return null;
        }
        return s;
    }

    /** A scalar (string or number) whose text must be one of {@code allowed}. */
    String choiceOfScalar(String key, List<String> allowed) {
        JsonValue v = get(key, false);
        if (v == null) {
            return null;
        }
        if (!v.isString() && !v.isNumber()) {
            problem(key, "expected one of " + String.join(", ", allowed) + ", got " + describe(v));
            return null;
        }
        if (!allowed.contains(v.asText())) {
            problem(key, "unknown value \"" + v.asText() + "\" (expected one of " + String.join(", ", allowed)
                    + ")");
            return null;
        }
        return v.asText();
    }

    Long integer(String key, boolean required, Long fallback, long min, long max) {
        JsonValue v = get(key, required);
        if (v == null) {
            return fallback;
        }
        return integerValue(v, path(key), min, max, problems);
    }

    static Long integerValue(JsonValue v, String at, long min, long max, List<ConfigError> problems) {
        if (!v.isIntegral() || !v.asNumber().fitsLong()) {
            problems.add(new ConfigError(at, "expected an integer, got " + describe(v)));
            return null;
        }
        long x = v.asNumber().longValue();
        if (x < min || x > max) {
            problems.add(new ConfigError(at, "must be between " + min + " and " + max + ", got " + x));
            return null;
        }
        return x;
    }

    Integer int32(String key, boolean required, Integer fallback, int min, int max) {
        Long x = integer(key, required, fallback == null ? null : fallback.longValue(), min, max);
        return x == null ? null : x.intValue();
    }

    /** A finite number in [min, max] (or (min, max] with {@code exclusiveMin}). */
    Double number(String key, boolean required, Double fallback, double min, double max, boolean exclusiveMin) {
        JsonValue v = get(key, required);
        if (v == null) {
            return fallback;
        }
        return numberValue(v, path(key), min, max, exclusiveMin, problems);
    }

    static Double numberValue(JsonValue v, String at, double min, double max, boolean exclusiveMin,
                              List<ConfigError> problems) {
        double x;
        if (v.isNumber()) {
            x = v.asNumber().doubleValue();
        } else if (v.isString() && NUMBER.matcher(v.asText().trim()).matches()) {
            x = Double.parseDouble(v.asText().trim());
        } else {
            problems.add(new ConfigError(at, "expected a number, got " + describe(v)));
            return null;
        }
        boolean low = exclusiveMin ? !(x > min) : !(x >= min);
        if (!Double.isFinite(x) || low || x > max) {
            String range = exclusiveMin ? "greater than " + fmt(min) + (max < Double.MAX_VALUE ? " and at most "
                    + fmt(max) : "") : "between " + fmt(min) + " and " + fmt(max);
            problems.add(new ConfigError(at, "must be " + range + ", got " + v.asText()));
            return null;
        }
        return x;
    }

    private static String fmt(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    Boolean bool(String key, boolean required, Boolean fallback) {
        JsonValue v = get(key, required);
        if (v == null) {
            return fallback;
        }
        if (!v.isBoolean()) {
            // YAML 1.1 read yes/no/on/off as booleans; YAML 1.2, and Octet, read them as strings.
            boolean word = v.isString() && List.of("yes", "no", "on", "off", "y", "n")
                    .contains(v.asText().toLowerCase(java.util.Locale.ROOT));
            problem(key, "expected true or false, got " + describe(v) + (word ? " (write true or false)" : ""));
            return null;
        }
        return v.asBoolean();
    }

    /** A nested mapping; null (with a problem if required) when missing or not a mapping. */
    Fields object(String key, boolean required) {
        JsonValue v = get(key, required);
        if (v == null) {
            return null;
        }
        if (!v.isObject()) {
            problem(key, "expected a mapping, got " + describe(v));
            return null;
        }
        return new Fields(path(key), v, problems);
    }

    /** A list's elements with their paths; null when missing or not a list. */
    List<Element> list(String key, boolean required) {
        JsonValue v = get(key, required);
        if (v == null) {
            return null;
        }
        if (!v.isArray()) {
            problem(key, "expected a list, got " + describe(v));
            return null;
        }
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            out.add(new Element(path(key) + "[" + i + "]", v.get(i)));
        }
        return out;
    }

    /**
     * A required, non-empty list of mappings (the configuration's models, streams, sinks ...): each element that is a
     * mapping, in order. A missing key, a non-list, an empty list ({@code ifEmpty} is the problem reported) and
     * elements that are not mappings are reported as problems; what remains is returned (empty if nothing does).
     */
    List<Fields> mappings(String key, String ifEmpty) {
        List<Element> list = list(key, true);
        if (list == null) {
            return List.of();
        }
        if (list.isEmpty()) {
            problem(key, ifEmpty);
        }
        List<Fields> out = new ArrayList<>(list.size());
        for (Element e : list) {
            Fields f = e.fields(problems);
            if (f != null) {
                out.add(f);
            }
        }
        return out;
    }

    /** Reports every key that no getter asked for. */
    void finish() {
        for (String name : node.asObject().keys()) {
            if (!known.contains(name)) {
                problems.add(new ConfigError(path(name), "unknown key" + suggestion(name)
                        + " (known here: " + String.join(", ", known) + ")"));
            }
        }
    }

    private String suggestion(String name) {
        String best = null;
        int bestDistance = 3;
        for (String k : known) {
            // A shortened name (hop for hop_length) is as good a guess as a one-letter typo.
            int d = name.length() >= 3 && (k.startsWith(name) || name.startsWith(k)) ? 1 : distance(name, k);
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return best == null ? "" : "; did you mean \"" + best + "\"?";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** One list element and its path, e.g. {@code streams[1]}. */
    record Element(String path, JsonValue node) {
        Fields fields(List<ConfigError> problems) {
            if (!node.isObject()) {
                problems.add(new ConfigError(path, "expected a mapping, got " + describe(node)));
                return null;
            }
            return new Fields(path, node, problems);
        }
    }
}
