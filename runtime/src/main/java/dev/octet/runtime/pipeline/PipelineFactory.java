package dev.octet.runtime.pipeline;

import dev.octet.runtime.engine.Interpreter;
import dev.octet.runtime.engine.InterpreterOptions;
import dev.octet.runtime.engine.KernelSelection;
import dev.octet.runtime.pipeline.config.ConfigError;
import dev.octet.runtime.pipeline.config.ConfigException;
import dev.octet.runtime.pipeline.config.OctetConfig;
import dev.octet.runtime.pipeline.config.OctetConfig.ModelConfig;
import dev.octet.runtime.pipeline.config.OctetConfig.SinkConfig;
import dev.octet.runtime.pipeline.config.OctetConfig.StreamConfig;
import dev.octet.runtime.pipeline.config.StreamAssembly;
import dev.octet.runtime.pipeline.preprocess.PreprocessChain;
import dev.octet.runtime.pipeline.sink.FileSink;
import dev.octet.runtime.pipeline.sink.MqttPublisher;
import dev.octet.runtime.pipeline.sink.MqttResultSink;
import dev.octet.runtime.pipeline.sink.StdoutSink;
import dev.octet.runtime.pipeline.source.RestartPolicy;
import dev.octet.runtime.pipeline.source.SampleSource;
import dev.octet.runtime.pipeline.source.SupervisedSource;
import dev.octet.runtime.pipeline.source.SourceFactory;
import dev.octet.runtime.pipeline.source.SourceRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a {@link Pipeline} from a loaded {@link OctetConfig}: a source, a window queue, a preprocessing chain, an
 * interpreter and postprocessors per stream, and the sinks. Everything is created before anything starts; if any
 * part cannot be created, what was created is closed and a {@link ConfigException} names the field.
 */
public final class PipelineFactory {
    private final SourceRegistry sources;
    private final MqttPublisher mqtt;
    private final PrintStream stdout;
    private final StreamPipeline.HealthListener onHealth;
    private final List<ResultSink> extraSinks;
    private final KernelSelection kernels;

    private PipelineFactory(SourceRegistry sources, MqttPublisher mqtt, PrintStream stdout,
                            StreamPipeline.HealthListener onHealth, List<ResultSink> extraSinks) {
        this(sources, mqtt, stdout, onHealth, extraSinks, KernelSelection.AUTO);
    }

    private PipelineFactory(SourceRegistry sources, MqttPublisher mqtt, PrintStream stdout,
                            StreamPipeline.HealthListener onHealth, List<ResultSink> extraSinks,
                            KernelSelection kernels) {
        this.sources = sources;
        this.mqtt = mqtt;
        this.stdout = stdout;
        this.onHealth = onHealth;
        this.extraSinks = List.copyOf(extraSinks);
        this.kernels = kernels;
    }

    /** Built-in sources, no MQTT transport, results on {@code System.out}, {@link KernelSelection#AUTO}. */
    public static PipelineFactory defaults() {
        return new PipelineFactory(SourceRegistry.builtin(), null, System.out, null, List.of());
    }

    /**
     * The kernels the streams' interpreters start with (the service starts on {@link KernelSelection#SCALAR} and
     * swaps to the vector kernels once they are warm, see {@code KernelWarmup}).
     */
    public PipelineFactory withKernels(KernelSelection selection) {
        return new PipelineFactory(sources, mqtt, stdout, onHealth, extraSinks, selection);
    }

    public PipelineFactory withSources(SourceRegistry registry) {
        return new PipelineFactory(registry, mqtt, stdout, onHealth, extraSinks, kernels);
    }

    /** The transport for {@code mqtt} sinks. */
    public PipelineFactory withMqtt(MqttPublisher publisher) {
        return new PipelineFactory(sources, publisher, stdout, onHealth, extraSinks, kernels);
    }

    public PipelineFactory withStdout(PrintStream out) {
        return new PipelineFactory(sources, mqtt, out, onHealth, extraSinks, kernels);
    }

    public PipelineFactory withHealthListener(StreamPipeline.HealthListener listener) {
        return new PipelineFactory(sources, mqtt, stdout, listener, extraSinks, kernels);
    }

