package dev.octet.runtime.json;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/** A JSON array. Iterable over its elements. */
public final class JsonArray implements JsonValue, Iterable<JsonValue> {
    private static final JsonArray EMPTY = new JsonArray(new ArrayList<>());

    private final List<JsonValue> elements;

    private JsonArray(ArrayList<JsonValue> elements) {
        this.elements = Collections.unmodifiableList(elements);
    }

    /** Wraps a list nobody else holds (the parsers' and builder's). */
    static JsonArray wrap(ArrayList<JsonValue> elements) {
        return new JsonArray(elements);
    }

    public static JsonArray empty() {
        return EMPTY;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Kind kind() {
        return Kind.ARRAY;
    }

    @Override
    public JsonValue get(int index) {
        return index >= 0 && index < elements.size() ? elements.get(index) : null;
    }

    /** The elements (unmodifiable). */
    public List<JsonValue> elements() {
        return elements;
    }

    @Override
    public Iterator<JsonValue> iterator() {
        return elements.iterator();
    }

    @Override
    public int size() {
        return elements.size();
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
        return o instanceof JsonArray other && elements.equals(other.elements);
    }

    @Override
    public int hashCode() {
        return elements.hashCode();
    }

    /** Builds an array; nulls and non-finite doubles as in {@link JsonObject.Builder}. */
    public static final class Builder {
        private ArrayList<JsonValue> elements = new ArrayList<>();

        private Builder() {
        }

        public Builder add(JsonValue value) {
            if (elements == null) {
                throw new IllegalStateException("already built");
            }
            elements.add(value == null ? JsonNull.INSTANCE : value);
            return this;
        }

        public Builder add(String value) {
            return add(value == null ? JsonNull.INSTANCE : new JsonString(value));
        }

        public Builder add(long value) {
            return add(JsonNumber.of(value));
        }

        public Builder add(double value) {
            return add(Json.number(value));
        }

        /** A float as {@link Float#toString(float)} writes it (not widened to double: 0.1f stays 0.1). */
        public Builder add(float value) {
            return add(Float.isFinite(value) ? JsonNumber.of(value) : new JsonString(Float.toString(value)));
        }

        public Builder add(boolean value) {
            return add(JsonBoolean.of(value));
        }

        /** The array; the builder cannot be used afterwards. */
        public JsonArray build() {
            JsonArray a = new JsonArray(elements);
            elements = null;
            return a;
        }
    }
}
