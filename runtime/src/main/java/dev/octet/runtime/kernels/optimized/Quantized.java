package dev.octet.runtime.kernels.optimized;

import dev.octet.runtime.model.Activation;
import dev.octet.runtime.model.Quantization;
import dev.octet.runtime.model.TensorType;
import dev.octet.runtime.quant.ActivationRange;
import dev.octet.runtime.quant.FixedPoint;
import dev.octet.runtime.quant.QuantizedMultiplier;
import dev.octet.runtime.tensor.Tensor;

/** Prepare-time parameter computations, the same formulas the reference kernels use. */
final class Quantized {
    private Quantized() {
    }

    /**
     * Per-channel multipliers as TFLite's {@code PopulateConvolutionQuantizationParams}:
     * {@code QuantizeMultiplier((double) s_in · (double) s_w[c] / (double) s_out)}, a single weight scale
     * broadcast to every channel.
     */
    static void perChannelMultipliers(float inputScale, Quantization weights, float outputScale, int[] multipliers,
                                      int[] shifts) {
        int n = weights.count();
        for (int c = 0; c < multipliers.length; c++) {
            float s = weights.scale(n == 1 ? 0 : c);
            double effective = (double) inputScale * (double) s / (double) outputScale;
            QuantizedMultiplier m = FixedPoint.quantizeMultiplier(effective);
            multipliers[c] = m.multiplier();
            shifts[c] = m.shift();
        }
    }

    /** Whether an op has an int8 input, constant int8 weights and a constant bias or none. */
    static boolean int8WithConstantWeights(Tensor input, Tensor weights, Tensor bias) {
        return input.type() == TensorType.INT8 && weights.type() == TensorType.INT8 && weights.isConstant()
                && (bias == null || bias.isConstant());
    }

    /**
     * The per-channel requantization of an int8 convolution with {@code channels} output channels (weight scales
     * as {@link #perChannelMultipliers}), or null when {@link Requant} cannot represent a multiplier.
     */
    static Requant convolution(Quantization input, Quantization weights, Quantization output, int channels,
                               Activation activation) {
        int[] multipliers = new int[channels];
        int[] shifts = new int[channels];
        perChannelMultipliers(input.scale(), weights, output.scale(), multipliers, shifts);
        if (!Requant.supported(multipliers)) {
            return null;
        }
        ActivationRange range = ActivationRange.int8(activation, output);
        return new Requant(multipliers, shifts, output.zeroPoint(), range.min(), range.max());
    }

    /** The int32 bias values, or zeros when the bias is omitted; padded with zeros to {@code length}. */
    static int[] bias(Tensor bias, int channels, int length) {
        int[] out = new int[length];
        if (bias != null) {
            for (int c = 0; c < channels; c++) {
                out[c] = bias.getInt32(c);
            }
        }
        return out;
    }
}
