package dev.octet.runtime.quant.ptq;

import static dev.octet.runtime.model.flatbuffer.FlatBufferWriter.bytes;
import static dev.octet.runtime.model.flatbuffer.FlatBufferWriter.floats;
import static dev.octet.runtime.model.flatbuffer.FlatBufferWriter.ints;
import static dev.octet.runtime.model.flatbuffer.FlatBufferWriter.longs;
import static dev.octet.runtime.model.flatbuffer.FlatBufferWriter.string;
import static dev.octet.runtime.model.flatbuffer.FlatBufferWriter.table;
import static dev.octet.runtime.model.flatbuffer.FlatBufferWriter.vector;

import dev.octet.runtime.model.BuiltinOperator;
import dev.octet.runtime.model.BuiltinOptions;
import dev.octet.runtime.model.ModelReader;
import dev.octet.runtime.model.Quantization;
import dev.octet.runtime.model.TensorType;
import dev.octet.runtime.model.flatbuffer.FlatBufferWriter;
import dev.octet.runtime.model.flatbuffer.FlatBufferWriter.TableNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Serializes a one-subgraph model to a TFLite flatbuffer (schema version 3, file identifier {@code TFL3}).
 * Field ids and union tags follow {@code tensorflow/lite/schema/schema.fbs}. Buffer 0 is the empty sentinel
 * that every non-constant tensor points at; each constant tensor gets its own buffer. Operator codes carry both
 * {@code builtin_code} and {@code deprecated_builtin_code} (the latter capped at 127, the schema's
 * placeholder for newer ops), as current converters write them.
 */
public final class TfliteModelWriter {

    /** A tensor to write; {@code data} is null for activations and graph inputs. */
    public record TensorDef(String name, TensorType type, int[] shape, Quantization quantization, byte[] data) {
        public TensorDef {
            shape = shape.clone();
            quantization = quantization == null ? Quantization.NONE : quantization;
        }
    }

    /** An operator to write. {@code version} is the operator-code version the op needs. */
    public record OperatorDef(BuiltinOperator op, int version, int[] inputs, int[] outputs, BuiltinOptions options) {
        public OperatorDef {
            inputs = inputs.clone();
            outputs = outputs.clone();
            options = options == null ? BuiltinOptions.None.INSTANCE : options;
        }
    }

    // BuiltinOptions union tags (1-based position in the schema's union).
    private static final int CONV_2D_OPTIONS = 1;
    private static final int DEPTHWISE_CONV_2D_OPTIONS = 2;
    private static final int POOL_2D_OPTIONS = 5;
    private static final int FULLY_CONNECTED_OPTIONS = 8;
    private static final int SOFTMAX_OPTIONS = 9;
    private static final int CONCATENATION_OPTIONS = 10;
    private static final int ADD_OPTIONS = 11;
    private static final int RESHAPE_OPTIONS = 17;
    private static final int MUL_OPTIONS = 21;
    private static final int REDUCER_OPTIONS = 27;
    private static final int SUB_OPTIONS = 28;
    private static final int LEAKY_RELU_OPTIONS = 75;

    private TfliteModelWriter() {
    }

    public static byte[] write(String description, String graphName, List<TensorDef> tensors,
                               List<OperatorDef> operators, int[] inputs, int[] outputs) {
        return write(description, graphName, tensors, operators, inputs, outputs, Map.of());
    }

