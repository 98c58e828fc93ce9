package dev.octet.runtime.cli;

import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * {@code octet run} without picocli, for the service's own command line. picocli's command model costs the gateway
 * about 170 loaded classes (resident memory, for the life of the process) and, with every subcommand built, about
 * 0.3 s of CPU before the first result (docs/BENCHMARKS.md, "Service footprint and start-up"); the service needs
 * none of it. Only a well-formed line is taken here: {@code run} followed by {@code --config FILE}, optionally
 * {@code --state-dir DIR} and {@code --check} (also in the {@code --opt=value} form), each at most once. Anything
 * else (help, version, a typo, a missing value) goes through picocli for its usual usage message and exit code.
 */
final class RunFastPath {
    private RunFastPath() {
    }

    /** The parsed options of a well-formed {@code run} line. */
    record RunLine(Path config, Path stateDir, boolean check) {
    }

    /** The options of {@code args} if it is a well-formed {@code run} line this class takes, else null. */
    static RunLine parse(String[] args) {
        if (args.length < 2 || !args[0].equals("run")) {
            return null;
        }
        String config = null;
        String stateDir = null;
        boolean check = false;
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            switch (name) {
                case "--config", "--state-dir" -> {
                    if (value == null) {
                        if (i + 1 >= args.length || args[i + 1].startsWith("-")) {
                            return null;
                        }
                        value = args[++i];
                    }
                    if (value.isEmpty() || (name.equals("--config") ? config : stateDir) != null) {
                        return null;
                    }
                    if (name.equals("--config")) {
                        config = value;
                    } else {
                        stateDir = value;
                    }
                }
                case "--check" -> {
                    if (value != null || check) {
                        return null;
                    }
                    check = true;
                }
                default -> {
                    return null;
                }
            }
        }
        return config == null ? null : new RunLine(Path.of(config), stateDir == null ? null : Path.of(stateDir),
                check);
    }

    /** Runs a parsed line; failures map to the same messages and exit codes as through picocli. */
    static int execute(RunLine line) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        try {
            return ServiceRun.run(line.config(), line.stateDir(), line.check(), out, err);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("octet: interrupted");
            return 1;
        } catch (Exception e) {
            try {
                return OctetCommand.exitCode(e, err);
            } catch (IllegalStateException bug) {
                e.printStackTrace(err); // as picocli does with an exception no handler knows
                return 1;
            }
        } finally {
            out.flush();
            err.flush();
        }
    }
}
