package dev.octet.runtime.kernels.optimized;

import dev.octet.runtime.quant.FixedPoint;
import dev.octet.runtime.quant.QuantizedMultiplier;

/**
 * Per-channel requantization parameters, precomputed in the form the fast loops use, and the scalar step.
 *
 * <p>The result is bit-identical to TFLite Micro's double-rounding {@code MultiplyByQuantizedMultiplier}
 * ({@link FixedPoint#multiplyByQuantizedMultiplier}) for every int32 input, provided the multiplier is not
 * {@code Integer.MIN_VALUE} (prepare falls back to the reference kernel if one is; positive scales never give
 * one). Two identities make it cheap:
 * <ul>
 *   <li>{@code SaturatingRoundingDoublingHighMul(a, m)} nudges by {@code 2^30} for a non-negative product and
 *       {@code 1 − 2^30} for a negative one, then divides by {@code 2^31} truncating toward zero. For a negative
 *       numerator {@code n}, truncation is {@code floor((n + 2^31 − 1) / 2^31)}, which makes both cases
 *       {@code floor((a·m + 2^30) / 2^31)}: one 64-bit multiply, one add, one arithmetic shift. (The only
 *       saturating case, {@code MIN·MIN}, needs {@code m = MIN}.)</li>
 *   <li>{@code RoundingDivideByPOT(t, e)} adds 1 to {@code t >> e} when the remainder {@code t & (2^e − 1)}
 *       exceeds {@code (2^e − 1) >> 1} plus one for negative {@code t}; the comparison is the sign bit of
 *       {@code threshold + (t >>> 31) − remainder}, which cannot overflow. No branches.</li>
 * </ul>
 * The arrays are padded with zeros to a multiple of {@link #PAD} channels so vector loops may read whole
 * vectors; the padding lanes compute garbage that is never stored.
 */
final class Requant {
    /** Channel padding of the arrays (one 256-bit vector of ints). */
    static final int PAD = 8;

    final int channels;
    /** Multipliers widened to long, for the 64-bit product. */
    final long[] multiplier;
    /** {@code multiplier >> 16} and {@code multiplier & 0xFFFF}: the 16-bit halves for {@link #highMul}. */
    final int[] multiplierHigh;
    final int[] multiplierLow;
    /** Left shift before the multiply ({@code max(shift, 0)}); wraps like TFLite's {@code x * (1 << shift)}. */
    final int[] leftShift;
    /** Right shift of the rounding division ({@code max(−shift, 0)}). */
    final int[] rightShift;
    /** {@code 2^rightShift − 1}. */
    final int[] remainderMask;
    /** {@code remainderMask >> 1}. */
    final int[] threshold;
    final int outputZeroPoint;
    final int actMin;
    final int actMax;

    Requant(int[] multipliers, int[] shifts, int outputZeroPoint, int actMin, int actMax) {
        this.channels = multipliers.length;
        int padded = roundUp(channels, PAD);
        this.multiplier = new long[padded];
        this.multiplierHigh = new int[padded];
        this.multiplierLow = new int[padded];
        this.leftShift = new int[padded];
        this.rightShift = new int[padded];
        this.remainderMask = new int[padded];
        this.threshold = new int[padded];
        for (int c = 0; c < channels; c++) {
            int shift = shifts[c];
            multiplier[c] = multipliers[c];
            multiplierHigh[c] = multipliers[c] >> 16;
            multiplierLow[c] = multipliers[c] & 0xFFFF;
            leftShift[c] = shift > 0 ? shift : 0;
            rightShift[c] = shift > 0 ? 0 : -shift;
            remainderMask[c] = (int) ((1L << rightShift[c]) - 1);
            threshold[c] = remainderMask[c] >> 1;
        }
        this.outputZeroPoint = outputZeroPoint;
        this.actMin = actMin;
        this.actMax = actMax;
    }

    /** One parameter set for every channel (FULLY_CONNECTED with per-tensor weights, ADD's output). */
    static Requant uniform(QuantizedMultiplier m, int channels, int outputZeroPoint, int actMin, int actMax) {
        int[] mult = new int[channels];
        int[] shift = new int[channels];
        java.util.Arrays.fill(mult, m.multiplier());
        java.util.Arrays.fill(shift, m.shift());
        return new Requant(mult, shift, outputZeroPoint, actMin, actMax);
    }

    /** True when every multiplier is usable by the fast formula (not {@code Integer.MIN_VALUE}). */
    static boolean supported(int[] multipliers) {
        for (int m : multipliers) {
            if (m == Integer.MIN_VALUE) {
                return false;
            }
        }
        return true;
    }

    /** {@code MultiplyByQuantizedMultiplier(acc, m, shift)} with channel {@code c}'s parameters. */
    int scale(int acc, int c) {
        return multiplyByQuantizedMultiplier(acc, multiplier[c], leftShift[c], rightShift[c], remainderMask[c],
                threshold[c]);
    }

    /** The output byte of channel {@code c} for an accumulator that already includes the bias. */
    int output(int acc, int c) {
        int v = scale(acc, c) + outputZeroPoint;
        return v < actMin ? actMin : (v > actMax ? actMax : v);
    }

    /** The double-rounding multiply as described in the class comment. */
    static int multiplyByQuantizedMultiplier(int acc, long multiplier, int leftShift, int rightShift, int mask,
                                             int threshold) {
        int t = (int) (((long) (acc << leftShift) * multiplier + (1L << 30)) >> 31);
        return (t >> rightShift) + ((threshold + (t >>> 31) - (t & mask)) >>> 31);
    }

    /**
     * {@code (int) ((a·m + 2^30) >> 31)}, the first step of {@link #multiplyByQuantizedMultiplier}, with 32-bit
     * arithmetic only, for vector lanes without a 64-bit multiply: {@code a} and {@code m} split into 16-bit halves
     * ({@code mHigh = m >> 16}, {@code mLow = m & 0xFFFF}), the four partial products fit in 32 bits (the low one
     * unsigned), and the 64-bit sum is taken apart at bit 32 and bit 16 so that nothing overflows:
     * {@code a·m + 2^30 = 2^32·(ah·mh + hi16(ah·ml) + hi16(al·mh)) + 2^16·s + lo16(al·ml)} with
     * {@code s = lo16(ah·ml) + lo16(al·mh) + (al·ml >>> 16) + 2^14 < 2^18}, hence the result
     * {@code 2·(ah·mh + hi16(ah·ml) + hi16(al·mh)) + (s >>> 15)}, exact modulo 2^32 like the cast.
     */
    static int highMul(int a, int mHigh, int mLow) {
        final int ah = a >> 16;
        final int al = a & 0xFFFF;
        final int low = al * mLow;
        final int mid1 = ah * mLow;
        final int mid2 = al * mHigh;
        final int s = (mid1 & 0xFFFF) + (mid2 & 0xFFFF) + (low >>> 16) + (1 << 14);
        return 2 * (ah * mHigh + (mid1 >> 16) + (mid2 >> 16)) + (s >>> 15);
    }

    /** {@code RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x, m), −shift)} for shift ≤ 0 (ADD). */
    static int multiplySmallerThanOne(int x, long multiplier, int rightShift, int mask, int threshold) {
        int t = (int) (((long) x * multiplier + (1L << 30)) >> 31);
        return (t >> rightShift) + ((threshold + (t >>> 31) - (t & mask)) >>> 31);
    }

    static int roundUp(int n, int multiple) {
        return (n + multiple - 1) / multiple * multiple;
    }
}
