package dev.octet.benchmarks;

import dev.octet.runtime.engine.Interpreter;
import dev.octet.runtime.engine.InterpreterOptions;
import dev.octet.runtime.engine.KernelSelection;
import dev.octet.runtime.kernels.optimized.OptimizedKernels;
import dev.octet.runtime.model.ModelReader;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Single-thread latency of one {@code Interpreter.invoke()} on a real input, for each kernel selection: the
 * reference kernels, the optimized kernels in plain Java, and the optimized kernels with the JDK Vector API (the
 * fork gets {@code --add-modules jdk.incubator.vector} so that the vector flavour is available).
 *
 * <p>With {@code -Doctet.bench.vectorBits=B} the setup fails unless the vector kernels use B-bit vectors (see
 * {@link VectorWidthTable}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class OctetInvokeBenchmark {
    @Param({"kws01", "vww01", "ic01", "ad01"})
    public BenchModel model;

    @Param({"reference", "scalar", "vector"})
    public String kernels;

    private Interpreter interpreter;

    @Setup
    public void setUp() throws IOException {
        String expectedBits = System.getProperty("octet.bench.vectorBits");
        if (expectedBits != null && OptimizedKernels.vectorBits() != Integer.parseInt(expectedBits)) {
            throw new IllegalStateException("expected " + expectedBits + "-bit vector kernels, have "
                    + OptimizedKernels.vectorStatus());
        }
        interpreter = Interpreter.create(ModelReader.withDefaults().read(model.path()),
                InterpreterOptions.defaults().withKernels(KernelSelection.parse(kernels)));
        interpreter.input(0).copyFrom(model.firstInput(interpreter.input(0).byteLength()));
    }

    @Benchmark
    public byte invoke() {
        interpreter.invoke();
        return interpreter.output(0).getInt8(0);
    }
}
