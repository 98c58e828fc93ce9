package dev.octet.runtime.model;

import dev.octet.runtime.model.flatbuffer.Field;
import dev.octet.runtime.model.flatbuffer.FlatBuffer;
import dev.octet.runtime.model.flatbuffer.Table;
import dev.octet.runtime.model.flatbuffer.Vector;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads and validates TFLite models (FlatBuffers with file identifier {@code TFL3}, schema version 3).
 *
 * <p>The reader trusts nothing in the file. Every offset and length is bounds-checked before use, every size
 * is checked against the {@link ModelLimits} before anything is allocated for it, and the result is checked for
 * consistency: tensor types and shapes, constant data sizes, quantization parameters, tensor indices, builtin
 * options, and that the operators form an acyclic graph listed in an order in which they can run. Any problem
 * raises a {@link ModelFormatException} whose message names the place, for example
 * {@code "subgraph 0, tensor 12, field 'shape': ..."}; hostile bytes never cause any other exception, an
 * excessive allocation or a hang. Offsets that make the reader decode the same vector or string over and over
 * are stopped by a decode budget (see {@link FlatBuffer}), so heap use stays proportional to the file's size.
 *
 * <p>The reader does not decide whether Octet can run the model: any builtin or custom operator is accepted
 * (the engine refuses what it does not support). Constant tensor data are zero-copy {@link ByteSlice} views of
 * the model's bytes.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class ModelReader {
    /** The file identifier of schema-3 TFLite FlatBuffers, at bytes 4..8. */
    public static final String FILE_IDENTIFIER = "TFL3";
    /** The only schema version the reader accepts. */
    public static final int SCHEMA_VERSION = 3;

    private final ModelLimits limits;

    private ModelReader(ModelLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /** A reader enforcing {@link ModelLimits#defaults()}. */
    public static ModelReader withDefaults() {
        return new ModelReader(ModelLimits.defaults());
    }

    /** A reader enforcing {@code limits}. */
    public static ModelReader withLimits(ModelLimits limits) {
        return new ModelReader(limits);
    }

    public ModelLimits limits() {
        return limits;
    }

    /**
     * Reads a model file. Its size is checked against {@link ModelLimits#maxModelBytes()} before any byte is
     * read, and reading stops at the limit even if the file grows meanwhile.
     *
     * @throws ModelFormatException the file is not a valid model or exceeds the limits; the message starts
     *                              with the file name
     * @throws IOException          the file cannot be read
     */
    public Model read(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        long size = Files.size(file);
        if (size > limits.maxModelBytes()) {
            throw new ModelFormatException(file + ": the model file has " + size
                    + " bytes, more than the limit of " + limits.maxModelBytes());
        }
        byte[] bytes = new byte[(int) size];
        int read;
        boolean grew;
        try (InputStream in = Files.newInputStream(file)) {
            read = in.readNBytes(bytes, 0, bytes.length);
            grew = read == bytes.length && in.read() >= 0;
        }
        if (grew) {
            throw new ModelFormatException(file + ": the model file grew while it was being read");
        }
        if (read < bytes.length) {
            bytes = Arrays.copyOf(bytes, read);
        }
        try {
            return read(bytes);
        } catch (UnsupportedModelException e) {
            throw new UnsupportedModelException(file + ": " + e.getMessage());
        } catch (ModelFormatException e) {
            throw new ModelFormatException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a model from {@code bytes}, taking ownership of the array: it is not copied, the returned model's
     * constant tensors view it, and the caller must not modify it afterwards.
     *
     * @throws ModelFormatException the bytes are not a valid model or exceed the limits
     * @throws UnsupportedModelException the model is valid but uses sparse tensors, which Octet does not read
     */
    public Model read(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        return new Parse(bytes, limits).model();
    }

    // ---- schema: field ids follow declaration order in tensorflow/lite/schema/schema.fbs ----

    private static final Field MODEL_VERSION = new Field(0, "version");
    private static final Field MODEL_OPERATOR_CODES = new Field(1, "operator_codes");
    private static final Field MODEL_SUBGRAPHS = new Field(2, "subgraphs");
    private static final Field MODEL_DESCRIPTION = new Field(3, "description");
    private static final Field MODEL_BUFFERS = new Field(4, "buffers");
    private static final Field MODEL_METADATA = new Field(6, "metadata");
    private static final Field MODEL_SIGNATURE_DEFS = new Field(7, "signature_defs");
    private static final Field METADATA_NAME = new Field(0, "name");
    private static final Field METADATA_BUFFER = new Field(1, "buffer");

    private static final Field OPCODE_DEPRECATED_BUILTIN_CODE = new Field(0, "deprecated_builtin_code");
    private static final Field OPCODE_CUSTOM_CODE = new Field(1, "custom_code");
    private static final Field OPCODE_VERSION = new Field(2, "version");
    private static final Field OPCODE_BUILTIN_CODE = new Field(3, "builtin_code");

    private static final Field SUBGRAPH_TENSORS = new Field(0, "tensors");
    private static final Field SUBGRAPH_INPUTS = new Field(1, "inputs");
    private static final Field SUBGRAPH_OUTPUTS = new Field(2, "outputs");
    private static final Field SUBGRAPH_OPERATORS = new Field(3, "operators");
    private static final Field SUBGRAPH_NAME = new Field(4, "name");

    private static final Field TENSOR_SHAPE = new Field(0, "shape");
    private static final Field TENSOR_TYPE = new Field(1, "type");
    private static final Field TENSOR_BUFFER = new Field(2, "buffer");
    private static final Field TENSOR_NAME = new Field(3, "name");
    private static final Field TENSOR_QUANTIZATION = new Field(4, "quantization");
    private static final Field TENSOR_IS_VARIABLE = new Field(5, "is_variable");
    private static final Field TENSOR_SPARSITY = new Field(6, "sparsity");
    private static final Field TENSOR_SHAPE_SIGNATURE = new Field(7, "shape_signature");

    private static final Field QUANT_SCALE = new Field(2, "scale");
    private static final Field QUANT_ZERO_POINT = new Field(3, "zero_point");
    private static final Field QUANT_QUANTIZED_DIMENSION = new Field(6, "quantized_dimension");

    private static final Field OP_OPCODE_INDEX = new Field(0, "opcode_index");
    private static final Field OP_INPUTS = new Field(1, "inputs");
    private static final Field OP_OUTPUTS = new Field(2, "outputs");
    private static final Field OP_BUILTIN_OPTIONS_TYPE = new Field(3, "builtin_options_type");
    private static final Field OP_BUILTIN_OPTIONS = new Field(4, "builtin_options");

    private static final Field BUFFER_DATA = new Field(0, "data");
    private static final Field BUFFER_OFFSET = new Field(1, "offset");
    private static final Field BUFFER_SIZE = new Field(2, "size");

    private static final Field SIGNATURE_INPUTS = new Field(0, "inputs");
    private static final Field SIGNATURE_OUTPUTS = new Field(1, "outputs");
    private static final Field SIGNATURE_KEY = new Field(2, "signature_key");
    private static final Field SIGNATURE_SUBGRAPH_INDEX = new Field(4, "subgraph_index");
    private static final Field TENSOR_MAP_NAME = new Field(0, "name");
    private static final Field TENSOR_MAP_TENSOR_INDEX = new Field(1, "tensor_index");

    // Options tables. Conv2DOptions, DepthwiseConv2DOptions and Pool2DOptions share their first three fields.
    private static final Field OPT_PADDING = new Field(0, "padding");
    private static final Field OPT_STRIDE_W = new Field(1, "stride_w");
    private static final Field OPT_STRIDE_H = new Field(2, "stride_h");
    private static final Field CONV_ACTIVATION = new Field(3, "fused_activation_function");
    private static final Field CONV_DILATION_W = new Field(4, "dilation_w_factor");
    private static final Field CONV_DILATION_H = new Field(5, "dilation_h_factor");
    private static final Field DW_DEPTH_MULTIPLIER = new Field(3, "depth_multiplier");
    private static final Field DW_ACTIVATION = new Field(4, "fused_activation_function");
    private static final Field DW_DILATION_W = new Field(5, "dilation_w_factor");
    private static final Field DW_DILATION_H = new Field(6, "dilation_h_factor");
    private static final Field POOL_FILTER_W = new Field(3, "filter_width");
    private static final Field POOL_FILTER_H = new Field(4, "filter_height");
    private static final Field POOL_ACTIVATION = new Field(5, "fused_activation_function");
    private static final Field FC_ACTIVATION = new Field(0, "fused_activation_function");
    private static final Field FC_WEIGHTS_FORMAT = new Field(1, "weights_format");
    private static final Field FC_KEEP_NUM_DIMS = new Field(2, "keep_num_dims");
    private static final Field FC_ASYMMETRIC_QUANTIZE_INPUTS = new Field(3, "asymmetric_quantize_inputs");
    private static final Field SOFTMAX_BETA = new Field(0, "beta");
    private static final Field CONCAT_AXIS = new Field(0, "axis");
    private static final Field CONCAT_ACTIVATION = new Field(1, "fused_activation_function");
    /** AddOptions, SubOptions and MulOptions: the activation is field 0. */
    private static final Field ARITH_ACTIVATION = new Field(0, "fused_activation_function");
    private static final Field RESHAPE_NEW_SHAPE = new Field(0, "new_shape");
    private static final Field REDUCER_KEEP_DIMS = new Field(0, "keep_dims");
    private static final Field LEAKY_RELU_ALPHA = new Field(0, "alpha");

    // Tags of the BuiltinOptions union (1-based position in the schema's union; 0 is NONE).
    static final int CONV_2D_OPTIONS = 1;
    static final int DEPTHWISE_CONV_2D_OPTIONS = 2;
    static final int POOL_2D_OPTIONS = 5;
    static final int FULLY_CONNECTED_OPTIONS = 8;
    static final int SOFTMAX_OPTIONS = 9;
    static final int CONCATENATION_OPTIONS = 10;
    static final int ADD_OPTIONS = 11;
    static final int RESHAPE_OPTIONS = 17;
    static final int MUL_OPTIONS = 21;
    static final int REDUCER_OPTIONS = 27;
    static final int SUB_OPTIONS = 28;
    static final int LEAKY_RELU_OPTIONS = 75;

    /** The state of one read: the buffer, its decode budget and the tables every subgraph refers to. */
    private static final class Parse {
        private final byte[] bytes;
        private final ModelLimits limits;
        private Vector buffers;
        /** The int4 layout when the model carries Octet's int4 marker, else null. */
        private Int4Layout int4;
        /** Whether the model carries the marker of Octet's shift-only variant. */
        private boolean shiftOnly;

        Parse(byte[] bytes, ModelLimits limits) {
            this.bytes = bytes;
            this.limits = limits;
        }

        Model model() {
            if (bytes.length > limits.maxModelBytes()) {
                throw new ModelFormatException("model: " + bytes.length + " bytes, more than the limit of "
                        + limits.maxModelBytes());
            }
            FlatBuffer fb = FlatBuffer.wrap(bytes);
            String identifier = fb.identifier();
            if (identifier == null) {
                throw new ModelFormatException("model: only " + bytes.length
                        + " bytes, too short for a FlatBuffer header");
            }
            if (!identifier.equals(FILE_IDENTIFIER)) {
                throw new ModelFormatException("model: file identifier (bytes 4..8) is '" + identifier
                        + "', expected '" + FILE_IDENTIFIER + "'; this is not a TFLite schema-3 model");
            }
            Table root = fb.root("model");
            long version = root.getUInt(MODEL_VERSION, 0);
            if (version != SCHEMA_VERSION) {
                throw fail(root.where(MODEL_VERSION), "schema version " + version + " is not supported (expected "
                        + SCHEMA_VERSION + ")");
            }
            List<OperatorCode> codes = operatorCodes(root);
            buffers = root.getVector(MODEL_BUFFERS, 4);
            int4 = int4Layout(root);
            String description = root.getString(MODEL_DESCRIPTION);

            Vector subgraphTables = root.getVector(MODEL_SUBGRAPHS, 4);
            if (subgraphTables == null || subgraphTables.length() == 0) {
                throw fail(root.where(MODEL_SUBGRAPHS), "the model has no subgraph");
            }
            if (subgraphTables.length() > limits.maxSubgraphs()) {
                throw fail(root.where(MODEL_SUBGRAPHS), subgraphTables.length()
                        + " subgraphs, more than the limit of " + limits.maxSubgraphs());
            }
            List<Subgraph> subgraphs = new ArrayList<>(subgraphTables.length());
            for (int i = 0; i < subgraphTables.length(); i++) {
                subgraphs.add(subgraph(subgraphTables.getTable(i, "subgraph " + i), codes));
            }
            List<SignatureDef> signatures = signatures(root, subgraphs);
            return new Model(bytes, (int) version, description, codes, subgraphs, signatures, int4, shiftOnly);
        }

        /**
         * The layout from the {@value Int4Layout#METADATA_NAME} metadata entry, or null when there is none. Other
         * metadata entries are not read (their buffer indices are still checked), except the shift-only marker.
         */
        private Int4Layout int4Layout(Table root) {
            Vector entries = root.getVector(MODEL_METADATA, 4);
            if (entries == null) {
                return null;
            }
            int bufferCount = buffers == null ? 0 : buffers.length();
            // Converters write a handful of entries; a bound keeps a hostile vector from costing a long scan.
            if (entries.length() > limits.maxTensors()) {
                throw fail(entries.where(), entries.length() + " metadata entries, more than the limit of "
                        + limits.maxTensors());
            }
            Int4Layout found = null;
            for (int i = 0; i < entries.length(); i++) {
                Table m = entries.getTable(i, "metadata " + i);
                String name = m.getString(METADATA_NAME);
                long buffer = m.getUInt(METADATA_BUFFER, 0);
                if (buffer >= bufferCount) {
                    throw fail(m.where(METADATA_BUFFER), "buffer index " + buffer + " out of range [0, "
                            + bufferCount + ")");
                }
                if (Int4Layout.METADATA_NAME.equals(name)) {
                    if (found != null) {
                        throw new Int4FormatException(m.where(METADATA_NAME) + ": '" + name + "' appears twice");
                    }
                    ByteSlice data = buffer == 0 ? null : bufferData((int) buffer);
                    found = Int4Layout.parse(data == null ? new byte[0] : data.toArray());
                } else if (ShiftOnlyRequantization.METADATA_NAME.equals(name)) {
                    if (shiftOnly) {
                        throw new ShiftOnlyFormatException(m.where(METADATA_NAME) + ": '" + name
                                + "' appears twice");
                    }
                    ByteSlice data = buffer == 0 ? null : bufferData((int) buffer);
                    ShiftOnlyRequantization.parse(data == null ? new byte[0] : data.toArray());
                    shiftOnly = true;
                }
            }
            if (found != null && shiftOnly) {
                // The int4 kernels rescale group partials with multiplies; the two variants do not combine.
                throw new ShiftOnlyFormatException("metadata: '" + ShiftOnlyRequantization.METADATA_NAME
                        + "' and '" + Int4Layout.METADATA_NAME + "' together: the shift-only variant has no int4 form");
            }
            return found;
        }

        // ---- operator codes ----

        private List<OperatorCode> operatorCodes(Table root) {
            Vector tables = root.getVector(MODEL_OPERATOR_CODES, 4);
            if (tables == null) {
                return List.of();
            }
            // Every operator refers to one code, so more codes than operators in all subgraphs is nonsense.
            long max = (long) limits.maxOperators() * limits.maxSubgraphs();
            if (tables.length() > max) {
                throw fail(tables.where(), tables.length() + " operator codes, more than the "
                        + max + " operators the limits allow");
            }
            List<OperatorCode> codes = new ArrayList<>(tables.length());
            for (int i = 0; i < tables.length(); i++) {
                Table t = tables.getTable(i, "operator code " + i);
                // Unused codes are accepted whatever they say: only the operators that use one are judged.
                int deprecated = t.getByte(OPCODE_DEPRECATED_BUILTIN_CODE, (byte) 0);
                String custom = t.getString(OPCODE_CUSTOM_CODE);
                int version = t.getInt(OPCODE_VERSION, 1);
                int builtin = t.getInt(OPCODE_BUILTIN_CODE, 0);
                codes.add(new OperatorCode(builtin, deprecated, custom, version));
            }
            return codes;
        }

        // ---- subgraphs ----

        private Subgraph subgraph(Table t, List<OperatorCode> codes) {
            String place = t.place();
            Vector tensorTables = t.getVector(SUBGRAPH_TENSORS, 4);
            int tensorCount = tensorTables == null ? 0 : tensorTables.length();
            if (tensorCount > limits.maxTensors()) {
                throw fail(t.where(SUBGRAPH_TENSORS), tensorCount + " tensors, more than the limit of "
                        + limits.maxTensors());
            }
            List<TensorSpec> tensors = new ArrayList<>(tensorCount);
            long arenaBytes = 0;
            for (int i = 0; i < tensorCount; i++) {
                TensorSpec tensor = tensor(tensorTables.getTable(i, place + ", tensor " + i), i);
                tensors.add(tensor);
                if (!tensor.isConstant()) {
                    // Compared before adding, so the sum cannot overflow.
                    if (tensor.byteSize() > limits.maxArenaBytes() - arenaBytes) {
                        throw fail(place, "the non-constant tensors up to tensor " + i + " need more than the "
                                + "arena limit of " + limits.maxArenaBytes() + " bytes");
                    }
                    arenaBytes += tensor.byteSize();
                }
            }

            Vector operatorTables = t.getVector(SUBGRAPH_OPERATORS, 4);
            int operatorCount = operatorTables == null ? 0 : operatorTables.length();
            if (operatorCount > limits.maxOperators()) {
                throw fail(t.where(SUBGRAPH_OPERATORS), operatorCount + " operators, more than the limit of "
                        + limits.maxOperators());
            }
            List<OperatorSpec> operators = new ArrayList<>(operatorCount);
            for (int i = 0; i < operatorCount; i++) {
                operators.add(operator(operatorTables.getTable(i, place + ", operator " + i), i, codes,
                        tensorCount));
            }

            int[] inputs = tensorIndices(t, SUBGRAPH_INPUTS, tensorCount);
            int[] outputs = tensorIndices(t, SUBGRAPH_OUTPUTS, tensorCount);
            String name = t.getString(SUBGRAPH_NAME);
            checkExecutionOrder(place, tensors, inputs, outputs, operators);
            return new Subgraph(name == null ? "" : name, tensors, inputs, outputs, operators);
        }

        /** A subgraph's input or output list: indices in range, none repeated. */
        private int[] tensorIndices(Table t, Field field, int tensorCount) {
            int[] indices = intVector(t, field);
            boolean[] seen = new boolean[tensorCount];
            for (int k = 0; k < indices.length; k++) {
                int x = indices[k];
                if (x < 0 || x >= tensorCount) {
                    throw fail(t.where(field), "element " + k + ": tensor index " + x + " out of range [0, "
                            + tensorCount + ")");
                }
                if (seen[x]) {
                    throw fail(t.where(field), "element " + k + ": tensor " + x + " is listed twice");
                }
                seen[x] = true;
            }
            return indices;
        }

        /**
         * Checks that the operators can run in the order listed: every tensor an operator reads is a constant,
         * a variable, a subgraph input or the output of an earlier operator; no tensor has two writers; no
         * operator writes a constant or a subgraph input; every subgraph output gets a value. Together these also
         * rule out cycles, since an operator can only read what was written before it.
         */
        private static void checkExecutionOrder(String place, List<TensorSpec> tensors, int[] inputs,
                                                int[] outputs, List<OperatorSpec> operators) {
            int n = tensors.size();
            boolean[] available = new boolean[n];
            boolean[] isInput = new boolean[n];
            int[] writer = new int[n];
            Arrays.fill(writer, -1);
            for (int i = 0; i < n; i++) {
                TensorSpec tensor = tensors.get(i);
                available[i] = tensor.isConstant() || tensor.isVariable();
            }
            for (int x : inputs) {
                available[x] = true;
                isInput[x] = true;
            }
            for (OperatorSpec op : operators) {
                String opPlace = place + ", " + op;
                for (int k = 0; k < op.inputCount(); k++) {
                    int x = op.input(k);
                    if (x >= 0 && !available[x]) {
                        throw fail(opPlace, "input " + k + " reads " + describe(tensors.get(x))
                                + ", which no earlier operator writes and which is not a subgraph input or a "
                                + "constant (operators out of order, a cycle, or a missing producer)");
                    }
                }
                for (int k = 0; k < op.outputCount(); k++) {
                    int x = op.output(k);
                    TensorSpec tensor = tensors.get(x);
                    if (tensor.isConstant()) {
                        throw fail(opPlace, "output " + k + " is " + describe(tensor) + ", a constant");
                    }
                    if (isInput[x]) {
                        throw fail(opPlace, "output " + k + " is " + describe(tensor) + ", a subgraph input");
                    }
                    if (writer[x] >= 0) {
                        throw fail(opPlace, "output " + k + " is " + describe(tensor)
                                + ", which operator " + writer[x] + " already writes");
                    }
                    writer[x] = op.index();
                }
                // Marked only now, so that an operator cannot read its own output.
                for (int k = 0; k < op.outputCount(); k++) {
                    available[op.output(k)] = true;
                }
            }
            for (int k = 0; k < outputs.length; k++) {
                if (!available[outputs[k]]) {
                    throw fail(place + ", field 'outputs'", "element " + k + " is "
                            + describe(tensors.get(outputs[k])) + ", which no operator writes");
                }
            }
        }

        private static String describe(TensorSpec tensor) {
            return "tensor " + tensor.index() + (tensor.name().isEmpty() ? "" : " ('" + tensor.name() + "')");
        }

        // ---- tensors ----

        private TensorSpec tensor(Table t, int index) {
            String place = t.place();
            int[] shape = shape(t);

            int typeCode = t.getByte(TENSOR_TYPE, (byte) 0);
            TensorType type = TensorType.fromCode(typeCode);
            if (type == null) {
                throw fail(t.where(TENSOR_TYPE), "unknown tensor type code " + typeCode);
            }

            long byteSize = byteSize(t, shape, type);
            if (type == TensorType.INT4) {
                if (int4 == null) {
                    throw new UnsupportedModelException(t.where(TENSOR_TYPE) + ": INT4 tensors are read only in "
                            + "Octet's int4 variant, whose metadata entry '" + Int4Layout.METADATA_NAME
                            + "' this model lacks");
                }
            }

            if (t.has(TENSOR_SPARSITY)) {
                throw new UnsupportedModelException(t.where(TENSOR_SPARSITY)
                        + ": sparse tensors are not supported");
            }

            long bufferIndex = t.getUInt(TENSOR_BUFFER, 0);
            int bufferCount = buffers == null ? 0 : buffers.length();
            // Buffer 0 is the schema's empty sentinel; a model without any buffer may still use index 0.
            if (bufferIndex != 0 && bufferIndex >= bufferCount) {
                throw fail(t.where(TENSOR_BUFFER), "buffer index " + bufferIndex + " out of range [0, "
                        + bufferCount + ")");
            }
            ByteSlice data = bufferIndex == 0 ? null : bufferData((int) bufferIndex);
            if (data != null && (type.byteSize() > 0 || type == TensorType.INT4) && data.length() != byteSize) {
                throw fail(t.where(TENSOR_BUFFER), "buffer " + bufferIndex + " holds " + data.length()
                        + " bytes, but shape " + Arrays.toString(shape) + " of " + type + " needs " + byteSize);
            }

            Quantization quantization = type == TensorType.INT4 ? int4Quantization(t, shape, data)
                    : quantization(t, shape);
            boolean variable = t.getBool(TENSOR_IS_VARIABLE, false);
            int[] shapeSignature = shapeSignature(t, shape);
            String name = t.getString(TENSOR_NAME);
            return new TensorSpec(index, name, type, shape, shapeSignature, quantization, (int) bufferIndex, data,
                    variable);
        }

        private int[] shape(Table t) {
            Vector v = t.getVector(TENSOR_SHAPE, 4);
            if (v == null) {
                return new int[0];
            }
            if (v.length() > limits.maxRank()) {
                throw fail(v.where(), "rank " + v.length() + " is more than the limit of " + limits.maxRank());
            }
            int[] shape = v.toIntArray();
            for (int d = 0; d < shape.length; d++) {
                if (shape[d] < 0) {
                    throw fail(v.where(), "dimension " + d + " is " + shape[d] + "; static shapes must not be "
                            + "negative (dynamic shapes are not supported)");
                }
            }
            return shape;
        }

        /** Elements times element size, checked for overflow and against the tensor size limit. */
        private long byteSize(Table t, int[] shape, TensorType type) {
            long limit = limits.maxTensorBytes();
            // Zero-size types (strings, resources, packed int4) still may not declare absurd element counts.
            long elementLimit = type.byteSize() == 0 ? limit : limit / type.byteSize();
            long elements = 1;
            for (int d : shape) {
                // Checked before multiplying, so the product can never overflow whatever the limit is.
                if (d != 0 && elements > elementLimit / d) {
                    throw fail(t.where(TENSOR_SHAPE), "shape " + Arrays.toString(shape) + " of " + type
                            + " exceeds the limit of " + limit + " bytes per tensor");
                }
                elements *= d;
            }
            // INT4 packs two elements per byte.
            return type == TensorType.INT4 ? (elements + 1) / 2 : elements * type.byteSize();
        }

        private int[] shapeSignature(Table t, int[] shape) {
            Vector v = t.getVector(TENSOR_SHAPE_SIGNATURE, 4);
            if (v == null) {
                return null;
            }
            if (v.length() != shape.length) {
                throw fail(v.where(), "rank " + v.length() + " differs from the shape's rank " + shape.length);
            }
            int[] signature = v.toIntArray();
            for (int d = 0; d < signature.length; d++) {
                if (signature[d] < -1) {
                    throw fail(v.where(), "dimension " + d + " is " + signature[d] + " (only -1 marks a "
                            + "dynamic dimension)");
                }
            }
            return signature;
        }

        /** The bytes of a buffer, or null when it is empty (the tensor then is not constant). */
        private ByteSlice bufferData(int index) {
            Table b = buffers.getTable(index, "buffer " + index);
            Vector data = b.getVector(BUFFER_DATA, 1);
            long offset = b.getLong(BUFFER_OFFSET, 0);
            long size = b.getLong(BUFFER_SIZE, 0);
            // Models over 2 GB keep data outside the FlatBuffer, at an absolute file offset; offsets 0 and 1
            // mean "not used" (schema.fbs: "only valid if > 1"). Both are unsigned: compare them as such.
            if (Long.compareUnsigned(offset, 1) > 0) {
                if (data != null && data.length() > 0) {
                    throw fail(b.where(BUFFER_OFFSET), "buffer has both inline data and an external offset");
                }
                if (Long.compareUnsigned(offset, bytes.length) > 0
                        || Long.compareUnsigned(size, bytes.length - offset) > 0) {
                    throw fail(b.where(BUFFER_SIZE), "external data of " + Long.toUnsignedString(size)
                            + " bytes at file offset " + Long.toUnsignedString(offset) + " lies outside the "
                            + bytes.length + "-byte model");
                }
                return size == 0 ? null : new ByteSlice(bytes, (int) offset, (int) size);
            }
            if (data == null || data.length() == 0) {
                return null;
            }
            return new ByteSlice(bytes, data.start(), data.length());
        }

        /**
         * The per-group scales of an int4 weight tensor: constant, rank 2 or more, {@code O · ceil(K / G)}
         * positive finite scales along dimension 0, every zero point 0.
         */
        private Quantization int4Quantization(Table tensor, int[] shape, ByteSlice data) {
            String where = tensor.place();
            if (data == null) {
                throw new Int4FormatException(where + ": an INT4 tensor must be constant weights");
            }
            if (shape.length < 2 || Arrays.stream(shape).anyMatch(d -> d == 0)) {
                throw new Int4FormatException(where + ": INT4 weights need rank 2 or more and no empty "
                        + "dimension, got " + Arrays.toString(shape));
            }
            Table q = tensor.getTable(TENSOR_QUANTIZATION, tensor.where(TENSOR_QUANTIZATION));
            Vector scaleVector = q == null ? null : q.getVector(QUANT_SCALE, 4);
            Vector zeroVector = q == null ? null : q.getVector(QUANT_ZERO_POINT, 8);
            int scaleCount = scaleVector == null ? 0 : scaleVector.length();
            int dimension = q == null ? 0 : q.getInt(QUANT_QUANTIZED_DIMENSION, 0);
            if (dimension != 0 && dimension != shape.length - 1) {
                throw new Int4FormatException(where + ": int4 channels lie along dimension 0 or the last ("
                        + (shape.length - 1) + "), not " + dimension);
            }
            int channels = shape[dimension];
            long reduction = Int4Layout.reduction(shape, dimension);
            long groups = int4.groupsPerChannel(reduction);
            long expected = (long) channels * groups;
            if (scaleCount != expected) {
                throw new Int4FormatException(where + ": " + scaleCount + " group scales, but " + channels
                        + " output channels of " + reduction + " elements in groups of " + int4.groupSize()
                        + " need " + channels + " x " + groups + " = " + expected);
            }
            int zeroCount = zeroVector == null ? 0 : zeroVector.length();
            if (zeroCount != 0 && zeroCount != scaleCount) {
                throw new Int4FormatException(where + ": " + zeroCount + " zero points for " + scaleCount
                        + " group scales");
            }
            long[] zeroPoints = zeroVector == null ? new long[0] : zeroVector.toLongArray();
            for (int i = 0; i < zeroPoints.length; i++) {
                if (zeroPoints[i] != 0) {
                    throw new Int4FormatException(where + ": zero point " + i + " is " + zeroPoints[i]
                            + "; int4 weights are symmetric");
                }
            }
            float[] scales = scaleVector.toFloatArray();
            for (int i = 0; i < scales.length; i++) {
                if (!(scales[i] > 0f) || Float.isInfinite(scales[i])) {
                    throw new Int4FormatException(where + ": group scale " + i + " is " + scales[i]);
                }
            }
            for (int c = 0; c < channels; c++) {
                float max = 0f;
                for (int g = 0; g < groups; g++) {
                    max = Math.max(max, scales[(int) (c * groups + g)]);
                }
                for (int g = 0; g < groups; g++) {
                    float s = scales[(int) (c * groups + g)];
                    if (Int4Layout.ratio(s, max) < 0) {
                        throw new Int4FormatException(where + ": group scale " + g + " of channel " + c + " (" + s
                                + ") is not k/" + Int4Layout.RATIO_STEPS + " of the channel's largest (" + max
                                + ") for an integer k in [1, " + Int4Layout.RATIO_STEPS + "]");
                    }
                }
            }
            return Quantization.perGroup(scales, int4.groupSize(), dimension);
        }

        private Quantization quantization(Table tensor, int[] shape) {
            Table q = tensor.getTable(TENSOR_QUANTIZATION, tensor.where(TENSOR_QUANTIZATION));
            if (q == null) {
                return Quantization.NONE;
            }
            Vector scaleVector = q.getVector(QUANT_SCALE, 4);
            Vector zeroVector = q.getVector(QUANT_ZERO_POINT, 8);
            int scaleCount = scaleVector == null ? 0 : scaleVector.length();
            int zeroCount = zeroVector == null ? 0 : zeroVector.length();
            int dimension = q.getInt(QUANT_QUANTIZED_DIMENSION, 0);
            if (dimension < 0) {
                throw fail(q.where(QUANT_QUANTIZED_DIMENSION), "negative quantized dimension " + dimension);
            }
            if (scaleCount > 1) {
                if (dimension >= shape.length) {
                    throw fail(q.where(QUANT_QUANTIZED_DIMENSION), "quantized dimension " + dimension
                            + " is not below the tensor's rank " + shape.length);
                }
                if (scaleCount != shape[dimension]) {
                    throw fail(q.where(QUANT_SCALE), scaleCount + " scales, but dimension " + dimension
                            + " of shape " + Arrays.toString(shape) + " has " + shape[dimension] + " slices");
                }
            }
            if (zeroCount > 1 && zeroCount != scaleCount) {
                throw fail(q.where(QUANT_ZERO_POINT), zeroCount + " zero points for " + scaleCount + " scales");
            }
            if (scaleCount == 0) {
                return Quantization.NONE;
            }
            float[] scales = scaleVector.toFloatArray();
            for (int i = 0; i < scales.length; i++) {
                if (!Float.isFinite(scales[i])) {
                    throw fail(q.where(QUANT_SCALE), "scale " + i + " is " + scales[i]);
                }
            }
            long[] zeroPoints = zeroVector == null ? new long[0] : zeroVector.toLongArray();
            return new Quantization(scales, zeroPoints, dimension);
        }

        // ---- operators ----

        private OperatorSpec operator(Table t, int index, List<OperatorCode> codes, int tensorCount) {
            long opcodeIndex = t.getUInt(OP_OPCODE_INDEX, 0);
            if (opcodeIndex >= codes.size()) {
                throw fail(t.where(OP_OPCODE_INDEX), "opcode index " + opcodeIndex + " out of range [0, "
                        + codes.size() + ")");
            }
            OperatorCode code = codes.get((int) opcodeIndex);
            Table op = t.renamed(t.place() + " (" + code.displayName() + ")");
            int[] inputs = intVector(op, OP_INPUTS);
            for (int k = 0; k < inputs.length; k++) {
                // -1 marks an omitted optional input.
                if (inputs[k] < -1 || inputs[k] >= tensorCount) {
                    throw fail(op.place(), "input tensor index " + inputs[k] + " out of range [0, "
                            + tensorCount + ") at input " + k);
                }
            }
            int[] outputs = intVector(op, OP_OUTPUTS);
            for (int k = 0; k < outputs.length; k++) {
                if (outputs[k] < 0 || outputs[k] >= tensorCount) {
                    throw fail(op.place(), "output tensor index " + outputs[k] + " out of range [0, "
                            + tensorCount + ") at output " + k);
                }
            }
            BuiltinOptions options = options(op, code);
            return new OperatorSpec(index, code, inputs, outputs, options);
        }

        /**
         * Decodes the options of the operators whose kernels read them; every other operator gets
         * {@link BuiltinOptions.None}. The union's tag must name the options table the operator expects (or
         * be NONE, in which case the schema defaults apply).
         */
        private BuiltinOptions options(Table op, OperatorCode code) {
            BuiltinOperator builtin = code.builtin();
            if (builtin == null) {
                return BuiltinOptions.None.INSTANCE;
            }
            int expected = expectedOptions(builtin);
            if (expected == 0) {
                return BuiltinOptions.None.INSTANCE;
            }
            int tag = op.getUnionType(OP_BUILTIN_OPTIONS_TYPE);
            Table o = null;
            if (tag != 0) {
                if (tag != expected) {
                    throw fail(op.where(OP_BUILTIN_OPTIONS_TYPE), "options union type " + tag + ", but "
                            + builtin + " takes type " + expected);
                }
                o = op.getTable(OP_BUILTIN_OPTIONS);
            }
            Opts p = new Opts(o, op.where(OP_BUILTIN_OPTIONS));
            return switch (builtin) {
                case CONV_2D -> new BuiltinOptions.Conv2D(p.padding(OPT_PADDING), p.i32(OPT_STRIDE_W, 0),
                        p.i32(OPT_STRIDE_H, 0), p.activation(CONV_ACTIVATION), p.i32(CONV_DILATION_W, 1),
                        p.i32(CONV_DILATION_H, 1));
                case DEPTHWISE_CONV_2D -> new BuiltinOptions.DepthwiseConv2D(p.padding(OPT_PADDING),
                        p.i32(OPT_STRIDE_W, 0), p.i32(OPT_STRIDE_H, 0), p.i32(DW_DEPTH_MULTIPLIER, 0),
                        p.activation(DW_ACTIVATION), p.i32(DW_DILATION_W, 1), p.i32(DW_DILATION_H, 1));
                case AVERAGE_POOL_2D, MAX_POOL_2D -> new BuiltinOptions.Pool2D(p.padding(OPT_PADDING),
                        p.i32(OPT_STRIDE_W, 0), p.i32(OPT_STRIDE_H, 0), p.i32(POOL_FILTER_W, 0),
                        p.i32(POOL_FILTER_H, 0), p.activation(POOL_ACTIVATION));
                case FULLY_CONNECTED -> {
                    int format = p.u8(FC_WEIGHTS_FORMAT, 0);
                    if (format > 1) {
                        throw fail(p.where(FC_WEIGHTS_FORMAT), "unknown weights format " + format);
                    }
                    yield new BuiltinOptions.FullyConnected(p.activation(FC_ACTIVATION), format,
                            p.bool(FC_KEEP_NUM_DIMS), p.bool(FC_ASYMMETRIC_QUANTIZE_INPUTS));
                }
                case SOFTMAX -> new BuiltinOptions.Softmax(p.f32(SOFTMAX_BETA, 0f));
                case CONCATENATION -> new BuiltinOptions.Concatenation(p.i32(CONCAT_AXIS, 0),
                        p.activation(CONCAT_ACTIVATION));
                case ADD -> new BuiltinOptions.Add(p.activation(ARITH_ACTIVATION));
                case SUB -> new BuiltinOptions.Sub(p.activation(ARITH_ACTIVATION));
                case MUL -> new BuiltinOptions.Mul(p.activation(ARITH_ACTIVATION));
                case RESHAPE -> new BuiltinOptions.Reshape(newShape(o));
                case LEAKY_RELU -> new BuiltinOptions.LeakyRelu(p.f32(LEAKY_RELU_ALPHA, 0f));
                default -> new BuiltinOptions.Reducer(p.bool(REDUCER_KEEP_DIMS)); // the reductions
            };
        }

        private static int expectedOptions(BuiltinOperator builtin) {
            return switch (builtin) {
                case CONV_2D -> CONV_2D_OPTIONS;
                case DEPTHWISE_CONV_2D -> DEPTHWISE_CONV_2D_OPTIONS;
                case AVERAGE_POOL_2D, MAX_POOL_2D -> POOL_2D_OPTIONS;
                case FULLY_CONNECTED -> FULLY_CONNECTED_OPTIONS;
                case SOFTMAX -> SOFTMAX_OPTIONS;
                case CONCATENATION -> CONCATENATION_OPTIONS;
                case ADD -> ADD_OPTIONS;
                case SUB -> SUB_OPTIONS;
                case MUL -> MUL_OPTIONS;
                case RESHAPE -> RESHAPE_OPTIONS;
                case LEAKY_RELU -> LEAKY_RELU_OPTIONS;
                case MEAN, SUM, REDUCE_PROD, REDUCE_MAX, REDUCE_MIN, REDUCE_ANY, REDUCE_ALL -> REDUCER_OPTIONS;
                default -> 0;
            };
        }

        /** ReshapeOptions.new_shape, or null when there is no options table or it has no new_shape. */
        private int[] newShape(Table options) {
            if (options == null) {
                return null;
            }
            Vector v = options.getVector(RESHAPE_NEW_SHAPE, 4);
            if (v == null) {
                return null;
            }
            if (v.length() > limits.maxRank()) {
                throw fail(v.where(), "rank " + v.length() + " is more than the limit of " + limits.maxRank());
            }
            return v.toIntArray();
        }

        // ---- signatures ----

        private List<SignatureDef> signatures(Table root, List<Subgraph> subgraphs) {
            Vector tables = root.getVector(MODEL_SIGNATURE_DEFS, 4);
            if (tables == null) {
                return List.of();
            }
            // Each signature runs its own subgraph, so there cannot be more signatures than subgraphs allowed.
            if (tables.length() > limits.maxSubgraphs()) {
                throw fail(tables.where(), tables.length() + " signatures, more than the limit of "
                        + limits.maxSubgraphs() + " subgraphs");
            }
            List<SignatureDef> signatures = new ArrayList<>(tables.length());
            for (int i = 0; i < tables.length(); i++) {
                Table s = tables.getTable(i, "signature " + i);
                String key = s.getString(SIGNATURE_KEY);
                long subgraphIndex = s.getUInt(SIGNATURE_SUBGRAPH_INDEX, 0);
                if (subgraphIndex >= subgraphs.size()) {
                    throw fail(s.where(SIGNATURE_SUBGRAPH_INDEX), "subgraph index " + subgraphIndex
                            + " out of range [0, " + subgraphs.size() + ")");
                }
                int tensorCount = subgraphs.get((int) subgraphIndex).tensors().size();
                Map<String, Integer> inputs = tensorMap(s, SIGNATURE_INPUTS, tensorCount);
                Map<String, Integer> outputs = tensorMap(s, SIGNATURE_OUTPUTS, tensorCount);
                signatures.add(new SignatureDef(key == null ? "" : key, (int) subgraphIndex, inputs, outputs));
            }
            return signatures;
        }

        private Map<String, Integer> tensorMap(Table signature, Field field, int tensorCount) {
            Vector v = signature.getVector(field, 4);
            Map<String, Integer> map = new LinkedHashMap<>();
            if (v == null) {
                return map;
            }
            // Names are distinct and each names a tensor: more entries than tensors cannot be valid.
            if (v.length() > tensorCount) {
                throw fail(v.where(), v.length() + " entries for a subgraph of " + tensorCount + " tensors");
            }
            for (int i = 0; i < v.length(); i++) {
                Table m = v.getTable(i, v.where() + " element " + i);
                String name = m.getString(TENSOR_MAP_NAME);
                if (name == null) {
                    throw fail(m.where(TENSOR_MAP_NAME), "missing");
                }
                long tensorIndex = m.getUInt(TENSOR_MAP_TENSOR_INDEX, 0);
                if (tensorIndex >= tensorCount) {
                    throw fail(m.where(TENSOR_MAP_TENSOR_INDEX), "tensor index " + tensorIndex
                            + " out of range [0, " + tensorCount + ")");
                }
                if (map.put(name, (int) tensorIndex) != null) {
                    throw fail(m.where(TENSOR_MAP_NAME), "name '" + name + "' appears twice");
                }
            }
            return map;
        }

        // ---- helpers ----

        private static int[] intVector(Table t, Field field) {
            Vector v = t.getVector(field, 4);
            return v == null ? new int[0] : v.toIntArray();
        }

        private static ModelFormatException fail(String where, String problem) {
            return new ModelFormatException(where + ": " + problem);
        }
    }

    /** Reads fields of an options table that may be absent (then every field has its schema default). */
    private static final class Opts {
        private final Table table;
        private final String where;

        Opts(Table table, String where) {
            this.table = table;
            this.where = where;
        }

        String where(Field field) {
            return where + ", field '" + field.name() + "'";
        }

        int i32(Field field, int defaultValue) {
            return table == null ? defaultValue : table.getInt(field, defaultValue);
        }

        int u8(Field field, int defaultValue) {
            return table == null ? defaultValue : table.getUByte(field, defaultValue);
        }

        float f32(Field field, float defaultValue) {
            return table == null ? defaultValue : table.getFloat(field, defaultValue);
        }

        boolean bool(Field field) {
            return table != null && table.getBool(field, false);
        }

        Padding padding(Field field) {
            int code = table == null ? 0 : table.getByte(field, (byte) 0);
            Padding padding = Padding.fromCode(code);
            if (padding == null) {
                throw new ModelFormatException(where(field) + ": unknown padding code " + code);
            }
            return padding;
        }

        Activation activation(Field field) {
            int code = table == null ? 0 : table.getByte(field, (byte) 0);
            Activation activation = Activation.fromCode(code);
            if (activation == null) {
                throw new ModelFormatException(where(field) + ": unknown activation code " + code);
            }
            return activation;
        }
    }
}
