package dev.octet.runtime.service;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.octet.runtime.TestModels;
import dev.octet.runtime.engine.Interpreter;
import dev.octet.runtime.engine.KernelSelection;
import dev.octet.runtime.kernels.optimized.OptimizedKernels;
import dev.octet.runtime.pipeline.Bundled;
import dev.octet.runtime.pipeline.InferenceResult;
import dev.octet.runtime.pipeline.ModelHandle;
import dev.octet.runtime.pipeline.Pipeline;
import dev.octet.runtime.pipeline.PipelineFactory;
import dev.octet.runtime.pipeline.config.ConfigLoader;
import dev.octet.runtime.pipeline.config.OctetConfig;
import dev.octet.runtime.pipeline.source.ReplaySource;
import dev.octet.runtime.pipeline.source.SampleListener;
import dev.octet.runtime.pipeline.source.SampleSource;
import dev.octet.runtime.pipeline.source.SourceRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service's move from the scalar to the vector kernels: it happens between two windows of a running pipeline,
 * every window before and after gives exactly the bytes of a scalar-only run, and none is dropped or repeated.
 * The warm-up runs with {@code requireFaster = false} here, so nothing depends on timings.
 */
class KernelWarmupTest {
    private static final KernelWarmup.Settings TWO_INVOKES =
            new KernelWarmup.Settings(true, 2, 2, Duration.ofSeconds(60), false, Duration.ofSeconds(30));
    private static final int WINDOWS_PER_PHASE = 10;

    @TempDir
    Path dir;

    @Test
    void streams_move_to_the_vector_kernels_between_two_windows_with_identical_results_and_none_lost()
            throws Exception {
        assumeTrue(OptimizedKernels.vectorAvailable(), "needs --add-modules jdk.incubator.vector (surefire adds it)");
        OctetConfig config = ConfigLoader.load(writeConfig());
        Run warmed = run(config, true, 0);
        Run scalarOnly = run(config, false, warmed.middleWindows);

        assertEquals(List.of("kws", "ad"), warmed.outcomes.stream().map(KernelWarmup.Outcome::stream).toList());
        for (KernelWarmup.Outcome o : warmed.outcomes) {
            assertTrue(o.swapped(), o.toString());
        }
        for (Map.Entry<String, Interpreter> e : warmed.before.entrySet()) {
            assertNotSame(e.getValue(), warmed.after.get(e.getKey()), e.getKey() + " runs a new interpreter");
        }
        int windows = 2 * WINDOWS_PER_PHASE + warmed.middleWindows;
        assertEquals(2 * windows, warmed.results.size());
        for (String stream : List.of("kws", "ad")) {
            List<InferenceResult> w = warmed.of(stream);
            List<InferenceResult> s = scalarOnly.of(stream);
            assertEquals(windows, w.size(), stream + ": every window once");
            for (int i = 0; i < w.size(); i++) {
                assertEquals(i, w.get(i).windowSequence(), stream + ": in order, none skipped or repeated");
                assertEquals(s.get(i).modelVersion(), w.get(i).modelVersion(), "the same model version");
                assertEquals(s.get(i).outputs(), w.get(i).outputs(), stream + " window " + i
                        + (i < WINDOWS_PER_PHASE ? " (scalar)" : " (scalar or vector)"));
            }
        }
    }

    @Test
    void a_model_replaced_in_between_wins_over_the_warm_up_swap() throws Exception {
        OctetConfig config = ConfigLoader.load(writeConfig());
        Pipeline pipeline = PipelineFactory.defaults().withKernels(KernelSelection.SCALAR).build(config);
        try {
            var runner = pipeline.stream("ad").runner();
            ModelHandle original = runner.active();
            ModelHandle ota = new ModelHandle("ad01", "v2", Interpreter.create(original.interpreter().model()));
            runner.swap(ota);
            ModelHandle warmedCopy = new ModelHandle("ad01", original.version(),
                    Interpreter.create(original.interpreter().model()));
            assertFalse(runner.swapIf(original, warmedCopy));
            assertSame(ota, runner.active());
            assertTrue(runner.swapIf(ota, warmedCopy));
            assertSame(warmedCopy, runner.active());
        } finally {
            pipeline.close();
        }
    }

