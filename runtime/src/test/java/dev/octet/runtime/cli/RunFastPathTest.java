package dev.octet.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code octet run} without picocli: which lines it takes, and that it ends with the full command line's exit codes.
 */
class RunFastPathTest {
    private static final String VALID = """
            gateway: {id: fast}
            models:
              - {id: ad01, path: "bundled:ad01"}
            streams:
              - id: s
                source: {type: simulated, signal: sine_noise, seed: 1}
                sample_rate_hz: 31.25
                channels: 128
                windows: {size: 5, stride: 1}
                model: ad01
                postprocess:
                  - anomaly_score: {threshold: 20.0}
            sinks:
              - {type: stdout, format: text}
            http: {port: 0}
            """;

    @TempDir
    Path dir;

    @Test
    void takesOnlyWellFormedRunLines() {
        RunFastPath.RunLine line = RunFastPath.parse(new String[] {"run", "--config", "a.yaml", "--state-dir=/s",
                "--check"});
        assertNotNull(line);
        assertEquals(Path.of("a.yaml"), line.config());
        assertEquals(Path.of("/s"), line.stateDir());
        assertEquals(true, line.check());
        RunFastPath.RunLine plain = RunFastPath.parse(new String[] {"run", "--config=b.yaml"});
        assertEquals(new RunFastPath.RunLine(Path.of("b.yaml"), null, false), plain);

        String[][] others = {{}, {"run"}, {"--help"}, {"help", "run"}, {"inspect", "--config", "a.yaml"},
                {"run", "--help"}, {"run", "-h"}, {"run", "--version"}, {"run", "--config"},
                {"run", "--config", "--check"}, {"run", "--config="}, {"run", "--check"},
                {"run", "--config", "a.yaml", "--config", "b.yaml"}, {"run", "--config", "a.yaml", "--check", "--check"},
                {"run", "--config", "a.yaml", "--check=yes"}, {"run", "--config", "a.yaml", "--no-such-option"},
                {"run", "--config", "a.yaml", "extra"}};
        for (String[] args : others) {
            assertNull(RunFastPath.parse(args), String.join(" ", args) + " is picocli's to parse");
        }
    }

    @Test
    void exitCodesMatchTheFullCommandLine() throws Exception {
        Path valid = Files.writeString(dir.resolve("valid.yaml"), VALID);
        Path bad = Files.writeString(dir.resolve("bad.yaml"), "gateway: {id: 'no spaces allowed'}\n");
        Path missing = dir.resolve("missing.yaml");
        int[] expected = {0, OctetCommand.EXIT_CONFIG_ERROR, OctetCommand.EXIT_CONFIG_ERROR};
        Path[] configs = {valid, bad, missing};
        for (int i = 0; i < configs.length; i++) {
            String[] args = {"run", "--config", configs[i].toString(), "--state-dir", dir.resolve("state").toString(),
                    "--check"};
            int full = OctetCommand.newCommandLine().execute(args);
            assertEquals(full, RunFastPath.execute(RunFastPath.parse(args)), configs[i].getFileName().toString());
            assertEquals(expected[i], full, configs[i].getFileName().toString());
        }
    }

    @Test
    void runVersionGoesThroughPicocliAndPrintsTheVersion() {
        for (String flag : new String[] {"--version", "-V"}) {
            java.io.StringWriter out = new java.io.StringWriter();
            picocli.CommandLine cli = OctetCommand.newCommandLine();
            cli.setOut(new java.io.PrintWriter(out));
            assertNull(RunFastPath.parse(new String[] {"run", flag}));
            assertEquals(0, cli.execute("run", flag));
            assertTrue(out.toString().contains("octet"), "run " + flag + " printed: '" + out + "'");
        }
    }
}
