package dev.octet.runtime.json;

/**
 * One immutable JSON value: an object, an array, a string, a number, a boolean or null. Produced by {@link Json#parse}
 * and {@link Yaml#parse}, built with {@link JsonObject#builder()} and {@link JsonArray#builder()}, written by
 * {@link Json#write} ({@link #toString()} is the compact JSON text).
 *
 * <p>The accessors are defined on every kind so that a reader can walk a document without casting: {@link #get(String)}
 * on anything but an object is null, {@link #size()} of a scalar is 0. Pattern matching on the six records/classes
 * works as well, the interface being sealed.
 */
public sealed interface JsonValue permits JsonObject, JsonArray, JsonString, JsonNumber, JsonBoolean, JsonNull {

    /** The six kinds of JSON value. */
    enum Kind { OBJECT, ARRAY, STRING, NUMBER, BOOLEAN, NULL }

    Kind kind();

    /** The member named {@code key} of an object; null if absent or if this is not an object. */
    default JsonValue get(String key) {
        return null;
    }

    /** Whether this is an object with a member named {@code key} (which may be null). */
    default boolean has(String key) {
        return get(key) != null;
    }

    /** Element {@code index} of an array; null if out of range or if this is not an array. */
    default JsonValue get(int index) {
        return null;
    }

    /** Members of an object, elements of an array, 0 for scalars. */
    default int size() {
        return 0;
    }

    default boolean isEmpty() {
        return size() == 0;
    }

    default boolean isObject() {
        return kind() == Kind.OBJECT;
    }

    default boolean isArray() {
        return kind() == Kind.ARRAY;
    }

    default boolean isString() {
        return kind() == Kind.STRING;
    }

    default boolean isNumber() {
        return kind() == Kind.NUMBER;
    }

    /** A number written without fraction or exponent ({@code 12}, {@code -3}), of any size. */
    default boolean isIntegral() {
        return false;
    }

    default boolean isBoolean() {
        return kind() == Kind.BOOLEAN;
    }

    default boolean isNull() {
        return kind() == Kind.NULL;
    }

    /**
     * A scalar's text: a string's value, a number as written ({@code 1.50}, {@code 12}), {@code true}/{@code false},
     * {@code null}. For an object or array, its compact JSON.
     */
    String asText();

    /** This object, or an {@link IllegalStateException} naming what this is instead. */
    default JsonObject asObject() {
        if (this instanceof JsonObject o) {
            return o;
        }
        throw new IllegalStateException("expected an object, got " + describe());
    }

    /** This array, or an {@link IllegalStateException} naming what this is instead. */
    default JsonArray asArray() {
        if (this instanceof JsonArray a) {
            return a;
        }
        throw new IllegalStateException("expected an array, got " + describe());
    }

    /** This number, or an {@link IllegalStateException} naming what this is instead. */
    default JsonNumber asNumber() {
        if (this instanceof JsonNumber n) {
            return n;
        }
        throw new IllegalStateException("expected a number, got " + describe());
    }

    /** This integer's value; shorthand for {@code asNumber().longValue()} (with its exceptions). */
    default long asLong() {
        return asNumber().longValue();
    }

    /** This integer's value if it fits an int, else an {@link ArithmeticException}. */
    default int asInt() {
        return Math.toIntExact(asLong());
    }

    /** This number's nearest double; shorthand for {@code asNumber().doubleValue()}. */
    default double asDouble() {
        return asNumber().doubleValue();
    }

    /** This boolean's value, or an {@link IllegalStateException} naming what this is instead. */
    default boolean asBoolean() {
        if (this instanceof JsonBoolean b) {
            return b.value();
        }
        throw new IllegalStateException("expected true or false, got " + describe());
    }

    /** The kind and, for scalars, the value, for messages: {@code a string ("on")}, {@code an array}. */
    default String describe() {
        return switch (kind()) {
            case OBJECT -> "an object";
            case ARRAY -> "an array";
            case STRING -> "a string (" + this + ")";
            case NUMBER -> "a number (" + this + ")";
            case BOOLEAN -> "a boolean (" + this + ")";
            case NULL -> "null";
        };
    }

    /** The compact JSON text. */
    @Override
    String toString();
}
