package dev.octet.runtime.kernels.optimized;

import dev.octet.runtime.kernels.OpContext;
import dev.octet.runtime.kernels.PreparedOp;
import dev.octet.runtime.model.Activation;
import dev.octet.runtime.model.BuiltinOptions;
import dev.octet.runtime.model.Quantization;
import dev.octet.runtime.model.TensorType;
import dev.octet.runtime.quant.ActivationRange;
import dev.octet.runtime.quant.FixedPoint;
import dev.octet.runtime.quant.QuantizedMultiplier;
import dev.octet.runtime.tensor.Tensor;
import java.util.Arrays;

/**
 * Optimized int8 ADD of two same-shape tensors with exactly the bytes of
 * {@link dev.octet.runtime.kernels.reference.Add} (TFLM's {@code AddFunc}); the reference kernel validates the
 * operator and runs broadcasting and float32.
 *
 * <p>Per element: each input {@code (q + offset) << 20} is scaled by its multiplier (below one), the two are
 * added, and the sum is scaled to the output, plus the zero point, clamped. The per-input scaling depends on one
 * int8 value only, so the scalar loop reads it from a 256-entry table computed in prepare with the same
 * arithmetic; the vector loop computes it. Every rounding step is {@link Requant}'s exact form of gemmlowp's.
 */
public final class Add extends OverReference {
    /** TFLM's headroom for int8 inputs. */
    static final int LEFT_SHIFT = 20;

    private final Backend backend;

    Add(Backend backend) {
        super(new dev.octet.runtime.kernels.reference.Add());
        this.backend = backend;
    }

    @Override
    PreparedOp prepareFast(OpContext context) {
        Tensor a = context.input(0);
        Tensor b = context.input(1);
        Tensor out = context.output(0);
        if (out.type() != TensorType.INT8 || !Arrays.equals(a.shape(), out.shape())
                || !Arrays.equals(b.shape(), out.shape())) {
            return null;
        }
        BuiltinOptions options = context.operator().options();
        Activation activation = options instanceof BuiltinOptions.Add add ? add.activation() : Activation.NONE;
        Quantization q1 = a.quantization();
        Quantization q2 = b.quantization();
        Quantization qOut = out.quantization();
        // add_common.cc's arithmetic, in double.
        double twiceMaxInputScale = 2 * (double) Math.max(q1.scale(), q2.scale());
        QuantizedMultiplier m1 = FixedPoint.quantizeMultiplierSmallerThanOneExp((double) q1.scale() / twiceMaxInputScale);
        QuantizedMultiplier m2 = FixedPoint.quantizeMultiplierSmallerThanOneExp((double) q2.scale() / twiceMaxInputScale);
        QuantizedMultiplier mOut = FixedPoint.quantizeMultiplierSmallerThanOneExp(
                twiceMaxInputScale / ((1 << LEFT_SHIFT) * (double) qOut.scale()));
        ActivationRange range = ActivationRange.int8(activation, qOut);
        return backend.add(new Plan(a, b, out, -q1.zeroPoint(), -q2.zeroPoint(), m1, m2,
                Requant.uniform(mOut, 1, qOut.zeroPoint(), range.min(), range.max())));
    }

    /** Everything a backend needs to add two same-shape int8 tensors. */
    static final class Plan {
        final int count;
        final byte[] a;
        final int aOff;
        final byte[] b;
        final int bOff;
        final byte[] out;
        final int outOff;
        final int offset1;
        final int offset2;
        /** Input scalings as one-channel {@link Requant}s (shift ≤ 0, so the left shift is 0). */
        final Requant scale1;
        final Requant scale2;
        /** The output scaling, zero point and clamp. */
        final Requant output;

        Plan(Tensor a, Tensor b, Tensor out, int offset1, int offset2, QuantizedMultiplier m1,
             QuantizedMultiplier m2, Requant output) {
            this.count = out.elementCount();
            this.a = a.array();
            this.aOff = a.offset();
            this.b = b.array();
            this.bOff = b.offset();
            this.out = out.array();
            this.outOff = out.offset();
            this.offset1 = offset1;
            this.offset2 = offset2;
            this.scale1 = Requant.uniform(m1, 1, 0, Integer.MIN_VALUE, Integer.MAX_VALUE);
            this.scale2 = Requant.uniform(m2, 1, 0, Integer.MIN_VALUE, Integer.MAX_VALUE);
            this.output = output;
        }

        /** The scaled value of input 1 for the int8 value {@code q}. */
        int scaled1(int q) {
            return scale1.scale((q + offset1) << LEFT_SHIFT, 0);
        }

        int scaled2(int q) {
            return scale2.scale((q + offset2) << LEFT_SHIFT, 0);
        }

        /** The output byte for a sum of scaled inputs. */
        int output(int raw) {
            return output.output(raw, 0);
        }
    }
}
