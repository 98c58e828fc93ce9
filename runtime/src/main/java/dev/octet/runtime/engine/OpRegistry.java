package dev.octet.runtime.engine;

import dev.octet.runtime.kernels.Kernel;
import dev.octet.runtime.kernels.optimized.OptimizedKernels;
import dev.octet.runtime.kernels.reference.Int4Dispatch;
import dev.octet.runtime.model.BuiltinOperator;
import dev.octet.runtime.model.Model;
import dev.octet.runtime.model.OperatorSpec;
import dev.octet.runtime.model.Subgraph;
import dev.octet.runtime.model.UnsupportedModelException;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which kernel runs each builtin operator. Immutable; {@link #reference()} holds Octet's reference kernels and
 * {@link #optimized()} the same with the optimized int8 kernels laid over them (identical bytes, faster).
 * Registries are values, so an interpreter can be given any registry with the same contract.
 */
public final class OpRegistry {
    private final Map<BuiltinOperator, Kernel> kernels;

    private OpRegistry(Map<BuiltinOperator, Kernel> kernels) {
        this.kernels = Collections.unmodifiableMap(new EnumMap<>(kernels));
    }

    /** The reference kernels: bit-exact with TensorFlow Lite Micro's reference implementation. */
    public static OpRegistry reference() {
        return ReferenceKernels.REGISTRY;
    }

    /**
     * The reference kernels with the optimized int8 kernels for the hot operators laid over them: the Vector API
     * flavour when {@code jdk.incubator.vector} is available, else plain Java. Same bytes as {@link #reference()}.
     */
    public static OpRegistry optimized() {
        return forKernels(KernelSelection.AUTO);
    }

    /**
     * The registry for a kernel selection. {@link KernelSelection#VECTOR} throws {@link IllegalStateException}
     * when the Vector API is unavailable ({@link OptimizedKernels#vectorStatus()} says why).
     */
    public static OpRegistry forKernels(KernelSelection selection) {
        return switch (selection) {
            case REFERENCE -> reference();
            case SCALAR -> Optimized.SCALAR;
            case VECTOR -> Optimized.vector();
            case AUTO -> OptimizedKernels.vectorAvailable() ? Optimized.vector() : Optimized.SCALAR;
        };
    }

    /** Built on first use, so the reference registry never touches the optimized classes. */
    private static final class Optimized {
        static final OpRegistry SCALAR = over(OptimizedKernels.scalar());
        private static OpRegistry vector;

        static synchronized OpRegistry vector() {
            if (vector == null) {
                vector = over(OptimizedKernels.vector());
            }
            return vector;
        }

        private static OpRegistry over(Map<BuiltinOperator, Kernel> fast) {
            EnumMap<BuiltinOperator, Kernel> table = new EnumMap<>(BuiltinOperator.class);
            table.putAll(reference().kernels);
            table.putAll(fast);
            // The optimized kernels are int8 only: INT4 weights (Octet's int4 variant) fall back to reference.
            table.computeIfPresent(BuiltinOperator.FULLY_CONNECTED, (op, k) -> Int4Dispatch.fullyConnected(k));
            table.computeIfPresent(BuiltinOperator.CONV_2D, (op, k) -> Int4Dispatch.conv2D(k));
            table.computeIfPresent(BuiltinOperator.DEPTHWISE_CONV_2D, (op, k) -> Int4Dispatch.depthwiseConv2D(k));
            return new OpRegistry(table);
        }
    }

    /** A registry with exactly these kernels. */
    public static OpRegistry of(Map<BuiltinOperator, Kernel> kernels) {
        return new OpRegistry(kernels.isEmpty() ? new EnumMap<>(BuiltinOperator.class) : kernels);
    }

    /** This registry with {@code kernel} running {@code op} instead of (or in addition to) what it had. */
    public OpRegistry with(BuiltinOperator op, Kernel kernel) {
        EnumMap<BuiltinOperator, Kernel> copy = new EnumMap<>(BuiltinOperator.class);
        copy.putAll(kernels);
        copy.put(op, kernel);
        return new OpRegistry(copy);
    }

    public Set<BuiltinOperator> supportedOperators() {
        return kernels.keySet();
    }

    public boolean supports(BuiltinOperator op) {
        return op != null && kernels.containsKey(op);
    }

    /** The kernel for an operator, or an error naming the operator, its index and what is supported. */
    public Kernel kernelFor(OperatorSpec op) {
        Kernel kernel = op.builtin() == null ? null : kernels.get(op.builtin());
        if (kernel == null) {
            throw new UnsupportedModelException("operator " + op.index() + " (" + op.name()
                    + ") is not supported; supported operators: " + supportedList());
        }
        return kernel;
    }

    /** Refuses the model, naming the first operator of its main subgraph that no kernel runs. */
    public void checkSupported(Model model) {
        Subgraph graph = model.mainSubgraph();
        for (OperatorSpec op : graph.operators()) {
            kernelFor(op);
        }
    }

    private String supportedList() {
        return kernels.keySet().stream().map(Enum::name).sorted().collect(Collectors.joining(", "));
    }
}
