package dev.octet.ota.agent;

import dev.octet.mqtt.LinkState;
import dev.octet.mqtt.MqttLink;
import dev.octet.ota.pkg.PackageRejectedException;
import dev.octet.ota.pkg.PackageVerifier;
import dev.octet.ota.pkg.TrustStore;
import dev.octet.ota.pkg.VerificationPolicy;
import dev.octet.ota.slot.SlotStore;
import dev.octet.ota.transfer.Announcement;
import dev.octet.ota.transfer.PackageDownloader;
import dev.octet.ota.transfer.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The gateway's OTA agent for one model id: download (resumable, {@link PackageDownloader}), verify
 * ({@link PackageVerifier}, the delta's base being the active model), validate (the runtime's
 * {@link ModelValidator}), install into the {@link SlotStore} (atomic, power-cut safe), hand the model to the
 * runtime for the hot swap, and report every step on {@code octet/<gateway-id>/ota/status} (retained; with
 * several updatable models per gateway, {@code .../status/<model-id>}: {@link Config#statusTopic()}):
 * {@code downloading} (percent), {@code verifying}, {@code staged}, {@code active} (with {@code health=watching}
 * while the runtime's health watch runs, then {@code health=passed}), {@code rolled-back}, {@code rejected} (reason
 * code and detail). Only {@code active} with {@code health=passed} means the update succeeded. A refused package never touches the active model. One status is in
 * flight at a time; while it is, only the latest next one is kept (the topic is retained: the latest is what
 * counts), so intermediate download percentages may be skipped.
 *
 * <p>Persistence: the slot store is the source of truth for the active model (and the installed version used
 * for replay protection); the download directory holds the partial transfer; {@link AgentMemory} keeps the
 * versions refused or rolled back (never taken again from a retained announcement, unless re-published as a
 * different package), the last final status, and the markers of an install, a health watch and a rollback under
 * way (so that a restart finishes what the process was doing). After a restart the agent reports that status again (or the
 * active model, if the slot store moved on) and resumes the download from the retained announcement. After
 * every reconnection it publishes its latest status again, so the retained topic shows the truth even after the
 * broker lost it.
 *
 * <p>Runs on the MQTT callback thread (one at a time): models are small and verification takes milliseconds.
 */
public final class GatewayAgent {
    private static final System.Logger LOG = System.getLogger(GatewayAgent.class.getName());

    /**
     * Static configuration of one agent.
     *
     * @param statusTopic where the agent reports: {@link #gatewayStatusTopic} for a gateway's only updatable model,
     *                    {@link #modelStatusTopic} when a gateway updates several models (one agent each)
     */
    public record Config(String gatewayId, String modelId, String deviceClass, String runtimeVersion,
                         TrustStore trust, long maxPackageBytes, long maxModelBytes, Path stateDir, Topics topics,
                         String statusTopic) {
        public Config {
            Objects.requireNonNull(gatewayId, "gatewayId");
            Objects.requireNonNull(modelId, "modelId");
            Objects.requireNonNull(trust, "trust");
            Objects.requireNonNull(stateDir, "stateDir");
            Objects.requireNonNull(topics, "topics");
            Objects.requireNonNull(statusTopic, "statusTopic");
        }

        /** An agent reporting on the gateway's status topic ({@link #gatewayStatusTopic}). */
        public Config(String gatewayId, String modelId, String deviceClass, String runtimeVersion, TrustStore trust,
                      long maxPackageBytes, long maxModelBytes, Path stateDir, Topics topics) {
            this(gatewayId, modelId, deviceClass, runtimeVersion, trust, maxPackageBytes, maxModelBytes, stateDir,
                    topics, gatewayStatusTopic(gatewayId));
        }

        /** The same agent reporting on {@link #modelStatusTopic} (a gateway with several updatable models). */
        public Config withStatusPerModel() {
            return new Config(gatewayId, modelId, deviceClass, runtimeVersion, trust, maxPackageBytes, maxModelBytes,
                    stateDir, topics, modelStatusTopic(gatewayId, modelId));
        }
    }

    /** {@code octet/<gateway-id>/ota/status}: the status of a gateway's only updatable model. */
    public static String gatewayStatusTopic(String gatewayId) {
        return "octet/" + gatewayId + "/ota/status";
    }

    /** {@code octet/<gateway-id>/ota/status/<model-id>}: one model's status on a gateway that updates several. */
    public static String modelStatusTopic(String gatewayId, String modelId) {
        return gatewayStatusTopic(gatewayId) + "/" + modelId;
    }

    /** The {@code health} line of an {@code active} status (after {@code active-version}, so old prefixes hold). */
    static final String HEALTH_WATCHING = "\nhealth=watching";
    static final String HEALTH_PASSED = "\nhealth=passed";

    private final Config config;
    private final MqttLink link;
    /** Reopened after a failed install, whose outcome only the files tell. */
    private SlotStore slots;
    private final ModelValidator validator;
    private final ModelActivator activator;
    private final AgentMemory memory;
    private final PackageDownloader downloader;
    /** The latest status text (re-sent after a reconnection). Guarded by statusLock. */
    private String latestStatus;
    /** The announcement whose package is active, while this process knows it (for remembering a rollback). */
    private Announcement activeAnnouncement;
    private int lastPercent = -1;
    private final Object statusLock = new Object();
    private boolean statusInFlight;
    private String pendingStatus;
    private Announcement lastRefused;
    private volatile AgentEvents events = AgentEvents.NONE;
    private final HeapBudget heap;
    /**
     * Installs the process died in so far: one death may be a power cut or a kill, so the version is tried once
     * more; the second is the package's doing (out of memory, say) and it is refused.
     */
    static final int CRASHES_BEFORE_REFUSAL = 2;
    /** The install found interrupted at start (with its crash count), retried once; null if none. */
    private AgentMemory.Installing interrupted;

    /**
     * @param activate called with the new model's bytes after it is installed (the runtime swaps it in between
     *                 two windows), and with the old model's bytes after a rollback
     */
    public GatewayAgent(Config config, MqttLink link, ModelValidator validator, Consumer<byte[]> activate)
            throws IOException {
        this(config, link, validator, (id, version, model) -> activate.accept(model));
    }

    /**
     * @param activator puts an installed model into service (and, after a rollback, the model active again)
     */
    public GatewayAgent(Config config, MqttLink link, ModelValidator validator, ModelActivator activator)
            throws IOException {
        this(config, link, validator, activator, HeapBudget.ofThisJvm());
    }

    /**
     * @param heapHeadroomBytes the heap free for an install (instead of this JVM's maximum minus used), for tests
     *                          and for gateways that reserve memory otherwise
     */
    public GatewayAgent(Config config, MqttLink link, ModelValidator validator, ModelActivator activator,
                        java.util.function.LongSupplier heapHeadroomBytes) throws IOException {
        this(config, link, validator, activator, HeapBudget.of(heapHeadroomBytes));
    }

    private GatewayAgent(Config config, MqttLink link, ModelValidator validator, ModelActivator activator,
                         HeapBudget heap) throws IOException {
        this.heap = heap;
        this.config = config;
        this.link = link;
        this.validator = validator;
        this.activator = activator;
        this.slots = SlotStore.open(config.stateDir().resolve("slots"));
        this.memory = new AgentMemory(config.stateDir());
        this.downloader = new PackageDownloader(link, config.topics(), config.stateDir().resolve("downloads"),
                this::wanted, config.maxPackageBytes(), new Listener());
    }

    /**
     * Makes the model the gateway was configured with the baseline: installed as {@code version} when the slot
     * store holds nothing yet (so that it is the delta base and the rollback target of the first update), or
     * when it holds an older version (the operator deployed a newer file by hand). Call before {@link #start()}.
     *
     * @return true if the baseline was installed
     */
    public synchronized boolean installBaseline(long version, byte[] model) throws IOException {
        return installBaseline(version, model, false);
    }

    /**
     * {@link #installBaseline(long, byte[])}; with {@code replaceNewer}, also when the slot store holds a newer
     * version that the runtime could not use (damaged, or no longer fitting the configuration): the slot store
     * then agrees with what runs, and that newer version is offered again (and validated) if still announced.
     */
    public synchronized boolean installBaseline(long version, byte[] model, boolean replaceNewer)
            throws IOException {
        Optional<SlotStore.SlotModel> active = slots.active();
        if (active.isPresent() && active.get().modelId().equals(config.modelId())
                && (active.get().version() == version || (active.get().version() > version && !replaceNewer))) {
            return false;
        }
        slots.install(config.modelId(), version, model);
        return true;
    }

    /** Where the agent reports its steps for metrics ({@link AgentEvents}); call before {@link #start()}. */
    public void events(AgentEvents events) {
        this.events = Objects.requireNonNull(events);
    }

    /**
     * Reports the last final status again (or the active model, if that status is about another active version)
     * and starts listening for announcements; the latest status is published again after every reconnection.
     */
    public void start() throws IOException {
        Optional<SlotStore.SlotModel> active;
        synchronized (this) {
            active = slots.active();
        }
        if (active.isPresent()) {
            long v = active.get().version();
            Optional<AgentMemory.RollingBack> unfinished = memory.rollingBack();
            if (unfinished.isPresent() && unfinished.get().version() == v && hasPrevious()) {
                // A rollback ran the old model but could not switch the slot store (or the process stopped before):
                // the restart runs the refused version again; roll it back again instead of calling it a success.
                LOG.log(System.Logger.Level.WARNING, "v{0} was being rolled back; rolling it back again", v);
                try {
                    rollback(v, unfinished.get().reason());
                } catch (IOException | RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, "the repeated rollback of v" + v + " failed", e);
                }
            } else {
                if (unfinished.isPresent()) {
                    memory.clearRollingBack(); // the slot store names another version: that rollback is done
                }
                Optional<String> remembered = memory.lastStatus();
                if (healthPending().isPresent()) {
                    status("active", v, activeExtra(v, HEALTH_WATCHING)); // the runtime watches it again
                } else if (remembered.isPresent() && remembered.get().contains("\nactive-version=" + v + "\n")
                        && !remembered.get().contains(HEALTH_WATCHING)) {
                    publishStatus(remembered.get());
                } else {
                    // No watch runs for this version: the configured baseline, a version whose watch passed (the
                    // process stopped before saying so), or a runtime that watches nothing.
                    status("active", v, activeExtra(v, HEALTH_PASSED));
                }
            }
            // Versions no longer active are watched no more.
            List<Long> watched = memory.watching();
            if (watched.stream().anyMatch(w -> w != v)) {
                memory.watching(watched.stream().filter(w -> w == v).toList());
            }
        }
        synchronized (this) {
            refuseCrashedInstall();
        }
        downloader.start(config.gatewayId(), config.modelId());
        // Last: an agent whose start failed must not keep republishing from a listener (it is discarded).
        link.addListener((from, to) -> {
            if (to == LinkState.CONNECTED) {
                resendStatus();
            }
        });
    }

    private synchronized boolean hasPrevious() {
        return slots.state().flatMap(SlotStore.State::previous).isPresent();
    }

    /**
     * The active version whose health watch has not reached a verdict (the process stopped during the watch, or
     * before it could even report the activation), if the runtime watches health: the runtime arms its watch for it
     * again before {@link #start()}, so that the version still gets a verdict ({@link #healthPassed} or a
     * rollback). Read from the agent's durable {@code watching} marker, written before a new version can run and
     * cleared only by the verdict, not from the last status (which a later refusal overwrites).
     */
    public synchronized Optional<Long> healthPending() throws IOException {
        if (!activator.watchesHealth()) {
            return Optional.empty();
        }
        Optional<Long> installed = installedVersion();
        if (installed.isEmpty() || memory.rollingBack().map(r -> r.version() == installed.get()).orElse(false)) {
            return Optional.empty();
        }
        if (!memory.watchingKnown()) { // state written before the marker existed: the status text tells
            Optional<String> remembered = memory.lastStatus();
            return remembered.isPresent() && remembered.get().startsWith("state=active\n")
                    && remembered.get().contains("\nactive-version=" + installed.get() + "\n")
                    && remembered.get().contains(HEALTH_WATCHING) ? installed : Optional.empty();
        }
        return memory.watching().contains(installed.get()) ? installed : Optional.empty();
    }

    /**
     * The runtime's health watch of {@code version} passed: reports {@code state=active} with
     * {@code health=passed}, which is what a rollout counts as success. Does nothing (returns false) if
     * {@code version} is no longer the active version.
     */
    public synchronized boolean healthPassed(long version) {
        if (installedVersion().filter(v -> v == version).isEmpty()) {
            return false;
        }
        unwatch(version); // first: a death before the status below leaves no watch pending, and start() says passed
        status("active", version, activeExtra(version, HEALTH_PASSED));
        events.healthPassed(version);
        return true;
    }

    /**
     * An install that never recorded its outcome was ended by the process dying. The first time, that may have been
     * a power cut or a kill: the install is tried again (its marker then carries the count). The second time, it is
     * the package (out of memory, say): that version (as that package) is refused and its download deleted, so that
     * neither the complete package on disk nor the retained announcement makes the gateway try it, and die, again.
     */
    private void refuseCrashedInstall() throws IOException {
        Optional<AgentMemory.Installing> crashed = memory.installing();
        if (crashed.isEmpty()) {
            return;
        }
        long v = crashed.get().version();
        int crashes = crashed.get().earlierCrashes() + 1;
        if (installedVersion().orElse(0L) != v && crashes >= CRASHES_BEFORE_REFUSAL) {
            downloader.discard(config.modelId(), v);
            rejected(new Refusal(v, crashed.get().packageSha256()), "crashed-during-install",
                    "the process stopped " + crashes + " times while v" + v + " was being installed", true);
        } else if (installedVersion().orElse(0L) != v) {
            LOG.log(System.Logger.Level.WARNING, "the process stopped while v{0} was being installed; trying once more",
                    v);
            interrupted = new AgentMemory.Installing(v, crashed.get().packageSha256(), crashes);
        }
        // else: the install reached the slot store; what runs is the slot store's (and its health watch's) business
        memory.clearInstalling();
    }

    /** Publishes the latest status again (the agent does this itself on every reconnection). */
    public void resendStatus() {
        String text;
        synchronized (statusLock) {
            text = latestStatus;
        }
        if (text != null) {
            publishStatus(text);
        }
    }

    /** The latest status text published (or being published), or null. */
    public String latestStatus() {
        synchronized (statusLock) {
            return latestStatus;
        }
    }

    /** The installed version of this agent's model, if any. */
    public synchronized Optional<Long> installedVersion() {
        return slots.active().filter(a -> a.modelId().equals(config.modelId())).map(SlotStore.SlotModel::version);
    }

    public synchronized byte[] activeModel() throws IOException {
        return slots.loadActive();
    }

    /** The health watch failed: go back to the previous model (if it is still whole). */
    public synchronized void rollback(String why) throws IOException {
        rollback(slots.active().orElseThrow(() -> new IllegalStateException("no model installed")).version(), why);
    }

    /**
     * The health watch of {@code version} failed: hand the previous model to the runtime, then point the slot
     * store back at it, remember {@code version} as refused, report {@code rolled-back}. Failing to write the slot
     * pointer or the refusal does not undo the rollback (the runtime already runs the old model): it is logged and
     * reported as a {@code warning} line. Does nothing (returns false) if {@code version} is no longer active (a
     * newer update came in the meantime).
     *
     * @param why the reason reported; its first word (up to a colon or space) should be a code such as
     *            {@code health-errors}
     * @throws IllegalStateException if there is no previous model to go back to
     * @throws IOException if the previous model cannot be read or the runtime refuses it: {@code version} keeps
     *                     running and stays active in the slot store, the status is {@code rollback-failed}
     */
    public synchronized boolean rollback(long version, String why) throws IOException {
        SlotStore.SlotModel from = slots.active().orElseThrow(() -> new IllegalStateException("no model installed"));
        if (from.version() != version) {
            return false;
        }
        long previous = slots.state().orElseThrow().previous()
                .orElseThrow(() -> new IllegalStateException("no previous model")).version();
        Announcement a = activeAnnouncement;
        Refusal bad = new Refusal(version, a != null && a.version() == version ? a.packageSha256()
                : AgentMemory.ANY_PACKAGE);
        // Durable before anything changes: a restart that finds the slot store still naming this version (the switch
        // below failed, or the process stopped) rolls it back again instead of running it as a success.
        try {
            memory.markRollingBack(version, why);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.ERROR, "cannot record the rollback of v" + version, e);
        }
        unwatch(version); // the verdict is in
        // The runtime first: until it runs the old model, the slot store and the status keep saying the bad one
        // is active, because it is.
        try {
            activator.restore(config.modelId(), previous, slots.loadPrevious());
        } catch (Exception e) {
            LOG.log(System.Logger.Level.ERROR, "rollback to v" + previous + " could not be activated; v" + version
                    + " keeps running", e);
            String warning = remember(bad, "rolled-back: " + why);
            status("rollback-failed", version, "reason=rollback-activation-failed\ndetail=" + oneLine(why) + "; "
                    + oneLine(String.valueOf(e.getMessage())) + "\nactive-version=" + version + warning);
            throw e instanceof IOException io ? io : new IOException("rollback to v" + previous + " failed", e);
        }
        // Refused before the slot store moves: a death after the switch must not let the retained announcement
        // bring the version back (before the switch, the rolling-back marker makes the next start finish this).
        String notRemembered = remember(bad, "rolled-back: " + why);
        String warning = "";
        try {
            slots.rollback();
            try {
                memory.clearRollingBack();
            } catch (IOException e) { // harmless: start() clears it when the slot store names another version
                LOG.log(System.Logger.Level.WARNING, "cannot clear the rollback marker of v" + version, e);
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "v" + previous + " runs again but the slot store still says v"
                    + version + "; a restart would start v" + version, e);
            warning = "\nwarning=slot-store-not-switched: " + oneLine(String.valueOf(e.getMessage()));
        }
        activeAnnouncement = null;
        warning += notRemembered;
        status("rolled-back", version, "reason=" + oneLine(why) + "\nactive-version=" + previous + warning);
        events.rolledBack(version, code(why), previous);
        return true;
    }

    /** Puts the watch marker back as it was before an activation that did not happen. */
    private void restoreWatching(List<Long> before) {
        try {
            memory.watching(before);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot restore the health watch marker", e);
        }
    }

    /** The watch of {@code version} reached its verdict; a failed write is logged (a restart would re-watch it). */
    private void unwatch(long version) {
        try {
            List<Long> watched = new ArrayList<>(memory.watching());
            if (watched.remove(version)) {
                memory.watching(watched);
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot clear the health watch marker of v" + version, e);
        }
    }

    /** Remembers a refusal; a failure is logged and returned as a status line (empty when remembered). */
    private String remember(Refusal r, String reason) {
        try {
            memory.refuse(r.version(), r.packageSha256(), reason);
            return "";
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "cannot remember the refusal of v" + r.version()
                    + "; it may be taken again after a restart", e);
            return "\nwarning=refusal-not-remembered: " + oneLine(String.valueOf(e.getMessage()));
        }
    }

    /** What a refusal is about: a version, as one package (or {@link AgentMemory#ANY_PACKAGE}). */
    private record Refusal(long version, String packageSha256) {
        Refusal(Announcement a) {
            this(a.version(), a.packageSha256());
        }
    }

    private synchronized boolean wanted(Announcement a) {
        if (!a.modelId().equals(config.modelId())) {
            return false;
        }
        long installed = installedVersion().orElse(0L);
        if (a.version() == installed) {
            return false; // the retained announcement of what runs already
        }
        if (memory.isRefused(a.version(), a.packageSha256())) {
            return false; // refused or rolled back before (possibly before a restart); the status says so
        }
        if (a.version() < installed) {
            if (!a.equals(lastRefused)) {
                lastRefused = a;
                status("rejected", a.version(), "reason=stale-version\ndetail=v" + a.version()
                        + " is older than installed v" + installed + "\nactive-version=" + installed);
                events.rejected(a.version(), "stale-version");
            }
            return false;
        }
        long base = slots.active().filter(m -> m.modelId().equals(config.modelId()))
                .map(SlotStore.SlotModel::size).orElse(0L);
        long need = HeapBudget.estimate(a.packageSize(), base);
        if (!heap.fits(need)) {
            rejected(new Refusal(a), "too-large-for-memory", "installing needs about " + need
                    + " bytes of heap (package, base and new model), " + heap.allowance() + " are available", true);
            return false;
        }
        return true;
    }

    private final class Listener implements PackageDownloader.Listener {
        @Override
        public void progress(Announcement a, int chunksOnDisk) {
            int percent = (int) (100L * chunksOnDisk / a.chunkCount());
            events.downloading(a.version(), Math.min(a.packageSize(), (long) chunksOnDisk * a.chunkSize()),
                    a.packageSize());
            if (percent != lastPercent) {
                lastPercent = percent;
                status("downloading", a.version(), "percent=" + percent);
            }
        }

        @Override
        public void complete(Announcement a, Path file) {
            synchronized (GatewayAgent.this) {
                lastPercent = -1;
                install(a, file);
            }
        }

        @Override
        public void failed(Announcement a, String reason) {
            int colon = reason.indexOf(':');
            synchronized (GatewayAgent.this) {
                rejected(a, colon > 0 ? reason.substring(0, colon) : reason, reason, true);
            }
        }
    }

    private void install(Announcement a, Path file) {
        status("verifying", a.version(), "");
        boolean outcomeRecorded = false;
        try {
            // Cleared once the outcome is recorded; found at a restart, it means this install killed the process.
            memory.markInstalling(a.version(), a.packageSha256(), interrupted != null
                    && interrupted.version() == a.version() && interrupted.packageSha256().equals(a.packageSha256())
                    ? interrupted.earlierCrashes() : 0);
            VerificationPolicy policy = new VerificationPolicy(config.deviceClass(), config.runtimeVersion(),
                    java.util.Map.of(), config.maxPackageBytes(), config.maxModelBytes());
            Optional<byte[]> base = Optional.empty();
            if (slots.active().isPresent()) {
                policy = policy.withInstalled(config.modelId(), installedVersion().orElse(0L));
                base = Optional.of(slots.loadActive());
            }
            PackageVerifier.Verified v = new PackageVerifier(config.trust(), policy).verify(file, base);
            validator.validate(v.manifest(), v.model());
            status("staged", a.version(), "");
            long version = v.manifest().version();
            boolean watched = activator.watchesHealth();
            // Before the new model can run: from here on a restart that finds it active watches it again, whatever
            // status (a later refusal, say) is saved meanwhile. Cleared only by the verdict (or undone below).
            List<Long> watchedBefore = memory.watching();
            if (watched) {
                List<Long> marked = new ArrayList<>(watchedBefore);
                marked.add(version);
                memory.watching(marked);
            }
            // The runtime first (allocation-heavy: new interpreters), then the slot store, as rollback() does: a
            // death during the activation restarts on the old model, and the crash guard deals with the package.
            try {
                activator.activate(config.modelId(), version, v.model());
            } catch (Throwable e) {
                // The runtime still runs the previous model (the activator's contract) and the slot store names it.
                restoreWatching(watchedBefore);
                if (e instanceof Error error) {
                    throw error; // the install marker stays: a restart counts this as a death in the install
                }
                LOG.log(System.Logger.Level.WARNING, "OTA activation of v" + a.version() + " failed", e);
                rejected(a, "activation-failed", String.valueOf(e.getMessage()), true);
                outcomeRecorded = true;
                return;
            }
            try {
                slots.install(v.manifest().modelId(), version, v.model());
            } catch (IOException | RuntimeException e) {
                // The runtime runs the new model but the store (reopened: the install may have got as far as the
                // pointer) may not name it: put the model the store names back into the runtime.
                LOG.log(System.Logger.Level.ERROR, "v" + version + " runs but the slot store could not take it", e);
                String detail = "slot store install failed: " + e.getMessage();
                boolean installedAfterAll = false;
                try {
                    slots = SlotStore.open(config.stateDir().resolve("slots"));
                } catch (IOException | RuntimeException reopenFailure) {
                    LOG.log(System.Logger.Level.ERROR, "cannot reopen the slot store", reopenFailure);
                }
                try {
                    SlotStore.SlotModel now = slots.active().orElseThrow();
                    installedAfterAll = now.version() == version;
                    if (!installedAfterAll) {
                        restoreWatching(watchedBefore);
                        if (watchedBefore.contains(now.version())) {
                            activator.activate(config.modelId(), now.version(), base.orElseThrow()); // watched again
                        } else {
                            activator.restore(config.modelId(), now.version(), base.orElseThrow());
                        }
                    }
                } catch (Exception restoreFailure) {
                    LOG.log(System.Logger.Level.ERROR, "the previous model could not be put back", restoreFailure);
                    detail += "; the previous model could not be put back: " + restoreFailure.getMessage();
                }
                if (!installedAfterAll) {
                    rejected(a, "io-error", detail, false);
                    outcomeRecorded = true;
                    return;
                }
            }
            if (watched && !watchedBefore.isEmpty()) {
                restoreWatching(List.of(version)); // an earlier version's watch ends with it (as the runtime's does)
            }
            activeAnnouncement = a;
            status("active", a.version(), activeExtra(a.version(), watched ? HEALTH_WATCHING : HEALTH_PASSED));
            events.activated(a.version());
            if (!watched) {
                events.healthPassed(a.version());
            }
            outcomeRecorded = true;
        } catch (PackageRejectedException e) {
            rejected(a, e.reason().code(), e.getMessage(), true);
            outcomeRecorded = true;
        } catch (ModelValidator.InvalidModelException e) {
            rejected(a, e.reason(), e.getMessage(), true);
            outcomeRecorded = true;
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "OTA install of v" + a.version() + " failed", e);
            rejected(a, "io-error", String.valueOf(e.getMessage()), false);
            outcomeRecorded = true;
        } finally {
            if (outcomeRecorded) { // an Error (out of memory) leaves the marker: the next start refuses the version
                try {
                    memory.clearInstalling();
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.WARNING, "cannot clear the install marker of v" + a.version(), e);
                }
            }
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot delete " + file, e);
            }
        }
    }

    /** Reports a refusal; with {@code remember}, the version (as this package) is never taken again. */
    private void rejected(Announcement a, String reason, String detail, boolean remember) {
        rejected(new Refusal(a), reason, detail, remember);
    }

    private void rejected(Refusal a, String reason, String detail, boolean remember) {
        if (remember) {
            try {
                memory.refuse(a.version(), a.packageSha256(), reason);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot remember the refusal of v" + a.version(), e);
            }
        }
        status("rejected", a.version(), "reason=" + reason + "\ndetail=" + oneLine(detail) + "\nactive-version="
                + installedVersion().orElse(0L));
        events.rejected(a.version(), reason);
    }

    private void status(String state, long version, String extra) {
        String text = "state=" + state + "\nmodel-id=" + config.modelId() + "\nversion=" + version + "\n"
                + (extra.isEmpty() ? "" : extra + "\n");
        if (state.equals("active") || state.equals("rejected") || state.equals("rolled-back")
                || state.equals("rollback-failed")) {
            try {
                memory.rememberStatus(text);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot remember the OTA status", e);
            }
        }
        publishStatus(text);
    }

    private void publishStatus(String text) {
        synchronized (statusLock) {
            latestStatus = text;
            if (statusInFlight) {
                pendingStatus = text; // only the latest matters (retained); never flood the in-flight window
                return;
            }
            statusInFlight = true;
        }
        send(text);
    }

    private void send(String text) {
        link.publish(config.statusTopic(), text.getBytes(StandardCharsets.UTF_8), 1, true)
                .whenComplete((ok, failure) -> {
                    if (failure != null) {
                        LOG.log(System.Logger.Level.DEBUG, "status not published: " + failure);
                    }
                    String next;
                    synchronized (statusLock) {
                        next = pendingStatus;
                        pendingStatus = null;
                        statusInFlight = next != null;
                    }
                    if (next != null) {
                        send(next);
                    }
                });
    }

    private static String activeExtra(long version, String health) {
        return "active-version=" + version + health;
    }

    /** A reason's code: its first word, up to a colon or space ("health-outputs: ..." gives "health-outputs"). */
    static String code(String why) {
        String w = why.strip();
        int end = 0;
        while (end < w.length() && w.charAt(end) != ':' && !Character.isWhitespace(w.charAt(end))) {
            end++;
        }
        return end == 0 ? "unknown" : w.substring(0, end);
    }

    private static String oneLine(String s) {
        return s.replace('\n', ' ').replace('\r', ' ');
    }
}
