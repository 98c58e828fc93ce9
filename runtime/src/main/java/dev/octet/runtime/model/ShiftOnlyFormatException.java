package dev.octet.runtime.model;

/**
 * A model marked as Octet's shift-only variant ({@link ShiftOnlyRequantization}) that is not one: a marker that
 * cannot be parsed, or an operator whose requantization multiplier is not an exact power of two. The message
 * names the metadata entry or the operator (index, name, channel and the multiplier).
 */
public class ShiftOnlyFormatException extends ModelFormatException {
    public ShiftOnlyFormatException(String message) {
        super(message);
    }
}
