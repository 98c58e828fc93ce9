package dev.octet.runtime.cortexm;

import dev.octet.profiles.CostCoefficients;
import dev.octet.profiles.DeviceProfile;
import dev.octet.runtime.engine.ModelSummary;
import dev.octet.runtime.model.BuiltinOperator;
import dev.octet.runtime.model.BuiltinOptions;
import dev.octet.runtime.model.Model;
import dev.octet.runtime.model.OperatorSpec;
import dev.octet.runtime.model.Subgraph;
import dev.octet.runtime.model.TensorSpec;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Predicts what a model costs on a Cortex-M node running TensorFlow Lite Micro with CMSIS-NN kernels: cycles and
 * latency per layer and in total, the tensor arena ({@link TflmMemory}) and flash ({@link KernelCode}).
 *
 * <p>The cycle model, per operator (see docs/CORTEXM_EMULATOR.md for the derivation):
 * <pre>
 *   cycles = a(core) x mac + b(core) x aux + memory + overhead
 *   mac      = MACs x cyclesPerMac(kernel class)                 (profile cost coefficients)
 *   aux      = outputs x requantization                          (CoreTraits; ShiftOnlyCosts if shift-only)
 *            + im2col: pixels x KH x (row call + KW x Cin x widen per byte)   (general convolutions)
 *            + pooled elements x pool cost, elements x elementwise / softmax cost
 *   memory   = constant bytes x flash cycles/byte                (first pass over the weights)
 *            + re-reads of conv/depthwise weights x (flash - SRAM) cycles/byte, when the weights do not fit
 *              the data cache: a GEMM pass covers only 2 (DSP) or 4 (Helium) output pixels
 *            + activation bytes read and written x SRAM cycles/byte
 *   overhead = the profile's per-op interpreter overhead
 * </pre>
 * {@code a} and {@code b} are the calibration factors of the core ({@link Calibration}).
 */
public final class CortexMEmulator {
    private final Calibration calibration;

    public CortexMEmulator(Calibration calibration) {
        this.calibration = Objects.requireNonNull(calibration);
    }

    /** An emulator with the bundled calibration. */
    public static CortexMEmulator calibrated() {
        return new CortexMEmulator(Calibration.BUNDLED);
    }

    public Calibration calibration() {
        return calibration;
    }

    /**
     * Predicts latency, arena and flash of a model on a board. Gateways (Cortex-A) are refused. A model marked as
     * Octet's shift-only variant is costed with shift requantization ({@link ShiftOnlyCosts}), as a port of
     * Octet's shift-only kernels would run it.
     */
    public Estimate estimate(Model model, DeviceProfile profile) {
        return estimate(model, profile, model.shiftOnlyRequantization());
    }

    /**
     * {@link #estimate(Model, DeviceProfile)} with the requantization chosen: {@code shiftOnly} false costs the
     * 32x32→64 multiply whatever the model's marker says (what stock TFLite Micro runs).
     */
    public Estimate estimate(Model model, DeviceProfile profile, boolean shiftOnly) {
        if (profile.isGateway()) {
            throw new IllegalArgumentException(profile.id() + " is a gateway (" + profile.core().displayName()
                    + "), not a microcontroller node");
        }
        Subgraph graph = model.mainSubgraph();
        CoreTraits traits = CoreTraits.of(profile);
        CostCoefficients c = profile.costs();
        TflmMemory.Isa isa = TflmMemory.Isa.of(profile);
        TflmMemory.Arena arena = TflmMemory.arena(graph, isa);
        Calibration.Factors scale = calibration.factorsFor(profile.core());
        long dataCache = profile.caches().dcacheBytes() + profile.caches().unifiedBytes();
        List<LayerEstimate> layers = new ArrayList<>();
        Set<BuiltinOperator> kernels = EnumSet.noneOf(BuiltinOperator.class);
        double total = 0;
        // Octet's shift-only variant requantizes CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED with one shift.
        double weightedRequant = shiftOnly ? ShiftOnlyCosts.requantCyclesPerOutput(profile)
                : traits.requantCyclesPerOutput();
        for (OperatorSpec op : graph.operators()) {
            if (op.builtin() != null) {
                kernels.add(op.builtin());
            }
            LayerEstimate layer = layer(graph, op, c, traits, weightedRequant, Int4Costs.of(profile), scale,
                    dataCache, arena.scratchBytes()[op.index()]);
            layers.add(layer);
            total += layer.cycles();
        }
        return new Estimate(profile, List.copyOf(layers), total, arena, model.sizeBytes(),
                KernelCode.bytes(kernels) + Int4Costs.codeBytes(graph));
    }

