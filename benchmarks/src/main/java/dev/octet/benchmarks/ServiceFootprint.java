package dev.octet.benchmarks;

import dev.octet.mqtt.InProcessBroker;
import dev.octet.mqtt.MqttLink;
import dev.octet.mqtt.MqttSettings;
import dev.octet.runtime.pipeline.config.ConfigLoader;
import dev.octet.runtime.pipeline.config.OctetConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures {@code octet run} as a separate process, once per JVM flag set: the time from starting the process to
 * the first result each stream publishes (as received by an MQTT subscriber), the resident memory after a steady
 * period ({@code VmRSS} and the peak {@code VmHWM} from {@code /proc/PID/status}), CPU use, and with
 * {@code -XX:NativeMemoryTracking=summary} in a flag set the JVM's own account of its memory ({@code jcmd PID
 * VM.native_memory summary}). Prints a Markdown table for docs/BENCHMARKS.md.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.octet.benchmarks.ServiceFootprint \
 *     [--config config/bench-four.yaml] [--jar runtime/target/octet.jar] [--seconds 20] [--runs 2] \
 *     [--flags "label|JVM OPTIONS"]... [--ladder]
 * </pre>
 *
 * Without {@code --flags} it runs the shipped profiles ({@link #PROFILES}); {@code --ladder} adds the tuning ladder
 * ({@link #LADDER}). "steady CPU %" is the process's CPU time over the steady period, in percent of one core. In a flag set, {@code NAME=VALUE} tokens whose
 * name is upper case are environment variables of the process (e.g. {@code MALLOC_ARENA_MAX=2}); a flag set with
 * {@code -XX:SharedArchiveFile=F} whose file does not exist first gets a training run with
 * {@code -XX:ArchiveClassesAtExit=F} (AppCDS, JDK 13+) of {@code octet demo}, which is not measured (the same
 * training the Docker image and the systemd unit do).
 *
 * <p>The broker is {@link InProcessBroker} in this process, on the port of the configuration's {@code mqtt.uri},
 * so that the measured process holds only Octet.
 */
public final class ServiceFootprint {
    private static final String UNIT = "--add-modules jdk.incubator.vector -XX:+UseSerialGC -Xss512k";
    private static final String HEAP = " -Xms16m -Xmx32m -Xmn6m";
    private static final String TRIM = " -XX:TrimNativeHeapInterval=5000";
    private static final String CAPS = " -XX:-UsePerfData -XX:ReservedCodeCacheSize=16m -XX:MaxMetaspaceSize=40m";
    private static final String ARENAS = "MALLOC_ARENA_MAX=2 ";
    private static final String CDS = " -XX:SharedArchiveFile=target/octet-bench.jsa";
    private static final String SHIPPED = ARENAS + UNIT + HEAP + TRIM + CAPS + CDS;

    /**
     * The shipped JVM profiles (packaging/jvm, the argument files that ./octet run, the systemd unit and the Docker
     * image use), and each with an AppCDS archive (not shipped: see docs/BENCHMARKS.md).
     */
    static final List<String> PROFILES = List.of(
            "small (default)|" + ARENAS + "@packaging/jvm/small.args",
            "fast|" + ARENAS + "@packaging/jvm/fast.args",
            "fast + AppCDS archive|" + ARENAS + "@packaging/jvm/fast.args"
                    + " -XX:SharedArchiveFile=target/octet-bench-fast.jsa",
            "small + AppCDS archive|" + ARENAS + "@packaging/jvm/small.args"
                    + " -XX:SharedArchiveFile=target/octet-bench-small.jsa");

    /**
     * The tuning ladder of 2026-11-23 that led to the fast profile: each step adds to the one before (see
     * docs/BENCHMARKS.md for what each bought). {@code --ladder} runs it.
     */
    static final List<String> LADDER = List.of(
            "jdk defaults (G1, no vector module)|",
            "unit before: vector, SerialGC, Xss512k|" + UNIT,
            "+ heap -Xms16m -Xmx32m -Xmn6m|" + UNIT + HEAP,
            "+ -XX:TrimNativeHeapInterval=5000|" + UNIT + HEAP + TRIM,
            "+ no perf data, code cache 16m, metaspace cap|" + UNIT + HEAP + TRIM + CAPS,
            "+ MALLOC_ARENA_MAX=2|" + ARENAS + UNIT + HEAP + TRIM + CAPS,
            "+ AppCDS (trained on octet demo) = shipped|" + SHIPPED,
            "shipped + NMT|" + SHIPPED + " -XX:NativeMemoryTracking=summary",
            "shipped with -Xmx24m|" + SHIPPED + " -Xmx24m",
            "shipped, C1 only (TieredStopAtLevel=1)|" + SHIPPED + " -XX:TieredStopAtLevel=1",
            "shipped, no vector module (scalar)|" + ARENAS + "-XX:+UseSerialGC -Xss512k" + HEAP + TRIM + CAPS
                    + " -XX:SharedArchiveFile=target/octet-bench-scalar.jsa",
            "floor: scalar, C1 only, -Xmx24m|" + ARENAS + "-XX:+UseSerialGC -Xss512k" + HEAP + TRIM + CAPS
                    + " -XX:SharedArchiveFile=target/octet-bench-scalar.jsa -XX:TieredStopAtLevel=1 -Xmx24m");

    private ServiceFootprint() {
    }

    public static void main(String[] args) throws Exception {
        Path config = Path.of("config/bench-four.yaml");
        Path jar = Path.of("runtime/target/octet.jar");
        int seconds = 20;
        int runs = 2;
        List<String> flagSets = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config" -> config = Path.of(args[++i]);
                case "--jar" -> jar = Path.of(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--flags" -> flagSets.add(args[++i]);
                case "--ladder" -> flagSets.addAll(LADDER);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (flagSets.isEmpty()) {
            flagSets.addAll(PROFILES);
        }
        OctetConfig cfg = ConfigLoader.load(config);
        URI uri = URI.create(cfg.mqtt().orElseThrow(() -> new IllegalArgumentException(
                "the configuration has no mqtt section")).uri());
        List<String> streams = cfg.streams().stream().map(OctetConfig.StreamConfig::id).toList();
        List<Row> rows = new ArrayList<>();
        try (InProcessBroker broker = InProcessBroker.builder().port(uri.getPort()).maxQueuedMessages(100_000)
                .start()) {
            for (String set : flagSets) {
                int eq = set.indexOf('|');
                String label = set.substring(0, eq);
                List<String> tokens = Arrays.stream(set.substring(eq + 1).trim().split("\\s+"))
                        .filter(t -> !t.isEmpty()).toList();
                train(tokens, jar);
                for (int r = 0; r < runs; r++) {
                    Row row = measure(label, tokens, jar, config, broker, streams, seconds);
                    System.out.println(row.line(streams));
                    rows.add(row);
                }
            }
        }
        System.out.println();
        System.out.printf("octet run --config %s, steady state = %d s after the kernel warm-up decided, %s, %d cores, %s%n", config, seconds,
                System.getProperty("java.vm.version"), Runtime.getRuntime().availableProcessors(),
                java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).withNano(0));
        System.out.println();
        System.out.println(Row.header(streams));
        rows.forEach(row -> System.out.println(row.line(streams)));
        for (Row row : rows) {
            if (row.nmt != null) {
                System.out.println();
                System.out.println("NMT summary (" + row.label + "), committed KiB by category:");
                System.out.println(row.nmt);
            }
        }
    }

    /** An AppCDS training run, if the flag set wants an archive that is not there yet. */
    private static void train(List<String> tokens, Path jar) throws Exception {
        for (String t : tokens) {
            if (t.startsWith("-XX:SharedArchiveFile=")) {
                Path archive = Path.of(t.substring("-XX:SharedArchiveFile=".length()));
                if (!Files.exists(archive)) {
                    if (archive.toAbsolutePath().getParent() != null) {
                        Files.createDirectories(archive.toAbsolutePath().getParent());
                    }
                    List<String> training = new ArrayList<>();
                    for (String u : tokens) {
                        training.add(u == t ? "-XX:ArchiveClassesAtExit=" + archive : u);
                    }
                    System.out.println("AppCDS training run (octet demo), writing " + archive);
                    List<String> command = new ArrayList<>();
                    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
                    Map<String, String> env = new LinkedHashMap<>();
                    split(training, command, env);
                    command.addAll(List.of("-jar", jar.toString(), "demo"));
                    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
                    pb.environment().putAll(env);
                    Process p = pb.start();
                    if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
                        p.destroyForcibly();
                        throw new IllegalStateException("the AppCDS training run (octet demo) failed");
                    }
                    if (!Files.exists(archive)) {
                        throw new IllegalStateException("the training run wrote no archive " + archive);
                    }
                }
            }
        }
    }

    private static Row measure(String label, List<String> tokens, Path jar, Path config, InProcessBroker broker,
                               List<String> streams, int seconds) throws Exception {
        Map<String, Long> first = new ConcurrentHashMap<>();
        long[] firstCpuTicks = {-1};
        long[] settledCpuTicks = {-1};
        long[] pid = {-1};
        AtomicLong results = new AtomicLong();
        String clientId = "footprint-" + System.nanoTime();
        MqttLink subscriber = MqttLink.start(MqttSettings.builder(broker.uri(), clientId).build());
        long[] t0 = new long[1];
        try {
            subscriber.subscribe("octet/+/+/inference", 1, m -> {
                long now = System.nanoTime();
                String stream = m.topic().split("/")[2];
                if (first.isEmpty() && pid[0] > 0) {
                    firstCpuTicks[0] = cpuTicks(pid[0]);
                }
                first.putIfAbsent(stream, now);
                results.incrementAndGet();
            }).get(30, TimeUnit.SECONDS);
            Path state = Files.createTempDirectory("octet-footprint");
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            Map<String, String> env = new LinkedHashMap<>();
            split(tokens, command, env);
            command.addAll(List.of("-jar", jar.toString(), "run", "--config", config.toString(), "--state-dir",
                    state.toString()));
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().putAll(env);
            long[] ready = {-1};
            AtomicLong warmupOutcomes = new AtomicLong();
            long[] settled = {-1};
            t0[0] = System.nanoTime();
            Process p = pb.start();
            pid[0] = p.pid();
            Thread killer = new Thread(p::destroyForcibly);
            Runtime.getRuntime().addShutdownHook(killer);
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        if (ready[0] < 0 && line.contains(" running ")) {
                            ready[0] = System.nanoTime();
                        }
                        if (line.contains(" now runs on the vector") || line.contains(" stays on the scalar kernels")) {
                            warmupOutcomes.incrementAndGet();
                        }
                        if (line.contains("no C2 compiler")) {
                            warmupOutcomes.addAndGet(streams.size());
                        }
                        if (line.contains("Exception") || line.contains("ERROR") || line.contains("vector")) {
                            System.out.println("  [octet] " + line);
                        }
                    }
                } catch (IOException e) {
                    // the process ended
                }
            }, "footprint-stdout");
            reader.setDaemon(true);
            reader.start();
            // Steady state: the kernel warm-up has decided for every stream (when it runs at all), then `seconds`
            // more; the machine may be shared, so this is defined by progress, not by a fixed time from the start.
            boolean warms = withArgumentFiles(tokens).contains("jdk.incubator.vector");
            long limit = t0[0] + TimeUnit.SECONDS.toNanos(seconds + 120L);
            while (p.isAlive() && System.nanoTime() < limit) {
                if (settled[0] < 0 && results.get() > 0 && (!warms || warmupOutcomes.get() >= streams.size())) {
                    settled[0] = System.nanoTime();
                    settledCpuTicks[0] = cpuTicks(p.pid());
                }
                if (settled[0] > 0 && System.nanoTime() - settled[0] > TimeUnit.SECONDS.toNanos(seconds)) {
                    break;
                }
                Thread.sleep(100);
            }
            if (!p.isAlive()) {
                throw new IllegalStateException(label + ": octet run exited with " + p.exitValue());
            }
            Map<String, Long> status = procStatus(p.pid());
            String load = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
            long cpuTicks = cpuTicks(p.pid());
            long steadyNanos = settled[0] < 0 ? 0 : System.nanoTime() - settled[0];
            double steadyCpuPercent = steadyNanos == 0 ? Double.NaN
                    : (cpuTicks - settledCpuTicks[0]) * 10e6 / steadyNanos * 100;
            String nmt = tokens.stream().anyMatch(t -> t.startsWith("-XX:NativeMemoryTracking")) ? nmt(p.pid())
                    : null;
            long elapsed = System.nanoTime() - t0[0];
            p.destroy();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            Runtime.getRuntime().removeShutdownHook(killer);
            Map<String, Double> firstMs = new LinkedHashMap<>();
            for (String s : streams) {
                Long at = first.get(s);
                firstMs.put(s, at == null ? Double.NaN : (at - t0[0]) / 1e6);
            }
            double cpu = cpuTicks / 100.0 / (elapsed / 1e9) * 100;
            return new Row(label, firstMs, ready[0] < 0 ? Double.NaN : (ready[0] - t0[0]) / 1e6,
                    firstCpuTicks[0] * 10.0,
                    settled[0] < 0 ? Double.NaN : (settled[0] - t0[0]) / 1e6, status.getOrDefault("VmRSS", -1L),
                    status.getOrDefault("VmHWM", -1L), cpu, steadyCpuPercent, cpuTicks * 10.0, results.get(), load,
                    nmt);
        } finally {
            subscriber.close();
        }
    }

    /** The tokens with every {@code @file} replaced by the file's text (java's argument files). */
    private static String withArgumentFiles(List<String> tokens) throws IOException {
        StringBuilder b = new StringBuilder();
        for (String t : tokens) {
            b.append(t.startsWith("@") ? Files.readString(Path.of(t.substring(1))) : t).append('\n');
        }
        return b.toString();
    }

    /** JVM options to {@code command}, NAME=VALUE tokens with an upper-case name to {@code env}. */
    private static void split(List<String> tokens, List<String> command, Map<String, String> env) {
        for (String t : tokens) {
            int eq = t.indexOf('=');
            if (eq > 0 && t.substring(0, eq).matches("[A-Z_]+")) {
                env.put(t.substring(0, eq), t.substring(eq + 1));
            } else {
                command.add(t);
            }
        }
    }

    /** The kB fields of /proc/PID/status. */
    static Map<String, Long> procStatus(long pid) throws IOException {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            String[] kv = line.split(":\\s+");
            if (kv.length == 2 && kv[1].endsWith(" kB")) {
                out.put(kv[0], Long.parseLong(kv[1].substring(0, kv[1].length() - 3).trim()));
            }
        }
        return out;
    }

    /** utime + stime in clock ticks (USER_HZ, 100 on Linux). */
    static long cpuTicks(long pid) {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (IOException e) {
            return -1;
        }
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** {@code jcmd PID VM.native_memory summary}, reduced to one line per category: committed KiB. */
    static String nmt(long pid) throws IOException, InterruptedException {
        Process j = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid), "VM.native_memory", "summary").redirectErrorStream(true).start();
        String text = new String(j.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        j.waitFor(30, TimeUnit.SECONDS);
        StringBuilder out = new StringBuilder();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "(?m)^(?:-\\s+)?([A-Za-z][A-Za-z ]*?)\\s*\\(reserved=(\\d+)KB, committed=(\\d+)KB\\)").matcher(text);
        while (m.find()) {
            out.append(String.format(Locale.ROOT, "| %s | %,d |%n", m.group(1).trim(), Long.parseLong(m.group(3))));
        }
        java.util.regex.Matcher total = java.util.regex.Pattern.compile(
                "Total: reserved=(\\d+)KB, committed=(\\d+)KB").matcher(text);
        if (total.find()) {
            out.insert(0, String.format(Locale.ROOT, "| Total | %,d |%n", Long.parseLong(total.group(2))));
        }
        return out.toString();
    }

    record Row(String label, Map<String, Double> firstMs, double readyMs, double firstCpuMs, double settledMs,
               long rssKb, long hwmKb, double cpuPercent, double steadyCpuPercent, double cpuMs, long results,
               String load, String nmt) {
        static String header(List<String> streams) {
            StringBuilder b = new StringBuilder("| flags | running ms | first result ms | CPU ms to first result |");
            streams.forEach(s -> b.append(" first ").append(s).append(" ms |"));
            b.append(" steady from s | VmRSS MiB | VmHWM MiB | steady CPU % | CPU s | results | load |\n|---|---:|---:|---:|");
            b.append("---:|".repeat(streams.size())).append("---:|---:|---:|---:|---:|---:|---:|");
            return b.toString();
        }

        String line(List<String> streams) {
            double min = firstMs.values().stream().filter(d -> !d.isNaN()).mapToDouble(Double::doubleValue).min()
                    .orElse(Double.NaN);
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.0f |", label,
                    readyMs, min, firstCpuMs));
            for (String s : streams) {
                b.append(String.format(Locale.ROOT, " %.0f |", firstMs.get(s)));
            }
            b.append(String.format(Locale.ROOT, " %.1f | %.1f | %.1f | %.1f | %.1f | %d | %s |", settledMs / 1000,
                    rssKb / 1024.0, hwmKb / 1024.0, steadyCpuPercent, cpuMs / 1000, results, load));
            return b.toString();
        }
    }
}
