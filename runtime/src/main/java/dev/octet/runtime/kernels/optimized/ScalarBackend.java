package dev.octet.runtime.kernels.optimized;

import dev.octet.runtime.kernels.PreparedOp;

/**
 * The optimized loops in plain Java: no border tests, folded zero points, branch-free requantization, and inner
 * loops over contiguous int arrays that C2 can unroll and auto-vectorize. Runs on any JVM.
 */
final class ScalarBackend implements Backend {

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public int vectorBits() {
        return 0;
    }

    @Override
    public PreparedOp conv(Conv2D.Plan plan) {
        return new Conv(plan);
    }

    @Override
    public PreparedOp depthwise(DepthwiseConv2D.Plan plan) {
        return new Depthwise(plan);
    }

    @Override
    public PreparedOp fullyConnected(FullyConnected.Plan plan) {
        return plan.constantWeights && (long) plan.depth * plan.units <= Window.MAX_SCRATCH
                ? new FullyConnectedTransposed(plan) : new FullyConnectedOp(plan);
    }

    @Override
    public PreparedOp add(Add.Plan plan) {
        return new AddOp(plan);
    }

    @Override
    public PreparedOp averagePool(AveragePool2D.Plan plan) {
        return new Pool(plan);
    }

    /** Writes the requantized accumulators of one output pixel. */
    static void requantize(int[] acc, int accOff, Requant rq, int channels, byte[] out, int outBase) {
        final long[] mult = rq.multiplier;
        final int[] ls = rq.leftShift;
        final int[] rs = rq.rightShift;
        final int[] mask = rq.remainderMask;
        final int[] thr = rq.threshold;
        final int zp = rq.outputZeroPoint;
        final int lo = rq.actMin;
        final int hi = rq.actMax;
        for (int c = 0; c < channels; c++) {
            int v = Requant.multiplyByQuantizedMultiplier(acc[accOff + c], mult[c], ls[c], rs[c], mask[c], thr[c]) + zp;
            out[outBase + c] = (byte) (v < lo ? lo : (v > hi ? hi : v));
        }
    }

    /**
     * Convolution as one multiply-accumulate sweep per output pixel: for each of the window's {@code K} inputs,
     * all output channels at once over that input's row of weights. Each weight row is its own {@code int[]}
     * so that the inner loop indexes both arrays from 0: C2's auto-vectorizer (JDK 17) only vectorizes such a
     * loop when its array accesses share the same offset, and then runs it 8 or 16 lanes wide.
     */
    private static final class Conv implements PreparedOp {
        private final Conv2D.Plan plan;
        /** {@code weightRows[k][oc]}. */
        private final int[][] weightRows;
        private final int[] acc;
        private final int[] source;

        Conv(Conv2D.Plan plan) {
            this.plan = plan;
            int oc = plan.outChannels;
            this.weightRows = new int[plan.depth][oc];
            for (int o = 0; o < oc; o++) {
                for (int k = 0; k < plan.depth; k++) {
                    weightRows[k][o] = plan.weight(o, k);
                }
            }
            this.acc = new int[oc];
            this.source = plan.newSource();
        }

        @Override
        public void invoke() {
            final Conv2D.Plan p = this.plan;
            final int[][] w = this.weightRows;
            final int[] acc = this.acc;
            final int[] kOffset = p.kOffset;
            final int[] pixelBase = p.window.pixelBase;
            final int[] bias = p.bias;
            final int oc = p.outChannels;
            final int depth = p.depth;
            final int pixels = p.window.outPixels();
            final int[] src = this.source;
            int outIndex = p.outOff;
            for (int b = 0; b < p.window.batches; b++) {
                p.window.widenInto(p.in, p.inOff, b, p.inputOffset, src);
                for (int px = 0; px < pixels; px++, outIndex += oc) {
                    final int start = pixelBase[px];
                    System.arraycopy(bias, 0, acc, 0, oc);
                    for (int k = 0; k < depth; k++) {
                        final int x = src[start + kOffset[k]];
                        if (x != 0) { // padding and zero-point inputs add nothing
                            axpy(acc, x, w[k], oc);
                        }
                    }
                    requantize(acc, 0, p.requant, oc, p.out, outIndex);
                }
            }
        }

