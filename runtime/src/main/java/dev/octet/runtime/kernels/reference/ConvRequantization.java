package dev.octet.runtime.kernels.reference;

import dev.octet.runtime.kernels.OpContext;
import dev.octet.runtime.model.Activation;
import dev.octet.runtime.model.Quantization;
import dev.octet.runtime.quant.ActivationRange;
import dev.octet.runtime.quant.FixedPoint;
import dev.octet.runtime.quant.ShiftRequantization;
import dev.octet.runtime.tensor.Tensor;

/**
 * The per-channel int8 requantization of a convolution, as TFLite's {@code PopulateConvolutionQuantizationParams}
 * prepares it and {@code ConvPerChannel}/{@code DepthwiseConvPerChannel} apply it: the input offset
 * {@code −input_zp}, one double-rounding multiplier and shift per output channel, the output zero point and the
 * fused activation's clamp.
 *
 * @param inputOffset {@code −input_zp}, added to every input value before the multiply
 * @param multipliers per output channel, from {@code (double) s_in · (double) s_filter[c] / (double) s_out}
 * @param shifts per output channel (left shift when positive)
 * @param exponents per output channel, the multiplier's exponent e ({@code 2^e}) in Octet's shift-only variant,
 *        whose requantization is {@link ShiftRequantization#scale}; null otherwise
 */
record ConvRequantization(int inputOffset, int outputZeroPoint, int[] multipliers, int[] shifts, int[] exponents,
                          int actMin, int actMax) {

    /**
     * Checks the int8 quantization of input, output and weights ({@code channels} scales, or one broadcast, along
     * the filter's {@code quantizedDimension}) and the fused activation, and computes the parameters.
     */
    static ConvRequantization of(OpContext context, Tensor input, Tensor filter, Tensor output, int channels,
                                 int quantizedDimension, Activation activation) {
        Quantization inQ = ConvCommon.int8PerTensor(context, input, "input");
        Quantization outQ = ConvCommon.int8PerTensor(context, output, "output");
        float[] filterScales = ConvCommon.int8WeightScales(context, filter, channels, quantizedDimension);
        int[] multipliers = new int[channels];
        int[] shifts = new int[channels];
        ConvCommon.perChannelMultipliers(inQ.scale(), filterScales, outQ.scale(), multipliers, shifts);
        int[] exponents = context.config().shiftOnlyRequantization()
                ? ConvCommon.powerOfTwoExponents(context, inQ.scale(), filterScales, outQ.scale()) : null;
        ActivationRange range = ConvCommon.int8Activation(context, activation, outQ);
        return new ConvRequantization(-inQ.zeroPoint(), outQ.zeroPoint(), multipliers, shifts, exponents,
                range.min(), range.max());
    }

    /**
     * Writes one output pixel: for each channel {@code c < acc.length}, {@code acc[c] + bias[c]} requantized,
     * plus the output zero point, clamped, into {@code out[outIndex + c]}.
     */
    void storePixel(int[] acc, int[] bias, byte[] out, int outIndex) {
        final int[] multipliers = this.multipliers;
        final int[] shifts = this.shifts;
        final int outputZeroPoint = this.outputZeroPoint;
        final int actMin = this.actMin;
        final int actMax = this.actMax;
        if (exponents != null) {
            storePixelShiftOnly(acc, bias, out, outIndex);
            return;
        }
        for (int oc = 0; oc < acc.length; oc++) {
            int v = FixedPoint.multiplyByQuantizedMultiplier(acc[oc] + bias[oc], multipliers[oc], shifts[oc])
                    + outputZeroPoint;
            v = v < actMin ? actMin : (v > actMax ? actMax : v);
            out[outIndex + oc] = (byte) v;
        }
    }

    /** {@link #storePixel} of the shift-only variant: one rounding shift per output instead of the multiply. */
    private void storePixelShiftOnly(int[] acc, int[] bias, byte[] out, int outIndex) {
        final int[] exponents = this.exponents;
        for (int oc = 0; oc < acc.length; oc++) {
            int v = ShiftRequantization.scale(acc[oc] + bias[oc], exponents[oc]) + outputZeroPoint;
            v = v < actMin ? actMin : (v > actMax ? actMax : v);
            out[outIndex + oc] = (byte) v;
        }
    }
}
