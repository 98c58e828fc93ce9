package dev.octet.runtime.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code octet run --config FILE}: the gateway service ({@link ServiceRun}), as picocli sees it: options, help and
 * usage errors. A plain, well-formed {@code run} line skips picocli altogether ({@link RunFastPath}).
 */
@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Runs the gateway service described by a YAML configuration file (see config/octet.example.yaml).")
final class RunCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The YAML configuration.")
    Path config;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Where the result outbox (and the OTA slots, when configured) live. Default: "
                    + "$STATE_DIRECTORY (systemd) or ./octet-state.")
    Path stateDir;

    @Option(names = "--check", description = "Only validate the configuration and build the pipeline, then exit.")
    boolean check;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        return ServiceRun.run(config, stateDir, check, spec.commandLine().getOut(), spec.commandLine().getErr());
    }
}
