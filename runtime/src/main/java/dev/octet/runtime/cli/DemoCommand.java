package dev.octet.runtime.cli;

import dev.octet.runtime.json.Json;
import dev.octet.runtime.json.JsonParseException;
import dev.octet.runtime.json.JsonValue;
import dev.octet.mqtt.InProcessBroker;
import dev.octet.mqtt.LinkState;
import dev.octet.mqtt.MqttLink;
import dev.octet.mqtt.MqttSettings;
import dev.octet.runtime.pipeline.config.ConfigException;
import dev.octet.runtime.pipeline.config.ConfigLoader;
import dev.octet.runtime.pipeline.config.OctetConfig;
import dev.octet.runtime.pipeline.config.OctetConfig.AnomalyScorePost;
import dev.octet.runtime.pipeline.config.OctetConfig.MqttConfig;
import dev.octet.runtime.pipeline.config.OctetConfig.MqttSink;
import dev.octet.runtime.pipeline.config.OctetConfig.PostprocessConfig;
import dev.octet.runtime.pipeline.config.OctetConfig.SourceConfig;
import dev.octet.runtime.pipeline.config.OctetConfig.StreamConfig;
import dev.octet.runtime.service.GatewayService;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code octet demo}: the whole gateway flow with nothing installed. It starts an in-process MQTT broker on a free
 * loopback port, runs the bundled {@code demo.yaml} pipeline (the bundled ToyADMOS log-mel spectrogram replayed as a
 * stream, 5-frame windows, the MLPerf Tiny anomaly-detection autoencoder, an anomaly score per window) publishing
 * its results to that broker through the durable outbox, and subscribes to the results topic like a dashboard
 * would, printing every result as it arrives. The replay is finite, so the demo ends by itself unless
 * {@code --follow} loops it in real time.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Runs the whole gateway flow with nothing installed: an in-process MQTT broker, the bundled "
                + "anomaly-detection model over a bundled, replayed machine-sound spectrogram, and a subscriber that "
                + "prints each published result.")
final class DemoCommand implements java.util.concurrent.Callable<Integer> {
    static final String CONFIG = "/dev/octet/demo/demo.yaml";
    /** Held so that the level sticks (JUL keeps loggers weakly). */
    private static final java.util.logging.Logger QUIET = java.util.logging.Logger.getLogger("dev.octet");

    @Option(names = "--windows", paramLabel = "N", description = "Stop after N results (default: the whole clip, 196).")
    Integer windows;

    @Option(names = "--threshold", paramLabel = "SCORE",
            description = "Scores above this are flagged as anomalies. Default: the configuration's (20.0).")
    Double threshold;