    /** The kernel class CMSIS-NN would use for an operator. */
    public static KernelClass classify(Subgraph graph, OperatorSpec op) {
        BuiltinOperator b = op.builtin();
        if (b == null) {
            return KernelClass.ELEMENTWISE;
        }
        switch (b) {
            case CONV_2D: {
                int[] w = weightShape(graph, op);
                BuiltinOptions.Conv2D o = op.options() instanceof BuiltinOptions.Conv2D x ? x : null;
                if (w.length == 4 && w[1] == 1 && w[2] == 1 && o != null && o.strideW() == 1 && o.strideH() == 1) {
                    return KernelClass.CONV_1X1;
                }
                return w.length == 4 && w[3] <= 4 ? KernelClass.CONV_FEW_CHANNELS : KernelClass.CONV;
            }
            case DEPTHWISE_CONV_2D: {
                int[] w = weightShape(graph, op);
                BuiltinOptions.DepthwiseConv2D o = op.options() instanceof BuiltinOptions.DepthwiseConv2D x ? x : null;
                boolean mult1 = o == null || o.depthMultiplier() <= 1;
                return w.length == 4 && w[1] == 3 && w[2] == 3 && mult1 ? KernelClass.DEPTHWISE_3X3
                        : KernelClass.DEPTHWISE;
            }
            case FULLY_CONNECTED:
                return KernelClass.FULLY_CONNECTED;
            case AVERAGE_POOL_2D:
            case MAX_POOL_2D:
            case MEAN:
                return KernelClass.POOLING;
            case SOFTMAX:
                return KernelClass.SOFTMAX;
            case RESHAPE:
            case SQUEEZE:
            case CONCATENATION:
            case PAD:
                return KernelClass.DATA_MOVEMENT;
            default:
                return KernelClass.ELEMENTWISE;
        }
    }

