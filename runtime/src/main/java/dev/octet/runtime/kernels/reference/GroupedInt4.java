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
 * <p>Octet's definition of a grouped int4 dot product for output channel {@code c}, whose group scales are
 * {@code s[c,g] = S[c] · k[c,g] / 255} ({@link Int4Layout#ratio}):
 * <pre>
 *   P[g] = Σ_{i in g} (x[i] − zp_in) · w[i]                   int32
 *   acc  = bias[c] + Σ_g k[c,g] · P[g]                         int64, exact; bias in units of s_in · S[c] / 255
 *   y    = clamp(MultiplyByQuantizedMultiplier(saturate_int32(acc), M[c]) + zp_out)
 *   M[c] = QuantizeMultiplier((double) s_in · (double) fl(S[c] / 255) / (double) s_out)   as TFLM's per-channel conv
 * </pre>
 * Everything up to the requantization is exact integer arithmetic, so the result is the real value
 * {@code Σ_i s_in (x − zp_in) · s[c,g(i)] w[i] + bias} rounded to the output scale by TFLM's requantization: at
 * most {@link #ERROR_BOUND_LSB} output step from it. {@code acc} fits int32 (no saturation) whenever
 * {@code K · 255 · 8 · 255 + |bias| < 2^31}, i.e. for reductions up to about 4,100 elements at full scale, so a
 * Cortex-M port can accumulate in int32 after checking that at prepare.
 */
final class GroupedInt4 {
    /** Largest distance, in output steps, of the result from the real value (before the activation clamp). */
    static final double ERROR_BOUND_LSB = 1.0;

    final int channels;
    final int reduction;
    final int groupSize;
    final int groups;
    /** The codes unpacked to one byte each, channel-major ({@code [c · reduction + i]}). */
    final byte[] codes;
    /** {@code k[c · groups + g]} in [1, 255]. */
    final int[] ratios;
    /** {@code S[c] / 255}: the accumulator's unit per unit of input scale. */
    final float[] accumulatorScales;

    private GroupedInt4(int channels, int reduction, int groupSize, byte[] codes, int[] ratios,
                        float[] accumulatorScales) {
        this.channels = channels;
        this.reduction = reduction;
        this.groupSize = groupSize;
        this.groups = (reduction + groupSize - 1) / groupSize;
        this.codes = codes;
        this.ratios = ratios;
        this.accumulatorScales = accumulatorScales;
    }

    /**
     * Checks the filter (constant INT4, per-group quantization with {@code channels · ceil(K/G)} scales that are
     * ratios k/255 of their channel's largest) and prepares it. The reader checks the same for models it reads;
     * this also covers tensors built in code.
     */
    static GroupedInt4 of(OpContext context, Tensor filter) {
        return of(context, filter, 0);
    }

    /** The same, for output channels along {@code channelDim} (3 for DEPTHWISE_CONV_2D's [1, H, W, C·M]). */
    static GroupedInt4 of(OpContext context, Tensor filter, int channelDim) {
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
        if (q.quantizedDimension() != channelDim) {
            throw context.unsupported("int4 weights have their channels along dimension " + q.quantizedDimension()
                    + ", expected " + channelDim);
        }
        int channels = filter.dim(channelDim);
        long k = Int4Layout.reduction(filter.shape(), channelDim);
        int groupSize = q.groupSize();
        long groups = (k + groupSize - 1) / groupSize;
        if (q.count() != channels * groups) {
            throw context.unsupported("int4 weights have " + q.count() + " group scales, but " + channels
                    + " channels of " + k + " elements in groups of " + groupSize + " need " + channels * groups);
        }
        float[] accumulatorScales = new float[channels];
        int[] ratios = new int[q.count()];
        for (int c = 0; c < channels; c++) {
            float max = 0f;
            for (int g = 0; g < groups; g++) {
                max = Math.max(max, q.scale((int) (c * groups + g)));
            }
            accumulatorScales[c] = max / Int4Layout.RATIO_STEPS;
            for (int g = 0; g < groups; g++) {
                int i = (int) (c * groups + g);
                ratios[i] = Int4Layout.ratio(q.scale(i), max);
                if (ratios[i] < 0) {
                    throw context.unsupported("group scale " + q.scale(i) + " of channel " + c + " is not k/"
                            + Int4Layout.RATIO_STEPS + " of the channel's largest " + max);
                }
            }
        }
        byte[] codes = new byte[filter.elementCount()];
        byte[] packed = filter.array();
        int offset = filter.offset();
        int[] shape = filter.shape();
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < k; i++) {
                codes[(int) (c * k + i)] = (byte) Int4Packing.get(packed, offset,
                        (int) Int4Layout.elementIndex(shape, channelDim, c, i));
            }
        }
        return new GroupedInt4(channels, (int) k, groupSize, codes, ratios, accumulatorScales);
    }

    /** The int64 accumulator saturated to int32 before requantization. */
    static int saturate(long acc) {
        return acc > Integer.MAX_VALUE ? Integer.MAX_VALUE : (acc < Integer.MIN_VALUE ? Integer.MIN_VALUE : (int) acc);
    }
}
