package dev.octet.runtime.model;

import java.util.Arrays;

/**
 * Affine quantization of a tensor: {@code real = scale * (q - zeroPoint)}. Per-tensor quantization has one
 * scale and zero point; per-axis (per-channel) quantization has one per slice along
 * {@link #quantizedDimension()}.
 */
public final class Quantization {
    /** A tensor that carries no quantization parameters (float tensors, int32 shape tensors). */
    public static final Quantization NONE = new Quantization(new float[0], new long[0], 0);

    private final float[] scales;
    private final long[] zeroPoints;
    private final int quantizedDimension;
    /** Elements per scale group along the reduction dimension (Octet's int4 variant), or 0. */
    private final int groupSize;

    public Quantization(float[] scales, long[] zeroPoints, int quantizedDimension) {
        this(scales, zeroPoints, quantizedDimension, 0);
    }

    private Quantization(float[] scales, long[] zeroPoints, int quantizedDimension, int groupSize) {
        this.scales = scales.clone();
        this.zeroPoints = zeroPoints.clone();
        this.quantizedDimension = quantizedDimension;
        this.groupSize = groupSize;
    }

    /**
     * Per-group quantization of Octet's int4 weights ({@link Int4Layout}): with the output channels along
     * dimension 0, each output channel's reduction elements are cut into groups of {@code groupSize} consecutive elements
     * (the last group may be shorter), and every group has its own scale; zero points are all 0 (symmetric).
     * {@code scales} holds channel 0's groups first, then channel 1's, and so on. No zero points are stored (they
     * are all 0, and 8 bytes each would cost more than the packed weights of a group of 16).
     */
    public static Quantization perGroup(float[] scales, int groupSize) {
        return perGroup(scales, groupSize, 0);
    }

    /** Per-group scales with the output channels along {@code channelDimension} (3 for depthwise filters). */
    public static Quantization perGroup(float[] scales, int groupSize, int channelDimension) {
        if (groupSize < 1) {
            throw new IllegalArgumentException("group size must be positive: " + groupSize);
        }
        return new Quantization(scales, new long[0], channelDimension, groupSize);
    }

    /** True for the per-group scales of Octet's int4 weights. */
    public boolean isPerGroup() {
        return groupSize > 0;
    }

    /** Elements per group of a per-group quantization, 0 otherwise. */
    public int groupSize() {
        return groupSize;
    }

    /** A per-tensor quantization with one scale and zero point. */
    public static Quantization perTensor(float scale, long zeroPoint) {
        return new Quantization(new float[] {scale}, new long[] {zeroPoint}, 0);
    }

    public boolean isQuantized() {
        return scales.length > 0;
    }

    public boolean isPerAxis() {
        return scales.length > 1;
    }

    /** How many scales there are (1 for per-tensor, the channel count for per-axis, 0 when none). */
    public int count() {
        return scales.length;
    }

    public float scale(int i) {
        return scales[i];
    }

    /** Zero point {@code i}; when the model gives fewer zero points than scales the first one (or 0) applies. */
    public long zeroPoint(int i) {
        if (i < zeroPoints.length) {
            return zeroPoints[i];
        }
        return zeroPoints.length > 0 ? zeroPoints[0] : 0;
    }

    /** The single scale of a per-tensor quantization (the first one of a per-axis one). */
    public float scale() {
        return scales.length > 0 ? scales[0] : 0f;
    }

    /** The single zero point of a per-tensor quantization, as an int (int8/int16 zero points fit). */
    public int zeroPoint() {
        return (int) zeroPoint(0);
    }

    public int quantizedDimension() {
        return quantizedDimension;
    }

    public float[] scales() {
        return scales.clone();
    }

    public long[] zeroPoints() {
        return zeroPoints.clone();
    }

    /** True when both describe the same mapping from integers to reals. */
    public boolean sameAs(Quantization other) {
        return Arrays.equals(scales, other.scales) && Arrays.equals(zeroPoints, other.zeroPoints)
                && groupSize == other.groupSize && (scales.length <= 1 || quantizedDimension == other.quantizedDimension);
    }

    @Override
    public String toString() {
        if (!isQuantized()) {
            return "none";
        }
        if (isPerGroup()) {
            return "per-group(size=" + groupSize + ", " + scales.length + " scales)";
        }
        if (!isPerAxis()) {
            return "scale=" + scales[0] + " zp=" + zeroPoint(0);
        }
        return "per-axis(dim=" + quantizedDimension + ", " + scales.length + " scales)";
    }
}
