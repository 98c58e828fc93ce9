package dev.octet.runtime.kernels.optimized;

import dev.octet.runtime.kernels.OpContext;
import dev.octet.runtime.kernels.PreparedOp;
import dev.octet.runtime.model.BuiltinOptions;
import dev.octet.runtime.tensor.Tensor;

/**
 * Optimized int8 DEPTHWISE_CONV_2D (depth multiplier 1, any filter size, stride and dilation) with exactly the
 * bytes of {@link dev.octet.runtime.kernels.reference.DepthwiseConv2D}, which also validates the operator and
 * runs everything else (float32, depth multiplier above 1, weights or bias that are not constant).
 *
 * <p>Each invoke widens the input once into an int image with the input offset {@code −zp} already added and a
 * border of zeros where the windows reach outside ({@link Window}); a zero adds nothing, exactly like the taps
 * the reference skips. Every output channel then sums {@code w·x'} over the window's taps plus its bias
 * (wrapping int32, so the order does not matter) and is requantized by {@link Requant}.
 */
public final class DepthwiseConv2D extends OverReference {
    private final Backend backend;

    DepthwiseConv2D(Backend backend) {
        super(new dev.octet.runtime.kernels.reference.DepthwiseConv2D());
        this.backend = backend;
    }

    @Override
    PreparedOp prepareFast(OpContext context) {
        if (context.config().shiftOnlyRequantization()) {
            return null; // Octet's shift-only variant runs the reference kernel's rounding shift
        }
        BuiltinOptions.DepthwiseConv2D options = context.options(BuiltinOptions.DepthwiseConv2D.class);
        ConvSetup setup = ConvSetup.plan(context, true, options.strideH(), options.strideW(), options.dilationH(),
                options.dilationW(), options.activation());
        return setup == null ? null : backend.depthwise(new Plan(setup));
    }

    /** Everything a backend needs to run one int8 depthwise convolution. */
    static final class Plan extends ConvPlan {
        final int channels;
        /** Channels rounded up to {@link Requant#PAD}. */
        final int paddedChannels;
        final int taps;
        /** Weights widened to int as {@code [tap][paddedChannels]}, zero in the padding channels. */
        final int[] weights;
        final int[] bias;

        Plan(ConvSetup setup) {
            super(setup);
            Tensor filter = setup.filter();
            this.channels = window.channels;
            this.paddedChannels = Requant.roundUp(channels, Requant.PAD);
            this.taps = window.filterHeight * window.filterWidth;
            this.weights = new int[taps * paddedChannels];
            for (int t = 0; t < taps; t++) {
                for (int c = 0; c < channels; c++) {
                    weights[t * paddedChannels + c] = filter.getInt8(t * channels + c);
                }
            }
            this.bias = Quantized.bias(setup.bias(), channels, paddedChannels);
        }

        /**
         * A new int source image. It is over-allocated by {@link Requant#PAD} elements so a vector loop may read a
         * whole vector at the last pixel's last channel block.
         */
        int[] newSource() {
            return new int[window.srcImageSize() + Requant.PAD];
        }

        /** Refills {@code src} with batch image {@code b} (offset applied; the border stays zero). */
        void fill(int b, int[] src) {
            window.widenInto(in, inOff, b, inputOffset, src);
        }
    }
}
