package dev.octet.runtime.cli;

import dev.octet.runtime.pipeline.config.ConfigException;
import dev.octet.runtime.pipeline.config.ConfigLoader;
import dev.octet.runtime.pipeline.config.OctetConfig;
import dev.octet.runtime.service.GatewayService;
import dev.octet.runtime.service.SdNotify;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What {@code octet run} does, whichever way its command line was parsed ({@link RunCommand} through picocli, or
 * {@link RunFastPath}): load and check the whole configuration and build every part before anything starts; then
 * run until SIGTERM/SIGINT (a shutdown hook stops the sources, drains the queues, flushes results to the outbox and
 * publishes the retained {@code offline}) or, when every source is finite, until the last result is delivered.
 */
final class ServiceRun {
    private ServiceRun() {
    }

    /**
     * @param stateDir null for the default ({@code $STATE_DIRECTORY} or {@code ./octet-state})
     * @param check    only validate the configuration and build the pipeline, then return
     * @return the process exit code
     */
    static int run(Path config, Path stateDir, boolean check, PrintWriter out, PrintWriter err)
            throws IOException, InterruptedException {
        GatewayService service;
        try {
            OctetConfig cfg = ConfigLoader.load(config);
            GatewayService.Options options = GatewayService.Options.defaults();
            if (stateDir != null) {
                options = options.withStateDir(stateDir);
            }
            service = GatewayService.create(cfg, options);
        } catch (ConfigException e) {
            err.println("octet: invalid configuration " + e.getMessage());
            err.flush();
            return OctetCommand.EXIT_CONFIG_ERROR;
        }
        if (check) {
            service.close();
            out.println("octet: " + config + " is valid");
            out.flush();
            return 0;
        }
        SdNotify notify = SdNotify.fromEnvironment();
        Thread hook = new Thread(() -> {
            notify.stopping();
            service.close();
            notify.close();
        }, "octet-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        service.start();
        OctetConfig cfg = service.config();
        out.printf("octet: gateway %s running %d stream(s)%s%s%n", cfg.gatewayId(), cfg.streams().size(),
                cfg.mqtt().map(m -> ", results to " + m.uri()).orElse(""),
                service.httpPort() > 0 ? ", metrics on http://" + cfg.http().bind() + ":" + service.httpPort()
                        + "/metrics" : "");
        out.flush();
        notify.ready("gateway " + cfg.gatewayId() + ": " + cfg.streams().size() + " stream(s)", service::progressing);
        // Finite sources (replays) end by themselves; live ones run until a signal, whose hook closes the service.
        while (!service.awaitCompletion(Duration.ofSeconds(1))) {
            // keep waiting
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            return 0; // a signal: the hook is closing the service already
        }
        out.println("octet: every stream ended; stopping");
        out.flush();
        notify.stopping();
        service.close();
        notify.close();
        return 0;
    }
}
