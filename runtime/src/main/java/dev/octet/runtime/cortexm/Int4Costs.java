package dev.octet.runtime.cortexm;

import dev.octet.profiles.Core;
import dev.octet.profiles.DeviceProfile;
import dev.octet.profiles.Fpu;
import dev.octet.runtime.model.OperatorSpec;
import dev.octet.runtime.model.Subgraph;
import dev.octet.runtime.model.TensorSpec;
import dev.octet.runtime.model.TensorType;

/**
 * What Octet's int4 variant (grouped int4 weights of FULLY_CONNECTED, CONV_2D and DEPTHWISE_CONV_2D, docs/INT4.md) costs a
 * Cortex-M node beyond the int8 kernel it is derived from. The MACs themselves cost the same (the nibbles are
 * widened to the int16 or int8 lanes the int8 GEMM uses); on top come:
 * <ul>
 *   <li><b>unpacking</b>: every weight read is a nibble to extract and sign-extend, once per pass over the
 *       weights (FC: once per batch row; conv: once per GEMM pass of {@link CoreTraits#macsPerWeightPass()}
 *       output pixels; depthwise: once per output pixel, as its kernels read the taps per pixel);</li>
 *   <li><b>group rescale</b>: every group partial sum is multiplied by its 8-bit ratio and added to the channel's
 *       accumulator, once per output element and group;</li>
 *   <li><b>ratio recovery</b>: the ratios are not kept in RAM but recovered from the two float scales in flash,
 *       {@code k = round(255 · s / S)}, once per group and pass; int4 FC also derives its per-channel requantization
 *       multiplier on the fly (int8 FC has one per tensor), once per channel.</li>
 * </ul>
 * So the arena is unchanged. Flash needs nothing here either: the file's int4 buffers are half the bytes and its
 * scale vectors are part of the model size; the kernels add {@value #CODE_BYTES_PER_KERNEL} bytes of code each.
 *
 * @param unpackCyclesPerWeight cycles to extract and sign-extend one int4 weight: plain C {@code LDRB} + shifts
 *        (3 on Cortex-M0+, 1.5 on Armv8-M without DSP); with the DSP extension a word of 8 nibbles is widened with
 *        about six {@code SXTB16}/{@code ROR}/shift instructions, as CMSIS-NN's s4 kernels do (0.75; 0.5 on the
 *        dual-issue Cortex-M7); Helium widens 16 nibbles with
 *        a {@code VLDRB} and two shifts (0.125 at 2 beats per tick)
 * @param groupRescaleCycles cycles per group partial: one {@code MLA} (1; Helium does 4 channels per
 *        instruction: 0.25; a 32-cycle Cortex-M0+ multiplier: 32)
 * @param recoverCycles cycles to recover one ratio or one FC channel multiplier from float scales: a
 *        {@code VMUL} and a {@code VCVTR} with an FPU (4), a software float multiply and conversion without (60)
 */
public record Int4Costs(double unpackCyclesPerWeight, double groupRescaleCycles, double recoverCycles) {
    /** Extra code per int4 kernel (the GEMM inner loops with nibble unpacking, ratio recovery). */
    public static final long CODE_BYTES_PER_KERNEL = 1024;

    public static Int4Costs of(DeviceProfile profile) {
        double recover = profile.fpu() == Fpu.NONE ? 60 : 4;
        if (profile.simd().hasMve()) {
            return new Int4Costs(0.125 * 2.0 / profile.simd().mveBeatsPerTick(), 0.25, recover);
        }
        if (profile.core() == Core.CORTEX_M0_PLUS) {
            return new Int4Costs(3.0, profile.multiplierCycles(), recover);
        }
        if (profile.core() == Core.CORTEX_M7) {
            return new Int4Costs(0.5, 1.0, recover);
        }
        return profile.simd().dspExtension() ? new Int4Costs(0.75, 1.0, recover) : new Int4Costs(1.5, 1.0, recover);
    }

    /** The INT4 weight tensor of an operator, or null when it has none. */
    static TensorSpec int4Weights(Subgraph graph, OperatorSpec op) {
        if (op.inputCount() < 2 || op.input(1) < 0) {
            return null;
        }
        TensorSpec w = graph.tensor(op.input(1));
        return w.type() == TensorType.INT4 && w.quantization().isPerGroup() ? w : null;
    }

    /** Output channels of int4 weights (along their quantized dimension: 0, or 3 for depthwise). */
    static long channels(TensorSpec weights) {
        return Math.max(1, weights.dim(weights.quantization().quantizedDimension()));
    }

    /** Groups per output channel of int4 weights. */
    static long groupsPerChannel(TensorSpec weights) {
        return weights.quantization().count() / channels(weights);
    }

    /**
     * Unpacking cycles ({@code weights × passes × unpack}): work inside the MAC loop, so the emulator scales it
     * like the MACs (the per-core {@code mac} calibration factor).
     *
     * @param passes passes over the weights per inference
     */
    double unpackCycles(TensorSpec weights, long passes) {
        return (double) weights.elementCount() * passes * unpackCyclesPerWeight;
    }

    /**
     * Work per output and per group, scaled like requantization (the {@code aux} factor): rescaling
     * ({@code outputs × groups per channel}), ratio recovery ({@code groups × passes}) and, for FC, the channel
     * multipliers ({@code channels}).
     */
    double rescaleCycles(TensorSpec weights, long passes, long outputs, boolean fullyConnected) {
        long groups = weights.quantization().count();
        return (double) outputs * groupsPerChannel(weights) * groupRescaleCycles
                + (double) groups * passes * recoverCycles
                + (fullyConnected ? (double) channels(weights) * recoverCycles : 0);
    }

    /** Extra code of the int4 kernels a graph uses (FC, CONV_2D and DEPTHWISE_CONV_2D counted once each). */
    static long codeBytes(Subgraph graph) {
        java.util.Set<dev.octet.runtime.model.BuiltinOperator> kernels =
                java.util.EnumSet.noneOf(dev.octet.runtime.model.BuiltinOperator.class);
        for (OperatorSpec op : graph.operators()) {
            if (int4Weights(graph, op) != null && op.builtin() != null) {
                kernels.add(op.builtin());
            }
        }
        return kernels.size() * CODE_BYTES_PER_KERNEL;
    }
}
