package dev.octet.runtime.json;

import java.util.Objects;

/** A JSON string. */
public record JsonString(String value) implements JsonValue {
    public JsonString {
        Objects.requireNonNull(value, "value");
    }

    @Override
    public Kind kind() {
        return Kind.STRING;
    }

    @Override
    public String asText() {
        return value;
    }

    @Override
    public String toString() {
        return Json.write(this);
    }
}
