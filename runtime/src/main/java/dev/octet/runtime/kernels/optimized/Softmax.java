package dev.octet.runtime.kernels.optimized;

import dev.octet.runtime.kernels.OpContext;
import dev.octet.runtime.kernels.PreparedOp;
import dev.octet.runtime.model.BuiltinOptions;
import dev.octet.runtime.model.TensorType;
import dev.octet.runtime.quant.FixedPoint;
import dev.octet.runtime.quant.GemmlowpFixedPoint;
import dev.octet.runtime.quant.QuantizedMultiplier;
import dev.octet.runtime.tensor.Tensor;

/**
 * Optimized int8 → int8 SOFTMAX with exactly the bytes of {@link dev.octet.runtime.kernels.reference.Softmax}
 * (TFLM's fixed-point softmax); the reference kernel validates the operator and runs float32 and int16 outputs.
 *
 * <p>The input difference {@code x − max} of an int8 row is one of 256 values, so the fixed-point
 * {@code exp} of every possible difference (and its Q12.19 rescaling) is tabulated in prepare with the
 * reference's own functions; invoke only looks them up, then finishes each row (sum, reciprocal, rounding
 * shift) exactly as the reference does.
 */
public final class Softmax extends OverReference {
    private static final int SCALED_DIFF_INTEGER_BITS = 5;
    private static final int ACCUMULATION_INTEGER_BITS = 12;

    Softmax() {
        super(new dev.octet.runtime.kernels.reference.Softmax());
    }

    @Override
    PreparedOp prepareFast(OpContext context) {
        Tensor input = context.input(0);
        Tensor output = context.output(0);
        if (input.type() != TensorType.INT8 || output.type() != TensorType.INT8) {
            return null;
        }
        float beta = context.options(BuiltinOptions.Softmax.class).beta();
        QuantizedMultiplier m = GemmlowpFixedPoint.preprocessSoftmaxScaling(beta, input.quantization().scale(),
                SCALED_DIFF_INTEGER_BITS);
        int diffMin = -GemmlowpFixedPoint.calculateInputRadius(SCALED_DIFF_INTEGER_BITS, m.shift(), 31);
        int depth = input.dim(input.rank() - 1);
        if (depth == 0) {
            return null;
        }
        return new Int8(input, output, input.elementCount() / depth, depth, m, diffMin);
    }

    private static final class Int8 implements PreparedOp {
        private final byte[] in;
        private final int inOff;
        private final byte[] out;
        private final int outOff;
        private final int rows;
        private final int depth;
        /** For {@code d = max − x} in [0, 255]: the Q0 exp, or −1 when the difference is below the radius. */
        private final int[] exp = new int[256];
        /** The same exps rescaled to Q12.19 for the sum (0 below the radius). */
        private final int[] expQ12 = new int[256];

        Int8(Tensor input, Tensor output, int rows, int depth, QuantizedMultiplier m, int diffMin) {
            this.in = input.array();
            this.inOff = input.offset();
            this.out = output.array();
            this.outOff = output.offset();
            this.rows = rows;
            this.depth = depth;
            for (int d = 0; d < 256; d++) {
                int diff = -d;
                if (diff >= diffMin) {
                    int scaled = FixedPoint.multiplyByQuantizedMultiplierGreaterThanOne(diff, m.multiplier(), m.shift());
                    exp[d] = GemmlowpFixedPoint.expOnNegativeValues(scaled, SCALED_DIFF_INTEGER_BITS);
                    expQ12[d] = GemmlowpFixedPoint.rescale(exp[d], 0, ACCUMULATION_INTEGER_BITS);
                } else {
                    exp[d] = -1;
                }
            }
        }

        @Override
        public void invoke() {
            final byte[] in = this.in;
            final byte[] out = this.out;
            final int[] exp = this.exp;
            for (int row = 0; row < rows; row++) {
                final int base = inOff + row * depth;
                int max = Byte.MIN_VALUE;
                for (int c = 0; c < depth; c++) {
                    max = Math.max(max, in[base + c]);
                }
                // TFLM sums in int32; a long only differs (saturating) where that would overflow.
                long sum = 0;
                for (int c = 0; c < depth; c++) {
                    sum += expQ12[max - in[base + c]];
                }
                int sumOfExps = (int) Math.min(sum, Integer.MAX_VALUE);
                int reciprocal = GemmlowpFixedPoint.getReciprocal(sumOfExps);
                int exponent = GemmlowpFixedPoint.reciprocalBitsOverUnit(sumOfExps, ACCUMULATION_INTEGER_BITS) + 31 - 8;
                final int outBase = outOff + row * depth;
                for (int c = 0; c < depth; c++) {
                    int e = exp[max - in[base + c]];
                    int value = -128;
                    if (e >= 0) {
                        int product = FixedPoint.saturatingRoundingDoublingHighMul(reciprocal, e);
                        value = Math.max(-128, Math.min(127, roundingDivideByPOTWide(product, exponent) - 128));
                    }
                    out[outBase + c] = (byte) value;
                }
            }
        }

        /** The reference's {@code RoundingDivideByPOT} extended past 31 (see its Javadoc). */
        private static int roundingDivideByPOTWide(int x, int exponent) {
            if (exponent <= 31) {
                return FixedPoint.roundingDivideByPOT(x, exponent);
            }
            return exponent == 32 && x == Integer.MIN_VALUE ? -1 : 0;
        }
    }
}
