package dev.octet.ota.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ota}: the publisher's commands (keygen, pack, verify, publish). Registered by the runtime CLI as
 * {@code octet ota} through {@link #create(ContractExtractor)}; also runnable alone ({@link #main}).
 * Exit codes: 0 success, 2 usage error, 4 file problem, 5 package rejected (reason on stderr).
 */
@Command(name = "ota", mixinStandardHelpOptions = true,
        description = "Over-the-air model packages: keys, signed (delta) packages, verification.")
public final class OtaCommand implements Runnable {
    public static final int EXIT_IO_ERROR = 4;
    public static final int EXIT_REJECTED = 5;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The {@code ota} command with its subcommands; {@code contracts} fills the manifest's contract. */
    public static CommandLine create(ContractExtractor contracts) {
        CommandLine cli = new CommandLine(new OtaCommand());
        cli.addSubcommand(new KeygenCommand());
        cli.addSubcommand(new PackCommand(contracts));
        cli.addSubcommand(new VerifyCommand());
        cli.addSubcommand(new PublishCommand());
        cli.addSubcommand(new RolloutCommand());
        return cli;
    }

    /**
     * The {@code rollout} command alone (start, status, pause, resume, abort), for the runtime CLI's top-level
     * {@code octet rollout} (the same command class as {@code octet ota rollout}).
     */
    public static CommandLine rollout() {
        return new CommandLine(new RolloutCommand());
    }

    public static void main(String[] args) {
        CommandLine cli = create(ContractExtractor.NONE);
        cli.setExecutionExceptionHandler(OtaCommand::handle);
        System.exit(cli.execute(args));
    }

    /** Turns file problems into one line and exit code 4 (used when running alone). */
    public static int handle(Exception e, CommandLine cli, CommandLine.ParseResult parsed) throws Exception {
        if (e instanceof IOException || e instanceof UncheckedIOException) {
            Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
            cli.getErr().println("ota: " + cause.getClass().getSimpleName() + ": " + cause.getMessage());
            return EXIT_IO_ERROR;
        }
        throw e;
    }

    static void fail(PrintWriter err, String message) {
        err.println(message);
        err.flush();
    }
}
