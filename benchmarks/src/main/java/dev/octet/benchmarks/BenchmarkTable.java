package dev.octet.benchmarks;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the invoke benchmarks of Octet (reference, optimized scalar and optimized vector kernels) and of the TFLite
 * peer in one JVM run and prints a Markdown table (µs per inference) ready for {@code docs/BENCHMARKS.md}.
 *
 * <p>Each benchmark samples single invokes ({@code Mode.SampleTime}) and the table reports the <em>median</em>:
 * on a machine shared with other work (CI, parallel builds) the mean follows whatever else runs, while the median
 * invoke is what the model costs when it gets the core. {@code --mean} reports JMH's mean (average time) instead.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar [--quick] [--octet-only] [--mean] [--gc] [--warmup N] [--kernels reference,scalar,vector]</pre>
 * {@code --widths} (first argument) runs {@link VectorWidthTable} instead: scalar and vector kernels with the
 * machine's vectors and again with 16-byte vectors.
 * {@code --warmup N} sets the one-second warm-up iterations (default 5; the vector kernels need more on a loaded
 * machine, where C2 gets to them later). {@code --gc} adds JMH's GC profiler and a second table: bytes allocated per invoke ({@code gc.alloc.rate.norm}).
 * Any other arguments go to JMH unchanged when the first argument is {@code --jmh}.
 */
public final class BenchmarkTable {
    /** Kernel selections in column order. */
    private static final List<String> KERNELS = List.of("reference", "scalar", "vector");
    /**
     * The speed bar, not measured here: TensorFlow Lite 2.21 with XNNPACK, one thread, on this machine class
     * (µs per inference, in {@link BenchModel} order).
     */
    private static final double[] XNNPACK_TARGET = {201, 395, 451, 12.7};

    private BenchmarkTable() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--jmh")) {
            org.openjdk.jmh.Main.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("--widths")) {
            VectorWidthTable.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        List<String> list = Arrays.asList(args);
        boolean quick = list.contains("--quick");
        boolean octetOnly = list.contains("--octet-only");
        boolean mean = list.contains("--mean");
        boolean gc = list.contains("--gc");
        Integer warmups = warmups(args);
        int k = list.indexOf("--kernels");
        String[] kernels = k >= 0 && k + 1 < args.length ? args[k + 1].split(",") : KERNELS.toArray(new String[0]);
        Map<String, Double> allocated = new LinkedHashMap<>();
        Map<String, Double> octet = run(OctetInvokeBenchmark.class, quick, mean, kernels, gc ? allocated : null,
                warmups);
        Map<String, Double> tflite = octetOnly ? Map.of()
                : run(TfliteInvokeBenchmark.class, quick, mean, null, gc ? allocated : null, warmups);
        System.out.println();
        System.out.println("µs per inference, " + (mean ? "mean" : "median") + " of single invokes, one thread:");
        System.out.println();
        System.out.println("| model | MACs | reference µs | scalar µs | vector µs | vector GMAC/s | TFLite 2.6.2 (DJL) µs "
                + "| reference / vector | vector / XNNPACK target |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (BenchModel m : BenchModel.values()) {
            Double ref = octet.get(m.name() + "/reference");
            Double scalar = octet.get(m.name() + "/scalar");
            Double vector = octet.get(m.name() + "/vector");
            Double t = tflite.get(m.name());
            double target = XNNPACK_TARGET[m.ordinal()];
            System.out.printf("| %s | %,d | %s | %s | %s | %s | %s | %s | %s (%s µs) |%n", m.name(), m.macs, fmt(ref),
                    fmt(scalar), fmt(vector), gmacs(m, vector), fmt(t), ratio(ref, vector), ratio(vector, target),
                    target);
        }
        if (gc) {
            System.out.println();
            System.out.println("Bytes allocated per invoke (JMH -prof gc, gc.alloc.rate.norm, measurement iterations):");
            System.out.println();
            System.out.println("| model | reference | scalar | vector | TFLite 2.6.2 (DJL) |");
            System.out.println("|---|---:|---:|---:|---:|");
            for (BenchModel m : BenchModel.values()) {
                System.out.printf("| %s | %s | %s | %s | %s |%n", m.name(), bytes(allocated.get(m.name() + "/reference")),
                        bytes(allocated.get(m.name() + "/scalar")), bytes(allocated.get(m.name() + "/vector")),
                        bytes(allocated.get(m.name())));
            }
        }
        printJvm();
    }

    /** The line under each table that says which JVM and machine measured it. */
    static void printJvm() {
        System.out.printf("%nJVM %s (%s), %d cores available, os %s %s%n", System.getProperty("java.vm.version"),
                System.getProperty("java.vm.name"), Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name"), System.getProperty("os.arch"));
    }

    /** The {@code --warmup N} argument, or null. */
    static Integer warmups(String[] args) {
        int w = Arrays.asList(args).indexOf("--warmup");
        return w >= 0 && w + 1 < args.length ? Integer.valueOf(args[w + 1]) : null;
    }

    /**
     * Median (or mean) µs per invoke keyed by model (and {@code /kernels} for Octet).
     *
     * @param jvmArgs further options for the forked JVMs
     */
    static Map<String, Double> run(Class<?> benchmark, boolean quick, boolean mean, String[] kernels,
                                   Map<String, Double> allocated, Integer warmups, String... jvmArgs)
            throws RunnerException {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(benchmark.getSimpleName())
                .mode(mean ? Mode.AverageTime : Mode.SampleTime)
                .timeUnit(java.util.concurrent.TimeUnit.MICROSECONDS)
                .forks(1)
                .threads(1)
                // The vector kernels need the incubator module in the forked JVM (repeated from @Fork, which
                // options given here would otherwise replace).
                .jvmArgsAppend(jvmArgs(jvmArgs))
                .warmupIterations(warmups != null ? warmups : quick ? 2 : 5)
                .warmupTime(TimeValue.seconds(1))
                .measurementIterations(quick ? 3 : 10)
                .measurementTime(TimeValue.seconds(1));
        if (kernels != null) {
            options.param("kernels", kernels);
        }
        if (allocated != null) {
            options.addProfiler(GCProfiler.class);
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        Map<String, Double> byKey = new LinkedHashMap<>();
        for (RunResult r : results) {
            String key = r.getParams().getParam("model");
            String kernel = r.getParams().getParam("kernels");
            double score = mean ? r.getPrimaryResult().getScore()
                    : r.getPrimaryResult().getStatistics().getPercentile(50);
            byKey.put(kernel == null ? key : key + "/" + kernel, score);
            if (allocated != null) {
                var norm = r.getSecondaryResults().get("gc.alloc.rate.norm");
                if (norm != null) {
                    allocated.put(kernel == null ? key : key + "/" + kernel, norm.getScore());
                }
            }
        }
        return byKey;
    }

    private static String[] jvmArgs(String... extra) {
        String[] all = Arrays.copyOf(new String[] {"--add-modules", "jdk.incubator.vector"}, 2 + extra.length);
        System.arraycopy(extra, 0, all, 2, extra.length);
        return all;
    }

    static String fmt(Double micros) {
        return micros == null ? "-" : String.format("%,.1f", micros);
    }

    private static String bytes(Double b) {
        return b == null ? "-" : String.format("%,.1f", b);
    }

    static String ratio(Double a, Double b) {
        return a == null || b == null ? "-" : String.format("%.2f", a / b);
    }

    private static String gmacs(BenchModel m, Double micros) {
        return micros == null ? "-" : String.format("%.2f", m.macs / (micros * 1e3));
    }
}