        /** {@code acc[i] += x · row[i]}: both arrays indexed from 0, so C2 vectorizes it. */
        static void axpy(int[] acc, int x, int[] row, int n) {
            for (int i = 0; i < n; i++) {
                acc[i] += x * row[i];
            }
        }
    }

    /**
     * Depthwise convolution over the widened source, one output row at a time: for each tap, the row's inputs
     * under that tap are gathered into a scratch row (one {@code System.arraycopy} per row for stride 1, one per
     * pixel otherwise) and multiplied into the row's accumulators by weights tiled across the row, a loop whose
     * arrays all start at 0, which C2 vectorizes. Rows too wide for the scratch budget fall back to a per-channel
     * loop.
     */
    private static final class Depthwise implements PreparedOp {
        private final DepthwiseConv2D.Plan plan;
        private final int[] source;
        /** Elements of one output row: {@code outWidth · channels}. */
        private final int rowLength;
        /** {@code tiledWeights[t][ox·C + c] = w[t][c]}, or null when the rows are too wide. */
        private final int[][] tiledWeights;
        private final int[] tiledBias;
        private final int[] acc;
        private final int[] gathered;

        Depthwise(DepthwiseConv2D.Plan plan) {
            this.plan = plan;
            this.source = plan.newSource();
            Window win = plan.window;
            int channels = plan.channels;
            long row = (long) win.outWidth * channels;
            boolean tiled = row * (plan.taps + 3) <= Window.MAX_SCRATCH;
            this.rowLength = tiled ? (int) row : channels;
            this.acc = new int[Math.max(rowLength, plan.paddedChannels)];
            this.gathered = tiled ? new int[rowLength] : null;
            this.tiledBias = tiled ? new int[rowLength] : null;
            this.tiledWeights = tiled ? new int[plan.taps][rowLength] : null;
            if (tiled) {
                for (int ox = 0; ox < win.outWidth; ox++) {
                    System.arraycopy(plan.bias, 0, tiledBias, ox * channels, channels);
                    for (int t = 0; t < plan.taps; t++) {
                        System.arraycopy(plan.weights, t * plan.paddedChannels, tiledWeights[t], ox * channels,
                                channels);
                    }
                }
            }
        }

        @Override
        public void invoke() {
            final DepthwiseConv2D.Plan p = this.plan;
            final Window win = p.window;
            for (int b = 0; b < win.batches; b++) {
                p.fill(b, source);
                final int outBase = p.outOff + b * win.outPixels() * p.channels;
                if (tiledWeights != null) {
                    rows(outBase);
                } else {
                    pixels(outBase);
                }
            }
        }

        private void rows(int outBase) {
            final DepthwiseConv2D.Plan p = this.plan;
            final Window win = p.window;
            final int[] src = source;
            final int[] acc = this.acc;
            final int[] gathered = this.gathered;
            final int channels = p.channels;
            final int n = rowLength;
            final int outWidth = win.outWidth;
            final int pixelStride = outWidth > 1 ? win.pixelBase[1] - win.pixelBase[0] : 0;
            final boolean contiguous = pixelStride == channels;
            for (int oy = 0; oy < win.outHeight; oy++) {
                System.arraycopy(tiledBias, 0, acc, 0, n);
                final int rowStart = win.pixelBase[oy * outWidth];
                for (int t = 0; t < p.taps; t++) {
                    final int from = rowStart + win.tapOffset[t];
                    if (contiguous) {
                        System.arraycopy(src, from, gathered, 0, n);
                    } else {
                        for (int ox = 0; ox < outWidth; ox++) {
                            System.arraycopy(src, from + ox * pixelStride, gathered, ox * channels, channels);
                        }
                    }
                    multiplyAdd(acc, gathered, tiledWeights[t], n);
                }
                final int o = outBase + oy * n;
                for (int ox = 0; ox < outWidth; ox++) {
                    requantize(acc, ox * channels, p.requant, channels, p.out, o + ox * channels);
                }
            }
        }

