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
        Matcher entry = Pattern.compile("ENTRYPOINT \\[\"java\", (.*?), \"-jar\"", Pattern.DOTALL).matcher(dockerfile);
        assertTrue(entry.find(), "the image's entry point runs java");
        List<String> docker = withoutArchive(entry.group(1).replaceAll("[\"\\\\\\s]", "").split(","));

        String script = Files.readString(ROOT.resolve("octet"));
        Matcher opts = Pattern.compile("(?m)^gateway_opts=\"(.*)\"$").matcher(script);
        assertTrue(opts.find(), "./octet defines the gateway options");
        List<String> octet = withoutArchive(opts.group(1).split(" "));

        assertEquals(systemd, docker, "Dockerfile ENTRYPOINT vs octet.service ExecStart");
        assertEquals(systemd, octet, "./octet run vs octet.service ExecStart");
        assertTrue(systemd.contains("-XX:+UseSerialGC") && systemd.stream().anyMatch(o -> o.startsWith("-Xmx")));
        assertTrue(unit.contains("-XX:SharedArchiveFile=/var/lib/octet/octet.jsa"));
        assertTrue(dockerfile.contains("-XX:SharedArchiveFile=/opt/octet/octet.jsa"));
        assertTrue(unit.contains("Environment=MALLOC_ARENA_MAX=2") && dockerfile.contains("ENV MALLOC_ARENA_MAX=2")
                && script.contains("MALLOC_ARENA_MAX"));
    }

    /** The options in order, without the AppCDS archive (its path differs per place). */
    private static List<String> withoutArchive(String[] options) {
        List<String> out = new ArrayList<>(Arrays.asList(options));
        out.removeIf(o -> o.isBlank() || o.startsWith("-XX:SharedArchiveFile="));
        return out;
    }
}