    @Test
    void a_model_put_in_place_by_an_update_is_warmed_up_too() throws Exception {
        assumeTrue(OptimizedKernels.vectorAvailable(), "needs --add-modules jdk.incubator.vector (surefire adds it)");
        OctetConfig config = ConfigLoader.load(writeConfig());
        Pipeline pipeline = PipelineFactory.defaults().withKernels(KernelSelection.SCALAR).build(config);
        try {
            // As after a restart from the OTA slot store: the stream runs version 2, not the configured file.
            var runner = pipeline.stream("ad").runner();
            ModelHandle updated = new ModelHandle("ad01", "2", Interpreter.create(runner.active().interpreter().model(),
                    runner.active().interpreter().options()));
            runner.swap(updated);
            KernelWarmup.Settings noWait = new KernelWarmup.Settings(true, 2, 2, Duration.ofSeconds(60), false,
                    Duration.ZERO);
            try (KernelWarmup w = KernelWarmup.start(pipeline, noWait, null)) {
                assertTrue(w.awaitDone(Duration.ofSeconds(60)), "warm-up finished");
                KernelWarmup.Outcome ad = w.outcomes().stream().filter(o -> o.stream().equals("ad")).findFirst()
                        .orElseThrow();
                assertTrue(ad.swapped(), ad.toString());
            }
            assertEquals("2", runner.active().version(), "still the updated version");
            assertNotSame(updated.interpreter(), runner.active().interpreter(), "now on the vector kernels");
        } finally {
            pipeline.close();
        }
    }

    @Test
    void switched_off_the_streams_start_on_auto_and_nothing_runs() throws Exception {
        KernelWarmup.Settings off = new KernelWarmup.Settings(false, 2, 2, Duration.ofSeconds(1), false, Duration.ZERO);
        assertEquals(KernelSelection.AUTO, KernelWarmup.initialKernels(off));
        OctetConfig config = ConfigLoader.load(writeConfig());
        Pipeline pipeline = PipelineFactory.defaults().build(config);
        try (KernelWarmup w = KernelWarmup.start(pipeline, off, null)) {
            assertTrue(w.awaitDone(Duration.ZERO));
            assertEquals(List.of(), w.outcomes());
        } finally {
            pipeline.close();
        }
    }

    /** Feeds two phases of windows; with {@code warm}, the warm-up runs (and must finish) between them. */
    private Run run(OctetConfig config, boolean warm, int middleWindows) throws Exception {
        Map<String, SampleListener> listeners = new ConcurrentHashMap<>();
        SourceRegistry sources = SourceRegistry.builtin().with("simulated", stream -> new SampleSource() {
            @Override
            public void start(SampleListener listener) {
                listeners.put(stream.id(), listener);
            }

            @Override
            public void close() {
            }
        });
        Run run = new Run();
        Pipeline pipeline = PipelineFactory.defaults().withSources(sources).withKernels(KernelSelection.SCALAR)
                .withSink(run.results::add).build(config);
        try {
            pipeline.start();
            Feeder feeder = new Feeder(listeners.get("kws"), listeners.get("ad"));
            feeder.windows(WINDOWS_PER_PHASE);
            await().atMost(Duration.ofSeconds(30)).until(() -> run.results.size() == 2 * WINDOWS_PER_PHASE);
            for (String s : List.of("kws", "ad")) {
                run.before.put(s, pipeline.stream(s).runner().active().interpreter());
            }
            if (warm) {
                // Windows keep arriving while the warm-up runs and swaps, so that each swap lands among windows in
                // flight (the queues block rather than drop); the scalar-only run is then fed as many.
                try (KernelWarmup w = KernelWarmup.start(pipeline, TWO_INVOKES, null)) {
                    while (!w.awaitDone(Duration.ZERO) && run.middleWindows < 2_000) {
                        feeder.windows(1);
                        run.middleWindows++;
                    }
                    assertTrue(w.awaitDone(Duration.ofSeconds(60)), "warm-up finished");
                    run.outcomes.addAll(w.outcomes());
                }
            } else {
                feeder.windows(middleWindows);
                run.middleWindows = middleWindows;
            }
            for (String s : List.of("kws", "ad")) {
                run.after.put(s, pipeline.stream(s).runner().active().interpreter());
            }
            feeder.windows(WINDOWS_PER_PHASE);
            listeners.values().forEach(SampleListener::onEnd);
            assertTrue(pipeline.awaitCompletion(Duration.ofSeconds(30)));
        } finally {
            pipeline.close();
        }
        return run;
    }

