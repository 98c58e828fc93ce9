package dev.octet.runtime.kernels.reference;

import dev.octet.runtime.kernels.OpContext;
import dev.octet.runtime.model.Activation;
import dev.octet.runtime.model.Quantization;
import dev.octet.runtime.quant.ActivationRange;
import dev.octet.runtime.quant.FixedPoint;
import dev.octet.runtime.tensor.Tensor;

/**
 * The last step of {@link GroupedInt4}'s arithmetic, shared by the three int4 kernels: the int64 accumulator (bias
 * included) saturated to int32, requantized per output channel as TFLM's per-channel convolution does, shifted by
 * the output zero point and clamped to the fused activation.
 *
 * @param inputOffset {@code −input_zp}, added to every input value before the multiply
 * @param multipliers per output channel, from {@code s_in · S[c] / 255 / s_out}
 * @param shifts per output channel (left shift when positive)
 * @param bias per output channel; re-read each invoke by {@link PreparedInt4} when the bias is not constant
 */
record Int4Requantization(int inputOffset, int outputZeroPoint, int[] multipliers, int[] shifts, int[] bias,
                          int actMin, int actMax) {

    /**
     * Checks the int8 quantization of input and output, the fused activation and the optional int32 bias (one value
     * per channel of {@code w}), in that order, and computes the parameters.
     */
    static Int4Requantization of(OpContext context, Tensor input, Tensor output, Tensor bias, GroupedInt4 w,
                                 Activation activation) {
        Quantization inQ = ConvCommon.int8PerTensor(context, input, "input");
        Quantization outQ = ConvCommon.int8PerTensor(context, output, "output");
        int[] multipliers = new int[w.channels];
        int[] shifts = new int[w.channels];
        ConvCommon.perChannelMultipliers(inQ.scale(), w.accumulatorScales, outQ.scale(), multipliers, shifts);
        ActivationRange range = ConvCommon.int8Activation(context, activation, outQ);
        int[] biasValues = ConvCommon.int32Bias(context, bias, w.channels);
        return new Int4Requantization(-inQ.zeroPoint(), outQ.zeroPoint(), multipliers, shifts, biasValues,
                range.min(), range.max());
    }

    /**
     * Output channel {@code oc}'s int8 value for the accumulator {@code acc} (bias included). Called once per output
     * value, after its reduction loop; a record is final, so the call is bound statically and inlined.
     */
    byte requantize(long acc, int oc) {
        int v = FixedPoint.multiplyByQuantizedMultiplier(GroupedInt4.saturate(acc), multipliers[oc], shifts[oc])
                + outputZeroPoint;
        return (byte) (v < actMin ? actMin : (v > actMax ? actMax : v));
    }
}