    /**
     * Writes the model with {@code metadata} entries (the schema's {@code Model.metadata}: a name and the index
     * of a buffer holding the bytes), in the map's iteration order, each with its own buffer after the tensors'.
     */
    public static byte[] write(String description, String graphName, List<TensorDef> tensors,
                               List<OperatorDef> operators, int[] inputs, int[] outputs,
                               Map<String, byte[]> metadata) {
        // Operator codes: one per (builtin, version) pair in first-use order, with the highest version asked for.
        Map<BuiltinOperator, Integer> versions = new LinkedHashMap<>();
        for (OperatorDef op : operators) {
            versions.merge(op.op(), op.version(), Math::max);
        }
        List<BuiltinOperator> codes = new ArrayList<>(versions.keySet());
        List<TableNode> opcodeTables = new ArrayList<>();
        for (BuiltinOperator b : codes) {
            opcodeTables.add(table()
                    .int8(0, Math.min(b.code(), 127))
                    .int32(2, versions.get(b))
                    .int32(3, b.code()));
        }

        List<TableNode> buffers = new ArrayList<>();
        buffers.add(table()); // buffer 0: the empty sentinel
        List<TableNode> tensorTables = new ArrayList<>();
        for (TensorDef t : tensors) {
            TableNode node = table().ref(0, ints(t.shape())).int8(1, t.type().code());
            if (t.data() != null) {
                node.uint32(2, buffers.size());
                buffers.add(table().ref(0, bytes(t.data())));
            }
            node.ref(3, string(t.name()));
            Quantization q = t.quantization();
            if (q.isQuantized()) {
                TableNode qt = table().ref(2, floats(q.scales()));
                if (!q.isPerGroup()) { // per-group int4 scales have no zero points (all 0)
                    qt.ref(3, longs(q.zeroPoints()));
                }
                // Written even when it is 0, so that per-axis parameters are explicit for every reader.
                qt.int32(6, q.quantizedDimension());
                node.ref(4, qt);
            }
            tensorTables.add(node);
        }

        List<TableNode> opTables = new ArrayList<>();
        for (OperatorDef op : operators) {
            TableNode node = table()
                    .uint32(0, codes.indexOf(op.op()))
                    .ref(1, ints(op.inputs()))
                    .ref(2, ints(op.outputs()));
            OptionsTable options = options(op.options());
            if (options != null) {
                node.int8(3, options.tag()).ref(4, options.table());
            }
            opTables.add(node);
        }

        TableNode subgraph = table()
                .ref(0, vector(tensorTables))
                .ref(1, ints(inputs))
                .ref(2, ints(outputs))
                .ref(3, vector(opTables))
                .ref(4, string(graphName));
        List<TableNode> metadataTables = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : metadata.entrySet()) {
            metadataTables.add(table().ref(0, string(e.getKey())).uint32(1, buffers.size()));
            buffers.add(table().ref(0, bytes(e.getValue())));
        }
        TableNode model = table()
                .uint32(0, ModelReader.SCHEMA_VERSION)
                .ref(1, vector(opcodeTables))
                .ref(2, vector(List.of(subgraph)))
                .ref(3, string(description))
                .ref(4, vector(buffers));
        if (!metadataTables.isEmpty()) {
            model.ref(6, vector(metadataTables));
        }
        return FlatBufferWriter.finish(model, ModelReader.FILE_IDENTIFIER);
    }

    private record OptionsTable(int tag, TableNode table) {
    }

    private static OptionsTable options(BuiltinOptions options) {
        if (options instanceof BuiltinOptions.Conv2D o) {
            return new OptionsTable(CONV_2D_OPTIONS, table()
                    .int8(0, o.padding().ordinal()).int32(1, o.strideW()).int32(2, o.strideH())
                    .int8(3, o.activation().ordinal()).int32(4, o.dilationW()).int32(5, o.dilationH()));
        }
        if (options instanceof BuiltinOptions.DepthwiseConv2D o) {
            return new OptionsTable(DEPTHWISE_CONV_2D_OPTIONS, table()
                    .int8(0, o.padding().ordinal()).int32(1, o.strideW()).int32(2, o.strideH())
                    .int32(3, o.depthMultiplier()).int8(4, o.activation().ordinal())
                    .int32(5, o.dilationW()).int32(6, o.dilationH()));
        }
        if (options instanceof BuiltinOptions.Pool2D o) {
            return new OptionsTable(POOL_2D_OPTIONS, table()
                    .int8(0, o.padding().ordinal()).int32(1, o.strideW()).int32(2, o.strideH())
                    .int32(3, o.filterW()).int32(4, o.filterH()).int8(5, o.activation().ordinal()));
        }
        if (options instanceof BuiltinOptions.FullyConnected o) {
            return new OptionsTable(FULLY_CONNECTED_OPTIONS, table()
                    .int8(0, o.activation().ordinal()).int8(1, o.weightsFormat())
                    .bool(2, o.keepNumDims()).bool(3, o.asymmetricQuantizeInputs()));
        }
        if (options instanceof BuiltinOptions.Softmax o) {
            return new OptionsTable(SOFTMAX_OPTIONS, table().float32(0, o.beta()));
        }
        if (options instanceof BuiltinOptions.Concatenation o) {
            return new OptionsTable(CONCATENATION_OPTIONS,
                    table().int32(0, o.axis()).int8(1, o.activation().ordinal()));
        }
        if (options instanceof BuiltinOptions.Add o) {
            return new OptionsTable(ADD_OPTIONS, table().int8(0, o.activation().ordinal()));
        }
        if (options instanceof BuiltinOptions.Sub o) {
            return new OptionsTable(SUB_OPTIONS, table().int8(0, o.activation().ordinal()));
        }
        if (options instanceof BuiltinOptions.Mul o) {
            return new OptionsTable(MUL_OPTIONS, table().int8(0, o.activation().ordinal()));
        }
        if (options instanceof BuiltinOptions.Reshape o) {
            return new OptionsTable(RESHAPE_OPTIONS,
                    o.newShape() == null ? table() : table().ref(0, ints(o.newShape())));
        }
        if (options instanceof BuiltinOptions.Reducer o) {
            return new OptionsTable(REDUCER_OPTIONS, table().bool(0, o.keepDims()));
        }
        if (options instanceof BuiltinOptions.LeakyRelu o) {
            return new OptionsTable(LEAKY_RELU_OPTIONS, table().float32(0, o.alpha()));
        }
        return null; // BuiltinOptions.None: nothing to write
    }
}
