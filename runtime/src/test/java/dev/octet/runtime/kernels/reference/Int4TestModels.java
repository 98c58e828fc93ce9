package dev.octet.runtime.kernels.reference;

import dev.octet.runtime.model.Activation;
import dev.octet.runtime.model.BuiltinOperator;
import dev.octet.runtime.model.BuiltinOptions;
import dev.octet.runtime.model.Int4Layout;
import dev.octet.runtime.model.Padding;
import dev.octet.runtime.model.Quantization;
import dev.octet.runtime.model.TensorType;
import dev.octet.runtime.quant.ptq.GroupedInt4Weights;
import dev.octet.runtime.quant.ptq.TfliteModelWriter;
import dev.octet.runtime.quant.ptq.TfliteModelWriter.OperatorDef;
import dev.octet.runtime.quant.ptq.TfliteModelWriter.TensorDef;
import dev.octet.runtime.tensor.LittleEndian;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One-operator models in Octet's int4 variant (int8 input [.., K] or NHWC, INT4 weights with group scales, int32
 * bias, int8 output), written with {@link TfliteModelWriter}, for the reader and kernel tests.
 */
public final class Int4TestModels {
    private Int4TestModels() {
    }

    /** The parameters of one model. Tensors: 0 input, 1 weights, 2 bias, 3 output. */
    public record Spec(int[] inShape, float inScale, int inZp, GroupedInt4Weights weights, int[] weightShape,
                       int groupSize, int[] bias, int[] outShape, float outScale, int outZp) {
    }

    /** The int32 bias in units of {@code s_in · S[c] / 255} for float biases. */
    public static int[] quantizeBias(float[] bias, float inScale, GroupedInt4Weights w) {
        int[] q = new int[bias.length];
        for (int c = 0; c < bias.length; c++) {
            q[c] = (int) Math.rint(bias[c] / ((double) inScale * w.accumulatorScale(c)));
        }
        return q;
    }

    public static byte[] fullyConnected(Spec s) {
        return write(s, BuiltinOperator.FULLY_CONNECTED,
                new BuiltinOptions.FullyConnected(Activation.NONE, 0, false, false), true);
    }

    public static byte[] conv2D(Spec s, Padding padding, int stride, int dilation) {
        return write(s, BuiltinOperator.CONV_2D,
                new BuiltinOptions.Conv2D(padding, stride, stride, Activation.NONE, dilation, dilation), true);
    }

    /** A DEPTHWISE_CONV_2D model; the weights' channels lie along dimension 3. */
    public static byte[] depthwiseConv2D(Spec s, Padding padding, int stride, int dilation, int depthMultiplier) {
        List<TensorDef> tensors = tensors(s);
        TensorDef w = tensors.get(1);
        tensors.set(1, new TensorDef(w.name(), w.type(), w.shape(),
                Quantization.perGroup(s.weights().groupScales(), s.groupSize(), 3), w.data()));
        return TfliteModelWriter.write("int4 test", "main", tensors, List.of(new OperatorDef(
                BuiltinOperator.DEPTHWISE_CONV_2D, 3, new int[] {0, 1, 2}, new int[] {3},
                new BuiltinOptions.DepthwiseConv2D(padding, stride, stride, depthMultiplier, Activation.NONE,
                        dilation, dilation))), new int[] {0}, new int[] {3}, marker(s.groupSize()));
    }

    /** The FC model, with or without the metadata marker. */
    public static byte[] fullyConnected(Spec s, boolean marker) {
        return write(s, BuiltinOperator.FULLY_CONNECTED,
                new BuiltinOptions.FullyConnected(Activation.NONE, 0, false, false), marker);
    }

