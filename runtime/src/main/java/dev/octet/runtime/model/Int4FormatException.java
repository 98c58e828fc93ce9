package dev.octet.runtime.model;

/**
 * An Octet int4 model ({@link Int4Layout}) whose int4 parts do not agree: a marker that cannot be parsed, a
 * group count that does not match the weights' shape, packed data of the wrong length, non-zero zero points.
 * The message names the tensor and both numbers.
 */
public class Int4FormatException extends ModelFormatException {
    public Int4FormatException(String message) {
        super(message);
    }
}
