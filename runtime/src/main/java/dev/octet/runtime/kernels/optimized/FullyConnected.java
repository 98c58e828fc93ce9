package dev.octet.runtime.kernels.optimized;

import dev.octet.runtime.kernels.OpContext;
import dev.octet.runtime.kernels.PreparedOp;
import dev.octet.runtime.kernels.ReferenceSemantics;
import dev.octet.runtime.model.BuiltinOptions;
import dev.octet.runtime.model.Quantization;
import dev.octet.runtime.model.TensorType;
import dev.octet.runtime.quant.ActivationRange;
import dev.octet.runtime.quant.FixedPoint;
import dev.octet.runtime.quant.QuantizedMultiplier;
import dev.octet.runtime.tensor.Tensor;

/**
 * Optimized int8 FULLY_CONNECTED with exactly the bytes of
 * {@link dev.octet.runtime.kernels.reference.FullyConnected} under both {@link ReferenceSemantics}; the
 * reference kernel validates the operator and runs float32 and non-constant biases.
 *
 * <p>Each invoke widens an input row once to ints with the input offset added, then every unit is a dot
 * product with its row of int8 weights (read in place from the model bytes). A per-tensor weight zero point
 * {@code z} is folded out: {@code Σ (w − z)·x' = Σ w·x' − z·Σ x'}. TFLM semantics requantize with
 * {@link Requant}; TFLITE semantics with the same float rounding as the reference.
 */
public final class FullyConnected extends OverReference {
    private final Backend backend;

    FullyConnected(Backend backend) {
        super(new dev.octet.runtime.kernels.reference.FullyConnected());
        this.backend = backend;
    }

    @Override
    PreparedOp prepareFast(OpContext context) {
        if (context.config().shiftOnlyRequantization()) {
            return null; // Octet's shift-only variant runs the reference kernel's rounding shift
        }
        Tensor input = context.input(0);
        Tensor filter = context.input(1);
        Tensor bias = context.input(2);
        Tensor output = context.output(0);
        if (input.type() != TensorType.INT8 || (bias != null && !bias.isConstant())) {
            return null;
        }
        BuiltinOptions.FullyConnected options = context.options(BuiltinOptions.FullyConnected.class);
        Quantization inQ = input.quantization();
        Quantization outQ = output.quantization();
        Quantization wQ = filter.quantization();
        int units = filter.dim(0);
        float inScale = inQ.scale();
        float outScale = outQ.scale();
        int[] multipliers = new int[units];
        int[] shifts = new int[units];
        double[] effectiveScales = new double[units];
        int weightsOffset = 0;
        boolean perChannel = wQ.count() > 1;
        for (int c = 0; c < units; c++) {
            effectiveScales[c] = (double) inScale * (double) wQ.scale(perChannel ? c : 0) / (double) outScale;
        }
        if (perChannel) {
            Quantized.perChannelMultipliers(inScale, wQ, outScale, multipliers, shifts);
        } else {
            weightsOffset = (int) -wQ.zeroPoint(0);
            // GetQuantizedConvolutionMultipler multiplies the two scales in float before widening to double.
            float product = inScale * wQ.scale(0);
            QuantizedMultiplier m = FixedPoint.quantizeMultiplier((double) product / (double) outScale);
            java.util.Arrays.fill(multipliers, m.multiplier());
            java.util.Arrays.fill(shifts, m.shift());
        }
        if (!Requant.supported(multipliers)) {
            return null;
        }
        ActivationRange range = ActivationRange.int8(options.activation(), outQ);
        int depth = filter.dim(1);
        return backend.fullyConnected(new Plan(input.elementCount() / depth, units, depth, input, filter, bias,
                output, -inQ.zeroPoint(), weightsOffset,
                context.config().semantics() == ReferenceSemantics.TFLITE, effectiveScales,
                new Requant(multipliers, shifts, outQ.zeroPoint(), range.min(), range.max())));
    }

    /** Everything a backend needs to run one int8 fully-connected layer. */
    static final class Plan {
        final int batches;
        final int units;
        final int depth;
        final byte[] in;
        final int inOff;
        /** The [units, depth] weights in place; row {@code u} starts at {@code wOff + u·depth}. */
        final byte[] w;
        final int wOff;
        /** Whether the weights are a constant (so a backend may repack them once). */
        final boolean constantWeights;
        final byte[] out;
        final int outOff;
        final int[] bias;
        final int inputOffset;
        final int weightsOffset;
        /** TFLITE semantics: requantize as {@code round((double) acc · effectiveScale)}. */
        final boolean floatRequantization;
        final double[] effectiveScales;
        final Requant requant;

        Plan(int batches, int units, int depth, Tensor input, Tensor filter, Tensor bias, Tensor output,
             int inputOffset, int weightsOffset, boolean floatRequantization, double[] effectiveScales,
             Requant requant) {
            this.batches = batches;
            this.units = units;
            this.depth = depth;
            this.in = input.array();
            this.inOff = input.offset();
            this.w = filter.array();
            this.wOff = filter.offset();
            this.constantWeights = filter.isConstant();
            this.out = output.array();
            this.outOff = output.offset();
            this.bias = Quantized.bias(bias, units, units);
            this.inputOffset = inputOffset;
            this.weightsOffset = weightsOffset;
            this.floatRequantization = floatRequantization;
            this.effectiveScales = effectiveScales;
            this.requant = requant;
        }

        /** The output byte of unit {@code u} for the full int32 accumulator {@code acc} (bias included). */
        int output(int acc, int u) {
            if (!floatRequantization) {
                return requant.output(acc, u);
            }
            long v = (long) roundToInt((double) acc * effectiveScales[u]) + requant.outputZeroPoint;
            return (int) (v < requant.actMin ? requant.actMin : (v > requant.actMax ? requant.actMax : v));
        }

        /** C's {@code round} (half away from zero) to int32, saturating, as the reference's TFLITE path. */
        private static int roundToInt(double x) {
            if (x >= 2147483647.0) {
                return Integer.MAX_VALUE;
            }
            if (x <= -2147483648.0) {
                return Integer.MIN_VALUE;
            }
            return (int) FixedPoint.roundHalfAwayFromZero(x);
        }
    }
}