    /** A model whose weights carry {@code scales} as their quantization (to test inconsistent group counts). */
    public static byte[] withWeightScales(Spec s, float[] scales) {
        List<TensorDef> tensors = tensors(s);
        TensorDef w = tensors.get(1);
        tensors.set(1, new TensorDef(w.name(), w.type(), w.shape(), Quantization.perGroup(scales, s.groupSize()),
                w.data()));
        return TfliteModelWriter.write("int4 test", "main", tensors, List.of(new OperatorDef(
                BuiltinOperator.FULLY_CONNECTED, 4, new int[] {0, 1, 2}, new int[] {3},
                new BuiltinOptions.FullyConnected(Activation.NONE, 0, false, false))), new int[] {0}, new int[] {3},
                marker(s.groupSize()));
    }

    /** A model with its metadata entry replaced by {@code metadata}. */
    public static byte[] withMetadata(Spec s, byte[] metadata) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put(Int4Layout.METADATA_NAME, metadata);
        return TfliteModelWriter.write("int4 test", "main", tensors(s), List.of(new OperatorDef(
                BuiltinOperator.FULLY_CONNECTED, 4, new int[] {0, 1, 2}, new int[] {3},
                new BuiltinOptions.FullyConnected(Activation.NONE, 0, false, false))), new int[] {0}, new int[] {3}, m);
    }

    /** The FC model with another metadata entry before the marker (as converters write "min_runtime_version"). */
    public static byte[] withOtherMetadataFirst(Spec s) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("min_runtime_version", "1.14.0".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        m.putAll(marker(s.groupSize()));
        return TfliteModelWriter.write("int4 test", "main", tensors(s), List.of(new OperatorDef(
                BuiltinOperator.FULLY_CONNECTED, 4, new int[] {0, 1, 2}, new int[] {3},
                new BuiltinOptions.FullyConnected(Activation.NONE, 0, false, false))), new int[] {0}, new int[] {3}, m);
    }

    /** The FC model with a float32 input (a hybrid combination the int4 kernels refuse). */
    public static byte[] fullyConnectedWithFloatInput(Spec s) {
        List<TensorDef> tensors = tensors(s);
        tensors.set(0, new TensorDef("input", TensorType.FLOAT32, s.inShape(), null, null));
        return TfliteModelWriter.write("int4 test", "main", tensors, List.of(new OperatorDef(
                BuiltinOperator.FULLY_CONNECTED, 4, new int[] {0, 1, 2}, new int[] {3},
                new BuiltinOptions.FullyConnected(Activation.NONE, 0, false, false))), new int[] {0}, new int[] {3},
                marker(s.groupSize()));
    }

    static Map<String, byte[]> marker(int groupSize) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put(Int4Layout.METADATA_NAME, new Int4Layout(groupSize).encode());
        return m;
    }

    private static byte[] write(Spec s, BuiltinOperator op, BuiltinOptions options, boolean marker) {
        return TfliteModelWriter.write("int4 test", "main", tensors(s), List.of(new OperatorDef(op,
                op == BuiltinOperator.CONV_2D ? 3 : 4, new int[] {0, 1, 2}, new int[] {3}, options)),
                new int[] {0}, new int[] {3}, marker ? marker(s.groupSize()) : Map.of());
    }

    private static List<TensorDef> tensors(Spec s) {
        byte[] bias = new byte[4 * s.bias().length];
        float[] biasScales = new float[s.bias().length];
        for (int c = 0; c < s.bias().length; c++) {
            LittleEndian.putInt(bias, 4 * c, s.bias()[c]);
            biasScales[c] = s.inScale() * s.weights().accumulatorScale(c);
        }
        return new java.util.ArrayList<>(List.of(
                new TensorDef("input", TensorType.INT8, s.inShape(), Quantization.perTensor(s.inScale(), s.inZp()),
                        null),
                new TensorDef("weights", TensorType.INT4, s.weightShape(),
                        Quantization.perGroup(s.weights().groupScales(), s.groupSize()), s.weights().packed()),
                new TensorDef("bias", TensorType.INT32, new int[] {s.bias().length},
                        new Quantization(biasScales, new long[biasScales.length], 0), bias),
                new TensorDef("output", TensorType.INT8, s.outShape(),
                        Quantization.perTensor(s.outScale(), s.outZp()), null)));
    }
}