    /** A sink in addition to the configured ones (metrics, tests). */
    public PipelineFactory withSink(ResultSink sink) {
        List<ResultSink> all = new ArrayList<>(extraSinks);
        all.add(sink);
        return new PipelineFactory(sources, mqtt, stdout, onHealth, all, kernels);
    }

    public Pipeline build(OctetConfig config) throws ConfigException {
        List<ConfigError> problems = new ArrayList<>();
        List<SampleSource> created = new ArrayList<>();
        List<ResultSink> sinks = new ArrayList<>();
        try {
            List<StreamPipeline> streams = new ArrayList<>();
            for (int i = 0; i < config.streams().size(); i++) {
                StreamPipeline s = stream(config, i, problems, created);
                if (s != null) {
                    streams.add(s);
                }
            }
            for (int i = 0; i < config.sinks().size(); i++) {
                ResultSink sink = sink(config, i, problems);
                if (sink != null) {
                    sinks.add(sink);
                }
            }
            if (!problems.isEmpty()) {
                throw new ConfigException(config.file(), problems);
            }
            sinks.addAll(extraSinks);
            return new Pipeline(config.gatewayId(), streams, config.resultQueue().capacity(),
                    config.resultQueue().backpressure(), sinks);
        } catch (ConfigException | RuntimeException e) {
            created.forEach(SampleSource::close);
            sinks.forEach(ResultSink::close);
            throw e;
        }
    }

    private StreamPipeline stream(OctetConfig config, int index, List<ConfigError> problems,
                                  List<SampleSource> created) {
        StreamConfig s = config.streams().get(index);
        String at = "streams[" + index + "]";
        SourceFactory factory = sources.factory(s.source().type());
        if (factory == null) {
            problems.add(new ConfigError(at + ".source.type", "source type \"" + s.source().type()
                    + "\" has no driver in this build (available: " + String.join(", ", sources.types()) + ")"));
            return null;
        }
        SampleSource source;
        try {
            source = factory.create(s);
        } catch (IOException | RuntimeException e) {
            problems.add(new ConfigError(at + ".source", "cannot open the source: " + e.getMessage()));
            return null;
        }
        RestartPolicy restart = config.restartPolicy(s);
        if (restart.enabled() && !SourceRegistry.builtin().types().contains(s.source().type())) {
            // Devices and nodes come back; the runtime's own replays and simulations fail only on a bad file, where
            // a restart would fail the same way.
            source = new SupervisedSource(s.id(), source, () -> factory.create(s), restart);
        }
        created.add(source);
        ModelConfig m = config.models().get(s.model());
        Interpreter interpreter = Interpreter.create(m.model(),
                InterpreterOptions.defaults().withSemantics(m.semantics()).withKernels(kernels));
        PreprocessChain chain = StreamAssembly.preprocess(s);
        ModelRunner runner = new ModelRunner(new ModelHandle(m.id(), m.version(), interpreter),
                chain.outputShape().elements());
        return new StreamPipeline(s.id(), source, s.windows().size(), s.windows().stride(), s.channels(),
                s.queue().capacity(), s.queue().backpressure(), chain, runner,
                StreamAssembly.postprocess(s, runner.inputElements(), runner.outputElements()),
                config.health().failAfter(), config.health().recoverAfter(), onHealth);
    }

    private ResultSink sink(OctetConfig config, int index, List<ConfigError> problems) {
        SinkConfig sink = config.sinks().get(index);
        String at = "sinks[" + index + "]";
        if (sink instanceof OctetConfig.MqttSink m) {
            if (mqtt == null) {
                problems.add(new ConfigError(at + ".type", "no MQTT transport was given to the pipeline"));
                return null;
            }
            return new MqttResultSink(mqtt, m, config.gatewayId());
        }
        if (sink instanceof OctetConfig.StdoutSink o) {
            return new StdoutSink(stdout, o.json());
        }
        if (sink instanceof OctetConfig.FileSink f) {
            try {
                return new FileSink(f.path());
            } catch (IOException e) {
                problems.add(new ConfigError(at + ".path", "cannot open for appending: " + e.getMessage()));
                return null;
            }
        }
        throw new IllegalStateException("unknown sink " + sink);
    }
}
