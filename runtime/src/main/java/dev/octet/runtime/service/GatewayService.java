package dev.octet.runtime.service;

import dev.octet.mqtt.DurableOutbox;
import dev.octet.mqtt.LinkState;
import dev.octet.mqtt.MqttLink;
import dev.octet.mqtt.MqttSettings;
import dev.octet.mqtt.OutboxStats;
import dev.octet.runtime.pipeline.Pipeline;
import dev.octet.runtime.pipeline.PipelineFactory;
import dev.octet.runtime.pipeline.ResultSink;
import dev.octet.runtime.pipeline.config.ConfigException;
import dev.octet.runtime.pipeline.config.OctetConfig;
import dev.octet.runtime.pipeline.source.SourceRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The gateway service: one {@link OctetConfig} made into a running pipeline, its MQTT transport (managed link,
 * durable outbox, availability, Home Assistant discovery) and its HTTP metrics and health endpoint.
 *
 * <p>Two phases, so that nothing starts half-configured: {@link #create} builds and checks everything that can be
 * checked without side effects (sources opened but not started, models, interpreters, MQTT settings); it opens no
 * connection, no port and no outbox, and starts no thread. {@link #start} then opens the outbox, starts the MQTT link
 * and the HTTP endpoint, and finally the pipeline; if any of that fails, what was started is closed again.
 *
 * <p>{@link #close} stops the sources, lets the queued windows finish, hands the remaining results to the outbox,
 * gives the outbox a moment to deliver them, and publishes a retained {@code offline} on the availability topic.
 * Results still undelivered stay on disk and go out after the next start.
 */
public final class GatewayService implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(GatewayService.class.getName());

    /** How the service is run (paths, hooks for tests); {@link #defaults()} for production. */
    public record Options(Path stateDir, PrintStream stdout, HardwareSources hardware,
                          UnaryOperator<SourceRegistry> sources, UnaryOperator<MqttSettings.Builder> mqttTuning,
                          DurableOutbox.Config outbox, Duration drainTimeout, List<ResultSink> extraSinks,
                          String version) {
        public Options {
            Objects.requireNonNull(stateDir, "stateDir");
            extraSinks = List.copyOf(extraSinks);
        }

        /** State in {@code $STATE_DIRECTORY} (set by systemd's StateDirectory=) or {@code ./octet-state}. */
        public static Options defaults() {
            String env = System.getenv("STATE_DIRECTORY");
            Path state = env != null && !env.isBlank() ? Path.of(env.split(":")[0]) : Path.of("octet-state");
            return new Options(state, System.out, null, UnaryOperator.identity(), UnaryOperator.identity(),
                    DurableOutbox.Config.defaults(), Duration.ofSeconds(5), List.of(), currentVersion());
        }

        public Options withStateDir(Path dir) {
            return new Options(dir, stdout, hardware, sources, mqttTuning, outbox, drainTimeout, extraSinks, version);
        }

        public Options withStdout(PrintStream out) {
            return new Options(stateDir, out, hardware, sources, mqttTuning, outbox, drainTimeout, extraSinks, version);
        }

        public Options withHardware(HardwareSources hw) {
            return new Options(stateDir, stdout, hw, sources, mqttTuning, outbox, drainTimeout, extraSinks, version);
        }

        public Options withSources(UnaryOperator<SourceRegistry> s) {
            return new Options(stateDir, stdout, hardware, s, mqttTuning, outbox, drainTimeout, extraSinks, version);
        }

        public Options withMqttTuning(UnaryOperator<MqttSettings.Builder> t) {
            return new Options(stateDir, stdout, hardware, sources, t, outbox, drainTimeout, extraSinks, version);
        }

        public Options withOutbox(DurableOutbox.Config c) {
            return new Options(stateDir, stdout, hardware, sources, mqttTuning, c, drainTimeout, extraSinks, version);
        }

        public Options withSink(ResultSink sink) {
            List<ResultSink> all = new ArrayList<>(extraSinks);
            all.add(sink);
            return new Options(stateDir, stdout, hardware, sources, mqttTuning, outbox, drainTimeout, all, version);
        }

        static String currentVersion() {
            String v = GatewayService.class.getPackage().getImplementationVersion();
            return v == null ? "development" : v;
        }
    }

    private final OctetConfig config;
    private final Options options;
    private final Pipeline pipeline;
    private final HardwareSources hardware;
    private final MqttSettings mqttSettings;
    private final OutboxPublisher publisher;
    private final Metrics metrics;
    private final dev.octet.runtime.service.ota.OtaService ota;
    private volatile DurableOutbox outbox;
    private volatile MqttLink link;
    private HttpEndpoint http;
    private KernelWarmup warmup;
    private boolean started;
    private boolean closed;

    private GatewayService(OctetConfig config, Options options, Pipeline pipeline, HardwareSources hardware,
                           MqttSettings mqttSettings, OutboxPublisher publisher, Metrics metrics,
                           dev.octet.runtime.service.ota.OtaService ota) {
        this.config = config;
        this.options = options;
        this.pipeline = pipeline;
        this.hardware = hardware;
        this.mqttSettings = mqttSettings;
        this.publisher = publisher;
        this.metrics = metrics;
        this.ota = ota;
    }

    /**
     * Builds the service from a validated configuration without starting anything.
     *
     * @throws ConfigException if a part cannot be created (a source's device missing, MQTT settings refused); the
     *                         message names the field, and whatever was created is closed again
     */
    public static GatewayService create(OctetConfig config, Options options) throws ConfigException {
        MqttSettings settings = GatewaySources.mqttSettings(config, options.mqttTuning());
        HardwareSources hardware = options.hardware() != null ? options.hardware() : HardwareSources.pi4j();
        try {
            SourceRegistry registry = options.sources().apply(GatewaySources.registry(hardware, settings));
            OutboxPublisher publisher = new OutboxPublisher();
            Metrics metrics = new Metrics();
            PipelineFactory factory = PipelineFactory.defaults().withSources(registry).withStdout(options.stdout())
                    .withHealthListener((stream, health, reason) -> LOG.log(
                            health == dev.octet.runtime.pipeline.StreamHealth.OK ? System.Logger.Level.INFO
                                    : System.Logger.Level.WARNING,
                            "stream {0} is {1}: {2}", stream, health, reason))
                    .withSink(metrics)
                    .withKernels(KernelWarmup.initialKernels(KernelWarmup.Settings.defaults()));
            for (ResultSink s : options.extraSinks()) {
                factory = factory.withSink(s);
            }
            if (settings != null) {
                factory = factory.withMqtt(publisher);
            }
            // OTA: the pipeline starts with the slot store's model where it holds a newer version than the file.
            var ota = config.ota().isPresent()
                    ? dev.octet.runtime.service.ota.OtaService.prepare(config, options.stateDir()) : null;
            Pipeline pipeline = factory.build(ota == null ? config : ota.config());
            if (ota != null) {
                ota.attach(pipeline);
                metrics.addSection(ota.metrics()::render);
            }
            HeapHeadroom.assessThisJvm().ifPresent(warning -> LOG.log(System.Logger.Level.WARNING, warning));
            return new GatewayService(config, options, pipeline, hardware, settings, publisher, metrics, ota);
        } catch (ConfigException | RuntimeException e) {
            hardware.close();
            throw e;
        }
    }

    /**
     * Opens the outbox, starts the MQTT link (connecting in the background: a broker that is down is not an error,
     * results wait in the outbox) and the HTTP endpoint, then the pipeline.
     *
     * @throws IOException if the HTTP port or the outbox cannot be opened; nothing is left running then (the port is
     *                     bound first, so a taken port means no MQTT connection was made)
     */
    public synchronized void start() throws IOException {
        if (started || closed) {
            throw new IllegalStateException(started ? "already started" : "closed");
        }
        started = true;
        try {
            // The port first: if it is taken, nothing has connected anywhere yet.
            metrics.bind(pipeline, this::transport);
            if (config.http().port() > 0) {
                http = HttpEndpoint.start(config.http().bind(), config.http().port(), metrics, pipeline,
                        mqttSettings == null ? null : () -> link != null && link.isConnected());
            }
            if (mqttSettings != null) {
                outbox = DurableOutbox.open(options.stateDir().resolve("outbox"), options.outbox());
                link = MqttLink.builder(mqttSettings).build();
                Map<String, byte[]> discovery = Discovery.messages(config, options.version());
                MqttLink l = link;
                link.addListener((from, to) -> {
                    if (to == LinkState.CONNECTED) {
                        // Home Assistant may have restarted while we were away: announce again on every connection.
                        discovery.forEach((topic, payload) -> l.publish(topic, payload, 1, true));
                    }
                });
                outbox.deliverTo(link);
                publisher.attach(outbox, link);
                if (ota != null) {
                    ota.start(link, options.version()); // subscribes now; the link connects in the background
                }
                link.start();
            }
            pipeline.start();
            warmup = KernelWarmup.start(pipeline, KernelWarmup.Settings.defaults(), null);
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private Metrics.Transport transport() {
        if (link == null || outbox == null) {
            return null;
        }
        OutboxStats o = outbox.stats();
        var s = link.stats();
        return new Metrics.Transport(link.isConnected(), s.connects(), s.connectionLosses(), o.pendingMessages(),
                o.delivered(), o.droppedOldest() + o.droppedNewest());
    }

    public OctetConfig config() {
        return config;
    }

    public Pipeline pipeline() {
        return pipeline;
    }

    public Metrics metrics() {
        return metrics;
    }

    /** The background move from the scalar to the vector kernels (see {@link KernelWarmup}); null before start. */
    public KernelWarmup kernelWarmup() {
        return warmup;
    }

    /** Over-the-air updates, or null without an {@code ota} section. */
    public dev.octet.runtime.service.ota.OtaService ota() {
        return ota;
    }

    /** The MQTT link, or null (no MQTT configured, or not started). */
    public MqttLink link() {
        return link;
    }

    /** The outbox's counters, or null without MQTT. */
    public OutboxStats outboxStats() {
        return outbox == null ? null : outbox.stats();
    }

    private final Map<String, Long> lastTaken = new java.util.HashMap<>();

    /**
     * For the watchdog: false if, since the previous call, some queue had work waiting and its consumer took none
     * (a stream's worker or the result dispatcher is stuck). Meant to be called at the watchdog's pace (seconds),
     * far slower than one window's work.
     */
    public synchronized boolean progressing() {
        if (!started || closed) {
            return false;
        }
        boolean ok = true;
        for (var s : pipeline.status()) {
            ok &= progressed("stream:" + s.streamId(), s.windowQueue());
        }
        ok &= progressed("results", pipeline.resultQueue());
        return ok;
    }

    private boolean progressed(String key, dev.octet.runtime.pipeline.BoundedQueue.Stats q) {
        Long before = lastTaken.put(key, q.taken());
        return before == null || q.size() == 0 || q.taken() > before;
    }

    /** The HTTP endpoint's port, or -1 when disabled. */
    public int httpPort() {
        return http == null ? -1 : http.port();
    }

    /**
     * For finite sources (replays): waits until every window is processed and every result handed to the sinks,
     * then until the outbox has delivered everything (if MQTT is configured).
     */
    public boolean awaitCompletion(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (!pipeline.awaitCompletion(timeout)) {
            return false;
        }
        return awaitOutboxEmpty(deadline);
    }

    private boolean awaitOutboxEmpty(long deadline) throws InterruptedException {
        if (outbox == null) {
            return true;
        }
        while (outbox.stats().pendingMessages() > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20); // polling a counter with a deadline; the outbox has no completion signal
        }
        return true;
    }

    /** Stops everything in order; see the class comment. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (warmup != null) {
            warmup.close();
        }
        if (ota != null) {
            ota.close();
        }
        pipeline.close();
        if (http != null) {
            http.close();
        }
        if (outbox != null) {
            try {
                if (link != null && link.isConnected()) {
                    awaitOutboxEmpty(System.nanoTime() + options.drainTimeout().toNanos());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            OutboxStats left = outbox.stats();
            if (left.pendingMessages() > 0) {
                LOG.log(System.Logger.Level.INFO, "{0} result(s) stay in the outbox {1} until the next start",
                        left.pendingMessages(), outbox.directory());
            }
        }
        if (link != null) {
            link.close(); // publishes the retained offline: a clean DISCONNECT discards the will
        }
        if (outbox != null) {
            try {
                outbox.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "closing the outbox: " + e);
            }
        }
        hardware.close();
    }
}
