package dev.octet.runtime.pipeline.recording;

import dev.octet.runtime.pipeline.Backpressure;
import dev.octet.runtime.pipeline.config.ConfigError;
import dev.octet.runtime.pipeline.config.ConfigException;
import dev.octet.runtime.pipeline.config.OctetConfig;
import dev.octet.runtime.pipeline.config.OctetConfig.ModelConfig;
import dev.octet.runtime.pipeline.config.OctetConfig.SourceConfig;
import dev.octet.runtime.pipeline.config.OctetConfig.StreamConfig;
import dev.octet.runtime.pipeline.config.StreamAssembly;
import dev.octet.runtime.pipeline.preprocess.PreprocessChain;
import dev.octet.runtime.pipeline.preprocess.Shape;
import dev.octet.runtime.pipeline.source.SampleListener;
import dev.octet.runtime.pipeline.source.SampleSource;
import dev.octet.runtime.pipeline.source.SourceFactory;
import dev.octet.runtime.pipeline.source.SourceRegistry;
import dev.octet.runtime.pipeline.window.WindowBuffer;
import dev.octet.runtime.pipeline.window.WindowQueue;
import dev.octet.runtime.pipeline.window.WindowSpan;
import dev.octet.runtime.pipeline.window.Windower;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Records what one configured stream feeds its model: the stream's own source, windows and preprocessing (built by
 * the same code as the running pipeline), up to but excluding the model's input quantization. The result is float
 * features in the model's input layout, e.g. calibration samples for {@code octet quantize}.
 *
 * <p>The source runs on its own thread and hands windows over a bounded queue, as in the pipeline; the caller's
 * thread preprocesses them and keeps the selected ones. A recording always ends: with its windows, or with a
 * {@link RecordingException} when the source fails, ends too early, or the time limit passes first.
 *
 * <p><b>Pacing.</b> Sources with a {@code pace} parameter (simulated and replayed ones) stamp their samples with
 * synthetic times derived from the sample rate, so their windows are the same whether they are paced or not; they
 * run unpaced (as fast as the recorder takes windows, the queue blocking instead of dropping) unless
 * {@link RecordingOptions#paced()} asks otherwise. Sensors run in real time with the stream's configured queue.
 */
public final class StreamRecorder {
    /** Told after each recorded window; {@code done} runs from 1 to {@code total}. */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (done, total) -> { };

        void recorded(int done, int total);
    }

    /** Recordings hold their windows in memory and are written as one file; keep that well inside an array. */
    static final long MAX_BYTES = 1L << 30;

    private final OctetConfig config;
    private final StreamConfig stream;
    private final String at;
    private final SourceFactory factory;
    private final Shape shape;

    private StreamRecorder(OctetConfig config, StreamConfig stream, String at, SourceFactory factory, Shape shape) {
        this.config = config;
        this.stream = stream;
        this.at = at;
        this.factory = factory;
        this.shape = shape;
    }

    /**
     * A recorder for stream {@code streamId} of a loaded configuration.
     *
     * @throws ConfigException if there is no such stream, or no driver for its source type in {@code sources}
     */
    public static StreamRecorder forStream(OctetConfig config, String streamId, SourceRegistry sources)
            throws ConfigException {
        List<StreamConfig> streams = config.streams();
        for (int i = 0; i < streams.size(); i++) {
            StreamConfig s = streams.get(i);
            if (!s.id().equals(streamId)) {
                continue;
            }
            String at = "streams[" + i + "]";
            SourceFactory factory = sources.factory(s.source().type());
            if (factory == null) {
                throw new ConfigException(config.file(), List.of(new ConfigError(at + ".source.type",
                        "source type \"" + s.source().type() + "\" has no driver in this build (available: "
                                + String.join(", ", sources.types()) + ")")));
            }
            return new StreamRecorder(config, s, at, factory, StreamAssembly.preprocess(s).outputShape());
        }
        String known = streams.stream().map(StreamConfig::id).collect(Collectors.joining(", "));
        throw new ConfigException(config.file(), List.of(new ConfigError("streams",
                "no stream \"" + streamId + "\" (streams: " + known + ")")));
    }

    public StreamConfig stream() {
        return stream;
    }

    /** One window's preprocessing output: what the model receives, and what each recorded window holds. */
    public Shape featureShape() {
        return shape;
    }

    /**
     * Runs the stream's source until {@code options.windows()} windows are recorded, then stops it.
     *
     * @throws ConfigException    if the source cannot be opened (a missing device or file), as {@code octet run}
     *                            would refuse it
     * @throws RecordingException if the source fails, ends too early or the time limit passes; nothing is kept
     * @throws IllegalArgumentException if the recording would not fit in memory
     */
    public Recording record(RecordingOptions options, Progress progress)
            throws ConfigException, RecordingException, InterruptedException {
        long bytes = (long) options.windows() * shape.elements() * 4;
        if (bytes > MAX_BYTES) {
            throw new IllegalArgumentException(options.windows() + " windows of " + shape.elements()
                    + " values are " + bytes + " bytes; record at most " + MAX_BYTES / (4L * shape.elements())
                    + " windows at a time");
        }
        boolean pacingOptional = stream.source().parameters().containsKey("pace");
        boolean realTime = !pacingOptional || (options.paced() && stream.source().flag("pace"));
        StreamConfig run = pacingOptional && !options.paced() ? unpaced(stream) : stream;
        SampleSource source;
        try {
            source = factory.create(run);
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(config.file(), List.of(new ConfigError(at + ".source",
                    "cannot open the source: " + e.getMessage())));
        }
        // A file or simulation can wait for the recorder; a sensor cannot, so it keeps the stream's own policy.
        Backpressure policy = realTime ? stream.queue().backpressure() : Backpressure.BLOCK;
        WindowQueue queue = new WindowQueue(stream.windows().size(), stream.channels(), stream.queue().capacity(),
                policy);
        Windower windower = new Windower(stream.windows().size(), stream.windows().stride(), stream.channels(),
                queue);
        Listener listener = new Listener(windower, queue);
        PreprocessChain chain = StreamAssembly.preprocess(stream);
        WindowSpan span = new WindowSpan();
        List<float[]> kept = new ArrayList<>(options.windows());
        long produced = 0;
        Instant started = Instant.now();
        long deadline = System.nanoTime() + options.timeout().toNanos();
        try {
            try {
                source.start(listener);
            } catch (RuntimeException e) {
                throw new RecordingException(RecordingException.Reason.SOURCE_FAILED, 0, "stream \"" + stream.id()
                        + "\": the source did not start: " + e.getMessage(), e);
            }
            while (kept.size() < options.windows()) {
                long left = deadline - System.nanoTime();
                WindowBuffer window = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : null;
                if (window == null) {
                    throw stoppedShort(listener, options, kept.size(), produced);
                }
                try {
                    span.copyFrom(window.span());
                    float[] features = chain.apply(window.data(), span);
                    if (features != null) {
                        if (options.keeps(produced)) {
                            kept.add(features.clone());
                            progress.recorded(kept.size(), options.windows());
                        }
                        produced++;
                    }
                } catch (RuntimeException e) {
                    throw new RecordingException(RecordingException.Reason.PREPROCESSING_FAILED, kept.size(),
                            "stream \"" + stream.id() + "\": preprocessing failed on window " + window.sequence()
                                    + ": " + e, e);
                } finally {
                    queue.release(window);
                }
            }
            ModelConfig model = config.models().get(stream.model());
            return new Recording(stream.id(), model.id(), model.version(),
                    model.model().mainSubgraph().input(0).shape(), shape, kept, produced, queue.stats().dropped(),
                    listener.errors, realTime, options, stream.source(), started, Instant.now());
        } finally {
            queue.close(); // wakes a source blocked on a full queue
            source.close();
        }
    }

    private RecordingException stoppedShort(Listener listener, RecordingOptions options, int recorded,
                                            long produced) {
        String got = "recorded " + recorded + " of " + options.windows() + " windows (" + produced
                + " produced, " + options.windowsNeeded() + " needed with skip " + options.skip() + " and every "
                + options.every() + ")";
        String name = "stream \"" + stream.id() + "\"";
        if (listener.failure != null) {
            return new RecordingException(RecordingException.Reason.SOURCE_FAILED, recorded,
                    name + ": the source failed: " + listener.failure + "; " + got, listener.failureCause);
        }
        if (listener.ended) {
            return new RecordingException(RecordingException.Reason.SOURCE_ENDED, recorded,
                    name + ": the source ended after " + listener.samples + " samples; " + got, null);
        }
        return new RecordingException(RecordingException.Reason.TIMED_OUT, recorded,
                name + ": timed out after " + seconds(options) + " s with " + listener.samples
                        + " samples from the source (is the sensor delivering?); " + got, null);
    }

    private static String seconds(RecordingOptions options) {
        return java.math.BigDecimal.valueOf(options.timeout().toMillis(), 3).stripTrailingZeros().toPlainString();
    }

    /** The stream with its source's {@code pace} turned off. */
    private static StreamConfig unpaced(StreamConfig s) {
        Map<String, Object> params = new LinkedHashMap<>(s.source().parameters());
        params.put("pace", false);
        return s.withSource(new SourceConfig(s.source().type(), params));
    }

    /** Windows the source's samples (on the source's thread) and notes how the source ended. */
    private static final class Listener implements SampleListener {
        private final Windower windower;
        private final WindowQueue queue;
        volatile long samples;
        volatile long errors;
        volatile String failure;
        volatile Throwable failureCause;
        volatile boolean ended;

        Listener(Windower windower, WindowQueue queue) {
            this.windower = windower;
            this.queue = queue;
        }

        @Override
        public void onSample(long nanos, long epochMicros, float[] values, int offset) {
            samples++;
            windower.push(nanos, epochMicros, values, offset);
        }

        @Override
        public void onError(String message, Throwable cause, boolean fatal) {
            errors++;
            if (fatal) {
                failureCause = cause;
                failure = message;
                queue.close();
            } else {
                windower.reset(); // as the pipeline does: the samples around the error are suspect
            }
        }

        @Override
        public void onEnd() {
            ended = true;
            queue.close();
        }
    }
}
