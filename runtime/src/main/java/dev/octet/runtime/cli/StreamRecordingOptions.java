package dev.octet.runtime.cli;

import dev.octet.runtime.pipeline.config.ConfigException;
import dev.octet.runtime.pipeline.config.ConfigLoader;
import dev.octet.runtime.pipeline.config.OctetConfig;
import dev.octet.runtime.pipeline.recording.Recording;
import dev.octet.runtime.pipeline.recording.RecordingException;
import dev.octet.runtime.pipeline.recording.RecordingOptions;
import dev.octet.runtime.pipeline.recording.StreamRecorder;
import dev.octet.runtime.quant.calibration.ProgressListener;
import dev.octet.runtime.service.GatewaySources;
import dev.octet.runtime.service.HardwareSources;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.IntConsumer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The options that pick windows from a configured stream ({@code --stream}, {@code --windows}, {@code --skip},
 * {@code --every}, {@code --timeout}, {@code --paced}), shared by {@code octet record} and
 * {@code octet quantize --calibration-config}, and the recording they run: the configuration loaded, the stream's
 * source opened with the same source types as {@code octet run} (builtin, hardware, {@code mqtt_node} and
 * {@code coap_node}), a progress bar on stderr.
 */
final class StreamRecordingOptions {
    @Option(names = "--stream", paramLabel = "ID", description = "The stream (its id in the configuration).")
    String stream;

    @Option(names = "--windows", paramLabel = "N", description = "How many windows (model inputs) to record.")
    Integer windows;

    @Option(names = "--skip", paramLabel = "M", defaultValue = "0",
            description = "Skip the stream's first M windows (e.g. while a sensor settles). Default: ${DEFAULT-VALUE}.")
    int skip;

    @Option(names = "--every", paramLabel = "K", defaultValue = "1",
            description = "Keep every K-th window, so that the recording covers K times as much of the stream. "
                    + "Default: ${DEFAULT-VALUE}.")
    int every;

    @Option(names = "--timeout", paramLabel = "S", defaultValue = "120",
            description = "Give up after S seconds (a dead or slow sensor is an error, not a hang). "
                    + "Default: ${DEFAULT-VALUE}.")
    double timeoutSeconds;

    @Option(names = "--paced", description = "Keep a simulated or replayed source's real-time pacing (by default "
            + "they run as fast as possible; their windows are the same either way).")
    boolean paced;

    /** True if any stream option was given (to refuse them without a configuration). */
    boolean anyGiven() {
        return stream != null || windows != null;
    }

    /** The options, checked; a usage error if one is missing or out of range. */
    RecordingOptions options(CommandSpec spec) {
        if (stream == null || windows == null) {
            throw new ParameterException(spec.commandLine(), "recording from a stream needs --stream ID and "
                    + "--windows N");
        }
        if (!(timeoutSeconds > 0) || timeoutSeconds > 1e7) {
            throw new ParameterException(spec.commandLine(), "--timeout must be a positive number of seconds, got "
                    + timeoutSeconds);
        }
        try {
            return new RecordingOptions(windows, skip, every, Duration.ofNanos((long) (timeoutSeconds * 1e9)), paced);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /**
     * Loads {@code config} and records from the chosen stream.
     *
     * @param checkValues told the number of values per window before the source starts; throws if they do not fit
     */
    Recording record(Path config, CommandSpec spec, PrintWriter err, IntConsumer checkValues)
            throws ConfigException, RecordingException, InterruptedException {
        RecordingOptions options = options(spec);
        OctetConfig cfg = ConfigLoader.load(config);
        try (HardwareSources hardware = HardwareSources.pi4j()) {
            // The sources of `octet run` (hardware and remote nodes too); MQTT under a client id of its own.
            StreamRecorder recorder = StreamRecorder.forStream(cfg, stream,
                    GatewaySources.registry(hardware, GatewaySources.forRecording(cfg)));
            checkValues.accept(recorder.featureShape().elements());
            ProgressListener bar = QuantizeCommand.progressBar(err);
            try {
                return recorder.record(options, (done, total) -> bar.progress("recording", done, total));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            } finally {
                err.flush();
            }
        }
    }
}
