package dev.octet.runtime.cli;

import dev.octet.runtime.logging.LogSetup;
import dev.octet.runtime.model.ModelException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code octet} command line. Each subcommand is its own class; this one wires them and turns the typed
 * errors into one-line messages and exit codes:
 * 0 success, 2 usage error, 3 the model is malformed or unsupported, 4 an input/output file problem,
 * 5 an invalid configuration file.
 */
@Command(name = "octet",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Runs int8 TensorFlow Lite models on IoT gateways, bit-exact with TensorFlow Lite Micro.",
        subcommands = {InspectCommand.class, InferCommand.class, DemoCommand.class, RunCommand.class,
                QuantizeCommand.class, BenchCommand.class,
                RecordCommand.class,
                NodesCommand.class,
                CommandLine.HelpCommand.class})
public final class OctetCommand implements Runnable {
    public static final int EXIT_MODEL_ERROR = 3;
    public static final int EXIT_IO_ERROR = 4;
    /** The configuration file was refused (the message names the file and each field). */
    public static final int EXIT_CONFIG_ERROR = 5;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        LogSetup.install();
        RunFastPath.RunLine run = RunFastPath.parse(args);
        System.exit(run != null ? RunFastPath.execute(run) : newCommandLine().execute(args));
    }

    /** A configured command line (also what the tests drive). */
    public static CommandLine newCommandLine() {
        CommandLine cli = new CommandLine(new OctetCommand());
        cli.addSubcommand("ota", dev.octet.ota.cli.OtaCommand.create(new ModelContracts()));
        cli.addSubcommand("rollout", dev.octet.ota.cli.OtaCommand.rollout()); // alias of "ota rollout" (issue 4)
        cli.setExecutionExceptionHandler(OctetCommand::handle);
        return cli;
    }

    private static int handle(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        return exitCode(e, cli.getErr());
    }

    /**
     * Prints what went wrong for the failures a user can act on and returns their exit code; anything else is a bug
     * and is rethrown (wrapped) with its stack trace.
     */
    static int exitCode(Exception e, PrintWriter err) {
        if (e instanceof ModelException) {
            err.println("octet: invalid model: " + e.getMessage());
            return EXIT_MODEL_ERROR;
        }
        if (e instanceof IOException || e instanceof UncheckedIOException) {
            err.println("octet: " + describe(e));
            return EXIT_IO_ERROR;
        }
        if (e instanceof dev.octet.runtime.pipeline.config.ConfigException) {
            err.println("octet: invalid configuration " + e.getMessage());
            return EXIT_CONFIG_ERROR;
        }
        if (e instanceof dev.octet.runtime.pipeline.recording.RecordingException) {
            err.println("octet: recording failed: " + e.getMessage());
            return EXIT_IO_ERROR;
        }
        if (e instanceof InputMismatchException) {
            err.println("octet: " + e.getMessage());
            return EXIT_IO_ERROR;
        }
        throw new IllegalStateException(e);
    }

    private static String describe(Exception e) {
        Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
        if (cause instanceof java.nio.file.NoSuchFileException) {
            return "no such file: " + cause.getMessage();
        }
        if (cause instanceof java.nio.file.AccessDeniedException) {
            return "permission denied: " + cause.getMessage();
        }
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }

    /** A user's input file does not fit the model (size, count). */
    static final class InputMismatchException extends RuntimeException {
        InputMismatchException(String message) {
            super(message);
        }
    }
}
