package dev.octet.runtime.json;

/** {@code null}: an explicit null member or element (an absent member is a Java null from {@link JsonValue#get}). */
public enum JsonNull implements JsonValue {
    INSTANCE;

    @Override
    public Kind kind() {
        return Kind.NULL;
    }

    @Override
    public String asText() {
        return "null";
    }

    @Override
    public String toString() {
        return "null";
    }
}
