package dev.octet.runtime.cli;

import java.util.Arrays;
import picocli.CommandLine;

/**
 * {@code octet run} on a command line that holds only the {@code run} command. Building picocli's model of every
 * subcommand (inspect, infer, bench, quantize, the OTA tree, ...) costs about 0.3 s of CPU on the gateway class of
 * machine, a fifth of what the service spends before its first result (docs/BENCHMARKS.md, "Service footprint and
 * start-up"); the service needs none of it. Same options, exit codes and error handling as through the full tree.
 */
final class RunFastPath {
    private RunFastPath() {
    }

    /** True for {@code run ...} (and not for {@code --help run} or other commands). */
    static boolean applies(String[] args) {
        return args.length > 0 && args[0].equals("run");
    }

    static int execute(String[] args, CommandLine.IExecutionExceptionHandler onError) {
        CommandLine run = new CommandLine(new RunCommand()).setCommandName("octet run");
        run.getCommandSpec().versionProvider(new VersionProvider());
        run.setExecutionExceptionHandler(onError);
        return run.execute(Arrays.copyOfRange(args, 1, args.length));
    }
}
