package dev.octet.runtime.json;

/** {@code true} or {@code false}. */
public enum JsonBoolean implements JsonValue {
    FALSE, TRUE;

    public static JsonBoolean of(boolean b) {
        return b ? TRUE : FALSE;
    }

    public boolean value() {
        return this == TRUE;
    }

    @Override
    public Kind kind() {
        return Kind.BOOLEAN;
    }

    @Override
    public String asText() {
        return this == TRUE ? "true" : "false";
    }

    @Override
    public String toString() {
        return asText();
    }
}
