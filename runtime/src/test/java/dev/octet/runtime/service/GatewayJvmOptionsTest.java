package dev.octet.runtime.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's JVM options (measured in docs/BENCHMARKS.md, "Service footprint and start-up") are written in three
 * places: the systemd unit, the Docker image and {@code ./octet run}. They must not drift apart.
 */
class GatewayJvmOptionsTest {
    private static final Path ROOT = PackagingTest.ROOT;

    @Test
    void the_systemd_unit_the_docker_image_and_octet_run_use_the_same_jvm_options() throws Exception {
        String unit = Files.readString(ROOT.resolve("packaging/systemd/octet.service"));
        Matcher exec = Pattern.compile("(?m)^ExecStart=/usr/bin/java (.*) -jar ").matcher(unit);
        assertTrue(exec.find(), "ExecStart runs java");
        List<String> systemd = withoutArchive(exec.group(1).split(" "));

        String dockerfile = Files.readString(ROOT.resolve("docker/Dockerfile"));
        assertTrue(dockerfile.contains("ENTRYPOINT [\"/opt/octet/entrypoint.sh\"]"), "the image starts entrypoint.sh");
        String entrypoint = Files.readString(ROOT.resolve("docker/entrypoint.sh"));
        Matcher entry = Pattern.compile("(?m)^gateway_opts=\"(.*)\"$").matcher(entrypoint);
        assertTrue(entry.find(), "docker/entrypoint.sh defines the gateway options");
        List<String> docker = withoutArchive(entry.group(1).split(" "));

        String script = Files.readString(ROOT.resolve("octet"));
        Matcher opts = Pattern.compile("(?m)^gateway_opts=\"(.*)\"$").matcher(script);
        assertTrue(opts.find(), "./octet defines the gateway options");
        List<String> octet = withoutArchive(opts.group(1).split(" "));

        assertEquals(systemd, docker, "docker/entrypoint.sh vs octet.service ExecStart");
        assertEquals(systemd, octet, "./octet run vs octet.service ExecStart");
        assertTrue(systemd.contains("-XX:+UseSerialGC") && systemd.stream().anyMatch(o -> o.startsWith("-Xmx")));
        assertTrue(unit.contains("-XX:SharedArchiveFile=/var/lib/octet/octet.jsa"));
        assertTrue(entrypoint.contains("-XX:SharedArchiveFile=/opt/octet/octet.jsa"));
        assertTrue(unit.contains("Environment=MALLOC_ARENA_MAX=2") && dockerfile.contains("ENV MALLOC_ARENA_MAX=2")
                && script.contains("MALLOC_ARENA_MAX"));
    }

    /**
     * The image's entry point gives the gateway's options (small heap, archive) to {@code run} only: the other
     * commands (quantize, bench ... on models of any size) get the JVM's defaults. Run with a {@code java} on the PATH
     * that prints its arguments.
     */
    @Test
    void the_image_entry_point_gives_the_gateway_options_to_run_only(@TempDir Path bin) throws Exception {
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/bin/sh\necho \"$@\"\n");
        java.toFile().setExecutable(true);
        String run = entryPoint(bin, "run", "--config", "/etc/octet/octet.yaml");
        assertTrue(run.contains("-Xmx32m") && run.contains("-XX:SharedArchiveFile=/opt/octet/octet.jsa")
                && run.endsWith("-jar /opt/octet/octet.jar run --config /etc/octet/octet.yaml"), run);
        String quantize = entryPoint(bin, "quantize", "m.tflite");
        assertEquals("-jar /opt/octet/octet.jar quantize m.tflite", quantize);
    }

    private static String entryPoint(Path bin, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("sh", ROOT.resolve("docker/entrypoint.sh").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("PATH", bin + ":" + pb.environment().getOrDefault("PATH", "/usr/bin:/bin"));
        pb.environment().remove("OCTET_JAVA_OPTS");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    /** The options in order, without the AppCDS archive (its path differs per place). */
    private static List<String> withoutArchive(String[] options) {
        List<String> out = new ArrayList<>(Arrays.asList(options));
        out.removeIf(o -> o.isBlank() || o.startsWith("-XX:SharedArchiveFile="));
        return out;
    }
}
