package dev.octet.runtime.quant;

/**
 * The requantization of Octet's shift-only variant ({@link dev.octet.runtime.model.ShiftOnlyRequantization}):
 * when the real multiplier {@code s_in · s_w / s_out} is exactly {@code 2^e}, an int32 accumulator is scaled
 * with one rounding shift and no multiply, which is what a core without a fast multiplier computes.
 *
 * <p>Octet's definition, for {@code e < 0} (the usual case): {@code floor(x / 2^-e + 1/2)}, i.e. round to
 * nearest with ties toward +∞ ("half up"), computed as {@code (x + 2^(-e-1)) >> -e} without overflow; it is the
 * exact rounding of the real product, two instructions (ADD, ASR) on any core. TFLite Micro instead rounds twice
 * (its doubling high multiply by 2^30 halves with ties up, then a rounding shift with ties away from zero), so
 * the two can differ by 1 LSB on ties: the variant is not bit-exact with TFLite. For {@code e ≥ 0} the result
 * is {@code x · 2^e} saturated to int32 (the output clamp follows anyway).
 */
public final class ShiftRequantization {
    /** Exponents outside this range are refused: no int8 model has such multipliers. */
    public static final int MIN_EXPONENT = -62;
    public static final int MAX_EXPONENT = 30;

    private ShiftRequantization() {
    }

    /**
     * The exponent {@code e} with {@code real == 2^e} exactly, or {@link Integer#MIN_VALUE} when {@code real} is
     * not a positive power of two in [2^{@value #MIN_EXPONENT}, 2^{@value #MAX_EXPONENT}].
     */
    public static int exponentOf(double real) {
        if (!(real > 0) || Double.isInfinite(real)) {
            return Integer.MIN_VALUE;
        }
        int e = Math.getExponent(real);
        if (e < MIN_EXPONENT || e > MAX_EXPONENT || Math.scalb(1.0, e) != real) {
            return Integer.MIN_VALUE;
        }
        return e;
    }

    /** {@code x · 2^exponent}, rounded half up when {@code exponent < 0}, saturated to int32 when positive. */
    public static int scale(int x, int exponent) {
        if (exponent < 0) {
            int n = -exponent;
            return (int) (((long) x + (1L << (n - 1))) >> n);
        }
        long v = (long) x << exponent;
        return v > Integer.MAX_VALUE ? Integer.MAX_VALUE : (v < Integer.MIN_VALUE ? Integer.MIN_VALUE : (int) v);
    }
}
