package dev.octet.runtime.model;

import java.util.Arrays;

/**
 * A tensor as the model declares it: type, static shape, quantization and, for constants, its data.
 * Immutable; the runtime's {@code Tensor} gives it storage.
 */
public final class TensorSpec {
    private final int index;
    private final String name;
    private final TensorType type;
    private final int[] shape;
    private final int[] shapeSignature;
    private final Quantization quantization;
    private final int bufferIndex;
    private final ByteSlice data;
    private final boolean variable;

    /**
     * @param shapeSignature the shape with -1 for dynamic dimensions, or null when the model has none
     * @param data the constant data, or null for tensors computed at run time (activations, inputs)
     */
    public TensorSpec(int index, String name, TensorType type, int[] shape, int[] shapeSignature,
                      Quantization quantization, int bufferIndex, ByteSlice data, boolean variable) {
        this.index = index;
        this.name = name == null ? "" : name;
        this.type = type;
        this.shape = shape.clone();
        this.shapeSignature = shapeSignature == null ? null : shapeSignature.clone();
        this.quantization = quantization == null ? Quantization.NONE : quantization;
        this.bufferIndex = bufferIndex;
        this.data = data;
        this.variable = variable;
    }

    public int index() {
        return index;
    }

    public String name() {
        return name;
    }

    public TensorType type() {
        return type;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int i) {
        return shape[i];
    }

    /** The shape with -1 for dynamic dimensions; equal to {@link #shape()} when the model declares none. */
    public int[] shapeSignature() {
        return shapeSignature == null ? shape.clone() : shapeSignature.clone();
    }

    public Quantization quantization() {
        return quantization;
    }

    public int bufferIndex() {
        return bufferIndex;
    }

    /** True when the tensor holds constant data in the model file (weights, biases, shape operands). */
    public boolean isConstant() {
        return data != null;
    }

    /** The constant data, or null. */
    public ByteSlice data() {
        return data;
    }

    public boolean isVariable() {
        return variable;
    }

    /** The element count: the product of the shape (1 for a scalar). */
    public long elementCount() {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    /**
     * The bytes the tensor occupies: element count times element size; INT4 packs two elements per byte (the
     * last byte half used when the count is odd).
     */
    public long byteSize() {
        if (type == TensorType.INT4) {
            return (elementCount() + 1) / 2;
        }
        return elementCount() * type.byteSize();
    }

    @Override
    public String toString() {
        return "tensor " + index + " '" + name + "' " + type + Arrays.toString(shape);
    }
}
