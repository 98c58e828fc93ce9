package dev.octet.runtime.quant.ptq;

import dev.octet.runtime.model.Int4Layout;
import dev.octet.runtime.model.Int4Packing;

/**
 * Quantizes float weights of shape {@code [O, ...]} to Octet's grouped int4 (docs/INT4.md): every output
 * channel's {@code K} reduction elements are cut into groups of {@code G} consecutive elements (the last shorter
 * when G does not divide K), and each group is quantized symmetrically to [-7, 7].
 *
 * <p>Scales: the channel scale is {@code S = max_g max|w_g| / 7}; each group's scale is the smallest ratio
 * {@code S · k / 255} (k integer in [1, 255]) that still covers the group, {@code k = ceil(255 · max|w_g| / (7 S))},
 * so a group never clips and its step is at most 1/255 of S coarser than {@code max|w_g| / 7}. An all-zero group
 * gets k = 255, an all-zero channel S = 1. (Choosing each group's scale for the least squared weight error
 * instead, clipping its largest weights, was measured and is worse on both test models: docs/INT4.md.)
 *
 * @param packed        the codes packed two per byte ({@link Int4Packing})
 * @param groupScales   {@code O · ceil(K/G)} scales {@code S[c] · k / 255}, channel-major
 * @param channelScales each channel's {@code S}: its accumulator counts {@code s_in · S / 255}, the unit in which
 *                      its bias is quantized
 * @param codes         the unpacked codes, channel-major {@code [c · K + i]} (for reports and tests)
 */
public record GroupedInt4Weights(byte[] packed, float[] groupScales, float[] channelScales, int[] codes) {

    public static GroupedInt4Weights quantize(float[] w, int[] shape, int groupSize) {
        return quantize(w, shape, groupSize, 0);
    }

    /**
     * The same with the output channels along {@code channelDim} (3 for a depthwise filter): {@code codes} are
     * then channel-major ({@code [c · K + i]}) while {@code packed} keeps the tensor's own element order.
     */
    public static GroupedInt4Weights quantize(float[] weights, int[] shape, int groupSize, int channelDim) {
        Int4Layout layout = new Int4Layout(groupSize);
        int channels = shape[channelDim];
        int k = (int) Int4Layout.reduction(shape, channelDim);
        if ((long) channels * k != weights.length) {
            throw new IllegalArgumentException(weights.length + " weights for shape "
                    + java.util.Arrays.toString(shape));
        }
        // Channel-major view of the weights: w[c · K + i].
        float[] w = new float[weights.length];
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < k; i++) {
                w[c * k + i] = weights[(int) Int4Layout.elementIndex(shape, channelDim, c, i)];
            }
        }
        int groups = layout.groupsPerChannel(k);
        float[] groupScales = new float[channels * groups];
        float[] channelScales = new float[channels];
        int[] codes = new int[w.length];
        float[] maxAbs = new float[groups];
        for (int c = 0; c < channels; c++) {
            float channelMax = 0f;
            for (int g = 0; g < groups; g++) {
                maxAbs[g] = 0f;
                for (int i = g * groupSize; i < Math.min(k, (g + 1) * groupSize); i++) {
                    maxAbs[g] = Math.max(maxAbs[g], Math.abs(w[c * k + i]));
                }
                channelMax = Math.max(channelMax, maxAbs[g]);
            }
            float channelScale = channelMax > 0f ? channelMax / Int4Layout.MAX_CODE : 1f;
            channelScales[c] = channelScale;
            for (int g = 0; g < groups; g++) {
                long ratio = maxAbs[g] == 0f ? Int4Layout.RATIO_STEPS : (long) Math.ceil(
                        Int4Layout.RATIO_STEPS * (double) maxAbs[g] / Int4Layout.MAX_CODE / channelScale - 1e-9);
                ratio = Math.max(1, Math.min(Int4Layout.RATIO_STEPS, ratio));
                float s = ratio == Int4Layout.RATIO_STEPS ? channelScale
                        : (float) ((double) channelScale * ratio / Int4Layout.RATIO_STEPS);
                groupScales[c * groups + g] = s;
                for (int i = g * groupSize; i < Math.min(k, (g + 1) * groupSize); i++) {
                    long r = Math.round(w[c * k + i] / s);
                    codes[c * k + i] = (int) Math.max(-Int4Layout.MAX_CODE, Math.min(Int4Layout.MAX_CODE, r));
                }
            }
        }
        int[] tensorOrder = new int[codes.length];
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < k; i++) {
                tensorOrder[(int) Int4Layout.elementIndex(shape, channelDim, c, i)] = codes[c * k + i];
            }
        }
        return new GroupedInt4Weights(Int4Packing.pack(tensorOrder), groupScales, channelScales, codes);
    }

    /** The scale of one accumulator step of channel {@code c} per unit of input scale: {@code S[c] / 255}. */
    public float accumulatorScale(int c) {
        return channelScales[c] / Int4Layout.RATIO_STEPS;
    }
}