        /** {@code acc[i] += x[i] · w[i]}: every array indexed from 0, so C2 vectorizes it. */
        private static void multiplyAdd(int[] acc, int[] x, int[] w, int n) {
            for (int i = 0; i < n; i++) {
                acc[i] += x[i] * w[i];
            }
        }

        private void pixels(int outBase) {
            final DepthwiseConv2D.Plan p = this.plan;
            final int[] src = this.source;
            final int[] acc = this.acc;
            final int[] w = p.weights;
            final int[] tapOffset = p.window.tapOffset;
            final int[] pixelBase = p.window.pixelBase;
            final int channels = p.channels;
            final int ws = p.paddedChannels;
            final int taps = p.taps;
            final int pixels = p.window.outPixels();
            for (int px = 0, outIndex = outBase; px < pixels; px++, outIndex += channels) {
                final int start = pixelBase[px];
                for (int c = 0; c < channels; c++) {
                    int sum = p.bias[c];
                    for (int t = 0, wt = c; t < taps; t++, wt += ws) {
                        sum += src[start + tapOffset[t] + c] * w[wt];
                    }
                    acc[c] = sum;
                }
                requantize(acc, 0, p.requant, channels, p.out, outIndex);
            }
        }
    }

    /** Fully connected: the input row widened once, four units per pass over it. */
    private static final class FullyConnectedOp implements PreparedOp {
        private final FullyConnected.Plan plan;
        private final int[] row;

        FullyConnectedOp(FullyConnected.Plan plan) {
            this.plan = plan;
            this.row = new int[plan.depth];
        }

        @Override
        public void invoke() {
            final FullyConnected.Plan p = this.plan;
            final int[] x = this.row;
            final byte[] w = p.w;
            final int depth = p.depth;
            final int units = p.units;
            for (int b = 0; b < p.batches; b++) {
                final int inBase = p.inOff + b * depth;
                int rowSum = 0;
                for (int d = 0; d < depth; d++) {
                    x[d] = p.in[inBase + d] + p.inputOffset;
                    rowSum += x[d];
                }
                final int zeroPointTerm = p.weightsOffset * rowSum;
                final int outBase = p.outOff + b * units;
                int u = 0;
                for (; u + 4 <= units; u += 4) {
                    final int w0 = p.wOff + u * depth;
                    final int w1 = w0 + depth;
                    final int w2 = w1 + depth;
                    final int w3 = w2 + depth;
                    int a0 = 0;
                    int a1 = 0;
                    int a2 = 0;
                    int a3 = 0;
                    for (int d = 0; d < depth; d++) {
                        final int xd = x[d];
                        a0 += w[w0 + d] * xd;
                        a1 += w[w1 + d] * xd;
                        a2 += w[w2 + d] * xd;
                        a3 += w[w3 + d] * xd;
                    }
                    p.out[outBase + u] = (byte) p.output(a0 + zeroPointTerm + p.bias[u], u);
                    p.out[outBase + u + 1] = (byte) p.output(a1 + zeroPointTerm + p.bias[u + 1], u + 1);
                    p.out[outBase + u + 2] = (byte) p.output(a2 + zeroPointTerm + p.bias[u + 2], u + 2);
                    p.out[outBase + u + 3] = (byte) p.output(a3 + zeroPointTerm + p.bias[u + 3], u + 3);
                }
                for (; u < units; u++) {
                    final int w0 = p.wOff + u * depth;
                    int a0 = 0;
                    for (int d = 0; d < depth; d++) {
                        a0 += w[w0 + d] * x[d];
                    }
                    p.out[outBase + u] = (byte) p.output(a0 + zeroPointTerm + p.bias[u], u);
                }
            }
        }
    }

    /**
     * Fully connected with constant weights: the weights transposed once to one {@code int[]} row per input
     * position, so that each input value is multiplied into every unit's sum by a loop over arrays indexed from
     * 0, which C2 vectorizes (see {@link Conv}).
     */
    private static final class FullyConnectedTransposed implements PreparedOp {
        private final FullyConnected.Plan plan;
        /** {@code rows[d][u]}: the weight of unit {@code u} for input {@code d}. */
        private final int[][] rows;
        private final int[] sums;

