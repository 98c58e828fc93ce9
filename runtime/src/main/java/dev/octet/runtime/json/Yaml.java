package dev.octet.runtime.json;

/**
 * Reads Octet's configuration files: the subset of YAML 1.2 that they use, into the same tree as {@link Json}.
 *
 * <p>Supported: block mappings and lists (structure by indentation with spaces, {@code key:} then an indented block,
 * a list at its key's indentation); flow mappings {@code {a: 1, b: [x, y]}} and lists (which may span lines);
 * plain, single-quoted ({@code ''} for a quote) and double-quoted scalars (with YAML's escapes); comments; a
 * {@code ---} before the document. Plain scalars are typed by the YAML 1.2 core schema: {@code null}, {@code ~}
 * and nothing are null; {@code true}/{@code false} (also {@code True}, {@code TRUE}, …) booleans; decimal,
 * {@code 0x} and {@code 0o} integers; decimal floats ({@code 1.5}, {@code 1e-3}, {@code .5}). Everything else is a
 * string; in particular {@code yes}, {@code no}, {@code on} and {@code off} are strings (YAML 1.1 read them as
 * booleans).
 *
 * <p>Refused with a {@link JsonParseException} naming the line, column and construct (never read differently):
 * anchors, aliases, tags, block scalars ({@code |}, {@code >}), several documents, directives, complex keys,
 * multi-line plain or quoted scalars, tabs in the indentation, duplicate keys, {@code .inf} and {@code .nan},
 * and integers with leading zeros ({@code 0755} is octal in YAML 1.1 and decimal in 1.2: write {@code 0o755} or
 * {@code 755}).
 */
public final class Yaml {
    private Yaml() {
    }

    /** The document's root; {@link JsonNull#INSTANCE} for a document without content (only comments or nothing). */
    public static JsonValue parse(String text) throws JsonParseException {
        return YamlParser.parse(text);
    }
}
