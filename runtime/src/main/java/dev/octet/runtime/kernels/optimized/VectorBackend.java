package dev.octet.runtime.kernels.optimized;

import dev.octet.runtime.kernels.PreparedOp;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The optimized loops written with the JDK Vector API ({@code jdk.incubator.vector}). Only {@link
 * OptimizedKernels} loads this class, reflectively, and only when the module is in the boot layer and the
 * hardware has at least 128-bit vectors; nothing else may refer to it.
 *
 * <p><b>One vector width per JVM.</b> The species are chosen once, at class initialization: 256-bit int and float
 * vectors ({@link #N} = 8 lanes) where the hardware has them (AVX2, AVX-512, 256-bit SVE), else 128-bit ones
 * ({@link #N} = 4: ARM NEON on Raspberry Pi-class gateways, SSE). They are {@code static final}, so C2 folds them
 * into constants and every compiled method uses the one width; the loops are written in terms of {@link #N}.
 * (Mixing widths inside one method made JDK 17's C2 stop intrinsifying it: a four-lane variant of the
 * requantization mixed into the 256-bit methods was tried and dropped.)
 *
 * <p>A byte load reads eight int8 values ({@link #B}, the smallest byte species) and the first {@link #N} are
 * widened to an int vector (with 4 lanes, consecutive loads overlap by half). So every loop over int8 data runs its
 * vector steps while the load stays inside the data ({@link #vectorEnd}) and finishes with scalar steps; arrays
 * this class owns are padded instead. (Widening both halves of one load, with {@code convertShape}'s part 1, adds
 * a byte shuffle in JDK 17's C2: ad01's largest fully connected layer ran a third slower that way, with 16-byte
 * vectors on x86.)
 *
 * <p>All arithmetic is on 32-bit lanes with the same wrapping as the scalar code, so the results are
 * bit-identical. The requantization's exact 64-bit product uses 64-bit lanes where 512-bit long vectors are native
 * (AVX-512, {@link #LONG_PRODUCT}) and 16-bit halves in 32-bit lanes elsewhere ({@link Requant#highMul}). Its
 * narrowed result is one 8-byte vector; with 4 lanes only its first 4 bytes are results, and the store of all 8
 * relies on the channel blocks running upwards: the next block overwrites the other 4. The last block of a row,
 * whose store would leave the row, stores its 4 bytes one by one ({@link #spills}).
 *
 * <p>Every vector stays inside one method (or a small helper the JIT inlines), so none is ever boxed:
 * {@code invoke()} allocates nothing once compiled.
 */
final class VectorBackend implements Backend {
    /** Width of the int and float vectors: 256 bits where the hardware has them, else 128. */
    static final int BITS = IntVector.SPECIES_PREFERRED.vectorBitSize() >= 256 ? 256 : 128;
    static final VectorSpecies<Integer> I = BITS == 256 ? IntVector.SPECIES_256 : IntVector.SPECIES_128;
    static final VectorSpecies<Float> F = BITS == 256 ? FloatVector.SPECIES_256 : FloatVector.SPECIES_128;
    /** Lanes of {@link #I} and {@link #F}: 8 or 4. */
    static final int N = I.length();
    /** Long vectors with one lane per int lane, for the 64-bit requantization product. */
    static final VectorSpecies<Long> L = BITS == 256 ? LongVector.SPECIES_512 : LongVector.SPECIES_256;
    /** Eight int8 values: what each byte load reads. */
    static final VectorSpecies<Byte> B = ByteVector.SPECIES_64;
    /** Lanes of {@link #B}: the bytes each load reads, of which the first {@link #N} are used. */
    static final int BN = B.length();
    /** 1.5·2^23: added to an integer-valued float below 2^22 in magnitude, it leaves the integer in the low bits. */
    static final float MAGIC = 12582912f;
    /** The bits of {@link #MAGIC}. */
    static final int MAGIC_BITS = 0x4B400000;
    /**
     * Whether the requantization's 64-bit product runs on 64-bit lanes: with 8 int lanes and native 512-bit long
     * vectors (AVX-512). Elsewhere it is computed from 16-bit halves, and ADD runs the scalar kernel.
     */
    static final boolean LONG_PRODUCT = N == BN && LongVector.SPECIES_PREFERRED.vectorBitSize() >= L.vectorBitSize();

    private final ScalarBackend scalar = new ScalarBackend();

    /**
     * Where the vector steps of a loop over {@code n} int8 values end: a step at {@code i < vectorEnd(n)} loads
     * {@link #BN} bytes from {@code i}, all inside the data. (A precomputed limit, as the loops had before the
     * 128-bit flavour: with the test {@code i + BN <= n} instead, vww01 measured a few per cent slower.)
     */
    static int vectorEnd(int n) {
        return n - BN + 1;
    }

    /**
     * Whether the requantized block of channels {@code [c, c + N)} of a row of {@code n} must be stored byte by byte:
     * with 4 lanes, when the 8-byte store would leave the row. Never with 8 lanes (folds to false).
     */
    static boolean spills(int c, int n) {
        return N < BN && c + BN > n;
    }

    /** True when this JVM and CPU run the vector loops natively (at least 128-bit int vectors). */
    static boolean supported() {
        return IntVector.SPECIES_PREFERRED.vectorBitSize() >= 128;
    }

    @Override
    public String name() {
        return "vector (" + BITS + "-bit)";
    }

    @Override
    public int vectorBits() {
        return BITS;
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
        return plan.constantWeights ? new FullyConnectedTransposed(plan) : new FullyConnectedOp(plan);
    }

    @Override
    public PreparedOp add(Add.Plan plan) {
        return LONG_PRODUCT ? new AddOp(plan) : scalar.add(plan);
    }

    @Override
    public PreparedOp averagePool(AveragePool2D.Plan plan) {
        return new Pool(plan);
    }

    /*
     * No helper below takes or returns a vector: C2 keeps vectors in registers only within one compiled method,
     * and a helper it declines to inline ("callee is too large" once the caller is big) would box every vector
     * passed to it, allocating on each call. So the requantization steps are written out where they are used.
     */

    /**
     * Requantizes {@code rows} rows of {@code n} accumulators ({@code acc[accOff + r·stride + c]}, channel {@code c}) into
     * {@code out[outOff + r·n + c]}: channel block by channel block, so each block's parameters are loaded once.
     */
    static void requantTile(int[] acc, int accOff, int rows, int stride, Requant rq, int n, byte[] out, int outOff) {
        int c = 0;
        final IntVector zp = IntVector.broadcast(I, rq.outputZeroPoint);
        final IntVector lo = IntVector.broadcast(I, rq.actMin);
        final IntVector hi = IntVector.broadcast(I, rq.actMax);
        for (; c + N <= n; c += N) {
            final boolean spills = spills(c, n);
            // Only one of the two product forms is used (LONG_PRODUCT folds), so no unused vector is ever boxed.
            final LongVector mult = LONG_PRODUCT ? LongVector.fromArray(L, rq.multiplier, c) : null;
            final IntVector mh = LONG_PRODUCT ? null : IntVector.fromArray(I, rq.multiplierHigh, c);
            final IntVector ml = LONG_PRODUCT ? null : IntVector.fromArray(I, rq.multiplierLow, c);
            final IntVector ls = IntVector.fromArray(I, rq.leftShift, c);
            final IntVector rs = IntVector.fromArray(I, rq.rightShift, c);
            final IntVector mask = IntVector.fromArray(I, rq.remainderMask, c);
            final IntVector thr = IntVector.fromArray(I, rq.threshold, c);
            for (int r = 0; r < rows; r++) {
                // Requant#multiplyByQuantizedMultiplier on N lanes: the shifted accumulator times the multiplier,
                // nudged and shifted, then the rounding right shift.
                final IntVector a = IntVector.fromArray(I, acc, accOff + r * stride + c)
                        .lanewise(VectorOperators.LSHL, ls);
                final IntVector t;
                if (LONG_PRODUCT) {
                    // On 64-bit lanes (the low 32 bits of the logical shift equal those of the arithmetic one, as
                    // the true result fits in 32 bits).
                    t = (IntVector) ((LongVector) a.convertShape(VectorOperators.I2L, L, 0)).mul(mult).add(1L << 30)
                            .lanewise(VectorOperators.LSHR, 31).convertShape(VectorOperators.L2I, I, 0);
                } else {
                    // Requant#highMul: from 16-bit halves, in 32-bit lanes.
                    final IntVector ah = a.lanewise(VectorOperators.ASHR, 16);
                    final IntVector al = a.and(0xFFFF);
                    final IntVector mid1 = ah.mul(ml);
                    final IntVector mid2 = al.mul(mh);
                    final IntVector s = mid1.and(0xFFFF).add(mid2.and(0xFFFF))
                            .add(al.mul(ml).lanewise(VectorOperators.LSHR, 16)).add(1 << 14);
                    t = ah.mul(mh).add(mid1.lanewise(VectorOperators.ASHR, 16))
                            .add(mid2.lanewise(VectorOperators.ASHR, 16)).lanewise(VectorOperators.LSHL, 1)
                            .add(s.lanewise(VectorOperators.LSHR, 15));
                }
                final IntVector round = thr.add(t.lanewise(VectorOperators.LSHR, 31)).sub(t.and(mask))
                        .lanewise(VectorOperators.LSHR, 31);
                final IntVector v = t.lanewise(VectorOperators.ASHR, rs).add(round).add(zp).max(lo).min(hi);
                final ByteVector bytes = (ByteVector) v.convertShape(VectorOperators.I2B, B, 0);
                final int o = outOff + r * n + c;
                if (spills) { // only with 4 lanes: the four bytes one by one (constant lanes, no loop, or C2 boxes)
                    out[o] = bytes.lane(0);
                    out[o + 1] = bytes.lane(1);
                    out[o + 2] = bytes.lane(2);
                    out[o + 3] = bytes.lane(3);
                } else {
                    bytes.intoArray(out, o);
                }
            }
        }
        for (; c < n; c++) {
            for (int r = 0; r < rows; r++) {
                out[outOff + r * n + c] = (byte) rq.output(acc[accOff + r * stride + c], c);
            }
        }
    }

    /** Requantizes {@code n} accumulators {@code acc[accOff..]} of channels {@code [0, n)} into {@code out}. */
    static void requantRow(int[] acc, int accOff, Requant rq, int n, byte[] out, int outOff) {
        requantTile(acc, accOff, 1, 0, rq, n, out, outOff);
    }

    /**
     * Convolution as a register-blocked matrix product: a tile of output pixels by output channels (4 pixels × 4
     * vectors, 8 × 2 or 8 × 1, that is 16, 16 or 8 vector accumulators; a vector is {@link #N} channels) stays in
     * registers while the loop runs over the window's
     * {@code K} inputs, each step broadcasting one input value per pixel against the tile's weight vectors.
     * Weights are packed per block of channels as {@code [K][width]}, read sequentially. The loop over {@code K}
     * reads each input through an offset table: C2 keeps vector accumulators in registers only within a single
     * loop, so the window is not split into nested loops over its rows.
     *
     * <p>The multiply-accumulate runs in <b>float32 with fused multiply-add</b>, one instruction per {@link #N} products
     * instead of an int multiply and an add, and it is <b>exact</b>: every input {@code x − zp} is an integer in
     * [−255, 255] and every weight one in [−128, 127], so every product is an integer of magnitude at most 32,640,
     * and a sum of at most {@link #SEGMENT} = 128 of them stays below 4,177,921 < 2^22 in magnitude. float32
     * represents every integer below 2^24 exactly, so each fused multiply-add (one rounding of an exact integer
     * result) is exact. The window's {@code K} inputs are summed in segments of at most 128; each segment's float
     * sums are converted to int exactly (adding 1.5·2^23 puts an integer below 2^22 in the low mantissa bits;
     * JDK 17 has no intrinsic for the float-to-int conversion, while this costs one add and one subtract) and
     * added to the int32 accumulators, which start at the bias. int32 addition wraps exactly as the reference's,
     * so the result is the reference's int32 accumulator bit for bit.
     */
    private static final class Conv implements PreparedOp {
        /** Output pixels per pass. */
        private static final int PIXELS = 8;
        /** Most window inputs summed in float before converting (keeps every partial sum below 2^22). */
        static final int SEGMENT = 128;

        private final Conv2D.Plan plan;
        /** Weights as floats, per block {@code [K][width]}. */
        private final float[] weights;
        /** Per block of output channels: first channel, width (4, 2 or 1 vectors) and offset into {@link #weights}. */
        private final int[] blockStart;
        private final int[] blockWidth;
        private final int[] blockOffset;
        /** Output channels rounded up to a whole vector: the row length of {@link #acc}. */
        private final int stride;
        /** The int32 accumulators of one pass, {@code [PIXELS][stride]}. */
        private final int[] acc;
        /** Bias rows to start each pass from, {@code [PIXELS][stride]}. */
        private final int[] biasRows;
        /** The input as floats with the offset added ({@code x − zp}), inside its zero border. */
        private final float[] source;

        Conv(Conv2D.Plan plan) {
            this.plan = plan;
            int oc = plan.outChannels;
            this.stride = Requant.roundUp(oc, N);
            int blocks = 0;
            int[] starts = new int[stride / N];
            int[] widths = new int[stride / N];
            for (int c = 0; c < stride; ) {
                int width = stride - c >= 4 * N ? 4 * N : (stride - c >= 2 * N ? 2 * N : N);
                starts[blocks] = c;
                widths[blocks] = width;
                blocks++;
                c += width;
            }
            this.blockStart = java.util.Arrays.copyOf(starts, blocks);
            this.blockWidth = java.util.Arrays.copyOf(widths, blocks);
            this.blockOffset = new int[blocks];
            this.weights = new float[plan.depth * stride];
            int offset = 0;
            for (int i = 0; i < blocks; i++) {
                blockOffset[i] = offset;
                for (int k = 0; k < plan.depth; k++) {
                    for (int j = 0; j < blockWidth[i]; j++) {
                        int o = blockStart[i] + j;
                        weights[offset + k * blockWidth[i] + j] = o < oc ? plan.weight(o, k) : 0;
                    }
                }
                offset += plan.depth * blockWidth[i];
            }
            this.acc = new int[PIXELS * stride];
            this.biasRows = new int[PIXELS * stride];
            for (int r = 0; r < PIXELS; r++) {
                System.arraycopy(plan.bias, 0, biasRows, r * stride, stride);
            }
            this.source = new float[plan.window.srcImageSize()];
        }

        /**
         * {@link Window#widenInto} for floats, eight elements per step: batch image {@code b}, plus the input
         * offset, into the middle of the source (whose border stays 0).
         */
        private void fill(int b) {
            final Conv2D.Plan p = plan;
            final Window win = p.window;
            final float[] src = source;
            final int rowElems = win.endCol() * win.channels;
            final int vectorElems = vectorEnd(rowElems);
            final int inBase = p.inOff + b * win.inImageSize();
            final int end = win.endRow();
            final int offset = p.inputOffset;
            for (int y = 0; y < end; y++) {
                final int from = inBase + y * win.inWidth * win.channels;
                final int to = ((y + win.padTop) * win.srcWidth + win.padLeft) * win.channels;
                int i = 0;
                for (; i < vectorElems; i += N) {
                    ((FloatVector) ((IntVector) ByteVector.fromArray(B, p.in, from + i)
                            .convertShape(VectorOperators.B2I, I, 0)).add(offset)
                            .convertShape(VectorOperators.I2F, F, 0)).intoArray(src, to + i);
                }
                for (; i < rowElems; i++) {
                    src[to + i] = p.in[from + i] + offset;
                }
            }
        }

        @Override
        public void invoke() {
            final Conv2D.Plan p = this.plan;
            final int[] pixelBase = p.window.pixelBase;
            final int pixels = p.window.outPixels();
            final int oc = p.outChannels;
            final int depth = p.depth;
            final int blocks = blockStart.length;
            final int s = stride;
            int outIndex = p.outOff;
            for (int b = 0; b < p.window.batches; b++) {
                fill(b);
                int px = 0;
                for (; px + PIXELS <= pixels; px += PIXELS) {
                    System.arraycopy(biasRows, 0, acc, 0, PIXELS * s);
                    for (int i = 0; i < blocks; i++) {
                        final int width = blockWidth[i];
                        final int oc0 = blockStart[i];
                        for (int k0 = 0; k0 < depth; k0 += SEGMENT) {
                            final int k1 = Math.min(depth, k0 + SEGMENT);
                            final int wi = blockOffset[i] + k0 * width;
                            if (width == 4 * N) {
                                tile4x4v(px, wi, k0, k1, oc0);
                                tile4x4v(px + 4, wi, k0, k1, 4 * s + oc0);
                            } else if (width == 2 * N) {
                                tile8x2v(px, wi, k0, k1, oc0);
                            } else {
                                tile8x1v(px, wi, k0, k1, oc0);
                            }
                        }
                    }
                    requantTile(acc, 0, PIXELS, s, p.requant, oc, p.out, outIndex);
                    outIndex += PIXELS * oc;
                }
                // The last pixels: four at a time where a block is four vectors wide, then one by one.
                if (pixels - px >= 4) {
                    System.arraycopy(biasRows, 0, acc, 0, 4 * s);
                    for (int i = 0; i < blocks; i++) {
                        for (int k0 = 0; k0 < depth; k0 += SEGMENT) {
                            final int k1 = Math.min(depth, k0 + SEGMENT);
                            if (blockWidth[i] == 4 * N) {
                                tile4x4v(px, blockOffset[i] + k0 * 4 * N, k0, k1, blockStart[i]);
                            } else {
                                for (int r = 0; r < 4; r++) {
                                    tile1(pixelBase[px + r], i, k0, k1, r * s);
                                }
                            }
                        }
                    }
                    requantTile(acc, 0, 4, s, p.requant, oc, p.out, outIndex);
                    outIndex += 4 * oc;
                    px += 4;
                }
                for (; px < pixels; px++, outIndex += oc) {
                    System.arraycopy(biasRows, 0, acc, 0, s);
                    for (int i = 0; i < blocks; i++) {
                        for (int k0 = 0; k0 < depth; k0 += SEGMENT) {
                            tile1(pixelBase[px], i, k0, Math.min(depth, k0 + SEGMENT), 0);
                        }
                    }
                    requantRow(acc, 0, p.requant, oc, p.out, outIndex);
                }
            }
        }

        /** One pixel (window at {@code b0}) by block {@code i}, inputs {@code [k0, k1)}, into {@code acc[accOff + channel]}. */
        private void tile1(int b0, int i, int k0, int k1, int accOff) {
            final int width = blockWidth[i];
            final int wi = blockOffset[i] + k0 * width;
            if (width == 4 * N) {
                tile1x4v(b0, wi, k0, k1, accOff + blockStart[i]);
            } else {
                for (int j = 0; j < width; j += N) {
                    tile1x1v(b0, wi + j, width, k0, k1, accOff + blockStart[i] + j);
                }
            }
        }

        /** One pixel by one vector of channels of a block {@code width} wide (weights {@code width} apart per input). */
        private void tile1x1v(int b0, int wi, int width, int k0, int k1, int accOff) {
            final float[] w = weights;
            final float[] src = source;
            final int[] kOffset = plan.kOffset;
            FloatVector c0 = FloatVector.zero(F);
            for (int j = k0; j < k1; j++, wi += width) {
                c0 = FloatVector.fromArray(F, w, wi).fma(FloatVector.broadcast(F, src[b0 + kOffset[j]]), c0);
            }
            final int[] a = acc;
            ((IntVector) c0.add(MAGIC).viewAsIntegralLanes()).sub(MAGIC_BITS)
                    .add(IntVector.fromArray(I, a, accOff)).intoArray(a, accOff);
        }

        /** Pixels {@code px..px+3} by four vectors of channels from {@code oc0}, inputs {@code [k0, k1)}. */
        private void tile4x4v(int px, int wi, int k0, int k1, int accOff) {
            final float[] w = weights;
            final float[] src = source;
            final int[] kOffset = plan.kOffset;
            final int[] pixelBase = plan.window.pixelBase;
            final int b0 = pixelBase[px + 0];
            final int b1 = pixelBase[px + 1];
            final int b2 = pixelBase[px + 2];
            final int b3 = pixelBase[px + 3];
            FloatVector c00 = FloatVector.zero(F);
            FloatVector c01 = FloatVector.zero(F);
            FloatVector c02 = FloatVector.zero(F);
            FloatVector c03 = FloatVector.zero(F);
            FloatVector c10 = FloatVector.zero(F);
            FloatVector c11 = FloatVector.zero(F);
            FloatVector c12 = FloatVector.zero(F);
            FloatVector c13 = FloatVector.zero(F);
            FloatVector c20 = FloatVector.zero(F);
            FloatVector c21 = FloatVector.zero(F);
            FloatVector c22 = FloatVector.zero(F);
            FloatVector c23 = FloatVector.zero(F);
            FloatVector c30 = FloatVector.zero(F);
            FloatVector c31 = FloatVector.zero(F);
            FloatVector c32 = FloatVector.zero(F);
            FloatVector c33 = FloatVector.zero(F);
            for (int j = k0; j < k1; j++, wi += 4 * N) {
                final int k = kOffset[j];
                final FloatVector w0 = FloatVector.fromArray(F, w, wi);
                final FloatVector w1 = FloatVector.fromArray(F, w, wi + N);
                final FloatVector w2 = FloatVector.fromArray(F, w, wi + 2 * N);
                final FloatVector w3 = FloatVector.fromArray(F, w, wi + 3 * N);
                final FloatVector x0 = FloatVector.broadcast(F, src[b0 + k]);
                c00 = w0.fma(x0, c00);
                c01 = w1.fma(x0, c01);
                c02 = w2.fma(x0, c02);
                c03 = w3.fma(x0, c03);
                final FloatVector x1 = FloatVector.broadcast(F, src[b1 + k]);
                c10 = w0.fma(x1, c10);
                c11 = w1.fma(x1, c11);
                c12 = w2.fma(x1, c12);
                c13 = w3.fma(x1, c13);
                final FloatVector x2 = FloatVector.broadcast(F, src[b2 + k]);
                c20 = w0.fma(x2, c20);
                c21 = w1.fma(x2, c21);
                c22 = w2.fma(x2, c22);
                c23 = w3.fma(x2, c23);
                final FloatVector x3 = FloatVector.broadcast(F, src[b3 + k]);
                c30 = w0.fma(x3, c30);
                c31 = w1.fma(x3, c31);
                c32 = w2.fma(x3, c32);
                c33 = w3.fma(x3, c33);
            }
            final int[] a = acc;
            final int s = stride;
            ((IntVector) c00.add(MAGIC).viewAsIntegralLanes()).sub(MAGIC_BITS)
                    .add(IntVector.fromArray(I, a, accOff)).intoArray(a, accOff);
            ((IntVector) c01.add(MAGIC).viewAsIntegralLanes()).sub(MAGIC_BITS)
                    .add(IntVector.fromArray(I, a, accOff + N)).intoArray(a, accOff + N);
            ((IntVector) c02.add(MAGIC).viewAsIntegralLanes()).sub(MAGIC_BITS)
                    .add(IntVector.fromArray(I, a, accOff + 2 * N)).intoArray(a, accOff + 2 * N);
            ((IntVector) c03.add(MAGIC).viewAsIntegralLanes()).sub(MAGIC_BITS)
                    .add(IntVector.fromArray(I, a, accOff + 3 * N)).intoArray(a, accOff + 3 * N);
            ((IntVector) c10.add(MAGIC).viewAsIntegralLanes()).sub(MAGIC_BITS)
                    .add(IntVector.fromArray(I, a, s + accOff)).intoArray(a, s + accOff);
            ((IntVector) c11.add(MAGIC).viewAsIntegralLanes()).sub(MAGIC_BITS)
                    .add(IntVector.fromArray(I, a, s + accOff + N)).intoArray(a, s + accOff + N);
            ((IntVector) c12.add(MAGIC).viewAsIntegralLanes()).sub(MAGIC_BITS)
                    .add(IntVector.fromArray(I, a, s + accOff + 2 * N)).intoArray(a, s + accOff + 2 * N);
            ((IntVector) c13.add(MAGIC).viewAsIntegralLanes()).sub(MAGIC_BITS)
                    .add(IntVector.fromArray(I, a, s + accOff + 3 * N)).intoArray(a, s + accOff + 3 * N);
            ((IntVector) c20.add(MAGIC).viewAsIntegralLanes()).sub(MAGIC_BITS)
                    .add(IntVector.fromArray(I, a, 2 * s + accOff)).intoArray(a, 2 * s + accOff);
            ((IntVector) c21.add(MAGIC).viewAsIntegralLanes()).sub(MAGIC_BITS)
                    .add(IntVector.fromArray(I, a, 2 * s + accOff + N)).intoArray(a, 2 * s + accOff + N);
            ((IntVector) c22.add(MAGIC).viewAsIntegralLanes()).sub(MAGIC_BITS)
                    .add(IntVector.fromArray(I, a, 2 * s + accOff + 2 * N)).intoArray(a, 2 * s + accOff + 2 * N);
            ((IntVector) c23.add(MAGIC).viewAsIntegralLanes()).sub(MAGIC_BITS)
                    .add(IntVector.fromArray(I, a, 2 * s + accOff + 3 * N)).intoArray(a, 2 * s + accOff + 3 * N);
            ((IntVector) c30.add(MAGIC).viewAsIntegralLanes()).sub(MAGIC_BITS)
                    .add(IntVector.fromArray(I, a, 3 * s + accOff)).intoArray(a, 3 * s + accOff);
            ((IntVector) c31.add(MAGIC).viewAsIntegralLanes()).sub(MAGIC_BITS)
                    .add(IntVector.fromArray(I, a, 3 * s + accOff + N)).intoArray(a, 3 * s + accOff + N);
            ((IntVector) c32.add(MAGIC).viewAsIntegralLanes()).sub(MAGIC_BITS)
                    .add(IntVector.fromArray(I, a, 3 * s + accOff + 2 * N)).intoArray(a, 3 * s + accOff + 2 * N);
            ((IntVector) c33.add(MAGIC).viewAsIntegralLanes()).sub(MAGIC_BITS)
                    .add(IntVector.fromArray(I, a, 3 * s + accOff + 3 * N)).intoArray(a, 3 * s + accOff + 3 * N);
        }

        /** Pixels {@code px..px+7} by two vectors of channels from {@code oc0}, inputs {@code [k0, k1)}. */
        private void tile8x2v(int px, int wi, int k0, int k1, int accOff) {
            final float[] w = weights;
            final float[] src = source;
            final int[] kOffset = plan.kOffset;
            final int[] pixelBase = plan.window.pixelBase;
            final int b0 = pixelBase[px + 0];
            final int b1 = pixelBase[px + 1];
            final int b2 = pixelBase[px + 2];
            final int b3 = pixelBase[px + 3];
            final int b4 = pixelBase[px + 4];
            final int b5 = pixelBase[px + 5];
            final int b6 = pixelBase[px + 6];
            final int b7 = pixelBase[px + 7];
            FloatVector c00 = FloatVector.zero(F);
            FloatVector c01 = FloatVector.zero(F);
            FloatVector c10 = FloatVector.zero(F);
            FloatVector c11 = FloatVector.zero(F);
            FloatVector c20 = FloatVector.zero(F);
            FloatVector c21 = FloatVector.zero(F);
            FloatVector c30 = FloatVector.zero(F);
            FloatVector c31 = FloatVector.zero(F);
            FloatVector c40 = FloatVector.zero(F);
            FloatVector c41 = FloatVector.zero(F);
            FloatVector c50 = FloatVector.zero(F);
            FloatVector c51 = FloatVector.zero(F);
            FloatVector c60 = FloatVector.zero(F);
            FloatVector c61 = FloatVector.zero(F);
            FloatVector c70 = FloatVector.zero(F);
            FloatVector c71 = FloatVector.zero(F);
            for (int j = k0; j < k1; j++, wi += 2 * N) {
                final int k = kOffset[j];
                final FloatVector w0 = FloatVector.fromArray(F, w, wi);
                final FloatVector w1 = FloatVector.fromArray(F, w, wi + N);
                final FloatVector x0 = FloatVector.broadcast(F, src[b0 + k]);
                c00 = w0.fma(x0, c00);
                c01 = w1.fma(x0, c01);
                final FloatVector x1 = FloatVector.broadcast(F, src[b1 + k]);
                c10 = w0.fma(x1, c10);
                c11 = w1.fma(x1, c11);
                final FloatVector x2 = FloatVector.broadcast(F, src[b2 + k]);
                c20 = w0.fma(x2, c20);
                c21 = w1.fma(x2, c21);
                final FloatVector x3 = FloatVector.broadcast(F, src[b3 + k]);
                c30 = w0.fma(x3, c30);
                c31 = w1.fma(x3, c31);
                final FloatVector x4 = FloatVector.broadcast(F, src[b4 + k]);
                c40 = w0.fma(x4, c40);
                c41 = w1.fma(x4, c41);
                final FloatVector x5 = FloatVector.broadcast(F, src[b5 + k]);
                c50 = w0.fma(x5, c50);
                c51 = w1.fma(x5, c51);
                final FloatVector x6 = FloatVector.broadcast(F, src[b6 + k]);
                c60 = w0.fma(x6, c60);
                c61 = w1.fma(x6, c61);
                final FloatVector x7 = FloatVector.broadcast(F, src[b7 + k]);
                c70 = w0.fma(x7, c70);
                c71 = w1.fma(x7, c71);
            }
            final int[] a = acc;
            final int s = stride;
            ((IntVector) c00.add(MAGIC).viewAsIntegralLanes()).sub(MAGIC_BITS)
                    .add(IntVector.fromArray(I, a, accOff)).intoArray(a, accOff);
            ((IntVector) c01.add(MAGIC).viewAsIntegralLanes()).sub(MAGIC_BITS)
                    .add(IntVector.fromArray(I, a, accOff + N)).intoArray(a, accOff + N);
            ((IntVector) c10.add(MAGIC).viewAsIntegralLanes()).sub(MAGIC_BITS)
                    .add(IntVector.fromArray(I, a, s + accOff)).intoArray(a, s + accOff);
            ((IntVector) c11.add(MAGIC).viewAsIntegralLanes()).sub(MAGIC_BITS)
                    .add(IntVector.fromArray(I, a, s + accOff + N)).intoArray(a, s + accOff + N);
            ((IntVector) c20.add(MAGIC).viewAsIntegralLanes()).sub(MAGIC_BITS)
                    .add(IntVector.fromArray(I, a, 2 * s + accOff)).intoArray(a, 2 * s + accOff);
            ((IntVector) c21.add(MAGIC).viewAsIntegralLanes()).sub(MAGIC_BITS)
                    .add(IntVector.fromArray(I, a, 2 * s + accOff + N)).intoArray(a, 2 * s + accOff + N);
            ((IntVector) c30.add(MAGIC).viewAsIntegralLanes()).sub(MAGIC_BITS)
                    .add(IntVector.fromArray(I, a, 3 * s + accOff)).intoArray(a, 3 * s + accOff);
            ((IntVector) c31.add(MAGIC).viewAsIntegralLanes()).sub(MAGIC_BITS)
                    .add(IntVector.fromArray(I, a, 3 * s + accOff + N)).intoArray(a, 3 * s + accOff + N);
            ((IntVector) c40.add(MAGIC).viewAsIntegralLanes()).sub(MAGIC_BITS)
                    .add(IntVector.fromArray(I, a, 4 * s + accOff)).intoArray(a, 4 * s + accOff);
            ((IntVector) c41.add(MAGIC).viewAsIntegralLanes()).sub(MAGIC_BITS)
                    .add(IntVector.fromArray(I, a, 4 * s + accOff + N)).intoArray(a, 4 * s + accOff + N);
            ((IntVector) c50.add(MAGIC).viewAsIntegralLanes()).sub(MAGIC_BITS)
                    .add(IntVector.fromArray(I, a, 5 * s + accOff)).intoArray(a, 5 * s + accOff);
            ((IntVector) c51.add(MAGIC).viewAsIntegralLanes()).sub(MAGIC_BITS)
                    .add(IntVector.fromArray(I, a, 5 * s + accOff + N)).intoArray(a, 5 * s + accOff + N);
            ((IntVector) c60.add(MAGIC).viewAsIntegralLanes()).sub(MAGIC_BITS)
                    .add(IntVector.fromArray(I, a, 6 * s + accOff)).intoArray(a, 6 * s + accOff);
            ((IntVector) c61.add(MAGIC).viewAsIntegralLanes()).sub(MAGIC_BITS)
                    .add(IntVector.fromArray(I, a, 6 * s + accOff + N)).intoArray(a, 6 * s + accOff + N);
            ((IntVector) c70.add(MAGIC).viewAsIntegralLanes()).sub(MAGIC_BITS)
                    .add(IntVector.fromArray(I, a, 7 * s + accOff)).intoArray(a, 7 * s + accOff);
            ((IntVector) c71.add(MAGIC).viewAsIntegralLanes()).sub(MAGIC_BITS)
                    .add(IntVector.fromArray(I, a, 7 * s + accOff + N)).intoArray(a, 7 * s + accOff + N);
        }

        /** Pixels {@code px..px+7} by one vector of channels from {@code oc0}, inputs {@code [k0, k1)}. */
        private void tile8x1v(int px, int wi, int k0, int k1, int accOff) {
            final float[] w = weights;
            final float[] src = source;
            final int[] kOffset = plan.kOffset;
            final int[] pixelBase = plan.window.pixelBase;
            final int b0 = pixelBase[px + 0];
            final int b1 = pixelBase[px + 1];
            final int b2 = pixelBase[px + 2];
            final int b3 = pixelBase[px + 3];
            final int b4 = pixelBase[px + 4];
            final int b5 = pixelBase[px + 5];
            final int b6 = pixelBase[px + 6];
            final int b7 = pixelBase[px + 7];
            FloatVector c00 = FloatVector.zero(F);
            FloatVector c10 = FloatVector.zero(F);
            FloatVector c20 = FloatVector.zero(F);
            FloatVector c30 = FloatVector.zero(F);
            FloatVector c40 = FloatVector.zero(F);
            FloatVector c50 = FloatVector.zero(F);
            FloatVector c60 = FloatVector.zero(F);
            FloatVector c70 = FloatVector.zero(F);
            for (int j = k0; j < k1; j++, wi += N) {
                final int k = kOffset[j];
                final FloatVector w0 = FloatVector.fromArray(F, w, wi);
                final FloatVector x0 = FloatVector.broadcast(F, src[b0 + k]);
                c00 = w0.fma(x0, c00);
                final FloatVector x1 = FloatVector.broadcast(F, src[b1 + k]);
                c10 = w0.fma(x1, c10);
                final FloatVector x2 = FloatVector.broadcast(F, src[b2 + k]);
                c20 = w0.fma(x2, c20);
                final FloatVector x3 = FloatVector.broadcast(F, src[b3 + k]);
                c30 = w0.fma(x3, c30);
                final FloatVector x4 = FloatVector.broadcast(F, src[b4 + k]);
                c40 = w0.fma(x4, c40);
                final FloatVector x5 = FloatVector.broadcast(F, src[b5 + k]);
                c50 = w0.fma(x5, c50);
                final FloatVector x6 = FloatVector.broadcast(F, src[b6 + k]);
                c60 = w0.fma(x6, c60);
                final FloatVector x7 = FloatVector.broadcast(F, src[b7 + k]);
                c70 = w0.fma(x7, c70);
            }
            final int[] a = acc;
            final int s = stride;
            ((IntVector) c00.add(MAGIC).viewAsIntegralLanes()).sub(MAGIC_BITS)
                    .add(IntVector.fromArray(I, a, accOff)).intoArray(a, accOff);
            ((IntVector) c10.add(MAGIC).viewAsIntegralLanes()).sub(MAGIC_BITS)
                    .add(IntVector.fromArray(I, a, s + accOff)).intoArray(a, s + accOff);
            ((IntVector) c20.add(MAGIC).viewAsIntegralLanes()).sub(MAGIC_BITS)
                    .add(IntVector.fromArray(I, a, 2 * s + accOff)).intoArray(a, 2 * s + accOff);
            ((IntVector) c30.add(MAGIC).viewAsIntegralLanes()).sub(MAGIC_BITS)
                    .add(IntVector.fromArray(I, a, 3 * s + accOff)).intoArray(a, 3 * s + accOff);
            ((IntVector) c40.add(MAGIC).viewAsIntegralLanes()).sub(MAGIC_BITS)
                    .add(IntVector.fromArray(I, a, 4 * s + accOff)).intoArray(a, 4 * s + accOff);
            ((IntVector) c50.add(MAGIC).viewAsIntegralLanes()).sub(MAGIC_BITS)
                    .add(IntVector.fromArray(I, a, 5 * s + accOff)).intoArray(a, 5 * s + accOff);
            ((IntVector) c60.add(MAGIC).viewAsIntegralLanes()).sub(MAGIC_BITS)
                    .add(IntVector.fromArray(I, a, 6 * s + accOff)).intoArray(a, 6 * s + accOff);
            ((IntVector) c70.add(MAGIC).viewAsIntegralLanes()).sub(MAGIC_BITS)
                    .add(IntVector.fromArray(I, a, 7 * s + accOff)).intoArray(a, 7 * s + accOff);
        }

        /** One pixel (window at {@code b0}) by four vectors of channels from {@code oc0}, inputs {@code [k0, k1)}. */
        private void tile1x4v(int b0, int wi, int k0, int k1, int accOff) {
            final float[] w = weights;
            final float[] src = source;
            final int[] kOffset = plan.kOffset;
            FloatVector c00 = FloatVector.zero(F);
            FloatVector c01 = FloatVector.zero(F);
            FloatVector c02 = FloatVector.zero(F);
            FloatVector c03 = FloatVector.zero(F);
            for (int j = k0; j < k1; j++, wi += 4 * N) {
                final int k = kOffset[j];
                final FloatVector w0 = FloatVector.fromArray(F, w, wi);
                final FloatVector w1 = FloatVector.fromArray(F, w, wi + N);
                final FloatVector w2 = FloatVector.fromArray(F, w, wi + 2 * N);
                final FloatVector w3 = FloatVector.fromArray(F, w, wi + 3 * N);
                final FloatVector x0 = FloatVector.broadcast(F, src[b0 + k]);
                c00 = w0.fma(x0, c00);
                c01 = w1.fma(x0, c01);
                c02 = w2.fma(x0, c02);
                c03 = w3.fma(x0, c03);
            }
            final int[] a = acc;
            final int s = stride;
            ((IntVector) c00.add(MAGIC).viewAsIntegralLanes()).sub(MAGIC_BITS)
                    .add(IntVector.fromArray(I, a, accOff)).intoArray(a, accOff);
            ((IntVector) c01.add(MAGIC).viewAsIntegralLanes()).sub(MAGIC_BITS)
                    .add(IntVector.fromArray(I, a, accOff + N)).intoArray(a, accOff + N);
            ((IntVector) c02.add(MAGIC).viewAsIntegralLanes()).sub(MAGIC_BITS)
                    .add(IntVector.fromArray(I, a, accOff + 2 * N)).intoArray(a, accOff + 2 * N);
            ((IntVector) c03.add(MAGIC).viewAsIntegralLanes()).sub(MAGIC_BITS)
                    .add(IntVector.fromArray(I, a, accOff + 3 * N)).intoArray(a, accOff + 3 * N);
        }
    }

    /**
     * {@link Window#widenInto}, eight elements per step: batch image {@code b} of {@code in}, plus {@code offset},
     * into the middle of the int source image {@code src}.
     */
    static void fill(Window win, byte[] in, int inOff, int b, int offset, int[] src) {
        final int rowElems = win.endCol() * win.channels;
        final int vectorElems = vectorEnd(rowElems);
        final int inBase = inOff + b * win.inImageSize();
        final int end = win.endRow();
        for (int y = 0; y < end; y++) {
            final int from = inBase + y * win.inWidth * win.channels;
            final int to = ((y + win.padTop) * win.srcWidth + win.padLeft) * win.channels;
            int i = 0;
            for (; i < vectorElems; i += N) {
                ((IntVector) ByteVector.fromArray(B, in, from + i).convertShape(VectorOperators.B2I, I, 0)).add(offset).intoArray(src, to + i);
            }
            for (; i < rowElems; i++) {
                src[to + i] = in[from + i] + offset;
            }
        }
    }

    /**
     * Depthwise convolution, {@link #N} channels per vector. For 3×3 filters (the common case) one channel block's
     * nine weight vectors and its requantization parameters are held in registers while the loop runs over every
     * output pixel; other filters loop over their taps.
     */
    private static final class Depthwise implements PreparedOp {
        private final DepthwiseConv2D.Plan plan;
        private final int[] source;

        Depthwise(DepthwiseConv2D.Plan plan) {
            this.plan = plan;
            this.source = plan.newSource();
        }

        @Override
        public void invoke() {
            final DepthwiseConv2D.Plan p = this.plan;
            final Window win = p.window;
            // Blocks in ascending order, each storing 8 bytes per pixel: see the class comment.
            final int vectorChannels = p.channels - p.channels % N;
            for (int b = 0; b < win.batches; b++) {
                fill(win, p.in, p.inOff, b, p.inputOffset, source);
                final int outBase = p.outOff + b * win.outPixels() * p.channels;
                int c = 0;
                if (win.filterHeight == 3 && win.filterWidth == 3) {
                    for (; c < vectorChannels; c += N) {
                        block3x3(c, outBase);
                    }
                } else {
                    for (; c < vectorChannels; c += N) {
                        blockAnyFilter(c, outBase);
                    }
                }
                for (; c < p.channels; c++) {
                    channelScalar(c, outBase);
                }
            }
        }

        private void block3x3(int c, int outBase) {
            final DepthwiseConv2D.Plan p = this.plan;
            final int[] src = this.source;
            final int[] w = p.weights;
            final int ws = p.paddedChannels;
            final int[] tapOffset = p.window.tapOffset;
            final int[] pixelBase = p.window.pixelBase;
            final int pixels = p.window.outPixels();
            final int channels = p.channels;
            final Requant rq = p.requant;
            // Tap offsets of a 3×3 window: three rows, three columns.
            final int col = tapOffset[1];
            final int row = tapOffset[3];
            final IntVector w0 = IntVector.fromArray(I, w, c);
            final IntVector w1 = IntVector.fromArray(I, w, ws + c);
            final IntVector w2 = IntVector.fromArray(I, w, 2 * ws + c);
            final IntVector w3 = IntVector.fromArray(I, w, 3 * ws + c);
            final IntVector w4 = IntVector.fromArray(I, w, 4 * ws + c);
            final IntVector w5 = IntVector.fromArray(I, w, 5 * ws + c);
            final IntVector w6 = IntVector.fromArray(I, w, 6 * ws + c);
            final IntVector w7 = IntVector.fromArray(I, w, 7 * ws + c);
            final IntVector w8 = IntVector.fromArray(I, w, 8 * ws + c);
            final IntVector bias = IntVector.fromArray(I, p.bias, c);
            // Only one of the two product forms is used (LONG_PRODUCT folds), so no unused vector is ever boxed.
            final LongVector mult = LONG_PRODUCT ? LongVector.fromArray(L, rq.multiplier, c) : null;
            final IntVector mh = LONG_PRODUCT ? null : IntVector.fromArray(I, rq.multiplierHigh, c);
            final IntVector ml = LONG_PRODUCT ? null : IntVector.fromArray(I, rq.multiplierLow, c);
            final IntVector ls = IntVector.fromArray(I, rq.leftShift, c);
            final IntVector rs = IntVector.fromArray(I, rq.rightShift, c);
            final IntVector mask = IntVector.fromArray(I, rq.remainderMask, c);
            final IntVector thr = IntVector.fromArray(I, rq.threshold, c);
            final IntVector zp = IntVector.broadcast(I, rq.outputZeroPoint);
            final IntVector lo = IntVector.broadcast(I, rq.actMin);
            final IntVector hi = IntVector.broadcast(I, rq.actMax);
            final boolean spills = spills(c, p.channels);
            final byte[] out = p.out;
            for (int px = 0, o = outBase + c; px < pixels; px++, o += channels) {
                final int r0 = pixelBase[px] + c;
                final int r1 = r0 + row;
                final int r2 = r1 + row;
                IntVector acc = bias.add(IntVector.fromArray(I, src, r0).mul(w0))
                        .add(IntVector.fromArray(I, src, r0 + col).mul(w1))
                        .add(IntVector.fromArray(I, src, r0 + 2 * col).mul(w2));
                acc = acc.add(IntVector.fromArray(I, src, r1).mul(w3))
                        .add(IntVector.fromArray(I, src, r1 + col).mul(w4))
                        .add(IntVector.fromArray(I, src, r1 + 2 * col).mul(w5));
                acc = acc.add(IntVector.fromArray(I, src, r2).mul(w6))
                        .add(IntVector.fromArray(I, src, r2 + col).mul(w7))
                        .add(IntVector.fromArray(I, src, r2 + 2 * col).mul(w8));
                // Requantization as in requantTile, with this block's parameters held in registers.
                final IntVector a = acc.lanewise(VectorOperators.LSHL, ls);
                final IntVector t;
                if (LONG_PRODUCT) {
                    t = (IntVector) ((LongVector) a.convertShape(VectorOperators.I2L, L, 0)).mul(mult).add(1L << 30)
                            .lanewise(VectorOperators.LSHR, 31).convertShape(VectorOperators.L2I, I, 0);
                } else {
                    final IntVector ah = a.lanewise(VectorOperators.ASHR, 16);
                    final IntVector al = a.and(0xFFFF);
                    final IntVector mid1 = ah.mul(ml);
                    final IntVector mid2 = al.mul(mh);
                    final IntVector s = mid1.and(0xFFFF).add(mid2.and(0xFFFF))
                            .add(al.mul(ml).lanewise(VectorOperators.LSHR, 16)).add(1 << 14);
                    t = ah.mul(mh).add(mid1.lanewise(VectorOperators.ASHR, 16))
                            .add(mid2.lanewise(VectorOperators.ASHR, 16)).lanewise(VectorOperators.LSHL, 1)
                            .add(s.lanewise(VectorOperators.LSHR, 15));
                }
                final IntVector round = thr.add(t.lanewise(VectorOperators.LSHR, 31)).sub(t.and(mask))
                        .lanewise(VectorOperators.LSHR, 31);
                final IntVector v = t.lanewise(VectorOperators.ASHR, rs).add(round).add(zp).max(lo).min(hi);
                final ByteVector bytes = (ByteVector) v.convertShape(VectorOperators.I2B, B, 0);
                if (spills) { // only with 4 lanes: the four bytes one by one (constant lanes, no loop, or C2 boxes)
                    out[o] = bytes.lane(0);
                    out[o + 1] = bytes.lane(1);
                    out[o + 2] = bytes.lane(2);
                    out[o + 3] = bytes.lane(3);
                } else {
                    bytes.intoArray(out, o);
                }
            }
        }

        private void blockAnyFilter(int c, int outBase) {
            final DepthwiseConv2D.Plan p = this.plan;
            final int[] src = this.source;
            final int[] w = p.weights;
            final int ws = p.paddedChannels;
            final int[] tapOffset = p.window.tapOffset;
            final int[] pixelBase = p.window.pixelBase;
            final int pixels = p.window.outPixels();
            final int taps = p.taps;
            final Requant rq = p.requant;
            final IntVector bias = IntVector.fromArray(I, p.bias, c);
            // Only one of the two product forms is used (LONG_PRODUCT folds), so no unused vector is ever boxed.
            final LongVector mult = LONG_PRODUCT ? LongVector.fromArray(L, rq.multiplier, c) : null;
            final IntVector mh = LONG_PRODUCT ? null : IntVector.fromArray(I, rq.multiplierHigh, c);
            final IntVector ml = LONG_PRODUCT ? null : IntVector.fromArray(I, rq.multiplierLow, c);
            final IntVector ls = IntVector.fromArray(I, rq.leftShift, c);
            final IntVector rs = IntVector.fromArray(I, rq.rightShift, c);
            final IntVector mask = IntVector.fromArray(I, rq.remainderMask, c);
            final IntVector thr = IntVector.fromArray(I, rq.threshold, c);
            final IntVector zp = IntVector.broadcast(I, rq.outputZeroPoint);
            final IntVector lo = IntVector.broadcast(I, rq.actMin);
            final IntVector hi = IntVector.broadcast(I, rq.actMax);
            final boolean spills = spills(c, p.channels);
            final byte[] out = p.out;
            for (int px = 0, o = outBase + c; px < pixels; px++, o += p.channels) {
                final int start = pixelBase[px] + c;
                IntVector acc = bias;
                for (int t = 0, wt = c; t < taps; t++, wt += ws) {
                    acc = acc.add(IntVector.fromArray(I, src, start + tapOffset[t]).mul(IntVector.fromArray(I, w, wt)));
                }
                // Requantization as in requantTile, with this block's parameters held in registers.
                final IntVector a = acc.lanewise(VectorOperators.LSHL, ls);
                final IntVector t;
                if (LONG_PRODUCT) {
                    t = (IntVector) ((LongVector) a.convertShape(VectorOperators.I2L, L, 0)).mul(mult).add(1L << 30)
                            .lanewise(VectorOperators.LSHR, 31).convertShape(VectorOperators.L2I, I, 0);
                } else {
                    final IntVector ah = a.lanewise(VectorOperators.ASHR, 16);
                    final IntVector al = a.and(0xFFFF);
                    final IntVector mid1 = ah.mul(ml);
                    final IntVector mid2 = al.mul(mh);
                    final IntVector s = mid1.and(0xFFFF).add(mid2.and(0xFFFF))
                            .add(al.mul(ml).lanewise(VectorOperators.LSHR, 16)).add(1 << 14);
                    t = ah.mul(mh).add(mid1.lanewise(VectorOperators.ASHR, 16))
                            .add(mid2.lanewise(VectorOperators.ASHR, 16)).lanewise(VectorOperators.LSHL, 1)
                            .add(s.lanewise(VectorOperators.LSHR, 15));
                }
                final IntVector round = thr.add(t.lanewise(VectorOperators.LSHR, 31)).sub(t.and(mask))
                        .lanewise(VectorOperators.LSHR, 31);
                final IntVector v = t.lanewise(VectorOperators.ASHR, rs).add(round).add(zp).max(lo).min(hi);
                final ByteVector bytes = (ByteVector) v.convertShape(VectorOperators.I2B, B, 0);
                if (spills) { // only with 4 lanes: the four bytes one by one (constant lanes, no loop, or C2 boxes)
                    out[o] = bytes.lane(0);
                    out[o + 1] = bytes.lane(1);
                    out[o + 2] = bytes.lane(2);
                    out[o + 3] = bytes.lane(3);
                } else {
                    bytes.intoArray(out, o);
                }
            }
        }

        private void channelScalar(int c, int outBase) {
            final DepthwiseConv2D.Plan p = this.plan;
            final int[] src = this.source;
            final int[] tapOffset = p.window.tapOffset;
            final int[] pixelBase = p.window.pixelBase;
            final int pixels = p.window.outPixels();
            for (int px = 0, o = outBase + c; px < pixels; px++, o += p.channels) {
                final int start = pixelBase[px] + c;
                int acc = p.bias[c];
                for (int t = 0; t < p.taps; t++) {
                    acc += src[start + tapOffset[t]] * p.weights[t * p.paddedChannels + c];
                }
                p.out[o] = (byte) p.requant.output(acc, c);
            }
        }
    }

    /**
     * The per-row setup both fully-connected loops share (outside their multiply-accumulate loops): widens input
     * row {@code b} into {@code x} with the input offset added, eight values per step, and returns the folded
     * weight zero point term {@code weightsOffset · Σ x}. No vector enters or leaves this method.
     */
    static int widenRow(FullyConnected.Plan p, int b, int[] x) {
        final int depth = p.depth;
        final int vectorDepth = vectorEnd(depth);
        final int inBase = p.inOff + b * depth;
        int d = 0;
        for (; d < vectorDepth; d += N) {
            ((IntVector) ByteVector.fromArray(B, p.in, inBase + d).convertShape(VectorOperators.B2I, I, 0)).add(p.inputOffset).intoArray(x, d);
        }
        for (; d < depth; d++) {
            x[d] = p.in[inBase + d] + p.inputOffset;
        }
        int rowSum = 0;
        if (p.weightsOffset != 0) {
            for (d = 0; d < depth; d++) {
                rowSum += x[d];
            }
        }
        return p.weightsOffset * rowSum;
    }

    /** Requantizes the unit sums of row {@code b} (bias included) into the output, as the plan's semantics say. */
    static void storeRow(FullyConnected.Plan p, int b, int[] sums) {
        final int units = p.units;
        final int outBase = p.outOff + b * units;
        if (p.floatRequantization) {
            for (int u = 0; u < units; u++) {
                p.out[outBase + u] = (byte) p.output(sums[u], u);
            }
        } else {
            requantRow(sums, 0, p.requant, units, p.out, outBase);
        }
    }

    /**
     * Fully connected: the input row widened once (offset added), then four units at a time, eight depth positions
     * per step with the weights widened from bytes in place; the unit sums are collected and requantized a vector at
     * a time.
     */
    private static final class FullyConnectedOp implements PreparedOp {
        private final FullyConnected.Plan plan;
        private final int[] row;
        private final int[] sums;

        FullyConnectedOp(FullyConnected.Plan plan) {
            this.plan = plan;
            this.row = new int[plan.depth];
            this.sums = new int[Requant.roundUp(plan.units, N)];
        }

        @Override
        public void invoke() {
            final FullyConnected.Plan p = this.plan;
            final int[] x = this.row;
            final int[] sums = this.sums;
            final byte[] w = p.w;
            final int depth = p.depth;
            final int vectorDepth = vectorEnd(depth);
            final int units = p.units;
            for (int b = 0; b < p.batches; b++) {
                final int zeroPointTerm = widenRow(p, b, x);
                int d;
                int u = 0;
                for (; u + 4 <= units; u += 4) {
                    final int w0 = p.wOff + u * depth;
                    final int w1 = w0 + depth;
                    final int w2 = w1 + depth;
                    final int w3 = w2 + depth;
                    IntVector a0 = IntVector.zero(I);
                    IntVector a1 = a0;
                    IntVector a2 = a0;
                    IntVector a3 = a0;
                    for (d = 0; d < vectorDepth; d += N) {
                        final IntVector xv = IntVector.fromArray(I, x, d);
                        a0 = a0.add(((IntVector) ByteVector.fromArray(B, w, w0 + d).convertShape(VectorOperators.B2I, I, 0)).mul(xv));
                        a1 = a1.add(((IntVector) ByteVector.fromArray(B, w, w1 + d).convertShape(VectorOperators.B2I, I, 0)).mul(xv));
                        a2 = a2.add(((IntVector) ByteVector.fromArray(B, w, w2 + d).convertShape(VectorOperators.B2I, I, 0)).mul(xv));
                        a3 = a3.add(((IntVector) ByteVector.fromArray(B, w, w3 + d).convertShape(VectorOperators.B2I, I, 0)).mul(xv));
                    }
                    int s0 = a0.reduceLanes(VectorOperators.ADD);
                    int s1 = a1.reduceLanes(VectorOperators.ADD);
                    int s2 = a2.reduceLanes(VectorOperators.ADD);
                    int s3 = a3.reduceLanes(VectorOperators.ADD);
                    for (; d < depth; d++) {
                        s0 += w[w0 + d] * x[d];
                        s1 += w[w1 + d] * x[d];
                        s2 += w[w2 + d] * x[d];
                        s3 += w[w3 + d] * x[d];
                    }
                    sums[u] = s0 + zeroPointTerm + p.bias[u];
                    sums[u + 1] = s1 + zeroPointTerm + p.bias[u + 1];
                    sums[u + 2] = s2 + zeroPointTerm + p.bias[u + 2];
                    sums[u + 3] = s3 + zeroPointTerm + p.bias[u + 3];
                }
                for (; u < units; u++) {
                    final int w0 = p.wOff + u * depth;
                    IntVector a0 = IntVector.zero(I);
                    for (d = 0; d < vectorDepth; d += N) {
                        a0 = a0.add(((IntVector) ByteVector.fromArray(B, w, w0 + d).convertShape(VectorOperators.B2I, I, 0)).mul(IntVector.fromArray(I, x, d)));
                    }
                    int s0 = a0.reduceLanes(VectorOperators.ADD);
                    for (; d < depth; d++) {
                        s0 += w[w0 + d] * x[d];
                    }
                    sums[u] = s0 + zeroPointTerm + p.bias[u];
                }
                storeRow(p, b, sums);
            }
        }
    }

    /**
     * Fully connected with constant weights, vectorized across units: the weights are transposed once to
     * {@code [depth][units]} bytes, and up to four vectors of units (four accumulators) sum {@code w·x'} over the
     * depth, each step broadcasting one input value. No horizontal reductions, and the sums come out as vectors, ready for
     * the vector requantization.
     */
    private static final class FullyConnectedTransposed implements PreparedOp {
        private final FullyConnected.Plan plan;
        /** {@code [depth][stride]}: weight of unit {@code u} at depth {@code d} at {@code d·stride + u}. */
        private final byte[] weights;
        /** Units rounded up to a whole vector; the padding units have zero weights. */
        private final int stride;
        private final int[] bias;
        private final int[] row;
        private final int[] sums;

        FullyConnectedTransposed(FullyConnected.Plan plan) {
            this.plan = plan;
            this.stride = Requant.roundUp(plan.units, N);
            // Padded so that the last row's last byte load (BN bytes, of which N are used) stays inside.
            this.weights = new byte[plan.depth * stride + BN - N];
            for (int u = 0; u < plan.units; u++) {
                for (int d = 0; d < plan.depth; d++) {
                    weights[d * stride + u] = plan.w[plan.wOff + u * plan.depth + d];
                }
            }
            this.bias = java.util.Arrays.copyOf(plan.bias, stride);
            this.row = new int[plan.depth];
            this.sums = new int[stride];
        }

        @Override
        public void invoke() {
            final FullyConnected.Plan p = this.plan;
            final int[] x = this.row;
            final int depth = p.depth;
            for (int b = 0; b < p.batches; b++) {
                final int zeroPointTerm = widenRow(p, b, x);
                // The unit blocks are written out here rather than in helpers: C2 compiles this loop better
                // inlined (measured: a third faster on the anomaly-detection model) and does not reliably inline
                // a helper of this size by itself.
                final byte[] w = weights;
                final int s = stride;
                int u = 0;
                for (; u + 4 * N <= s; u += 4 * N) {
                    IntVector a0 = IntVector.fromArray(I, bias, u).add(zeroPointTerm);
                    IntVector a1 = IntVector.fromArray(I, bias, u + N).add(zeroPointTerm);
                    IntVector a2 = IntVector.fromArray(I, bias, u + 2 * N).add(zeroPointTerm);
                    IntVector a3 = IntVector.fromArray(I, bias, u + 3 * N).add(zeroPointTerm);
                    for (int k = 0, wi = u; k < depth; k++, wi += s) {
                        final int xk = x[k];
                        a0 = a0.add(((IntVector) ByteVector.fromArray(B, w, wi)
                                .convertShape(VectorOperators.B2I, I, 0)).mul(xk));
                        a1 = a1.add(((IntVector) ByteVector.fromArray(B, w, wi + N)
                                .convertShape(VectorOperators.B2I, I, 0)).mul(xk));
                        a2 = a2.add(((IntVector) ByteVector.fromArray(B, w, wi + 2 * N)
                                .convertShape(VectorOperators.B2I, I, 0)).mul(xk));
                        a3 = a3.add(((IntVector) ByteVector.fromArray(B, w, wi + 3 * N)
                                .convertShape(VectorOperators.B2I, I, 0)).mul(xk));
                    }
                    a0.intoArray(sums, u);
                    a1.intoArray(sums, u + N);
                    a2.intoArray(sums, u + 2 * N);
                    a3.intoArray(sums, u + 3 * N);
                }
                for (; u < s; u += N) {
                    IntVector a0 = IntVector.fromArray(I, bias, u).add(zeroPointTerm);
                    for (int k = 0, wi = u; k < depth; k++, wi += s) {
                        a0 = a0.add(((IntVector) ByteVector.fromArray(B, w, wi)
                                .convertShape(VectorOperators.B2I, I, 0)).mul(x[k]));
                    }
                    a0.intoArray(sums, u);
                }
                storeRow(p, b, sums);
            }
        }
    }

    /** ADD, eight elements per step, every scaling on 64-bit lanes. */
    private static final class AddOp implements PreparedOp {
        private final Add.Plan plan;

        AddOp(Add.Plan plan) {
            this.plan = plan;
        }

        @Override
        public void invoke() {
            final Add.Plan p = this.plan;
            final int n = p.count;
            final Requant rq = p.output;
            int i = 0;
            final long m1 = p.scale1.multiplier[0];
            final long m2 = p.scale2.multiplier[0];
            final long mOut = rq.multiplier[0];
            for (; i + N <= n; i += N) {
                // Each scaling is Requant#multiplySmallerThanOne on eight lanes (see requantTile); the shifts are
                // the same for every lane, so they are scalars.
                final IntVector x1 = ((IntVector) ByteVector.fromArray(B, p.a, p.aOff + i)
                        .convertShape(VectorOperators.B2I, I, 0)).add(p.offset1)
                        .lanewise(VectorOperators.LSHL, Add.LEFT_SHIFT);
                final IntVector t1 = (IntVector) ((LongVector) x1.convertShape(VectorOperators.I2L, L, 0)).mul(m1)
                        .add(1L << 30).lanewise(VectorOperators.LSHR, 31).convertShape(VectorOperators.L2I, I, 0);
                final IntVector s1 = t1.lanewise(VectorOperators.ASHR, p.scale1.rightShift[0])
                        .add(t1.lanewise(VectorOperators.LSHR, 31).add(p.scale1.threshold[0])
                                .sub(t1.and(p.scale1.remainderMask[0])).lanewise(VectorOperators.LSHR, 31));
                final IntVector x2 = ((IntVector) ByteVector.fromArray(B, p.b, p.bOff + i)
                        .convertShape(VectorOperators.B2I, I, 0)).add(p.offset2)
                        .lanewise(VectorOperators.LSHL, Add.LEFT_SHIFT);
                final IntVector t2 = (IntVector) ((LongVector) x2.convertShape(VectorOperators.I2L, L, 0)).mul(m2)
                        .add(1L << 30).lanewise(VectorOperators.LSHR, 31).convertShape(VectorOperators.L2I, I, 0);
                final IntVector s2 = t2.lanewise(VectorOperators.ASHR, p.scale2.rightShift[0])
                        .add(t2.lanewise(VectorOperators.LSHR, 31).add(p.scale2.threshold[0])
                                .sub(t2.and(p.scale2.remainderMask[0])).lanewise(VectorOperators.LSHR, 31));
                final IntVector raw = s1.add(s2);
                final IntVector t = (IntVector) ((LongVector) raw.convertShape(VectorOperators.I2L, L, 0)).mul(mOut)
                        .add(1L << 30).lanewise(VectorOperators.LSHR, 31).convertShape(VectorOperators.L2I, I, 0);
                final IntVector v = t.lanewise(VectorOperators.ASHR, rq.rightShift[0])
                        .add(t.lanewise(VectorOperators.LSHR, 31).add(rq.threshold[0]).sub(t.and(rq.remainderMask[0]))
                                .lanewise(VectorOperators.LSHR, 31))
                        .add(rq.outputZeroPoint).max(rq.actMin).min(rq.actMax);
                ((ByteVector) v.convertShape(VectorOperators.I2B, B, 0)).intoArray(p.out, p.outOff + i);
            }
            for (; i < n; i++) {
                p.out[p.outOff + i] = (byte) p.output(p.scaled1(p.a[p.aOff + i]) + p.scaled2(p.b[p.bOff + i]));
            }
        }
    }

    /** Average pool over unpadded windows: window sums a vector of channels at a time. */
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
            final int vectorChannels = vectorEnd(channels);
            final int taps = win.filterHeight * win.filterWidth;
            final int pixels = win.outPixels();
            final int[] tapOffset = win.tapOffset;
            final byte[] in = p.in;
            int outIndex = p.outOff;
            for (int b = 0; b < win.batches; b++) {
                final int base = p.inOff + b * win.inImageSize();
                for (int px = 0; px < pixels; px++, outIndex += channels) {
                    final int start = base + win.pixelBase[px];
                    int c = 0;
                    for (; c < vectorChannels; c += N) {
                        IntVector s = IntVector.zero(I);
                        for (int t = 0; t < taps; t++) {
                            s = s.add(((IntVector) ByteVector.fromArray(B, in, start + tapOffset[t] + c).convertShape(VectorOperators.B2I, I, 0)));
                        }
                        s.intoArray(sum, c);
                    }
                    for (; c < channels; c++) {
                        int s = 0;
                        for (int t = 0; t < taps; t++) {
                            s += in[start + tapOffset[t] + c];
                        }
                        sum[c] = s;
                    }
                    for (c = 0; c < channels; c++) {
                        p.out[outIndex + c] = (byte) p.output(sum[c]);
                    }
                }
            }
        }
    }
}
