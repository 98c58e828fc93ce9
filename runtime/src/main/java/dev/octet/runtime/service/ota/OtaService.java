package dev.octet.runtime.service.ota;

import dev.octet.mqtt.MqttLink;
import dev.octet.ota.agent.GatewayAgent;
import dev.octet.ota.agent.ModelActivator;
import dev.octet.ota.pkg.TrustStore;
import dev.octet.ota.slot.SlotStore;
import dev.octet.ota.transfer.Topics;
import dev.octet.runtime.engine.Interpreter;
import dev.octet.runtime.engine.InterpreterOptions;
import dev.octet.runtime.model.Model;
import dev.octet.runtime.model.ModelReader;
import dev.octet.runtime.pipeline.Bundled;
import dev.octet.runtime.pipeline.InferenceResult;
import dev.octet.runtime.pipeline.ModelHandle;
import dev.octet.runtime.pipeline.Pipeline;
import dev.octet.runtime.pipeline.StreamPipeline;
import dev.octet.runtime.pipeline.config.OctetConfig;
import dev.octet.runtime.pipeline.config.OctetConfig.ModelConfig;
import dev.octet.runtime.pipeline.config.OctetConfig.OtaConfig;
import dev.octet.runtime.pipeline.config.OctetConfig.OtaModelConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Over-the-air model updates inside the gateway service: for each updatable model of the {@code ota} section, a
 * {@link GatewayAgent} (download, verify, install in the slot store, status) with the runtime's
 * {@link RuntimeModelValidator}, an activator that hot-swaps the model into the running {@link Pipeline} between
 * two windows, and a {@link HealthWatch} that rolls a new version back when its first windows fail.
 *
 * <p>Lifecycle, matching {@code GatewayService}: {@link #prepare} (no side effects but reading the slot stores)
 * chooses the model each stream starts with — the slot store's active version when it is newer than the
 * configured file's {@code baseline_version}, so an update survives restarts; {@link #attach} observes the built
 * pipeline (recording recent windows for dry runs, feeding the health watch); {@link #start} creates the agents on
 * the service's MQTT link, installs the configured file as the baseline version when the slot store has nothing
 * newer, and subscribes to announcements.
 */
public final class OtaService implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(OtaService.class.getName());
    private static final long DRY_RUN_SEED = 0x0C7E7L;

    private final OctetConfig config;
    private final OtaConfig ota;
    private final Path stateDir;
    private final Map<String, Updatable> models = new LinkedHashMap<>();
    private final OtaMetrics metrics = new OtaMetrics();
    /** Acts on the health watches' verdicts (rollback, or the "passed" status) off the stream workers, in order. */
    private final ExecutorService verdicts = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "octet-ota-verdict");
        t.setDaemon(true);
        return t;
    });

    /** One updatable model id and everything that serves it. */
    private final class Updatable {
        final OtaModelConfig settings;
        final ModelConfig declared;
        final HealthWatch watch;
        final List<RuntimeModelValidator.Target> targets = new ArrayList<>();
        /** The slot store's model, when the pipeline starts with it. */
        Optional<ModelConfig> slotModel = Optional.empty();
        /** The slot store holds a newer version the runtime cannot use: the configured file replaces it. */
        boolean slotUnusable;
        Pipeline pipeline;
        RuntimeModelValidator validator;
        GatewayAgent agent;

        Updatable(OtaModelConfig settings, ModelConfig declared) {
            this.settings = settings;
            this.declared = declared;
            this.watch = new HealthWatch(settings.healthWatch(),
                    (version, reason) -> verdicts.execute(() -> rollback(this, version, reason)),
                    version -> verdicts.execute(() -> passed(this, version)));
        }

        /** What results show for {@code version}: the configured version text for the baseline. */
        String label(long version) {
            return version == settings.baselineVersion() ? declared.version() : Long.toString(version);
        }

        /**
         * The options of the interpreter the streams run now, so that a new version is validated, timed and run on
         * the same kernels: scalar until the warm-up ({@code KernelWarmup}) has moved the stream to the vector
         * kernels, whose cold (not yet compiled) invokes would fail any latency budget.
         */
        InterpreterOptions options() {
            if (!targets.isEmpty()) {
                return targets.get(0).runner().active().interpreter().options();
            }
            return InterpreterOptions.defaults().withSemantics(declared.semantics());
        }
    }

    private OtaService(OctetConfig config, Path stateDir) {
        this.config = config;
        this.ota = config.ota().orElseThrow();
        this.stateDir = stateDir;
    }

    /**
     * Reads the slot stores and returns the service with the configuration the pipeline must be built from:
     * {@link #config()} names, for each updatable model whose slot store holds a newer version than the
     * configured file, that version (a damaged or unfitting slot model is logged and the configured file used).
     *
     * @param serviceStateDir {@code octet run --state-dir}; the OTA state lives in {@code <it>/ota} unless the
     *                        configuration says otherwise
     */
    public static OtaService prepare(OctetConfig config, Path serviceStateDir) {
        OtaConfig ota = config.ota().orElseThrow(() -> new IllegalArgumentException("no ota section"));
        OtaService service = new OtaService(config, ota.stateDir() != null ? ota.stateDir()
                : serviceStateDir.resolve("ota"));
        for (OtaModelConfig m : ota.models().values()) {
            Updatable u = service.new Updatable(m, config.models().get(m.id()));
            u.slotModel = service.slotModel(u);
            service.models.put(m.id(), u);
        }
        return service;
    }

    /** The configuration to build the pipeline from (slot models in place of older configured files). */
    public OctetConfig config() {
        Map<String, ModelConfig> chosen = new LinkedHashMap<>(config.models());
        for (Updatable u : models.values()) {
            u.slotModel.ifPresent(m -> chosen.put(u.settings.id(), m));
        }
        return config.withModels(chosen);
    }

    /** The slot store's active model if it is newer than the configured file and usable; never throws. */
    private Optional<ModelConfig> slotModel(Updatable u) {
        Path slots = agentDir(u).resolve("slots");
        if (!Files.exists(slots.resolve("active"))) {
            return Optional.empty();
        }
        try {
            SlotStore store = SlotStore.open(slots);
            Optional<SlotStore.SlotModel> active = store.active();
            if (active.isEmpty() || !active.get().modelId().equals(u.settings.id())
                    || active.get().version() <= u.settings.baselineVersion()) {
                return Optional.empty();
            }
            Model model = ModelReader.withDefaults().read(store.loadActive());
            Interpreter probe = Interpreter.create(model, u.options());
            Interpreter declared = Interpreter.create(u.declared.model(), u.options());
            if (probe.inputCount() != 1 || probe.input(0).elementCount() != declared.input(0).elementCount()
                    || probe.outputCount() < 1
                    || probe.output(0).elementCount() != declared.output(0).elementCount()) {
                LOG.log(System.Logger.Level.WARNING, "OTA slot model {0} v{1} does not fit the configured streams;"
                        + " running the configured file", u.settings.id(), active.get().version());
                u.slotUnusable = true;
                return Optional.empty();
            }
            long v = active.get().version();
            LOG.log(System.Logger.Level.INFO, "model {0}: running OTA version {1} from {2}", u.settings.id(), v,
                    slots);
            return Optional.of(new ModelConfig(u.settings.id(), "ota-slot:" + slots, null, u.label(v),
                    u.declared.semantics(), model));
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "OTA slot store " + slots + " unusable (" + e
                    + "); running the configured model file");
            u.slotUnusable = true;
            return Optional.empty();
        }
    }

    private Path agentDir(Updatable u) {
        return stateDir.resolve(u.settings.id());
    }

    /** Observes every stream of the built pipeline that runs an updatable model. */
    public void attach(Pipeline pipeline) {
        for (Updatable u : models.values()) {
            u.pipeline = pipeline;
            for (StreamPipeline s : pipeline.streams()) {
                if (!s.runner().active().id().equals(u.settings.id())) {
                    continue;
                }
                WindowRecorder recorder = new WindowRecorder(u.settings.dryRunWindows(), s.runner().inputElements());
                u.targets.add(new RuntimeModelValidator.Target(s.id(), s.runner(), recorder));
                s.observe(new StreamPipeline.WindowObserver() {
                    @Override
                    public void ran(String streamId, ModelHandle model, float[] input, float[] output,
                                    InferenceResult result) {
                        recorder.record(input);
                        u.watch.ran(result, output);
                    }

                    @Override
                    public void failed(String streamId, ModelHandle model, Throwable error) {
                        if (model != null) { // null: failed in preprocessing, before any model ran
                            u.watch.failed(model.version());
                        }
                    }
                });
            }
            u.validator = new RuntimeModelValidator(u.settings.id(), u::options, () -> List.copyOf(u.targets),
                    u.settings.latencyBudgetMs(), u.settings.dryRunWindows(), DRY_RUN_SEED);
        }
    }

    /**
     * Creates and starts the agents on {@code link} (which may still be connecting): installs the configured model
     * file as the baseline version where the slot store has nothing newer, reports the status, subscribes.
     *
     * @param runtimeVersion this build's version, for the packages' {@code min-runtime-version}
     */
    public void start(MqttLink link, String runtimeVersion) throws IOException {
        TrustStore trust = TrustStore.load(ota.trustedKeys());
        for (String revoked : ota.revokedKeys()) {
            trust = trust.revoke(revoked);
        }
        for (Updatable u : models.values()) {
            if (u.pipeline == null) {
                throw new IllegalStateException("attach(pipeline) first");
            }
            GatewayAgent.Config c = new GatewayAgent.Config(config.gatewayId(), u.settings.id(), ota.deviceClass(),
                    comparableVersion(runtimeVersion), trust, ota.maxPackageBytes(), ota.maxModelBytes(),
                    agentDir(u), Topics.DEFAULT);
            if (models.size() > 1) {
                c = c.withStatusPerModel(); // one retained status per model, not one overwriting the other
            }
            try {
                GatewayAgent agent = new GatewayAgent(c, link, u.validator, new ModelActivator() {
                    @Override
                    public void activate(String modelId, long version, byte[] model) {
                        OtaService.this.activate(u, version, model, true);
                    }

                    @Override
                    public void restore(String modelId, long version, byte[] model) {
                        OtaService.this.activate(u, version, model, false); // a rollback: not watched
                    }

                    @Override
                    public boolean watchesHealth() {
                        return true;
                    }
                });
                if (agent.installBaseline(u.settings.baselineVersion(), declaredBytes(u.declared),
                        u.slotUnusable)) {
                    LOG.log(System.Logger.Level.INFO, "model {0}: configured file installed as OTA baseline v{1}",
                            u.settings.id(), u.settings.baselineVersion());
                }
                u.agent = agent; // before the watch can reach a verdict
                agent.events(metrics.events(u.settings.id()));
                agent.installedVersion().ifPresent(v -> metrics.activeVersion(u.settings.id(), v));
                Optional<Long> unfinished = agent.healthPending();
                if (unfinished.isPresent()) {
                    // The service stopped during this version's watch: watch it again, so it still gets a verdict.
                    LOG.log(System.Logger.Level.INFO, "model {0} v{1}: health watch restarted", u.settings.id(),
                            unfinished.get());
                    u.watch.arm(unfinished.get(), u.label(unfinished.get()));
                }
                agent.start();
            } catch (IOException e) {
                u.agent = null;
                u.watch.disarm();
                // The streams run on without updates rather than not at all; the operator must look at the state.
                LOG.log(System.Logger.Level.ERROR, "OTA updates of model " + u.settings.id() + " are disabled: "
                        + "its state in " + agentDir(u) + " cannot be used (" + e + ")", e);
            }
        }
    }

    /**
     * A development build ({@code development}, no version in the jar) counts as newer than any release, so that
     * it accepts packages whatever their {@code min-runtime-version}.
     */
    static String comparableVersion(String runtimeVersion) {
        return runtimeVersion != null && !runtimeVersion.isEmpty() && Character.isDigit(runtimeVersion.charAt(0))
                ? runtimeVersion : "999999.0.0";
    }

    private static byte[] declaredBytes(ModelConfig m) throws IOException {
        return m.file() != null ? Files.readAllBytes(m.file()) : Bundled.read(m.location());
    }

    /**
     * The agent's activation: swap between two windows; a new version (not a rollback) is then watched. The agent
     * calls it before the slot store names the version, so a death here restarts on the previous model.
     */
    private void activate(Updatable u, long version, byte[] bytes, boolean watch) {
        Model model = ModelReader.withDefaults().read(bytes);
        String label = u.label(version);
        if (watch) {
            u.watch.arm(version, label); // before the swap: the first window on the new model is counted
        } else {
            u.watch.disarm();
        }
        try {
            int streams = u.pipeline.swapModel(u.settings.id(), model, label, u.options());
            LOG.log(System.Logger.Level.INFO, "model {0} v{1} ({2}) swapped into {3} stream(s)", u.settings.id(),
                    version, label, streams);
        } catch (RuntimeException | Error e) { // the old model still runs: nothing new to watch
            u.watch.disarm();
            throw e;
        }
    }

    /** The watch of {@code version} passed: the agent reports {@code health=passed} (a rollout's success). */
    private void passed(Updatable u, long version) {
        if (u.agent == null || !u.agent.healthPassed(version)) {
            LOG.log(System.Logger.Level.INFO, "OTA v{0} of {1} is no longer active; its pass is not reported",
                    version, u.settings.id());
        }
    }

    private void rollback(Updatable u, long version, String reason) {
        try {
            if (!u.agent.rollback(version, reason)) {
                LOG.log(System.Logger.Level.INFO, "OTA v{0} of {1} is no longer active; nothing to roll back",
                        version, u.settings.id());
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "OTA rollback of " + u.settings.id() + " v" + version + " failed", e);
        }
    }

    /** The OTA metrics of this gateway (for the service's Prometheus endpoint). */
    public OtaMetrics metrics() {
        return metrics;
    }

    /** The agent of an updatable model (after {@link #start}). */
    public Optional<GatewayAgent> agent(String modelId) {
        Updatable u = models.get(modelId);
        return u == null ? Optional.empty() : Optional.ofNullable(u.agent);
    }

    /** What the last validation of {@code modelId} dry-ran on (recorded or synthetic windows), or empty. */
    public String lastValidationReport(String modelId) {
        Updatable u = models.get(modelId);
        return u == null || u.validator == null ? "" : u.validator.lastReport();
    }

    /** The state of the health watch of {@code modelId} and its last reason. */
    public String healthWatchState(String modelId) {
        Updatable u = models.get(modelId);
        return u == null ? "" : u.watch.outcome() + (u.watch.lastReason().isEmpty() ? "" : ": "
                + u.watch.lastReason());
    }

    /** Stops the verdict thread (a rollback in progress finishes first, bounded). */
    @Override
    public void close() {
        verdicts.shutdown();
        try {
            if (!verdicts.awaitTermination(10, TimeUnit.SECONDS)) {
                verdicts.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