        FullyConnectedTransposed(FullyConnected.Plan plan) {
            this.plan = plan;
            this.rows = new int[plan.depth][plan.units];
            for (int u = 0; u < plan.units; u++) {
                for (int d = 0; d < plan.depth; d++) {
                    rows[d][u] = plan.w[plan.wOff + u * plan.depth + d];
                }
            }
            this.sums = new int[plan.units];
        }

        @Override
        public void invoke() {
            final FullyConnected.Plan p = this.plan;
            final int[] sums = this.sums;
            final int depth = p.depth;
            final int units = p.units;
            for (int b = 0; b < p.batches; b++) {
                final int inBase = p.inOff + b * depth;
                int rowSum = 0;
                for (int d = 0; d < depth; d++) {
                    rowSum += p.in[inBase + d] + p.inputOffset;
                }
                final int zeroPointTerm = p.weightsOffset * rowSum;
                for (int u = 0; u < units; u++) {
                    sums[u] = p.bias[u] + zeroPointTerm;
                }
                for (int d = 0; d < depth; d++) {
                    final int x = p.in[inBase + d] + p.inputOffset;
                    if (x != 0) {
                        Conv.axpy(sums, x, rows[d], units);
                    }
                }
                final int outBase = p.outOff + b * units;
                for (int u = 0; u < units; u++) {
                    p.out[outBase + u] = (byte) p.output(sums[u], u);
                }
            }
        }
    }

    /** ADD with both input scalings looked up in 256-entry tables. */
    private static final class AddOp implements PreparedOp {
        private final Add.Plan plan;
        private final int[] table1 = new int[256];
        private final int[] table2 = new int[256];

        AddOp(Add.Plan plan) {
            this.plan = plan;
            for (int q = -128; q < 128; q++) {
                table1[q + 128] = plan.scaled1(q);
                table2[q + 128] = plan.scaled2(q);
            }
        }

        @Override
        public void invoke() {
            final Add.Plan p = this.plan;
            final byte[] a = p.a;
            final byte[] b = p.b;
            final byte[] out = p.out;
            final int[] t1 = table1;
            final int[] t2 = table2;
            final Requant rq = p.output;
            final long m = rq.multiplier[0];
            final int rs = rq.rightShift[0];
            final int mask = rq.remainderMask[0];
            final int thr = rq.threshold[0];
            final int zp = rq.outputZeroPoint;
            final int lo = rq.actMin;
            final int hi = rq.actMax;
            for (int i = 0; i < p.count; i++) {
                int raw = t1[a[p.aOff + i] + 128] + t2[b[p.bOff + i] + 128];
                int v = Requant.multiplySmallerThanOne(raw, m, rs, mask, thr) + zp;
                out[p.outOff + i] = (byte) (v < lo ? lo : (v > hi ? hi : v));
            }
        }
    }

    /** Average pool over unpadded windows: each window's rows summed channel-wise. */
    private static final class Pool implements PreparedOp {
        private final AveragePool2D.Plan plan;
        private final int[] sum;

        Pool(AveragePool2D.Plan plan) {
            this.plan = plan;
            this.sum = new int[plan.window.channels];
        }

        @Override
        public void invoke() {
            final AveragePool2D.Plan p = this.plan;
            final Window win = p.window;
            final int[] sum = this.sum;
            final int channels = win.channels;
            final int taps = win.filterHeight * win.filterWidth;
            final int pixels = win.outPixels();
            int outIndex = p.outOff;
            for (int b = 0; b < win.batches; b++) {
                final int base = p.inOff + b * win.inImageSize();
                for (int px = 0; px < pixels; px++, outIndex += channels) {
                    java.util.Arrays.fill(sum, 0);
                    final int start = base + win.pixelBase[px];
                    for (int t = 0; t < taps; t++) {
                        final int in = start + win.tapOffset[t];
                        for (int c = 0; c < channels; c++) {
                            sum[c] += p.in[in + c];
                        }
                    }
                    for (int c = 0; c < channels; c++) {
                        p.out[outIndex + c] = (byte) p.output(sum[c]);
                    }
                }
            }
        }
    }
}
