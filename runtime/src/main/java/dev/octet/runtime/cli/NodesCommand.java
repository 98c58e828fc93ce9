package dev.octet.runtime.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code octet nodes ...}: the gateway's side of microcontroller nodes. A group rather than a top-level
 * {@code octet deploy}, because "deploy" alone could as well mean the gateway's own models ({@code octet ota}); the
 * group keeps node-facing commands together.
 */
@Command(name = "nodes", mixinStandardHelpOptions = true,
        description = "Deploys models to microcontroller nodes: decides per node class with the Cortex-M emulator, "
                + "serves the chosen models over CoAP, reports on MQTT (docs/NODE_DEPLOYMENT.md).",
        subcommands = {NodesDeployCommand.class, CommandLine.HelpCommand.class})
final class NodesCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
