package dev.octet.runtime.json;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** A JSON object: members in the order they were written or added, each name once. */
public final class JsonObject implements JsonValue {
    private static final JsonObject EMPTY = new JsonObject(new LinkedHashMap<>());

    private final Map<String, JsonValue> members;

    private JsonObject(LinkedHashMap<String, JsonValue> members) {
        this.members = Collections.unmodifiableMap(members);
    }

    /** Wraps a map nobody else holds (the parsers' and builder's). */
    static JsonObject wrap(LinkedHashMap<String, JsonValue> members) {
        return new JsonObject(members);
    }

    public static JsonObject empty() {
        return EMPTY;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Kind kind() {
        return Kind.OBJECT;
    }

    @Override
    public JsonValue get(String key) {
        return members.get(key);
    }

    public boolean has(String key) {
        return members.containsKey(key);
    }

    /** The member names, in order. */
    public Set<String> keys() {
        return members.keySet();
    }

    /** The members, in order (unmodifiable). */
    public Map<String, JsonValue> members() {
        return members;
    }

    @Override
    public int size() {
        return members.size();
    }

    @Override
    public String asText() {
        return toString();
    }

    @Override
    public String toString() {
        return Json.write(this);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JsonObject other && members.equals(other.members);
    }

    @Override
    public int hashCode() {
        return members.hashCode();
    }

    /**
     * Builds an object member by member. A name put again replaces the earlier value in its place (as a map would).
     * A null String or JsonValue is written as JSON null; a non-finite double as the string {@code "NaN"},
     * {@code "Infinity"} or {@code "-Infinity"} (JSON has no such numbers; this is what the published formats have
     * always said).
     */
    public static final class Builder {
        private LinkedHashMap<String, JsonValue> members = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder put(String name, JsonValue value) {
            Objects.requireNonNull(name, "name");
            if (members == null) {
                throw new IllegalStateException("already built");
            }
            members.put(name, value == null ? JsonNull.INSTANCE : value);
            return this;
        }

        public Builder put(String name, String value) {
            return put(name, value == null ? JsonNull.INSTANCE : new JsonString(value));
        }

        public Builder put(String name, long value) {
            return put(name, JsonNumber.of(value));
        }

        public Builder put(String name, double value) {
            return put(name, Json.number(value));
        }

        /** A float as {@link Float#toString(float)} writes it (not widened to double: 0.1f stays 0.1). */
        public Builder put(String name, float value) {
            return put(name, Float.isFinite(value) ? JsonNumber.of(value) : new JsonString(Float.toString(value)));
        }

        public Builder put(String name, boolean value) {
            return put(name, JsonBoolean.of(value));
        }

        public Builder putNull(String name) {
            return put(name, JsonNull.INSTANCE);
        }

        /** Every member of {@code other}, in its order. */
        public Builder putAll(JsonObject other) {
            other.members.forEach(this::put);
            return this;
        }

        /** The object; the builder cannot be used afterwards. */
        public JsonObject build() {
            JsonObject o = new JsonObject(members);
            members = null;
            return o;
        }
    }
}
