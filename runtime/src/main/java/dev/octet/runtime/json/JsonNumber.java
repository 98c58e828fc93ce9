package dev.octet.runtime.json;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * A JSON number, kept as its text so that nothing is lost: an integer of any size keeps every digit, a decimal
 * keeps the digits it was written with. {@link #isIntegral()} tells integers (no fraction, no exponent) from
 * decimals; the conversions ({@link #longValue()}, {@link #doubleValue()}, …) are done when asked.
 *
 * <p>The text is always valid JSON number syntax. Two numbers are equal when both are integral or both are not and
 * they have the same value ({@code 1.5} equals {@code 1.50}; {@code 1} does not equal {@code 1.0}).
 */
public final class JsonNumber implements JsonValue {
    private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    private final String text;
    private final boolean integral;
    private final boolean fitsLong;
    private final long longValue;

    private JsonNumber(String text, boolean integral) {
        this.text = text;
        this.integral = integral;
        long v = 0;
        boolean fits = false;
        if (integral) {
            // At most 19 digits may fit; longer ones never do (neither parser lets a leading zero through). No
            // BigInteger here: its parsing time grows with the square of the digits, and the text may come from
            // the network.
            int digits = text.length() - (text.charAt(0) == '-' || text.charAt(0) == '+' ? 1 : 0);
            if (digits <= 19) {
                try {
                    v = Long.parseLong(text);
                    fits = true;
                } catch (NumberFormatException beyondLong) {
                    fits = false;
                }
            }
        }
        this.longValue = v;
        this.fitsLong = fits;
    }

    /**
     * The longest number text the parsers accept: more digits than any sensor reading or configuration needs, and a
     * bound on the work one number can cost (arbitrary-precision arithmetic grows faster than its length).
     */
    public static final int MAX_TEXT = 1000;

    /** A number from text already checked to be JSON number syntax (the parsers' job). */
    static JsonNumber ofCheckedText(String text, boolean integral) {
        return new JsonNumber(text, integral);
    }

    public static JsonNumber of(long v) {
        return new JsonNumber(Long.toString(v), true);
    }

    /**
     * A decimal written as {@link Double#toString(double)} writes it ({@code 0.5}, {@code 1.0E-5}), which reads back
     * as the same double.
     *
     * @throws IllegalArgumentException for NaN and the infinities, which JSON cannot represent
     */
    public static JsonNumber of(double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(v + " is not a JSON number");
        }
        return new JsonNumber(Double.toString(v), false);
    }

    /** As {@link #of(double)}, with {@link Float#toString(float)}: reads back as the same float. */
    public static JsonNumber of(float v) {
        if (!Float.isFinite(v)) {
            throw new IllegalArgumentException(v + " is not a JSON number");
        }
        return new JsonNumber(Float.toString(v), false);
    }

    public static JsonNumber of(BigInteger v) {
        return new JsonNumber(v.toString(), true);
    }

    /** A decimal (even if it has no fraction: {@code 2} as a BigDecimal is written {@code 2} but not integral). */
    public static JsonNumber of(BigDecimal v) {
        return new JsonNumber(v.toString(), false);
    }

    @Override
    public Kind kind() {
        return Kind.NUMBER;
    }

    /** Written without fraction or exponent. */
    @Override
    public boolean isIntegral() {
        return integral;
    }

    /** An integer within the range of {@code long}. */
    public boolean fitsLong() {
        return fitsLong;
    }

    /**
     * The integer's value.
     *
     * @throws ArithmeticException if this is not an integer or does not fit a long (check {@link #fitsLong()})
     */
    public long longValue() {
        if (!fitsLong) {
            throw new ArithmeticException(text + (integral ? " does not fit a long" : " is not an integer"));
        }
        return longValue;
    }

    /** The nearest double (an infinity if out of range). */
    public double doubleValue() {
        return fitsLong ? (double) longValue : Double.parseDouble(text);
    }

    /** The nearest float (rounded once from the text, not via double; an infinity if out of range). */
    public float floatValue() {
        return Float.parseFloat(text);
    }

    /** The exact value. */
    public BigDecimal bigDecimalValue() {
        return new BigDecimal(text);
    }

    /** The number as written. */
    @Override
    public String asText() {
        return text;
    }

    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof JsonNumber n) || n.integral != integral) {
            return false;
        }
        if (fitsLong && n.fitsLong) {
            return longValue == n.longValue;
        }
        if (text.equals(n.text)) {
            return true;
        }
        try {
            return bigDecimalValue().compareTo(n.bigDecimalValue()) == 0;
        } catch (NumberFormatException | ArithmeticException exponentBeyondInt) {
            return false; // e.g. 1e99999999999: equal to nothing but its own text
        }
    }

    @Override
    public int hashCode() {
        if (fitsLong) {
            return Long.hashCode(longValue);
        }
        try {
            BigDecimal d = bigDecimalValue();
            return d.signum() == 0 ? 0 : d.stripTrailingZeros().hashCode();
        } catch (NumberFormatException | ArithmeticException exponentBeyondInt) {
            return text.hashCode(); // consistent with equals: such a number equals only its own text
        }
    }
}
