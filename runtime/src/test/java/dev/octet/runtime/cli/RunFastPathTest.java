package dev.octet.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code octet run} started without the other subcommands keeps the options and exit codes of the full tree. */
class RunFastPathTest {
    @TempDir
    Path dir;

    @Test
    void only_a_leading_run_takes_the_fast_path() {
        assertTrue(RunFastPath.applies(new String[] {"run", "--config", "x.yaml"}));
        assertFalse(RunFastPath.applies(new String[] {"help", "run"}));
        assertFalse(RunFastPath.applies(new String[] {"--help"}));
        assertFalse(RunFastPath.applies(new String[0]));
    }

    @Test
    void exit_codes_match_the_full_command_line() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.yaml"), "gateway: {id: 'no spaces allowed'}\n");
        for (String[] args : new String[][] {{"run"}, {"run", "--no-such-option"}, {"run", "--config", bad.toString()},
                {"run", "--config", bad.toString(), "--check"}}) {
            String[] tail = java.util.Arrays.copyOfRange(args, 1, args.length);
            int full = OctetCommand.newCommandLine().execute(args);
            assertEquals(full, RunFastPath.execute(args, (e, cli, parsed) -> {
                throw e;
            }), String.join(" ", tail));
        }
        assertEquals(OctetCommand.EXIT_CONFIG_ERROR, OctetCommand.newCommandLine().execute("run", "--config",
                bad.toString()));
    }
}
