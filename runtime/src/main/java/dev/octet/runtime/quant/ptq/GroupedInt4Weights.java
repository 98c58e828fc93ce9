package dev.octet.runtime.quant.ptq;

import dev.octet.runtime.model.Int4Layout;
import dev.octet.runtime.model.Int4Packing;

/**
 * Quantizes float weights of shape {@code [O, ...]} to Octet's grouped int4 (docs/INT4.md): every output
 * channel's {@code K} reduction elements are cut into groups of {@code G} consecutive elements (the last shorter
 * when G does not divide K), and each group is quantized symmetrically to [-7, 7] with
 * {@code scale = max|w| / 7}. (Choosing each group's scale for the least squared weight error instead, clipping
 * its largest weights, was measured and is worse on both test models: docs/INT4.md.)
 *
 * <p>An all-zero group takes its channel's largest group scale (any scale represents it, and this one leaves the
 * kernel's group multiplier at 1), an all-zero channel scale 1.
 *
 * @param packed        the codes packed two per byte ({@link Int4Packing})
 * @param groupScales   {@code O · ceil(K/G)} scales, channel-major
 * @param channelScales each channel's largest group scale: the scale of its accumulator, so its bias is
 *                      quantized with {@code s_in · channelScale}
 * @param codes         the unpacked codes (for reports and tests)
 */
public record GroupedInt4Weights(byte[] packed, float[] groupScales, float[] channelScales, int[] codes) {

    public static GroupedInt4Weights quantize(float[] w, int[] shape, int groupSize) {
        Int4Layout layout = new Int4Layout(groupSize);
        int channels = shape[0];
        int k = (int) Int4Layout.reduction(shape);
        if ((long) channels * k != w.length) {
            throw new IllegalArgumentException(w.length + " weights for shape " + java.util.Arrays.toString(shape));
        }
        int groups = layout.groupsPerChannel(k);
        float[] groupScales = new float[channels * groups];
        float[] channelScales = new float[channels];
        int[] codes = new int[w.length];
        for (int c = 0; c < channels; c++) {
            float channelMax = 0f;
            for (int g = 0; g < groups; g++) {
                float maxAbs = 0f;
                for (int i = g * groupSize; i < Math.min(k, (g + 1) * groupSize); i++) {
                    maxAbs = Math.max(maxAbs, Math.abs(w[c * k + i]));
                }
                groupScales[c * groups + g] = maxAbs / Int4Layout.MAX_CODE;
                channelMax = Math.max(channelMax, groupScales[c * groups + g]);
            }
            channelScales[c] = channelMax > 0f ? channelMax : 1f;
            for (int g = 0; g < groups; g++) {
                int gi = c * groups + g;
                if (groupScales[gi] == 0f) {
                    groupScales[gi] = channelScales[c];
                }
                float s = groupScales[gi];
                for (int i = g * groupSize; i < Math.min(k, (g + 1) * groupSize); i++) {
                    long r = Math.round(w[c * k + i] / s);
                    codes[c * k + i] = (int) Math.max(-Int4Layout.MAX_CODE, Math.min(Int4Layout.MAX_CODE, r));
                }
            }
        }
        return new GroupedInt4Weights(Int4Packing.pack(codes), groupScales, channelScales, codes);
    }
}
