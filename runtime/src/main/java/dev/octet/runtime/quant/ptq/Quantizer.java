package dev.octet.runtime.quant.ptq;

import dev.octet.runtime.model.Activation;
import dev.octet.runtime.model.BuiltinOperator;
import dev.octet.runtime.model.BuiltinOptions;
import dev.octet.runtime.model.Int4Layout;
import dev.octet.runtime.model.ShiftOnlyRequantization;
import dev.octet.runtime.model.Model;
import dev.octet.runtime.model.OperatorSpec;
import dev.octet.runtime.model.Quantization;
import dev.octet.runtime.model.Subgraph;
import dev.octet.runtime.model.TensorSpec;
import dev.octet.runtime.model.TensorType;
import dev.octet.runtime.model.UnsupportedModelException;
import dev.octet.runtime.quant.calibration.Calibrator;
import dev.octet.runtime.quant.calibration.QuantParams;
import dev.octet.runtime.quant.calibration.Range;
import dev.octet.runtime.quant.calibration.TensorStatistics;
import dev.octet.runtime.quant.ptq.TfliteModelWriter.OperatorDef;
import dev.octet.runtime.quant.ptq.TfliteModelWriter.TensorDef;
import dev.octet.runtime.tensor.LittleEndian;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Post-training quantization of a float32 model to int8, following TFLite's full-integer scheme:
 * <ul>
 *   <li>weights symmetric (zero point 0, values in [-127, 127]): per output channel for CONV_2D (dimension 0)
 *       and DEPTHWISE_CONV_2D (dimension 3); per tensor for FULLY_CONNECTED unless {@link Options#perChannelFc};
 *       weights that the float model already stores as int8 (hybrid models) are dequantized first;</li>
 *   <li>biases int32 with scale {@code s_in · s_w} (computed in float, as TFLite does) and zero point 0;</li>
 *   <li>activations asymmetric per tensor from the calibrator's range, narrowed by the producer's fused
 *       activation (a RELU output starts at 0, a RELU6 output ends at 6);</li>
 *   <li>RESHAPE, AVERAGE_POOL_2D, MAX_POOL_2D, PAD and CONCATENATION share one quantization between inputs and
 *       output (the union of their ranges), as TFLite requires of their int8 kernels;</li>
 *   <li>SOFTMAX and LOGISTIC outputs are fixed to scale 1/256, zero point -128; TANH to 1/128, 0.</li>
 * </ul>
 * With {@link WeightFormat#int4} the FULLY_CONNECTED and CONV_2D weights (and with {@link WeightFormat#int4All}
 * the DEPTHWISE_CONV_2D ones) are instead grouped int4
 * ({@link GroupedInt4Weights}) with biases in units of {@code s_in · S[c] / 255}, and the model carries the
 * {@code octet.int4.v1} metadata marker: Octet's int4 variant (docs/INT4.md), not TFLite-compatible.
 * Tensor indices are kept; with float input/output a QUANTIZE and a DEQUANTIZE are added at the edges, with new
 * int8 tensors appended after the original ones.
 */
public final class Quantizer {

    /**
     * What to produce.
     *
     * @param clusters when positive, each weight tensor is clustered to at most this many int8 values
     *                 ({@link WeightClustering}); 0 leaves the weights as quantized
     * @param powerOfTwoScales round every activation and weight scale up to a power of two, so that every
     *                 requantization multiplier {@code s_in · s_w / s_out} is a power of two: a pure shift on
     *                 cores without a fast multiplier. The model carries the {@code octet.pow2.v1} marker
     *                 ({@link ShiftOnlyRequantization}): Octet runs CONV_2D, DEPTHWISE_CONV_2D and
     *                 FULLY_CONNECTED with one rounding shift, not bit-exact with TFLite (an Octet variant; the
     *                 file itself is still valid TFLite)
     * @param perTensor calibrators for particular activation tensors, by tensor name, overriding {@code calibrator}
     */
    public record Options(Calibrator calibrator, boolean floatIo, boolean perChannelFc, int clusters,
                          boolean powerOfTwoScales, Map<String, Calibrator> perTensor) {
        public Options {
            perTensor = Map.copyOf(perTensor);
            if (clusters < 0 || clusters > 255) {
                throw new IllegalArgumentException("clusters must be in [0, 255]: " + clusters);
            }
        }

        public static Options defaults() {
            return new Options(Calibrator.MIN_MAX, false, false, 0, false, Map.of());
        }

        public Options withCalibrator(Calibrator c) {
            return new Options(c, floatIo, perChannelFc, clusters, powerOfTwoScales, perTensor);
        }

        public Options withFloatIo(boolean f) {
            return new Options(calibrator, f, perChannelFc, clusters, powerOfTwoScales, perTensor);
        }

        public Options withPerChannelFc(boolean p) {
            return new Options(calibrator, floatIo, p, clusters, powerOfTwoScales, perTensor);
        }

        public Options withClusters(int k) {
            return new Options(calibrator, floatIo, perChannelFc, k, powerOfTwoScales, perTensor);
        }

        public Options withPowerOfTwoScales(boolean p) {
            return new Options(calibrator, floatIo, perChannelFc, clusters, p, perTensor);
        }

        public Options withPerTensor(Map<String, Calibrator> calibrators) {
            return new Options(calibrator, floatIo, perChannelFc, clusters, powerOfTwoScales, calibrators);
        }

        /** The calibrator for the tensor named {@code name}. */
        public Calibrator calibratorFor(String name) {
            return perTensor.getOrDefault(name, calibrator);
        }
    }

    /**
     * The result: the flatbuffer, and for every tensor of the float model the index of the int8 tensor that
     * holds its quantized value in the new model (equal indices, except the edges of a float-I/O model).
     */
    public record Result(byte[] bytes, int[] int8TensorOf, List<LayerParams> layers) {
    }

    /** The quantization chosen for one operator's output (for the report). */
    public record LayerParams(int operator, String op, int outputTensor, String outputName, Range calibrated,
                              float scale, int zeroPoint) {
    }

    /** Operator-code versions TFLite assigns to the int8 variants of these ops. */
    private static final Map<BuiltinOperator, Integer> INT8_VERSIONS = new EnumMap<>(BuiltinOperator.class);

    static {
        INT8_VERSIONS.put(BuiltinOperator.CONV_2D, 3);
        INT8_VERSIONS.put(BuiltinOperator.DEPTHWISE_CONV_2D, 3);
        INT8_VERSIONS.put(BuiltinOperator.FULLY_CONNECTED, 4);
        INT8_VERSIONS.put(BuiltinOperator.AVERAGE_POOL_2D, 2);
        INT8_VERSIONS.put(BuiltinOperator.MAX_POOL_2D, 2);
        INT8_VERSIONS.put(BuiltinOperator.RESHAPE, 1);
        INT8_VERSIONS.put(BuiltinOperator.SOFTMAX, 2);
        INT8_VERSIONS.put(BuiltinOperator.LOGISTIC, 2);
        INT8_VERSIONS.put(BuiltinOperator.TANH, 2);
        INT8_VERSIONS.put(BuiltinOperator.CONCATENATION, 2);
        INT8_VERSIONS.put(BuiltinOperator.ADD, 2);
        INT8_VERSIONS.put(BuiltinOperator.SUB, 2);
        INT8_VERSIONS.put(BuiltinOperator.MUL, 2);
        INT8_VERSIONS.put(BuiltinOperator.PAD, 2);
        INT8_VERSIONS.put(BuiltinOperator.MEAN, 2);
        INT8_VERSIONS.put(BuiltinOperator.RELU, 2);
        INT8_VERSIONS.put(BuiltinOperator.RELU6, 2);
        INT8_VERSIONS.put(BuiltinOperator.LEAKY_RELU, 2);
        INT8_VERSIONS.put(BuiltinOperator.HARD_SWISH, 1);
        INT8_VERSIONS.put(BuiltinOperator.QUANTIZE, 1);
        INT8_VERSIONS.put(BuiltinOperator.DEQUANTIZE, 2);
    }

    private static final Set<BuiltinOperator> SHARED_QUANTIZATION = EnumSet.of(BuiltinOperator.RESHAPE,
            BuiltinOperator.AVERAGE_POOL_2D, BuiltinOperator.MAX_POOL_2D, BuiltinOperator.PAD,
            BuiltinOperator.CONCATENATION);

    private final Model model;
    private final Subgraph graph;
    private final Map<Integer, TensorStatistics> stats;
    private final Options options;
    private final WeightFormat weightFormat;

    private Quantizer(Model model, Map<Integer, TensorStatistics> stats, Options options, WeightFormat weightFormat) {
        this.model = model;
        this.graph = model.mainSubgraph();
        this.stats = stats;
        this.options = options;
        this.weightFormat = weightFormat;
    }

    public static Result quantize(Model floatModel, Map<Integer, TensorStatistics> stats, Options options) {
        return quantize(floatModel, stats, options, WeightFormat.int8());
    }

    /**
     * Quantizes with the weights of FULLY_CONNECTED and CONV_2D in {@code weightFormat}; with int4 the result is
     * Octet's int4 variant ({@link GroupedInt4Weights}, docs/INT4.md), which does not combine with clustering or
     * power-of-two scales.
     */
    public static Result quantize(Model floatModel, Map<Integer, TensorStatistics> stats, Options options,
                                  WeightFormat weightFormat) {
        if (weightFormat.isInt4() && (options.clusters() > 0 || options.powerOfTwoScales())) {
            throw new IllegalArgumentException("int4 weights do not combine with clustering or power-of-two scales");
        }
        return new Quantizer(floatModel, stats, options, weightFormat).run();
    }

    private Result run() {
        List<TensorSpec> tensors = graph.tensors();
        int n = tensors.size();
        for (OperatorSpec op : graph.operators()) {
            if (op.builtin() == null || !INT8_VERSIONS.containsKey(op.builtin())
                    || op.builtin() == BuiltinOperator.QUANTIZE || op.builtin() == BuiltinOperator.DEQUANTIZE) {
                throw new UnsupportedModelException(op + ": the quantizer does not handle " + op.name());
            }
        }
        if (graph.inputs().length != 1 || graph.outputs().length != 1) {
            throw new UnsupportedModelException("the quantizer handles models with one input and one output");
        }

        for (String name : options.perTensor().keySet()) {
            boolean found = tensors.stream().anyMatch(t -> t.name().equals(name) && !t.isConstant());
            if (!found) {
                throw new IllegalArgumentException("no activation tensor is named '" + name + "'");
            }
        }

        // 1. Roles of the constant tensors: weights (with their channel dimension) and biases.
        int[] weightDim = new int[n];
        Arrays.fill(weightDim, Integer.MIN_VALUE);
        int[] biasOf = new int[n]; // the operator whose bias the tensor is, or -1
        Arrays.fill(biasOf, -1);
        boolean[] int4 = new boolean[n]; // weights stored as grouped int4
        boolean anyInt4 = false;
        for (OperatorSpec op : graph.operators()) {
            BuiltinOperator b = op.builtin();
            if (b == BuiltinOperator.CONV_2D || b == BuiltinOperator.DEPTHWISE_CONV_2D
                    || b == BuiltinOperator.FULLY_CONNECTED) {
                int w = op.input(1);
                if (!tensors.get(w).isConstant()) {
                    throw new UnsupportedModelException(op + ": weights computed at run time are not supported");
                }
                weightDim[w] = switch (b) {
                    case CONV_2D -> 0;
                    case DEPTHWISE_CONV_2D -> 3;
                    default -> options.perChannelFc() ? 0 : -1; // -1: per tensor
                };
                if (weightFormat.isInt4() && (b != BuiltinOperator.DEPTHWISE_CONV_2D || weightFormat.depthwise())) {
                    int4[w] = true;
                    anyInt4 = true;
                }
                if (op.inputCount() > 2 && op.input(2) >= 0) {
                    biasOf[op.input(2)] = op.index();
                }
            }
        }

        // 2. Activation ranges: calibrated, narrowed by fused activations, unified across shared-quantization ops.
        Range[] range = new Range[n];
        for (TensorSpec t : tensors) {
            if (!t.isConstant() && t.type() == TensorType.FLOAT32) {
                TensorStatistics s = stats.get(t.index());
                if (s == null || !s.seen()) {
                    throw new IllegalArgumentException("no calibration statistics for " + t);
                }
                range[t.index()] = options.calibratorFor(t.name()).choose(s);
            } else if (t.isConstant() && t.type() == TensorType.FLOAT32 && weightDim[t.index()] == Integer.MIN_VALUE
                    && biasOf[t.index()] < 0) {
                range[t.index()] = constantRange(t); // e.g. an ADD operand
            }
        }
        for (OperatorSpec op : graph.operators()) {
            Activation a = fusedActivation(op.options());
            int out = op.output(0);
            if (range[out] != null) {
                range[out] = switch (a) {
                    case RELU -> range[out].clip(0f, Float.MAX_VALUE);
                    case RELU6 -> range[out].clip(0f, 6f);
                    case RELU_N1_TO_1 -> range[out].clip(-1f, 1f);
                    default -> range[out];
                };
            }
        }
        int[] group = new int[n];
        for (int i = 0; i < n; i++) {
            group[i] = i;
        }
        for (OperatorSpec op : graph.operators()) {
            if (SHARED_QUANTIZATION.contains(op.builtin())) {
                int limit = op.builtin() == BuiltinOperator.CONCATENATION ? op.inputCount()
                        : 1; // only the data input (the others are shapes and paddings)
                for (int i = 0; i < limit; i++) {
                    if (op.input(i) >= 0 && range[op.input(i)] != null) {
                        union(group, op.input(i), op.output(0));
                    }
                }
            }
        }
        Range[] groupRange = new Range[n];
        for (int i = 0; i < n; i++) {
            if (range[i] != null) {
                int r = find(group, i);
                groupRange[r] = groupRange[r] == null ? range[i] : groupRange[r].union(range[i]);
            }
        }
        QuantParams[] params = new QuantParams[n];
        for (int i = 0; i < n; i++) {
            if (range[i] != null) {
                params[i] = QuantParams.of(groupRange[find(group, i)]);
                if (options.powerOfTwoScales()) {
                    params[i] = powerOfTwo(params[i], groupRange[find(group, i)]);
                }
            }
        }
        for (OperatorSpec op : graph.operators()) {
            QuantParams fixed = switch (op.builtin()) {
                case SOFTMAX, LOGISTIC -> new QuantParams(1f / 256, -128);
                case TANH -> new QuantParams(1f / 128, 0);
                default -> null;
            };
            if (fixed != null) {
                int root = find(group, op.output(0));
                for (int i = 0; i < n; i++) {
                    if (params[i] != null && find(group, i) == root) {
                        params[i] = fixed;
                    }
                }
            }
        }

        // 3. Tensors of the new model.
        List<TensorDef> defs = new ArrayList<>();
        float[][] weightScales = new float[n][];
        for (TensorSpec t : tensors) {
            int i = t.index();
            if (int4[i]) {
                int channelDim = Math.max(weightDim[i], 0); // 3 for depthwise filters, else 0
                GroupedInt4Weights g = GroupedInt4Weights.quantize(floatValues(t), t.shape(), weightFormat.groupSize(),
                        channelDim);
                weightScales[i] = new float[t.dim(channelDim)]; // the accumulator's unit per input scale: S[c] / 255
                for (int c = 0; c < weightScales[i].length; c++) {
                    weightScales[i][c] = g.accumulatorScale(c);
                }
                defs.add(new TensorDef(t.name(), TensorType.INT4, t.shape(),
                        Quantization.perGroup(g.groupScales(), weightFormat.groupSize(), channelDim), g.packed()));
            } else if (weightDim[i] != Integer.MIN_VALUE) {
                float[] w = floatValues(t);
                int dim = weightDim[i];
                int channels = dim < 0 ? 1 : t.dim(dim);
                float[] scales = new float[channels];
                byte[] q = quantizeWeights(w, t.shape(), dim, scales, options.powerOfTwoScales());
                if (options.clusters() > 0) {
                    WeightClustering.cluster(q, options.clusters());
                }
                weightScales[i] = scales;
                defs.add(new TensorDef(t.name(), TensorType.INT8, t.shape(),
                        new Quantization(scales, new long[channels], Math.max(dim, 0)), q));
            } else if (params[i] != null) {
                QuantParams p = params[i];
                byte[] data = null;
                if (t.isConstant()) {
                    float[] v = floatValues(t);
                    data = new byte[v.length];
                    for (int k = 0; k < v.length; k++) {
                        data[k] = (byte) p.quantize(v[k]);
                    }
                }
                defs.add(new TensorDef(t.name(), TensorType.INT8, t.shape(),
                        Quantization.perTensor(p.scale(), p.zeroPoint()), data));
            } else if (biasOf[i] < 0) {
                // Untouched: int32 shape operands and the like.
                defs.add(new TensorDef(t.name(), t.type(), t.shape(), t.quantization(),
                        t.isConstant() ? t.data().toArray() : null));
            } else {
                defs.add(null); // a bias: filled in below, when its operator's scales are known
            }
        }
        for (OperatorSpec op : graph.operators()) {
            if (op.inputCount() > 2 && op.input(2) >= 0 && biasOf[op.input(2)] == op.index()) {
                TensorSpec b = tensors.get(op.input(2));
                QuantParams in = params[op.input(0)];
                float[] ws = weightScales[op.input(1)];
                float[] bias = floatValues(b);
                float[] bs = new float[ws.length];
                for (int c = 0; c < ws.length; c++) {
                    bs[c] = in.scale() * ws[c];
                }
                byte[] data = new byte[4 * bias.length];
                for (int k = 0; k < bias.length; k++) {
                    float s = bs[ws.length == 1 ? 0 : k];
                    double v = Math.rint(bias[k] / (double) s);
                    LittleEndian.putInt(data, 4 * k, (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v)));
                }
                defs.set(b.index(), new TensorDef(b.name(), TensorType.INT32, b.shape(),
                        new Quantization(bs, new long[bs.length], 0), data));
            }
        }

        // 4. Operators, and the float edges when asked for.
        int[] int8Of = new int[n];
        for (int i = 0; i < n; i++) {
            int8Of[i] = i;
        }
        int in = graph.inputs()[0];
        int out = graph.outputs()[0];
        List<OperatorDef> ops = new ArrayList<>();
        if (options.floatIo()) {
            TensorDef inDef = defs.get(in);
            TensorDef outDef = defs.get(out);
            int qIn = defs.size();
            defs.add(new TensorDef(inDef.name() + "_int8", TensorType.INT8, inDef.shape(), inDef.quantization(), null));
            int qOut = defs.size();
            defs.add(new TensorDef(outDef.name() + "_int8", TensorType.INT8, outDef.shape(), outDef.quantization(),
                    null));
            defs.set(in, new TensorDef(inDef.name(), TensorType.FLOAT32, inDef.shape(), null, null));
            defs.set(out, new TensorDef(outDef.name(), TensorType.FLOAT32, outDef.shape(), null, null));
            int8Of[in] = qIn;
            int8Of[out] = qOut;
            ops.add(new OperatorDef(BuiltinOperator.QUANTIZE, INT8_VERSIONS.get(BuiltinOperator.QUANTIZE),
                    new int[] {in}, new int[] {qIn}, null));
        }
        List<LayerParams> layers = new ArrayList<>();
        for (OperatorSpec op : graph.operators()) {
            int[] ins = op.inputs();
            for (int k = 0; k < ins.length; k++) {
                if (ins[k] >= 0) {
                    ins[k] = int8Of[ins[k]];
                }
            }
            int[] outs = op.outputs();
            for (int k = 0; k < outs.length; k++) {
                outs[k] = int8Of[outs[k]];
            }
            int version = Math.max(INT8_VERSIONS.get(op.builtin()), op.code().version());
            if (op.builtin() == BuiltinOperator.FULLY_CONNECTED && options.perChannelFc()) {
                version = Math.max(version, 12); // per-channel FULLY_CONNECTED needs op version 12 in TFLite
            }
            ops.add(new OperatorDef(op.builtin(), version, ins, outs, op.options()));
            int o = op.output(0);
            if (params[o] != null) {
                layers.add(new LayerParams(op.index(), op.name(), o, tensors.get(o).name(), range[o],
                        params[o].scale(), params[o].zeroPoint()));
            }
        }
        if (options.floatIo()) {
            ops.add(new OperatorDef(BuiltinOperator.DEQUANTIZE, INT8_VERSIONS.get(BuiltinOperator.DEQUANTIZE),
                    new int[] {int8Of[out]}, new int[] {out}, null));
        }
        String description = "Octet post-training quantization ("
                + options.calibrator().name().toLowerCase(java.util.Locale.ROOT)
                + (anyInt4 ? ", int4 weights in groups of " + weightFormat.groupSize()
                        + ": Octet variant, not TFLite-compatible" : "")
                + (options.powerOfTwoScales() ? ", power-of-two scales, shift-only requantization: Octet variant, "
                        + "not bit-exact with TFLite" : "") + ") of: " + model.description();
        Map<String, byte[]> metadata = anyInt4
                ? Map.of(Int4Layout.METADATA_NAME, new Int4Layout(weightFormat.groupSize()).encode())
                : options.powerOfTwoScales()
                        ? Map.of(ShiftOnlyRequantization.METADATA_NAME, ShiftOnlyRequantization.encode()) : Map.of();
        byte[] bytes = TfliteModelWriter.write(description, graph.name(), defs, ops, new int[] {in}, new int[] {out},
                metadata);
        return new Result(bytes, int8Of, layers);
    }

    /**
     * Symmetric quantization to [-127, 127] with one scale per slice along {@code dim} ({@code -1}: one scale for
     * the whole tensor). {@code scale = max|w| / 127}; an all-zero slice gets scale 1 (any scale represents it).
     */
    static byte[] quantizeWeights(float[] w, int[] shape, int dim, float[] scales, boolean powerOfTwo) {
        int channels = scales.length;
        int inner = 1;
        if (dim >= 0) {
            for (int d = dim + 1; d < shape.length; d++) {
                inner *= shape[d];
            }
        }
        float[] maxAbs = new float[channels];
        for (int k = 0; k < w.length; k++) {
            int c = dim < 0 ? 0 : (k / inner) % channels;
            maxAbs[c] = Math.max(maxAbs[c], Math.abs(w[k]));
        }
        for (int c = 0; c < channels; c++) {
            scales[c] = maxAbs[c] > 0 ? maxAbs[c] / 127f : 1f;
            if (powerOfTwo) {
                scales[c] = ceilPowerOfTwo(scales[c]);
            }
        }
        byte[] q = new byte[w.length];
        for (int k = 0; k < w.length; k++) {
            int c = dim < 0 ? 0 : (k / inner) % channels;
            long r = Math.round(w[k] / scales[c]);
            q[k] = (byte) Math.max(-127, Math.min(127, r));
        }
        return q;
    }

    /** The smallest power of two not below {@code x} (x > 0). */
    static float ceilPowerOfTwo(float x) {
        return (float) Math.pow(2, Math.ceil(Math.log(x) / Math.log(2) - 1e-9));
    }

    /**
     * The same range with its scale rounded up to a power of two (so the range is still covered) and the zero point
     * re-derived. Fixed output parameters (1/256, 1/128) are powers of two already.
     */
    private static QuantParams powerOfTwo(QuantParams p, Range range) {
        float scale = ceilPowerOfTwo(p.scale());
        double lo = Math.min(0.0, range.min());
        double hi = Math.max(0.0, range.max());
        // Centre the covered interval on the calibrated one, then keep it inside int8.
        double zp = QuantParams.QMIN + (QuantParams.QMAX - QuantParams.QMIN) / 2.0 - (lo + hi) / (2 * scale);
        if (lo == 0) {
            zp = QuantParams.QMIN; // a RELU output keeps 0 at the bottom of the range
        }
        int zeroPoint = (int) Math.max(QuantParams.QMIN, Math.min(QuantParams.QMAX, Math.round(zp)));
        return new QuantParams(scale, zeroPoint);
    }

    /** A constant's values as floats: FLOAT32 as stored, int8 (hybrid weights) dequantized per tensor or axis. */
    static float[] floatValues(TensorSpec t) {
        int count = (int) t.elementCount();
        float[] v = new float[count];
        if (t.type() == TensorType.FLOAT32) {
            for (int k = 0; k < count; k++) {
                v[k] = t.data().getFloat(k);
            }
            return v;
        }
        if (t.type() == TensorType.INT8 && t.quantization().isQuantized()) {
            Quantization q = t.quantization();
            int dim = q.quantizedDimension();
            int inner = 1;
            for (int d = dim + 1; d < t.rank(); d++) {
                inner *= t.dim(d);
            }
            for (int k = 0; k < count; k++) {
                int c = q.isPerAxis() ? (k / inner) % q.count() : 0;
                v[k] = q.scale(c) * (t.data().get(k) - q.zeroPoint(c));
            }
            return v;
        }
        throw new UnsupportedModelException(t + ": constant of type " + t.type() + " cannot be quantized");
    }

    private static Range constantRange(TensorSpec t) {
        float[] v = floatValues(t);
        float lo = 0f;
        float hi = 0f;
        for (float x : v) {
            lo = Math.min(lo, x);
            hi = Math.max(hi, x);
        }
        return new Range(lo, hi);
    }

    private static Activation fusedActivation(BuiltinOptions o) {
        if (o instanceof BuiltinOptions.Conv2D c) {
            return c.activation();
        }
        if (o instanceof BuiltinOptions.DepthwiseConv2D c) {
            return c.activation();
        }
        if (o instanceof BuiltinOptions.FullyConnected c) {
            return c.activation();
        }
        if (o instanceof BuiltinOptions.Pool2D c) {
            return c.activation();
        }
        if (o instanceof BuiltinOptions.Add c) {
            return c.activation();
        }
        if (o instanceof BuiltinOptions.Sub c) {
            return c.activation();
        }
        if (o instanceof BuiltinOptions.Mul c) {
            return c.activation();
        }
        if (o instanceof BuiltinOptions.Concatenation c) {
            return c.activation();
        }
        return Activation.NONE;
    }

    private static int find(int[] parent, int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }

    private static void union(int[] parent, int a, int b) {
        parent[find(parent, a)] = find(parent, b);
    }
}