    /** @param weightedRequant cycles to requantize one output of a CONV_2D, DEPTHWISE_CONV_2D or FULLY_CONNECTED */
    private static LayerEstimate layer(Subgraph graph, OperatorSpec op, CostCoefficients c, CoreTraits t,
                                       double weightedRequant, Int4Costs int4, Calibration.Factors scale,
                                       long dataCache, long scratch) {
        KernelClass kind = classify(graph, op);
        long macs = ModelSummary.macs(graph, op);
        TensorSpec out = op.outputCount() > 0 && op.output(0) >= 0 ? graph.tensor(op.output(0)) : null;
        long outElems = out == null ? 0 : out.elementCount();
        int[] outShape = out == null ? new int[0] : out.shape();
        long pixels = outShape.length == 4 ? (long) outShape[0] * outShape[1] * outShape[2] : 1;
        int[] w = weightShape(graph, op);
        long filterBytes = op.inputCount() > 1 && op.input(1) >= 0 && graph.tensor(op.input(1)).isConstant()
                ? graph.tensor(op.input(1)).byteSize() : 0;

        double mac;
        double aux;
        switch (kind) {
            case CONV_1X1 -> {
                mac = macs * c.conv1x1CyclesPerMac();
                aux = outElems * weightedRequant;
            }
            case CONV, CONV_FEW_CHANNELS -> {
                int kh = w.length == 4 ? w[1] : 1;
                int kw = w.length == 4 ? w[2] : 1;
                int cin = w.length == 4 ? w[3] : 1;
                mac = macs * c.convCyclesPerMac();
                aux = outElems * weightedRequant
                        + pixels * kh * (t.im2colRowCycles() + (double) kw * cin * t.im2colCyclesPerByte());
            }
            case DEPTHWISE_3X3 -> {
                mac = macs * c.depthwise3x3CyclesPerMac();
                aux = outElems * weightedRequant;
            }
            // The generic depthwise kernel has no SIMD inner loop: about twice the 3x3 kernel's cost per MAC.
            case DEPTHWISE -> {
                mac = macs * 2 * c.depthwise3x3CyclesPerMac();
                aux = outElems * weightedRequant;
            }
            case FULLY_CONNECTED -> {
                mac = macs * c.fullyConnectedCyclesPerMac();
                aux = outElems * weightedRequant;
            }
            case POOLING -> {
                mac = 0;
                aux = pooledElements(graph, op, outElems) * t.poolCyclesPerElement()
                        + outElems * t.requantCyclesPerOutput() * 0.5;
            }
            case SOFTMAX -> {
                mac = 0;
                aux = outElems * t.softmaxCyclesPerElement();
            }
            case DATA_MOVEMENT -> {
                mac = 0;
                aux = 0;
            }
            default -> {
                mac = 0;
                aux = outElems * c.elementwiseCyclesPerElement();
            }
        }

        // Octet's int4 variant: nibble unpacking per weight read (in the MAC loop) and a rescale per group partial.
        TensorSpec int4Weights = Int4Costs.int4Weights(graph, op);
        boolean weighted = kind == KernelClass.FULLY_CONNECTED || kind == KernelClass.CONV
                || kind == KernelClass.CONV_1X1 || kind == KernelClass.CONV_FEW_CHANNELS
                || kind == KernelClass.DEPTHWISE_3X3 || kind == KernelClass.DEPTHWISE;
        if (int4Weights != null && weighted) {
            long passes = switch (kind) {
                case FULLY_CONNECTED -> Math.max(1, outElems / Math.max(1, w[0]));
                case DEPTHWISE_3X3, DEPTHWISE -> pixels;
                default -> (pixels + t.macsPerWeightPass() - 1) / t.macsPerWeightPass();
            };
            mac += int4.unpackCycles(int4Weights, passes);
            aux += int4.rescaleCycles(int4Weights, passes, outElems, kind == KernelClass.FULLY_CONNECTED);
        }

        long constBytes = 0;
        long activationBytes = out == null ? 0 : out.byteSize();
        for (int i = 0; i < op.inputCount(); i++) {
            int ti = op.input(i);
            if (ti < 0) {
                continue;
            }
            TensorSpec tensor = graph.tensor(ti);
            if (tensor.isConstant()) {
                constBytes += tensor.data().length();
            } else {
                activationBytes += tensor.byteSize();
            }
        }
        if (kind == KernelClass.DATA_MOVEMENT) {
            constBytes = 0; // shape operands are read at Prepare, not per inference
        }
        double memory = constBytes * c.flashCyclesPerByte() + activationBytes * c.ramCyclesPerByte();
        // Re-reads of the filter: every GEMM pass over the weights covers macsPerWeightPass output pixels (a
        // depthwise kernel reads the filter taps again for every pixel). Re-reads that hit a data cache cost what
        // the per-MAC coefficient already includes; from flash, each byte pays the wait states on top.
        boolean convLike = kind == KernelClass.CONV || kind == KernelClass.CONV_1X1
                || kind == KernelClass.CONV_FEW_CHANNELS;
        boolean depthwise = kind == KernelClass.DEPTHWISE_3X3 || kind == KernelClass.DEPTHWISE;
        if ((convLike || depthwise) && filterBytes > dataCache) {
            long passes = depthwise ? pixels : (pixels + t.macsPerWeightPass() - 1) / t.macsPerWeightPass();
            double extraPerByte = Math.max(0, c.flashCyclesPerByte() - c.ramCyclesPerByte());
            memory += Math.max(0, passes - 1) * filterBytes * extraPerByte;
        }
        return new LayerEstimate(op.index(), op.name(), kind, macs, scale.mac() * mac, scale.aux() * aux, memory, c.opOverheadCycles(),
                constBytes, scratch);
    }

    private static long pooledElements(Subgraph graph, OperatorSpec op, long outElems) {
        if (op.options() instanceof BuiltinOptions.Pool2D p) {
            return outElems * Math.max(1, p.filterW()) * Math.max(1, p.filterH());
        }
        // MEAN: every input element once.
        return op.inputCount() > 0 && op.input(0) >= 0 ? graph.tensor(op.input(0)).elementCount() : outElems;
    }

    private static int[] weightShape(Subgraph graph, OperatorSpec op) {
        if (op.inputCount() < 2 || op.input(1) < 0) {
            return new int[0];
        }
        return graph.tensor(op.input(1)).shape();
    }
}
