package dev.octet.runtime.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's JVM options are written once, as argument files per profile (packaging/jvm; measured in
 * docs/BENCHMARKS.md, "Service footprint and start-up"), and used by the systemd unit, the Docker image and
 * {@code ./octet run}. This JVM must accept each file, and every place must use them.
 */
class GatewayJvmOptionsTest {
    private static final Path ROOT = PackagingTest.ROOT;
    private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");

    /** The flags a JVM started with {@code @file} ends up with (-XX:+PrintFlagsFinal), or fails the test. */
    private static String finalFlags(Path argumentFile) throws Exception {
        Process p = new ProcessBuilder(JAVA.toString(), "@" + argumentFile, "-XX:+PrintFlagsFinal", "-version")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "java -version returns");
        assertEquals(0, p.exitValue(), argumentFile + " is refused:\n" + out);
        return out;
    }

    private static boolean flag(String flags, String name, String value) {
        return flags.lines().anyMatch(l -> l.matches("\\s*\\S+\\s+" + name + "\\s+= " + value + "\\s.*"));
    }

    @Test
    void the_small_profile_runs_c1_only_without_the_vector_module_on_a_16_mb_heap() throws Exception {
        Path file = ROOT.resolve("packaging/jvm/small.args");
        String flags = finalFlags(file);
        assertTrue(flag(flags, "UseSerialGC", "true"), "serial collector");
        assertTrue(flag(flags, "TieredStopAtLevel", "1"), "C1 only");
        assertTrue(flag(flags, "MaxHeapSize", Long.toString(16L << 20)), "-Xmx16m");
        assertTrue(flag(flags, "CompileThresholdScaling", "3.0+"), "only really hot methods compiled");
        assertTrue(flag(flags, "UsePerfData", "false"));
        assertTrue(flag(flags, "ExitOnOutOfMemoryError", "true"));
        assertFalse(Files.readString(file).contains("jdk.incubator.vector"), "no vector module: scalar kernels");
    }

    @Test
    void the_fast_profile_loads_the_vector_module_with_c2_on_a_32_mb_heap() throws Exception {
        Path file = ROOT.resolve("packaging/jvm/fast.args");
        String flags = finalFlags(file);
        assertTrue(flags.contains("WARNING: Using incubator modules: jdk.incubator.vector"), "the Vector API module");
        assertTrue(flag(flags, "UseSerialGC", "true"), "serial collector");
        assertTrue(flag(flags, "TieredStopAtLevel", "4"), "C2 for the vector kernels");
        assertTrue(flag(flags, "MaxHeapSize", Long.toString(32L << 20)), "-Xmx32m");
        assertTrue(flag(flags, "ExitOnOutOfMemoryError", "true"));
    }

    @Test
    void the_unit_the_image_and_octet_run_use_the_profile_files() throws Exception {
        String unit = Files.readString(ROOT.resolve("packaging/systemd/octet.service"));
        assertTrue(unit.contains("\nEnvironment=OCTET_PROFILE=small\n"), "the unit defaults to the small profile");
        assertTrue(unit.contains("\nExecStart=/usr/bin/java @/opt/octet/jvm/${OCTET_PROFILE}.args "
                + "-jar /opt/octet/octet.jar run "), "ExecStart uses the profile's options");
        assertTrue(unit.contains("Environment=MALLOC_ARENA_MAX=2"));
        String install = Files.readString(ROOT.resolve("packaging/systemd/README.md"));
        assertTrue(install.contains("/opt/octet/jvm packaging/jvm/small.args packaging/jvm/fast.args"),
                "the install steps put the profiles where the unit reads them");

        String dockerfile = Files.readString(ROOT.resolve("docker/Dockerfile"));
        assertTrue(dockerfile.contains("COPY packaging/jvm /opt/octet/jvm"), "the image holds the profiles");
        assertTrue(dockerfile.contains("ENV MALLOC_ARENA_MAX=2 OCTET_PROFILE=small"));
        assertTrue(dockerfile.contains("ENTRYPOINT [\"/opt/octet/entrypoint.sh\"]"), "the image starts entrypoint.sh");

        String script = Files.readString(ROOT.resolve("octet"));
        assertTrue(script.contains("profile=\"${OCTET_PROFILE:-small}\"")
                && script.contains("options=\"$root/packaging/jvm/$profile.args\"")
                && script.contains("exec java @\"$options\""), "./octet run uses the profile files");
        assertTrue(script.contains("MALLOC_ARENA_MAX"));
    }

    /**
     * The image's entry point gives a profile's options (small heap) to {@code run} only: the other commands
     * (quantize, bench ... on models of any size) get the JVM's defaults. Run with a {@code java} on the PATH that
     * prints its arguments.
     */
    @Test
    void the_image_entry_point_gives_the_profile_to_run_only(@TempDir Path bin) throws Exception {
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/bin/sh\necho \"$@\"\n");
        java.toFile().setExecutable(true);
        assertEquals("@/opt/octet/jvm/small.args "
                + "-jar /opt/octet/octet.jar run --config /etc/octet/octet.yaml",
                entryPoint(bin, null, "run", "--config", "/etc/octet/octet.yaml"));
        assertEquals("@/opt/octet/jvm/fast.args "
                + "-jar /opt/octet/octet.jar run --config /etc/octet/octet.yaml",
                entryPoint(bin, "fast", "run", "--config", "/etc/octet/octet.yaml"));
        assertEquals("-jar /opt/octet/octet.jar quantize m.tflite", entryPoint(bin, "fast", "quantize", "m.tflite"));
    }

    private static String entryPoint(Path bin, String profile, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("sh", ROOT.resolve("docker/entrypoint.sh").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("PATH", bin + ":" + pb.environment().getOrDefault("PATH", "/usr/bin:/bin"));
        pb.environment().remove("OCTET_JAVA_OPTS");
        pb.environment().remove("OCTET_PROFILE");
        if (profile != null) {
            pb.environment().put("OCTET_PROFILE", profile);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.waitFor(), out);
        return out;
    }
}
