package dev.octet.benchmarks;

import java.util.Arrays;
import java.util.Map;

/**
 * The optimized kernels with this machine's vectors and with 16-byte vectors ({@code -XX:MaxVectorSize=16} on the
 * forked JVMs), the width of ARM NEON on Raspberry Pi-class gateways: the vector kernels then run their 128-bit
 * flavour, and C2 auto-vectorizes the scalar kernels with 16-byte vectors too. Prints one Markdown table (median
 * µs per inference, as {@link BenchmarkTable}).
 *
 * <p>Each fork checks which vector width the kernels really use ({@code octet.bench.vectorBits}, see
 * {@link OctetInvokeBenchmark}), so a run cannot silently measure another width.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar --widths [--quick] [--warmup N]</pre>
 */
public final class VectorWidthTable {
    /** The JVM option that limits C2 (and so the Vector API's preferred species) to 16-byte vectors. */
    static final String SIXTEEN_BYTES = "-XX:MaxVectorSize=16";

    private VectorWidthTable() {
    }

    public static void main(String[] args) throws Exception {
        boolean quick = Arrays.asList(args).contains("--quick");
        Integer warmups = BenchmarkTable.warmups(args);
        String[] kernels = {"scalar", "vector"};
        Map<String, Double> wide = BenchmarkTable.run(OctetInvokeBenchmark.class, quick, false, kernels, null,
                warmups, "-Doctet.bench.vectorBits=256");
        Map<String, Double> narrow = BenchmarkTable.run(OctetInvokeBenchmark.class, quick, false, kernels, null,
                warmups, SIXTEEN_BYTES, "-Doctet.bench.vectorBits=128");
        System.out.println();
        System.out.println("µs per inference, median of single invokes, one thread:");
        System.out.println();
        System.out.println("| model | scalar µs | vector 256-bit µs | scalar, " + SIXTEEN_BYTES + " µs | vector 128-bit µs "
                + "| scalar / vector, 16-byte | vector 128 / 256 |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        for (BenchModel m : BenchModel.values()) {
            Double scalar = wide.get(m.name() + "/scalar");
            Double vector = wide.get(m.name() + "/vector");
            Double scalar16 = narrow.get(m.name() + "/scalar");
            Double vector128 = narrow.get(m.name() + "/vector");
            System.out.printf("| %s | %s | %s | %s | %s | %s | %s |%n", m.name(), BenchmarkTable.fmt(scalar),
                    BenchmarkTable.fmt(vector), BenchmarkTable.fmt(scalar16), BenchmarkTable.fmt(vector128),
                    BenchmarkTable.ratio(scalar16, vector128), BenchmarkTable.ratio(vector128, vector));
        }
        BenchmarkTable.printJvm();
    }
}
