package dev.octet.runtime.kernels.reference;

import dev.octet.runtime.kernels.OpContext;
import dev.octet.runtime.model.Int4Layout;
import dev.octet.runtime.model.Int4Packing;
import dev.octet.runtime.model.Quantization;
import dev.octet.runtime.model.TensorType;
import dev.octet.runtime.tensor.Tensor;

/**
 * The weights of an int4 FULLY_CONNECTED or CONV_2D (Octet's int4 variant, docs/INT4.md) prepared for the
 * kernels, and the arithmetic they share.
 *
 * <p>Octet's definition of a grouped int4 dot product for output channel {@code c} with groups {@code g} of scale
 * {@code s[c,g]} and channel scale {@code S[c] = max_g s[c,g]}:
 * <pre>
 *   P[g]  = Σ_{k in g} (x[k] − zp_in) · w[k]                       int32 (|P| ≤ 255 · 8 · G, G ≤ 2^16)
 *   M[g]  = min(round(s[c,g] / S[c] · 2^31), 2^31 − 1)             Q31 multiplier in (0, 1], from doubles
 *   R[g]  = (P[g] · M[g] + 2^30) >> 31                               int64 product, arithmetic shift: rounds
 *                                                                    half up to an integer in units of s_in·S[c]
 *   acc   = saturate_int32(Σ_g R[g] + bias[c])                       int64 sum; bias in units of s_in·S[c]
 *   y     = clamp(MultiplyByQuantizedMultiplier(acc, s_in · S[c] / s_out) + zp_out)   TFLM's requantization
 * </pre>
 * Every step is integer arithmetic on values fixed at prepare, so any implementation (Java, C on a Cortex-M) gives
 * the same bytes. Against the real value {@code Σ_k s_in (x − zp_in) · s[c,g(k)] w[k] + bias} the result is off by
 * at most {@code 1 + 0.5 · groups · s_in · S[c] / s_out} output steps (the group roundings, plus the final
 * rounding and TFLM's double rounding): {@link #errorBoundLsb}.
 */
final class GroupedInt4 {
    final int channels;
    final int reduction;
    final int groupSize;
    final int groups;
    /** The codes unpacked to one byte each, channel-major ({@code [c · reduction + k]}). */
    final byte[] codes;
    /** {@code M[c · groups + g]}, Q31. */
    final int[] groupMultipliers;
    /** {@code S[c]}. */
    final float[] channelScales;

    private GroupedInt4(int channels, int reduction, int groupSize, byte[] codes, int[] groupMultipliers,
                        float[] channelScales) {
        this.channels = channels;
        this.reduction = reduction;
        this.groupSize = groupSize;
        this.groups = (reduction + groupSize - 1) / groupSize;
        this.codes = codes;
        this.groupMultipliers = groupMultipliers;
        this.channelScales = channelScales;
    }

    /**
     * Checks the filter (constant INT4, per-group quantization with {@code channels · ceil(K/G)} positive finite
     * scales) and prepares it. The reader checks the same for models it reads; this also covers tensors built in
     * code.
     */
    static GroupedInt4 of(OpContext context, Tensor filter) {
        if (filter.type() != TensorType.INT4) {
            throw context.unsupported("weights type " + filter.type() + " is not INT4");
        }
        if (!filter.isConstant()) {
            throw context.unsupported("int4 weights must be constant");
        }
        if (filter.rank() < 2) {
            throw context.unsupported("int4 weights need rank 2 or more");
        }
        Quantization q = filter.quantization();
        if (q == null || !q.isPerGroup()) {
            throw context.unsupported("int4 weights need per-group scales (Octet's int4 variant), got " + q);
        }
        int channels = filter.dim(0);
        long k = Int4Layout.reduction(filter.shape());
        int groupSize = q.groupSize();
        long groups = (k + groupSize - 1) / groupSize;
        if (q.count() != channels * groups) {
            throw context.unsupported("int4 weights have " + q.count() + " group scales, but " + channels
                    + " channels of " + k + " elements in groups of " + groupSize + " need " + channels * groups);
        }
        if (groupSize > Int4Layout.MAX_GROUP_SIZE) {
            throw context.unsupported("group size " + groupSize + " is above " + Int4Layout.MAX_GROUP_SIZE);
        }
        float[] channelScales = new float[channels];
        int[] multipliers = new int[q.count()];
        for (int c = 0; c < channels; c++) {
            float max = 0f;
            for (int g = 0; g < groups; g++) {
                float s = q.scale((int) (c * groups + g));
                if (!(s > 0f) || Float.isInfinite(s)) {
                    throw context.unsupported("group scale " + s + " of channel " + c + " is invalid");
                }
                max = Math.max(max, s);
            }
            channelScales[c] = max;
            for (int g = 0; g < groups; g++) {
                int i = (int) (c * groups + g);
                multipliers[i] = q31(q.scale(i), max);
            }
        }
        byte[] codes = new byte[filter.elementCount()];
        byte[] packed = filter.array();
        int offset = filter.offset();
        for (int i = 0; i < codes.length; i++) {
            codes[i] = (byte) Int4Packing.get(packed, offset, i);
        }
        return new GroupedInt4(channels, (int) k, groupSize, codes, multipliers, channelScales);
    }

    /** {@code min(round(s / max · 2^31), 2^31 − 1)}: the Q31 multiplier of a group (s ≤ max). */
    static int q31(float s, float max) {
        long m = Math.round((double) s / (double) max * 2147483648.0);
        return (int) Math.min(m, Integer.MAX_VALUE);
    }

    /** A group's partial sum in units of the channel's scale: {@code (p · m + 2^30) >> 31}. */
    static long rescale(int partial, int multiplier) {
        return ((long) partial * multiplier + (1L << 30)) >> 31;
    }

    /** The int64 sum of rescaled groups plus the bias, saturated to int32 before requantization. */
    static int saturate(long acc) {
        return acc > Integer.MAX_VALUE ? Integer.MAX_VALUE : (acc < Integer.MIN_VALUE ? Integer.MIN_VALUE : (int) acc);
    }

    /** The documented bound, in output steps, of the result against the real computation (before the clamp). */
    static double errorBoundLsb(int groups, float inputScale, float channelScale, float outputScale) {
        return 1 + 0.5 * groups * (double) inputScale * channelScale / outputScale;
    }
}
