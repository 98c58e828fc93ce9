package dev.octet.runtime.kernels.optimized;

import dev.octet.runtime.kernels.Kernel;
import dev.octet.runtime.model.BuiltinOperator;
import java.util.EnumMap;
import java.util.Map;

/**
 * The optimized int8 kernels, in two flavours with identical results: plain Java ({@link #scalar()}) and the JDK
 * Vector API ({@link #vector()}). Each kernel produces exactly the bytes of the reference kernel of the same
 * name and falls back to it for what it does not optimize (float32, unusual layouts), so a table from here is
 * meant to be laid over the reference kernels.
 *
 * <p>The vector flavour needs the incubator module {@code jdk.incubator.vector} in the boot layer (run the JVM
 * with {@code --add-modules jdk.incubator.vector}) and at least 128-bit vector hardware. It uses 256-bit vectors
 * where the CPU has them (AVX2, AVX-512) and 128-bit ones otherwise (ARM NEON, e.g. Raspberry Pi 4 and 5); one
 * width per JVM, chosen when it is probed ({@link #vectorBits()}). It is probed once, reflectively, so the runtime
 * loads and runs without the module.
 */
public final class OptimizedKernels {
    private static final String VECTOR_MODULE = "jdk.incubator.vector";
    private static final String VECTOR_BACKEND = "dev.octet.runtime.kernels.optimized.VectorBackend";

    private static final Backend SCALAR = new ScalarBackend();
    private static final Object VECTOR = probeVector();

    private OptimizedKernels() {
    }

    /** True when the Vector API flavour can run here. */
    public static boolean vectorAvailable() {
        return VECTOR instanceof Backend;
    }

    /** Why the vector flavour is unavailable, or "available: " and its {@linkplain #vectorName() name}. */
    public static String vectorStatus() {
        return VECTOR instanceof Backend backend ? "available: " + backend.name() : (String) VECTOR;
    }

    /** The width of the vector flavour's vectors in bits (256 or 128), or 0 when it is unavailable. */
    public static int vectorBits() {
        return VECTOR instanceof Backend backend ? backend.vectorBits() : 0;
    }

    /** "vector (256-bit)" or "vector (128-bit)", the flavour and its width; "vector" when it is unavailable. */
    public static String vectorName() {
        return VECTOR instanceof Backend backend ? backend.name() : "vector";
    }

    /** The plain-Java kernels for the hot int8 operators. */
    public static Map<BuiltinOperator, Kernel> scalar() {
        return table(SCALAR);
    }

    /** The Vector API kernels; throws {@link IllegalStateException} when {@link #vectorAvailable()} is false. */
    public static Map<BuiltinOperator, Kernel> vector() {
        if (!(VECTOR instanceof Backend backend)) {
            throw new IllegalStateException("vector kernels are unavailable: " + VECTOR);
        }
        return table(backend);
    }

    /** The vector kernels when available, else the scalar ones. */
    public static Map<BuiltinOperator, Kernel> best() {
        return vectorAvailable() ? vector() : scalar();
    }

    private static Map<BuiltinOperator, Kernel> table(Backend backend) {
        EnumMap<BuiltinOperator, Kernel> t = new EnumMap<>(BuiltinOperator.class);
        t.put(BuiltinOperator.CONV_2D, new Conv2D(backend));
        t.put(BuiltinOperator.DEPTHWISE_CONV_2D, new DepthwiseConv2D(backend));
        t.put(BuiltinOperator.FULLY_CONNECTED, new FullyConnected(backend));
        t.put(BuiltinOperator.AVERAGE_POOL_2D, new AveragePool2D(backend));
        t.put(BuiltinOperator.ADD, new Add(backend));
        t.put(BuiltinOperator.SOFTMAX, new Softmax());
        return t;
    }

    /** The vector backend, or a String saying why there is none. Never throws. */
    private static Object probeVector() {
        if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
            return "module " + VECTOR_MODULE + " is not in the boot layer (run with --add-modules " + VECTOR_MODULE + ")";
        }
        try {
            Class<?> type = Class.forName(VECTOR_BACKEND);
            if (!(Boolean) type.getDeclaredMethod("supported").invoke(null)) {
                return "the CPU has no 128-bit vectors";
            }
            return type.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
            return "the vector backend failed to load: " + e;
        }
    }
}