    private Path writeConfig() throws Exception {
        Path file = dir.resolve("warmup.yaml");
        Files.writeString(file, """
                gateway: {id: warm}
                models:
                  - {id: kws01, path: "%s"}
                  - {id: ad01, path: "%s"}
                streams:
                  - id: kws
                    source: {type: simulated}
                    sample_rate_hz: 50
                    channels: 10
                    windows: {size: 49, stride: 25}
                    preprocess: []
                    model: kws01
                    postprocess: [{dequantize: {include_outputs: true}}]
                    queue: {capacity: 64, backpressure: block}
                  - id: ad
                    source: {type: simulated}
                    sample_rate_hz: 31.25
                    channels: 128
                    windows: {size: 5, stride: 1}
                    preprocess: []
                    model: ad01
                    postprocess: [{dequantize: {include_outputs: true}}, {anomaly_score: {threshold: 20.0}}]
                    queue: {capacity: 64, backpressure: block}
                sinks:
                  - {type: file, path: "%s"}
                http: {port: 0}
                """.formatted(TestModels.path("kws01_dscnn_int8.tflite").toAbsolutePath(),
                TestModels.path("ad01_fc_autoencoder_int8.tflite").toAbsolutePath(),
                dir.resolve("results.jsonl")));
        return file;
    }

    /** Seeded KWS feature frames and the bundled AD spectrogram, a whole number of windows at a time. */
    private static final class Feeder {
        private final SampleListener kws;
        private final SampleListener ad;
        private final Random random = new Random(7);
        private final float[] frames;
        private final float[] kwsSample = new float[10];
        private int kwsSamples;
        private int adFrames;

        Feeder(SampleListener kws, SampleListener ad) throws Exception {
            this.kws = kws;
            this.ad = ad;
            this.frames = ReplaySource.float32(Bundled.read("bundled:ad01_spectrogram"));
        }

        void windows(int n) {
            int kwsTarget = kwsSamples == 0 ? 49 + 25 * (n - 1) : kwsSamples + 25 * n;
            while (kwsSamples < kwsTarget) {
                for (int c = 0; c < 10; c++) {
                    kwsSample[c] = -20 + 80 * random.nextFloat();
                }
                kws.onSample(kwsSamples * 20_000_000L, kwsSamples * 20_000L, kwsSample, 0);
                kwsSamples++;
            }
            int adTarget = adFrames == 0 ? 5 + (n - 1) : adFrames + n;
            while (adFrames < adTarget) {
                ad.onSample(adFrames * 32_000_000L, adFrames * 32_000L, frames, (adFrames % 200) * 128);
                adFrames++;
            }
        }
    }

    private static final class Run {
        final List<InferenceResult> results = Collections.synchronizedList(new ArrayList<>());
        final List<KernelWarmup.Outcome> outcomes = new ArrayList<>();
        final Map<String, Interpreter> before = new LinkedHashMap<>();
        final Map<String, Interpreter> after = new LinkedHashMap<>();
        int middleWindows;

        List<InferenceResult> of(String stream) {
            synchronized (results) {
                return results.stream().filter(r -> r.streamId().equals(stream)).toList();
            }
        }
    }
}
