package dev.octet.runtime.service.ota;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.runtime.TestModels;
import dev.octet.runtime.engine.Interpreter;
import dev.octet.runtime.engine.InterpreterOptions;
import dev.octet.runtime.engine.OpRegistry;
import dev.octet.runtime.model.BuiltinOperator;
import dev.octet.runtime.model.Model;
import dev.octet.runtime.model.ModelReader;
import dev.octet.runtime.pipeline.Backpressure;
import dev.octet.runtime.pipeline.InferenceResult;
import dev.octet.runtime.pipeline.ModelHandle;
import dev.octet.runtime.pipeline.ModelRunner;
import dev.octet.runtime.pipeline.Pipeline;
import dev.octet.runtime.pipeline.StreamHealth;
import dev.octet.runtime.pipeline.StreamPipeline;
import dev.octet.runtime.pipeline.StreamStatus;
import dev.octet.runtime.pipeline.config.OctetConfig.HealthWatchConfig;
import dev.octet.runtime.pipeline.postprocess.AnomalyScore;
import dev.octet.runtime.pipeline.preprocess.PreprocessChain;
import dev.octet.runtime.pipeline.preprocess.Shape;
import dev.octet.runtime.pipeline.source.ReplaySource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code health-errors} rollback against a real pipeline: a version that passed validation but whose every
 * window throws (its fully connected kernel faults at invoke) is watched the way {@link OtaService} watches it
 * ({@code max_errors: 0}, rollback on another thread), and the rollback is made to land only after the stream has
 * FAILED (fail_after = 3), the order that used to leave the stream discarding every window on the old version.
 */
class HealthWatchRollbackTest {
    private static final InterpreterOptions BROKEN = InterpreterOptions.defaults().withRegistry(
            OpRegistry.optimized().with(BuiltinOperator.FULLY_CONNECTED, context -> () -> {
                throw new IllegalStateException("kernel fault in v2");
            }));

    private final ExecutorService rollbacks = Executors.newSingleThreadExecutor();
    private Pipeline pipeline;

    @AfterEach
    void close() {
        rollbacks.shutdownNow();
        if (pipeline != null) {
            pipeline.close();
        }
    }

    private static void feed(StreamPipeline stream, float[] frames, int from, int to) {
        for (int f = from; f < to; f++) {
            stream.listener().onSample(f * 32_000_000L, f * 32_000L, frames, (f % 200) * 128);
        }
    }

    private static long handled(StreamPipeline s) {
        StreamStatus st = s.status();
        return st.inferences() + st.failures() + st.windowsDiscarded();
    }

    @Test
    void a_version_whose_windows_throw_is_rolled_back_and_the_stream_runs_on_the_old_version() throws Exception {
        Model ad = ModelReader.withDefaults().read(TestModels.path("ad01_fc_autoencoder_int8.tflite"));
        float[] frames = ReplaySource.float32(
                TestModels.bytes("testdata/ad01_normal_id_01_00000000_hist_librosa.bin"));
        StreamPipeline stream = new StreamPipeline("toycar", null, 5, 1, 128, 64, Backpressure.BLOCK,
                PreprocessChain.builder(Shape.samples(5, 128)).build(),
                new ModelRunner(new ModelHandle("ad01", "1", Interpreter.create(ad)), 640),
                List.of(new AnomalyScore(640, 640, 20.0)), 3, 2, null);
        List<InferenceResult> results = Collections.synchronizedList(new ArrayList<>());
        pipeline = new Pipeline("gw", List.of(stream), 256, Backpressure.BLOCK, List.of(results::add));

        AtomicReference<Future<?>> rollback = new AtomicReference<>();
        HealthWatch[] watch = new HealthWatch[1];
        watch[0] = new HealthWatch(new HealthWatchConfig(5, 0, null, 5, true, true, null, 0),
                (version, reason) -> rollback.set(rollbacks.submit(() -> {
                    await().atMost(Duration.ofSeconds(30)).until(() -> stream.health() == StreamHealth.FAILED);
                    watch[0].disarm();
                    pipeline.swapModel("ad01", ad, "1", InterpreterOptions.defaults());
                })));
        stream.observe(new StreamPipeline.WindowObserver() { // as OtaService.attach
            @Override
            public void ran(String streamId, ModelHandle model, float[] input, float[] output, InferenceResult r) {
                watch[0].ran(r, output);
            }

            @Override
            public void failed(String streamId, ModelHandle model, Throwable error) {
                if (model != null) {
                    watch[0].failed(model.version());
                }
            }
        });
        pipeline.start();
        feed(stream, frames, 0, 14);                                   // windows 0..9 on v1
        await().atMost(Duration.ofSeconds(30)).until(() -> results.size() == 10);

        watch[0].arm(2, "2");
        pipeline.swapModel("ad01", ad, "2", BROKEN);
        feed(stream, frames, 14, 24);                                  // windows 10..19: v2 throws
        await().atMost(Duration.ofSeconds(30)).until(() -> rollback.get() != null && rollback.get().isDone()
                && handled(stream) == 20);
        rollback.get().get();
        assertEquals(HealthWatch.Outcome.FAILED, watch[0].outcome());
        assertTrue(watch[0].lastReason().startsWith("health-errors"), watch[0].lastReason());
        assertEquals(3, stream.status().failures(), "the stream FAILED before the rollback landed");
        assertEquals(StreamHealth.OK, stream.health(), "the rollback swap lets the stream run again");

        feed(stream, frames, 24, 34);                                  // windows 20..29
        await().atMost(Duration.ofSeconds(30)).until(() -> results.size() == 20);
        for (int i = 10; i < 20; i++) {
            assertEquals(i + 10, results.get(i).windowSequence());
            assertEquals("1", results.get(i).modelVersion(), "results with the old version continue");
        }
        assertEquals(StreamHealth.OK, stream.health());
    }
}
