package dev.octet.benchmarks;

import com.sun.management.ThreadMXBean;
import dev.octet.runtime.engine.KernelSelection;
import dev.octet.runtime.pipeline.InferenceResult;
import dev.octet.runtime.pipeline.Pipeline;
import dev.octet.runtime.pipeline.PipelineFactory;
import dev.octet.runtime.pipeline.ResultSink;
import dev.octet.runtime.pipeline.config.ConfigLoader;
import dev.octet.runtime.pipeline.config.OctetConfig;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Anomaly-detection windows per second through the whole gateway pipeline, per kernel selection: a simulated 16 kHz
 * microphone (unpaced: as fast as the pipeline takes it, {@code block} backpressure so nothing is dropped) → windows
 * of 1024 samples every 512 → log-mel (n_fft 1024, 128 Slaney bands) → 5-frame stack → quantize → ad01 → anomaly
 * score → a sink that serializes each result to JSON (what the MQTT sink does before handing it to the outbox).
 *
 * <p>Reports wall-clock windows/s (the source, the stream's worker and the result dispatcher are three threads) and
 * windows per CPU-second of those threads: "per core". Also the bytes the pipeline threads allocate per window.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.octet.benchmarks.PipelineThroughput [--windows 20000]
 *     [--warmup 20000] [--kernels scalar,vector]</pre>
 * (run with {@code --add-modules jdk.incubator.vector} for the vector kernels).
 */
public final class PipelineThroughput {
    private PipelineThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int windows = 20_000;
        int warmup = 20_000;
        String[] kernels = {"scalar", "vector"};
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--windows" -> windows = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--kernels" -> kernels = args[++i].split(",");
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Path dir = Files.createTempDirectory("octet-throughput");
        Path config = dir.resolve("ad-throughput.yaml");
        // Enough audio for warm-up + measurement + the 4 windows the frame stack needs first, and some slack.
        double seconds = (1024 + 512.0 * (warmup + windows + 100)) / 16_000;
        Files.writeString(config, """
                gateway: {id: throughput}
                models:
                  - {id: ad01, path: "bundled:ad01"}
                streams:
                  - id: ad
                    source: {type: simulated, signal: sine_noise, frequency_hz: 440.0, amplitude: 0.3, noise: 0.01,
                             seed: 4, pace: false, duration_s: %s}
                    sample_rate_hz: 16000
                    channels: 1
                    windows: {size: 1024, stride: 512}
                    preprocess:
                      - log_mel: {n_fft: 1024, hop_length: 512, n_mels: 128, power: 2.0}
                      - frames: {count: 5}
                    model: ad01
                    postprocess:
                      - anomaly_score: {threshold: 20.0}
                    queue: {capacity: 64, backpressure: block}
                queues:
                  results: {capacity: 1024, backpressure: block}
                sinks:
                  - {type: stdout, format: json}
                http: {port: 0}
                """.formatted(Double.toString(seconds)));
        OctetConfig cfg = ConfigLoader.load(config);
        List<String> lines = new ArrayList<>();
        for (String k : kernels) {
            lines.add(measure(cfg, KernelSelection.parse(k), warmup, windows));
        }
        System.out.println();
        System.out.printf("AD pipeline (simulated 16 kHz audio -> log-mel -> frames -> ad01 -> score -> JSON), %,d windows"
                + " after %,d warm-up; JVM %s, %d cores%n%n", windows, warmup, System.getProperty("java.vm.version"),
                Runtime.getRuntime().availableProcessors());
        System.out.println("| kernels | windows/s (wall) | windows per CPU-second | CPU s per 1000 windows | "
                + "bytes allocated per window |");
        System.out.println("|---|---:|---:|---:|---:|");
        lines.forEach(System.out::println);
    }

    private static String measure(OctetConfig cfg, KernelSelection kernels, int warmup, int windows)
            throws Exception {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        Snapshot[] marks = new Snapshot[2];
        CountDownLatch done = new CountDownLatch(1);
        ResultSink json = new ResultSink() {
            long count;
            long chars;

            @Override
            public void accept(InferenceResult result) {
                chars += result.toJson().length();
                count++;
                if (count == warmup) {
                    marks[0] = Snapshot.take(threads);
                } else if (count == warmup + windows) {
                    marks[1] = Snapshot.take(threads);
                    done.countDown();
                }
            }
        };
        PrintStream nowhere = new PrintStream(java.io.OutputStream.nullOutputStream());
        // The configured stdout sink is replaced by nothing: the JSON sink above does the serialization work.
        Pipeline pipeline = PipelineFactory.defaults().withKernels(kernels).withStdout(nowhere).withSink(json)
                .build(cfg);
        try {
            pipeline.start();
            if (!done.await(30, TimeUnit.MINUTES)) {
                throw new IllegalStateException("the pipeline did not deliver " + (warmup + windows) + " windows");
            }
        } finally {
            pipeline.close();
        }
        long wall = marks[1].nanos - marks[0].nanos;
        long cpu = marks[1].cpuNanos - marks[0].cpuNanos;
        long bytes = marks[1].allocated - marks[0].allocated;
        String line = String.format(Locale.ROOT, "| %s | %,.0f | %,.0f | %.3f | %,.0f |", kernels.name().toLowerCase(
                Locale.ROOT), windows / (wall / 1e9), windows / (cpu / 1e9), cpu / 1e9 / windows * 1000,
                (double) bytes / windows);
        System.out.println(line);
        return line;
    }

    /** Time, CPU time and allocated bytes of the pipeline's threads (named octet-*). */
    private record Snapshot(long nanos, long cpuNanos, long allocated) {
        static Snapshot take(ThreadMXBean threads) {
            long cpu = 0;
            long bytes = 0;
            for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
                if (info != null && info.getThreadName().startsWith("octet-")) {
                    cpu += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
                    bytes += Math.max(0, threads.getThreadAllocatedBytes(info.getThreadId()));
                }
            }
            return new Snapshot(System.nanoTime(), cpu, bytes);
        }
    }
}
