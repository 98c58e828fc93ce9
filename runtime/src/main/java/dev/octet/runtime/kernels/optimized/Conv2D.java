package dev.octet.runtime.kernels.optimized;

import dev.octet.runtime.kernels.OpContext;
import dev.octet.runtime.kernels.PreparedOp;
import dev.octet.runtime.model.BuiltinOptions;
import dev.octet.runtime.tensor.Tensor;

/**
 * Optimized int8 CONV_2D with exactly the bytes of {@link dev.octet.runtime.kernels.reference.Conv2D}.
 *
 * <p>The reference kernel's prepare runs first: it validates the operator and is the fallback for everything
 * this kernel does not speed up (float32, weights or bias that are not constant, grouped convolution). For the
 * int8 case the arithmetic is reorganised without changing a bit:
 * <ul>
 *   <li>Each invoke widens the input once into an int image with {@code −zp} already added, inside a border of
 *       zeros where the windows reach past the input ({@link Window}): a padding tap adds {@code w·0}, exactly
 *       what skipping it adds. The sums are int32 with wrapping addition, so the order of the terms does not
 *       matter.</li>
 *   <li>Every window is a list of {@code K = FH·FW·IC} element offsets, so any filter size, stride and dilation
 *       is one loop over {@code k}; a 1×1 convolution is a plain matrix product.</li>
 *   <li>Requantization is {@link Requant}'s branch-free form of the double-rounding multiply.</li>
 * </ul>
 */
public final class Conv2D extends OverReference {
    private final Backend backend;

    Conv2D(Backend backend) {
        super(new dev.octet.runtime.kernels.reference.Conv2D());
        this.backend = backend;
    }

    @Override
    PreparedOp prepareFast(OpContext context) {
        if (context.config().shiftOnlyRequantization()) {
            return null; // Octet's shift-only variant runs the reference kernel's rounding shift
        }
        Plan plan = plan(context);
        return plan == null ? null : backend.conv(plan);
    }

    /** The int8 plan, or null when the reference op should run. Assumes the reference prepare accepted the op. */
    static Plan plan(OpContext context) {
        BuiltinOptions.Conv2D options = context.options(BuiltinOptions.Conv2D.class);
        ConvSetup setup = ConvSetup.plan(context, false, options.strideH(), options.strideW(), options.dilationH(),
                options.dilationW(), options.activation());
        return setup == null ? null : new Plan(setup);
    }

    /** Everything a backend needs to run one int8 convolution. */
    static final class Plan extends ConvPlan {
        final int inChannels;
        final int outChannels;
        /** Weights per output channel: {@code FH·FW·IC}. */
        final int depth;
        /** The OHWI filter bytes: weight {@code (oc, k)} is at {@code filterOff + oc·depth + k}. */
        final byte[] filter;
        final int filterOff;
        /** For each {@code k = (fy·FW + fx)·IC + ic}: its element offset from a window's start in the source. */
        final int[] kOffset;
        /** The bias per output channel (zeros when omitted), padded with zeros to a multiple of {@link Requant#PAD}. */
        final int[] bias;

        Plan(ConvSetup setup) {
            super(setup);
            Tensor filter = setup.filter();
            this.inChannels = window.channels;
            this.outChannels = filter.dim(0);
            this.depth = window.filterHeight * window.filterWidth * inChannels;
            this.filter = filter.array();
            this.filterOff = filter.offset();
            this.kOffset = new int[depth];
            for (int k = 0; k < depth; k++) {
                kOffset[k] = window.tapOffset[k / inChannels] + k % inChannels;
            }
            this.bias = Quantized.bias(setup.bias(), outChannels, Requant.roundUp(outChannels, Requant.PAD));
        }

        int weight(int oc, int k) {
            return filter[filterOff + oc * depth + k];
        }

        /** A new int source image (see {@link Window}); zero-filled, so its border is already right. */
        int[] newSource() {
            return new int[window.srcImageSize()];
        }
    }
}
