package dev.octet.ota.rollout;

import dev.octet.mqtt.MessageHandler;
import dev.octet.mqtt.MqttLink;
import dev.octet.mqtt.ReceivedMessage;
import dev.octet.ota.transfer.Announcement;
import dev.octet.ota.transfer.Topics;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Drives a staged rollout (publisher side). The package's chunks are already published (retained); this sends the
 * announcement to the gateways of one wave at a time on their own topics, follows their status topics
 * ({@code octet/<gateway>/ota/status}), advances when a wave reaches the plan's success fraction and pauses when
 * the failures reach the plan's limit. A gateway succeeds when it reports {@code active} with its health watch
 * passed ({@code health=passed}, or no {@code health} line from an agent without one); {@code active} with
 * {@code health=watching} is still in progress, and a later {@code rolled-back} is a failure. The state (plan position, per-gateway status) is persisted in a file after
 * every change, so that a restarted publisher resumes ({@link #resume}).
 */
public final class RolloutCoordinator {
    /** Where a rollout stands. */
    public enum State { RUNNING, PAUSED, ABORTED, DONE }

    /** A gateway's status while the new version runs under its health watch. */
    static final String WATCHING = "active (health watch)";

    private final MqttLink link;
    private final Topics topics;
    private final Path stateFile;
    private final RolloutPlan plan;
    private final Announcement announcement;
    private final List<List<String>> waves;
    /** Guarded by this. */
    private final Map<String, String> gatewayStatus = new LinkedHashMap<>();
    private State state = State.RUNNING;
    private int wave;
    private String pauseReason = "";
    /** Failures already accepted by the operator's last resume. */
    private long resumedAtFailures;

    private RolloutCoordinator(MqttLink link, Topics topics, Path stateFile, RolloutPlan plan, Announcement a) {
        this.link = link;
        this.topics = topics;
        this.stateFile = stateFile;
        this.plan = plan;
        this.announcement = a;
        this.waves = plan.waves();
        for (String g : plan.gateways()) {
            gatewayStatus.put(g, "pending");
        }
    }

    /** Starts a rollout of {@code a} (whose chunks are published) following {@code plan}. */
    public static RolloutCoordinator start(MqttLink link, Topics topics, Path stateFile, RolloutPlan plan,
            Announcement a) throws IOException {
        if (!a.modelId().equals(plan.modelId()) || a.version() != plan.version()) {
            throw new IllegalArgumentException("the announcement is not the plan's model version");
        }
        RolloutCoordinator c = new RolloutCoordinator(link, topics, stateFile, plan, a);
        c.begin();
        return c;
    }

    private synchronized void begin() throws IOException {
        persist();
        subscribeStatuses(link, this::onStatus);
        link.subscribe(controlTopic(topics, plan.modelId(), plan.version()), 1, this::onControl);
        announceWave();
    }

    /** Where {@code pause}, {@code resume} and {@code abort} commands for a running rollout are published. */
    public static String controlTopic(Topics topics, String modelId, long version) {
        return topics.prefix() + "/rollout/" + modelId + "/v" + version + "/control";
    }

    private void onControl(ReceivedMessage m) throws IOException {
        if (m.retained()) {
            return; // commands are for the coordinator running when they are sent
        }
        switch (m.payloadText().trim()) {
            case "pause" -> pause("paused by the operator");
            case "resume" -> resume();
            case "abort" -> abort();
            default -> { }
        }
    }

    public synchronized State state() {
        return state;
    }

    public synchronized int wave() {
        return wave;
    }

    public synchronized String pauseReason() {
        return pauseReason;
    }

    public synchronized Map<String, String> gateways() {
        return new LinkedHashMap<>(gatewayStatus);
    }

    public synchronized void pause(String why) throws IOException {
        if (state == State.RUNNING) {
            state = State.PAUSED;
            pauseReason = why;
            persist();
        }
    }

    /** Continues a paused rollout; the failures seen so far are accepted, the limit applies to new ones. */
    public synchronized void resume() throws IOException {
        if (state == State.PAUSED) {
            resumedAtFailures = failures();
            state = State.RUNNING;
            pauseReason = "";
            persist();
            evaluate();
        }
    }

    /** Stops the rollout: no further gateway is announced to (the ones already updated keep the new model). */
    public synchronized void abort() throws IOException {
        state = State.ABORTED;
        persist();
    }

    /**
     * Gateways report on {@code octet/<gateway>/ota/status} (one updatable model) or
     * {@code octet/<gateway>/ota/status/<model-id>} (several); which model a status is about is in its text.
     */
    private static void subscribeStatuses(MqttLink link, MessageHandler handler) {
        link.subscribe("octet/+/ota/status", 1, handler);
        link.subscribe("octet/+/ota/status/+", 1, handler);
    }

    private void onStatus(ReceivedMessage m) throws IOException {
        String[] parts = m.topic().split("/");
        if (parts.length != 4 && parts.length != 5) {
            return;
        }
        String gateway = parts[1];
        Map<String, String> kv = new LinkedHashMap<>();
        for (String line : m.payloadText().split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                kv.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        synchronized (this) {
            if (!gatewayStatus.containsKey(gateway) || !plan.modelId().equals(kv.get("model-id"))
                    || !String.valueOf(plan.version()).equals(kv.get("version"))) {
                return;
            }
            String s = kv.getOrDefault("state", "?");
            if (s.equals("active") && "watching".equals(kv.get("health"))) {
                // Active but still under its health watch: neither a success nor a failure yet. An agent that
                // sends no health line (older releases) has no watch: its "active" is final.
                s = WATCHING;
            } else if (s.equals("downloading")) {
                s += " " + kv.getOrDefault("percent", "?") + "%";
            } else if (s.equals("rejected") || s.equals("rolled-back") || s.equals("rollback-failed")) {
                s += " (" + kv.getOrDefault("reason", "?") + ")";
            }
            if (s.equals(gatewayStatus.get(gateway))) {
                return;
            }
            gatewayStatus.put(gateway, s);
            persist();
            evaluate();
        }
    }

    private void evaluate() throws IOException {
        if (state != State.RUNNING) {
            return;
        }
        long failures = failures();
        if (failures - resumedAtFailures >= plan.maxFailures()) {
            state = State.PAUSED;
            pauseReason = failures + " gateway(s) failed (limit " + plan.maxFailures() + ")";
            persist();
            return;
        }
        List<String> current = waves.get(wave);
        long ok = current.stream().filter(g -> gatewayStatus.get(g).equals("active")).count();
        if (ok >= Math.ceil(plan.successFraction() * current.size())) {
            if (wave + 1 >= waves.size()) {
                state = State.DONE;
                persist();
                return;
            }
            wave++;
            persist();
            announceWave();
        }
    }

    private long failures() {
        return gatewayStatus.values().stream()
                // rollback-failed: the version failed its health watch and still runs there, the worst outcome.
                .filter(s -> s.startsWith("rejected") || s.startsWith("rolled-back") || s.startsWith("rollback-failed"))
                .count();
    }

    private void announceWave() {
        for (String g : waves.get(wave)) {
            if (gatewayStatus.get(g).equals("pending")) {
                gatewayStatus.put(g, "announced");
            }
            link.publish(topics.announceTo(plan.modelId(), g), announcement.encode(), 1, true);
        }
    }

    /** The rollout as a table: one line per gateway with its wave and last status. */
    public synchronized String table() {
        StringBuilder s = new StringBuilder();
        long active = gatewayStatus.values().stream().filter("active"::equals).count();
        s.append(String.format("rollout %s v%d: %s, wave %d/%d, %d/%d active%s%n", plan.modelId(), plan.version(),
                state, wave + 1, waves.size(), active, gatewayStatus.size(),
                pauseReason.isEmpty() ? "" : " (" + pauseReason + ")"));
        s.append(String.format("%-24s %-5s %s%n", "gateway", "wave", "status"));
        for (int w = 0; w < waves.size(); w++) {
            for (String g : waves.get(w)) {
                s.append(String.format("%-24s %-5d %s%n", g, w + 1, gatewayStatus.get(g)));
            }
        }
        return s.toString();
    }

    /** The rollout state file: key=value lines, replaced atomically (temp file, fsync, rename). */
    private void persist() throws IOException {
        StringBuilder s = new StringBuilder();
        s.append("model-id=").append(plan.modelId()).append('\n');
        s.append("version=").append(plan.version()).append('\n');
        s.append("state=").append(state).append('\n');
        s.append("wave=").append(wave).append('\n');
        s.append("resumed-at-failures=").append(resumedAtFailures).append('\n');
        s.append("pause-reason=").append(pauseReason.replace('\n', ' ')).append('\n');
        s.append("gateways=").append(String.join(",", plan.gateways())).append('\n');
        s.append("canary=").append(String.join(",", plan.canary())).append('\n');
        s.append("percents=").append(plan.percents().stream().map(String::valueOf)
                .reduce((a, b) -> a + "," + b).orElse("")).append('\n');
        s.append("success-fraction=").append(plan.successFraction()).append('\n');
        s.append("max-failures=").append(plan.maxFailures()).append('\n');
        s.append("announcement=").append(new String(announcement.encode(), StandardCharsets.UTF_8)
                .replace("\n", ";")).append('\n');
        gatewayStatus.forEach((g, st) -> s.append("gateway.").append(g).append('=').append(st).append('\n'));
        Path tmp = stateFile.resolveSibling(stateFile.getFileName() + ".tmp");
        Files.writeString(tmp, s, StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, stateFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Reloads a persisted rollout (after a publisher restart) and continues it. */
    public static RolloutCoordinator resume(MqttLink link, Topics topics, Path stateFile) throws IOException {
        Map<String, String> kv = new LinkedHashMap<>();
        for (String line : Files.readAllLines(stateFile, StandardCharsets.UTF_8)) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                kv.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        try {
            List<Integer> percents = new ArrayList<>();
            for (String p : kv.get("percents").split(",")) {
                if (!p.isEmpty()) {
                    percents.add(Integer.parseInt(p));
                }
            }
            String canary = kv.get("canary");
            RolloutPlan plan = new RolloutPlan(kv.get("model-id"), Long.parseLong(kv.get("version")),
                    List.of(kv.get("gateways").split(",")), canary.isEmpty() ? List.of() : List.of(canary.split(",")),
                    percents, Double.parseDouble(kv.get("success-fraction")),
                    Integer.parseInt(kv.get("max-failures")));
            Announcement a = Announcement.parse(kv.get("announcement").replace(";", "\n")
                    .getBytes(StandardCharsets.UTF_8));
            RolloutCoordinator c = new RolloutCoordinator(link, topics, stateFile, plan, a);
            synchronized (c) {
                c.state = State.valueOf(kv.get("state"));
                c.wave = Integer.parseInt(kv.get("wave"));
                c.pauseReason = kv.getOrDefault("pause-reason", "");
                c.resumedAtFailures = Long.parseLong(kv.getOrDefault("resumed-at-failures", "0"));
                for (String g : plan.gateways()) {
                    c.gatewayStatus.put(g, kv.getOrDefault("gateway." + g, "pending"));
                }
                subscribeStatuses(link, c::onStatus);
                link.subscribe(controlTopic(topics, plan.modelId(), plan.version()), 1, c::onControl);
                if (c.state == State.RUNNING) {
                    c.announceWave();
                }
            }
            return c;
        } catch (RuntimeException e) {
            throw new IOException(stateFile + " is not a rollout state file: " + e.getMessage(), e);
        }
    }
}
