package dev.octet.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code octet rollout ...} is {@code octet ota rollout ...} (issue 4 names it at the top level). */
class RolloutAliasTest {
    @TempDir
    Path tmp;

    private static String[] run(String... args) {
        CommandLine cli = OctetCommand.newCommandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new String[] {Integer.toString(exit), out.toString(), err.toString()};
    }

    @Test
    void the_top_level_rollout_has_the_same_subcommands_and_behaviour() throws Exception {
        String[] top = run("rollout", "--help");
        String[] nested = run("ota", "rollout", "--help");
        assertEquals("0", top[0]);
        for (String sub : new String[] {"start", "status", "pause", "resume", "abort"}) {
            assertTrue(top[1].contains(sub), top[1]);
        }
        assertEquals(nested[1].replace("octet ota rollout", "octet rollout"), top[1]);
        assertTrue(run("--help")[1].contains("rollout"));

        Path state = tmp.resolve("kws-v7.rollout");
        Files.writeString(state, "model-id=kws\nversion=7\nstate=paused\nannouncement=x\n");
        String[] status = run("rollout", "status", "--state", state.toString());
        assertEquals("0", status[0], status[2]);
        assertEquals(run("ota", "rollout", "status", "--state", state.toString())[1], status[1]);
        assertTrue(status[1].contains("state=paused") && !status[1].contains("announcement="), status[1]);
    }
}
