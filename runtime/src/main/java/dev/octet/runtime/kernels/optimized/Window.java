package dev.octet.runtime.kernels.optimized;

import dev.octet.runtime.tensor.Tensor;

/**
 * The spatial walk of a windowed op (CONV_2D, DEPTHWISE_CONV_2D, AVERAGE_POOL_2D) over an NHWC image, planned so
 * that the inner loops never test borders.
 *
 * <p>Padding is handled by reading from a <em>source image</em> that already contains it: each invoke widens the
 * input to ints with the input offset ({@code −zp}) added into the middle of a buffer whose border stays 0, so a
 * tap in the padding contributes {@code w · 0}; TFLite's reference skips those taps, which adds the same zero.
 * When every window lies inside the input ({@link #padded} false) the source has the input's own size.
 *
 * <p>Offsets are element offsets within one batch image of the source: {@link #pixelBase}{@code [p]} is where
 * output pixel {@code p}'s window starts, {@link #tapOffset}{@code [t]} where tap {@code t = fy·FW + fx} sits
 * relative to that start (channel 0).
 */
final class Window {
    /**
     * The most elements any scratch array of an optimized kernel may have (64 MiB of ints). Larger operators run
     * on the reference kernel, so that a hostile model cannot make prepare allocate several times its arena.
     */
    static final long MAX_SCRATCH = 1L << 24;

    final int batches;
    final int inHeight;
    final int inWidth;
    final int channels;
    final int filterHeight;
    final int filterWidth;
    final int outHeight;
    final int outWidth;
    final int padTop;
    final int padLeft;
    /** Whether the source is a padded copy ({@code true}) or the input itself. */
    final boolean padded;
    final int srcHeight;
    final int srcWidth;
    final int[] pixelBase;
    final int[] tapOffset;

    /**
     * Plans a window walk. The shapes have been validated by the reference kernel's prepare, so every extent
     * fits comfortably in an int (TFLite's and Octet's geometry limits).
     */
    Window(int batches, int inHeight, int inWidth, int channels, int filterHeight, int filterWidth, int strideH,
           int strideW, int dilationH, int dilationW, int outHeight, int outWidth) {
        this.batches = batches;
        this.inHeight = inHeight;
        this.inWidth = inWidth;
        this.channels = channels;
        this.filterHeight = filterHeight;
        this.filterWidth = filterWidth;
        this.outHeight = outHeight;
        this.outWidth = outWidth;
        long spanH = (long) (outHeight - 1) * strideH + (long) (filterHeight - 1) * dilationH + 1;
        long spanW = (long) (outWidth - 1) * strideW + (long) (filterWidth - 1) * dilationW + 1;
        // TFLite's ComputePaddingWithOffset: half the total padding (rounded down) goes before the first element.
        this.padTop = (int) Math.max(0, (spanH - inHeight) / 2);
        this.padLeft = (int) Math.max(0, (spanW - inWidth) / 2);
        this.padded = padTop > 0 || padLeft > 0 || spanH > inHeight || spanW > inWidth;
        this.srcHeight = padded ? (int) spanH : inHeight;
        this.srcWidth = padded ? (int) spanW : inWidth;
        this.pixelBase = new int[outHeight * outWidth];
        for (int oy = 0, p = 0; oy < outHeight; oy++) {
            for (int ox = 0; ox < outWidth; ox++, p++) {
                pixelBase[p] = (oy * strideH * srcWidth + ox * strideW) * channels;
            }
        }
        this.tapOffset = new int[filterHeight * filterWidth];
        for (int fy = 0, t = 0; fy < filterHeight; fy++) {
            for (int fx = 0; fx < filterWidth; fx++, t++) {
                tapOffset[t] = (fy * dilationH * srcWidth + fx * dilationW) * channels;
            }
        }
    }

    /**
     * Whether a window walk with these parameters keeps its tables and source image within {@link #MAX_SCRATCH}
     * elements, and {@code weights} (the repacked filter's size) too. Call before constructing one.
     */
    static boolean fits(int inHeight, int inWidth, int channels, int filterHeight, int filterWidth, int strideH,
                        int strideW, int dilationH, int dilationW, int outHeight, int outWidth, long weights) {
        long spanH = (long) (outHeight - 1) * strideH + (long) (filterHeight - 1) * dilationH + 1;
        long spanW = (long) (outWidth - 1) * strideW + (long) (filterWidth - 1) * dilationW + 1;
        long source = Math.max(spanH, inHeight) * Math.max(spanW, inWidth) * channels;
        long pixels = (long) outHeight * outWidth;
        long taps = (long) filterHeight * filterWidth;
        return source + Requant.PAD <= MAX_SCRATCH && pixels <= MAX_SCRATCH && taps * channels <= MAX_SCRATCH
                && weights <= MAX_SCRATCH;
    }

    /**
     * The window walk of an op with NHWC {@code input} and {@code output} (channels: the input's), or null when it
     * does not {@link #fits fit} together with {@code weights}.
     */
    static Window planIfFits(Tensor input, Tensor output, int filterHeight, int filterWidth, int strideH,
                             int strideW, int dilationH, int dilationW, long weights) {
        if (!fits(input.dim(1), input.dim(2), input.dim(3), filterHeight, filterWidth, strideH, strideW, dilationH,
                dilationW, output.dim(1), output.dim(2), weights)) {
            return null;
        }
        return new Window(input.dim(0), input.dim(1), input.dim(2), input.dim(3), filterHeight, filterWidth,
                strideH, strideW, dilationH, dilationW, output.dim(1), output.dim(2));
    }

    int outPixels() {
        return outHeight * outWidth;
    }

    /** Elements of one batch image of the source. */
    int srcImageSize() {
        return srcHeight * srcWidth * channels;
    }

    int inImageSize() {
        return inHeight * inWidth * channels;
    }

    /** One past the last input row the source holds (rows past it are only ever padding). */
    int endRow() {
        return Math.min(inHeight, srcHeight - padTop);
    }

    int endCol() {
        return Math.min(inWidth, srcWidth - padLeft);
    }

    /** Copies batch image {@code batch} into an int source, adding {@code offset} to every value (border untouched). */
    void widenInto(byte[] in, int inOff, int batch, int offset, int[] src) {
        int rowElems = endCol() * channels;
        int inBase = inOff + batch * inImageSize();
        int end = endRow();
        for (int y = 0; y < end; y++) {
            int from = inBase + y * inWidth * channels;
            int to = ((y + padTop) * srcWidth + padLeft) * channels;
            for (int i = 0; i < rowElems; i++) {
                src[to + i] = in[from + i] + offset;
            }
        }
    }
}