    @Option(names = {"--follow", "--loop"},
            description = "Replay the clip in a loop, in real time (31.25 frames/s), until Ctrl-C.")
    boolean follow;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        QUIET.setLevel(java.util.logging.Level.WARNING); // the connection log lines would drown the results
        OctetConfig bundled = ConfigLoader.parse(bundledYaml(), Path.of("demo.yaml"));
        Path state = Files.createTempDirectory("octet-demo-");
        try (InProcessBroker broker = InProcessBroker.builder().maxQueuedMessages(100_000).start()) {
            OctetConfig config = withBroker(bundled, broker.uri());
            String topic = ((MqttSink) config.sinks().get(0)).topicFor(config.gatewayId(), "+", "+");
            StreamConfig stream = config.streams().get(0);
            out.printf("Octet demo: MLPerf Tiny anomaly detection (FC autoencoder, int8) on a replayed ToyADMOS clip%n");
            out.printf("broker: in-process MQTT at mqtt://127.0.0.1:%d, results on topic %s%n", broker.port(),
                    ((MqttSink) config.sinks().get(0)).topicFor(config.gatewayId(), stream.id(), stream.model()));
            out.printf("stream: %s (%s), windows of %d frames x %d bins, stride %d -> model %s%n%n", stream.id(),
                    stream.source().type(), stream.windows().size(), stream.channels(), stream.windows().stride(),
                    stream.model());
            out.flush();

            Printer printer = new Printer(out, windows == null ? Long.MAX_VALUE : windows);
            try (MqttLink subscriber = MqttLink.start(MqttSettings.builder(broker.uri(), "octet-demo-dashboard")
                    .noAvailabilityTopic().build())) {
                awaitConnected(subscriber);
                subscriber.subscribe(topic, 1, m -> printer.accept(m.payloadText())).get(10, TimeUnit.SECONDS);
                GatewayService service = GatewayService.create(config, GatewayService.Options.defaults()
                        .withStateDir(state).withStdout(System.out));
                double limit = threshold(stream);
                Thread hook = new Thread(() -> { // Ctrl-C: stop, summarize, clean up (the main thread never resumes)
                    service.close();
                    printer.summary(limit);
                    deleteTree(state);
                }, "octet-demo-shutdown");
                Runtime.getRuntime().addShutdownHook(hook);
                try {
                    service.start();
                    if (follow || windows != null) {
                        printer.enough.await(); // Ctrl-C ends it through the hook when following
                    } else {
                        if (!service.awaitCompletion(Duration.ofMinutes(5))) {
                            throw new IOException("the demo did not finish within 5 minutes");
                        }
                        printer.awaitCount(service.pipeline().delivered(), Duration.ofSeconds(30));
                    }
                } finally {
                    service.close();
                    try {
                        Runtime.getRuntime().removeShutdownHook(hook);
                    } catch (IllegalStateException shuttingDown) {
                        // Ctrl-C: the hook closes the service
                    }
                }
            }
            printer.summary(threshold(stream));
        } finally {
            deleteTree(state);
        }
        out.flush();
        return 0;
    }

    private double threshold(StreamConfig s) {
        return s.postprocess().stream().filter(AnomalyScorePost.class::isInstance).map(AnomalyScorePost.class::cast)
                .findFirst().map(AnomalyScorePost::threshold).orElse(Double.NaN);
    }

    /** The bundled configuration with an MQTT sink to {@code uri} instead of stdout, and the command's options. */
    private OctetConfig withBroker(OctetConfig c, String uri) {
        List<StreamConfig> streams = new ArrayList<>();
        for (StreamConfig s : c.streams()) {
            List<PostprocessConfig> post = new ArrayList<>();
            for (PostprocessConfig p : s.postprocess()) {
                post.add(p instanceof AnomalyScorePost a && threshold != null ? new AnomalyScorePost(threshold) : p);
            }
            SourceConfig source = s.source();
            if (follow) {
                Map<String, Object> params = new LinkedHashMap<>(source.parameters());
                params.put("loop", true);
                params.put("pace", true);
                source = new SourceConfig(source.type(), params);
            }
            streams.add(new StreamConfig(s.id(), source, s.sampleRateHz(), s.channels(), s.windows(), s.preprocess(),
                    s.model(), post, s.queue()));
        }
        return new OctetConfig(c.file(), c.gatewayId(), c.models(), streams,
                List.of(new MqttSink("octet/{gateway}/{stream}/inference", 1, false)), c.resultQueue(), c.health(),
                Optional.of(new MqttConfig(uri, "octet-" + c.gatewayId(), null, null, null, 30)), c.http());
    }

    static String bundledYaml() throws IOException {
        try (InputStream in = DemoCommand.class.getResourceAsStream(CONFIG)) {
            if (in == null) {
                throw new IOException("bundled resource missing: " + CONFIG);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void awaitConnected(MqttLink link) throws InterruptedException, IOException {
        CountDownLatch up = new CountDownLatch(1);
        link.addListener((from, to) -> {
            if (to == LinkState.CONNECTED) {
                up.countDown();
            }
        });
        if (!link.isConnected() && !up.await(10, TimeUnit.SECONDS)) {
            throw new IOException("cannot connect to the in-process broker");
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory; best effort
        }
    }

    /** Prints results as the subscriber receives them (Paho's callback thread), once per window sequence. */
    private static final class Printer {
        private final PrintWriter out;
        private final long limit;
        private final CountDownLatch enough = new CountDownLatch(1);
        private long lastSeq = -1;
        private long count;
        private long flagged;
        private double sum;
        private long latencyMicros;

        Printer(PrintWriter out, long limit) {
            this.out = out;
            this.limit = limit;
        }

        synchronized void accept(String payload) {
            if (count >= limit) {
                return;
            }
            try {
                JsonValue r = Json.parse(payload);
                long seq = r.get("window").get("seq").asNumber().longValue();
                if (seq <= lastSeq && lastSeq - seq < 1000) {
                    return; // a QoS 1 redelivery (looping replays restart their sequence far below)
                }
                lastSeq = seq;
                JsonValue o = r.get("outputs");
                double score = o.get("score").asNumber().doubleValue();
                boolean anomaly = o.get("anomaly") != null && o.get("anomaly").asBoolean();
                count++;
                sum += score;
                flagged += anomaly ? 1 : 0;
                latencyMicros += r.get("latency_us") == null ? 0 : r.get("latency_us").asNumber().longValue();
                out.printf("window %3d  score %8.4f%s%n", seq, score, anomaly ? "  ANOMALY" : "");
                out.flush();
                notifyAll();
                if (count >= limit) {
                    enough.countDown();
                }
            } catch (JsonParseException | RuntimeException e) {
                out.println("unreadable result: " + payload);
            }
        }

        synchronized void awaitCount(long n, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (count < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }

        synchronized void summary(double threshold) {
            if (count == 0) {
                out.println("no results received");
                return;
            }
            out.printf("%nwindows %d, mean score %.4f, flagged %d (threshold %.1f), mean inference %.1f us%n",
                    count, sum / count, flagged, threshold, (double) latencyMicros / count);
        }
    }
}
