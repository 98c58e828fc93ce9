package dev.octet.runtime.pipeline.config;

import dev.octet.runtime.kernels.ReferenceSemantics;
import dev.octet.runtime.model.Model;
import dev.octet.runtime.pipeline.Backpressure;
import dev.octet.runtime.pipeline.preprocess.MelScale;
import dev.octet.runtime.pipeline.preprocess.WindowFunction;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The gateway's configuration, validated and resolved by {@link ConfigLoader}: every field is present (defaults
 * filled in), in range and consistent; files exist; models are loaded and each stream's windows, preprocessing and
 * model fit together. Immutable.
 *
 * @param file       the YAML file it came from
 * @param gatewayId  topic-safe id of this gateway
 * @param models     by id, in file order
 * @param resultQueue the queue from the streams to the sinks
 * @param mqtt       connection settings, if any sink or service feature uses MQTT
 * @param http       metrics and health endpoint
 * @param ota        over-the-air model updates (the {@code ota} section), if configured
 */
public record OctetConfig(Path file, String gatewayId, Map<String, ModelConfig> models, List<StreamConfig> streams,
                          List<SinkConfig> sinks, QueueConfig resultQueue, HealthConfig health,
                          Optional<MqttConfig> mqtt, HttpConfig http, Optional<OtaConfig> ota) {
    public OctetConfig {
        models = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(models));
        streams = List.copyOf(streams);
        sinks = List.copyOf(sinks);
        java.util.Objects.requireNonNull(ota, "ota");
    }

    /** A configuration without over-the-air updates. */
    public OctetConfig(Path file, String gatewayId, Map<String, ModelConfig> models, List<StreamConfig> streams,
                       List<SinkConfig> sinks, QueueConfig resultQueue, HealthConfig health,
                       Optional<MqttConfig> mqtt, HttpConfig http) {
        this(file, gatewayId, models, streams, sinks, resultQueue, health, mqtt, http, Optional.empty());
    }

    /** The same configuration with other models (e.g. the OTA slot store's active versions). */
    public OctetConfig withModels(Map<String, ModelConfig> replaced) {
        return new OctetConfig(file, gatewayId, replaced, streams, sinks, resultQueue, health, mqtt, http, ota);
    }

    /** When {@code stream}'s failed source is restarted: its own {@code restart} section, else {@code health.restart}. */
    public dev.octet.runtime.pipeline.source.RestartPolicy restartPolicy(StreamConfig stream) {
        return stream.restart() != null ? stream.restart() : health.restart();
    }

    public StreamConfig stream(String id) {
        return streams.stream().filter(s -> s.id().equals(id)).findFirst().orElse(null);
    }

    /**
     * A model.
     *
     * @param location as written: a file path (relative to the config file) or {@code bundled:NAME}
     * @param file     the resolved file, or null for a bundled model
     * @param model    the loaded, validated model (shared, immutable)
     */
    public record ModelConfig(String id, String location, Path file, String version, ReferenceSemantics semantics,
                              Model model) {
    }

    /**
     * One sensor stream and what runs on it.
     *
     * @param sampleRateHz samples (frames) per second delivered by the source
     * @param channels     values per sample
     * @param model        id of a {@link ModelConfig}
     * @param queue        the window queue between the source and the stream's worker
     * @param restart      this stream's own restart settings ({@code streams[].restart}, its missing fields taken
     *                     from {@code health.restart}), or null to use {@code health.restart}; see
     *                     {@link OctetConfig#restartPolicy}
     */
    public record StreamConfig(String id, SourceConfig source, double sampleRateHz, int channels,
                               WindowConfig windows, List<StepConfig> preprocess, String model,
                               List<PostprocessConfig> postprocess, QueueConfig queue,
                               dev.octet.runtime.pipeline.source.RestartPolicy restart) {
        public StreamConfig {
            preprocess = List.copyOf(preprocess);
            postprocess = List.copyOf(postprocess);
        }

        /** A stream that restarts as {@code health.restart} says. */
        public StreamConfig(String id, SourceConfig source, double sampleRateHz, int channels, WindowConfig windows,
                            List<StepConfig> preprocess, String model, List<PostprocessConfig> postprocess,
                            QueueConfig queue) {
            this(id, source, sampleRateHz, channels, windows, preprocess, model, postprocess, queue, null);
        }

        /** The same stream with another source (e.g. a replay's pacing turned off). */
        public StreamConfig withSource(SourceConfig other) {
            return new StreamConfig(id, other, sampleRateHz, channels, windows, preprocess, model, postprocess, queue,
                    restart);
        }
    }

    /**
     * A source: its type name and its parameters (scalars, strings and lists of them, as validated for the type).
     * File parameters are resolved to absolute paths (or kept as {@code bundled:NAME}).
     */
    public record SourceConfig(String type, Map<String, Object> parameters) {
        public SourceConfig {
            parameters = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(parameters));
        }

        public String string(String key) {
            Object v = parameters.get(key);
            return v == null ? null : v.toString();
        }

        public boolean flag(String key) {
            return Boolean.TRUE.equals(parameters.get(key));
        }

        public double number(String key) {
            return ((Number) parameters.get(key)).doubleValue();
        }

        public long integer(String key) {
            return ((Number) parameters.get(key)).longValue();
        }
    }

    public record WindowConfig(int size, int stride) {
    }

    public record QueueConfig(int capacity, Backpressure backpressure) {
    }

    /** @param restart when a stream whose source failed is restarted */
    public record HealthConfig(int failAfter, int recoverAfter,
                               dev.octet.runtime.pipeline.source.RestartPolicy restart) {
        public HealthConfig(int failAfter, int recoverAfter) {
            this(failAfter, recoverAfter, dev.octet.runtime.pipeline.source.RestartPolicy.DEFAULT);
        }
    }

    /** A preprocessing step, by its configuration name. */
    public sealed interface StepConfig {
        String name();
    }

    public record ScaleStep(double multiply, double offset) implements StepConfig {
        public String name() {
            return "scale";
        }
    }

    /** Fixed statistics (one value, or one per column) or, with {@code perWindow}, the window's own. */
    public record NormalizeStep(boolean perWindow, List<Double> mean, List<Double> std) implements StepConfig {
        public String name() {
            return "normalize";
        }
    }

    public record FftMagnitudeStep(WindowFunction window, boolean power) implements StepConfig {
        public String name() {
            return "fft_magnitude";
        }
    }

    /** @param fmax null for half the sample rate */
    public record LogMelStep(int nFft, int hopLength, int nMels, double fmin, Double fmax, MelScale melScale,
                             boolean slaneyNorm, double power, int channel) implements StepConfig {
        public String name() {
            return "log_mel";
        }
    }

    public record FramesStep(int count) implements StepConfig {
        public String name() {
            return "frames";
        }
    }

    public record PassthroughStep() implements StepConfig {
        public String name() {
            return "passthrough";
        }
    }

    /** Explicit marker of the implied last step; the model's own input parameters are used. */
    public record QuantizeStep() implements StepConfig {
        public String name() {
            return "quantize";
        }
    }

    /** A postprocessing step. */
    public sealed interface PostprocessConfig {
        String name();
    }

    /** Dequantizing is always done; {@code includeOutputs} also reports the dequantized values. */
    public record DequantizePost(boolean includeOutputs) implements PostprocessConfig {
        public String name() {
            return "dequantize";
        }
    }

    /** @param labels one per model output, or empty to report indices */
    public record ClassificationPost(List<String> labels, int topK, double minConfidence)
            implements PostprocessConfig {
        public ClassificationPost {
            labels = List.copyOf(labels);
        }

        public String name() {
            return "classification";
        }
    }

    public record AnomalyScorePost(double threshold) implements PostprocessConfig {
        public String name() {
            return "anomaly_score";
        }
    }

    /** Where results go. */
    public sealed interface SinkConfig {
        String type();
    }

    /**
     * @param topic template with {@code {gateway}}, {@code {stream}} and {@code {model}} placeholders
     */
    public record MqttSink(String topic, int qos, boolean retain) implements SinkConfig {
        public String type() {
            return "mqtt";
        }

        /** The topic for one result. */
        public String topicFor(String gateway, String stream, String model) {
            return topic.replace("{gateway}", gateway).replace("{stream}", stream).replace("{model}", model);
        }
    }

    /** @param json JSON lines (true) or one human-readable line per result */
    public record StdoutSink(boolean json) implements SinkConfig {
        public String type() {
            return "stdout";
        }
    }

    /** JSON lines appended to a file. */
    public record FileSink(Path path) implements SinkConfig {
        public String type() {
            return "file";
        }
    }

    /**
     * MQTT connection settings for the transport module.
     *
     * @param uri      {@code tcp://host:1883} or {@code ssl://host:8883}
     * @param password the password (read from {@code password_file} if given that way), or null
     */
    public record MqttConfig(String uri, String clientId, String username, String password, TlsConfig tls,
                             int keepAliveSeconds) {
        @Override
        public String toString() {
            return "MqttConfig[uri=" + uri + ", clientId=" + clientId + ", username=" + username
                    + ", password=" + (password == null ? "none" : "***") + ", tls=" + tls
                    + ", keepAliveSeconds=" + keepAliveSeconds + "]";
        }
    }

    /** PEM files; {@code certFile} and {@code keyFile} only for client-certificate authentication. */
    public record TlsConfig(Path caFile, Path certFile, Path keyFile) {
    }

    /** @param port 0 disables the endpoint */
    public record HttpConfig(String bind, int port) {
    }

    /**
     * Over-the-air model updates ({@code ota} section): which signing keys the gateway trusts, what it is, where
     * the agent keeps its slots and downloads, and how each updatable model is checked before and after it goes
     * live.
     *
     * @param trustedKeys   Ed25519 public key files (PEM with a {@code Key-Id} line), at least one
     * @param revokedKeys   key ids refused even if listed
     * @param deviceClass   matched against a package's {@code targets}
     * @param stateDir      null for {@code <octet run --state-dir>/ota}
     * @param models        by model id (each one a model of the {@code models} section), in file order
     */
    public record OtaConfig(List<Path> trustedKeys, List<String> revokedKeys, String deviceClass, Path stateDir,
                            long maxPackageBytes, long maxModelBytes, Map<String, OtaModelConfig> models) {
        public OtaConfig {
            trustedKeys = List.copyOf(trustedKeys);
            revokedKeys = List.copyOf(revokedKeys);
            models = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(models));
        }
    }

    /**
     * One updatable model.
     *
     * @param baselineVersion the OTA version number of the model file the {@code models} section names
     * @param latencyBudgetMs median invoke time a new version may take in its dry run, or null for no limit
     * @param dryRunWindows   how many recent windows each stream keeps for the dry run of a new version
     */
    public record OtaModelConfig(String id, long baselineVersion, Double latencyBudgetMs, int dryRunWindows,
                                 HealthWatchConfig healthWatch) {
    }

    /**
     * What a newly activated version must get through before it stays: its first {@code windows} windows (over all
     * streams running it) may have at most {@code maxErrors} failed windows, at most {@code maxSlowWindows} windows
     * slower than {@code maxLatencyMs} (whole window: preprocessing, model, postprocessing), and at most
     * {@code maxBadOutputs} windows whose outputs fail the sanity checks (non-finite values, every output equal,
     * an anomaly score above {@code maxScore}). Otherwise it is rolled back.
     */
    public record HealthWatchConfig(int windows, int maxErrors, Double maxLatencyMs, int maxSlowWindows,
                                    boolean outputsFinite, boolean outputsNotConstant, Double maxScore,
                                    int maxBadOutputs) {
    }
}
