package dev.octet.runtime.pipeline;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.runtime.engine.InterpreterOptions;
import dev.octet.runtime.engine.OpRegistry;
import dev.octet.runtime.model.BuiltinOperator;
import dev.octet.runtime.pipeline.postprocess.Outputs;
import dev.octet.runtime.pipeline.postprocess.Postprocessor;
import dev.octet.runtime.pipeline.preprocess.Shape;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A model whose windows fail (its fully connected kernel throws at invoke, as a bad OTA version might), swapped into
 * a running stream and back out: the stream's health and which model a failure is blamed on.
 */
class FailingModelSwapTest {
    /** Options whose interpreter prepares the AD model fine but throws on every invoke. */
    private static final InterpreterOptions BROKEN = InterpreterOptions.defaults().withRegistry(
            OpRegistry.optimized().with(BuiltinOperator.FULLY_CONNECTED, context -> () -> {
                throw new IllegalStateException("kernel fault in the new version");
            }));

    private final List<InferenceResult> results = Collections.synchronizedList(new ArrayList<>());
    private final List<String> blamed = new CopyOnWriteArrayList<>();
    private Pipeline pipeline;

    @AfterEach
    void close() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    /** Records the version each failed window is blamed on ("none" for no model). */
    private void observe(StreamPipeline stream) {
        stream.observe(new StreamPipeline.WindowObserver() {
            @Override
            public void ran(String streamId, ModelHandle model, float[] input, float[] output, InferenceResult r) {
            }

            @Override
            public void failed(String streamId, ModelHandle model, Throwable error) {
                blamed.add(model == null ? "none" : model.version());
            }
        });
    }

    private StreamPipeline start(List<Postprocessor> post) {
        StreamPipeline stream = PipelineTestSupport.adStream("s", 64, Backpressure.BLOCK, List.of(), post, null);
        observe(stream);
        pipeline = new Pipeline("gw", List.of(stream), 256, Backpressure.BLOCK, List.of(results::add));
        pipeline.start();
        return stream;
    }

    /** Windows the worker has finished with, whatever became of them. */
    private static long handled(StreamPipeline s) {
        StreamStatus st = s.status();
        return st.inferences() + st.failures() + st.windowsDiscarded();
    }

    @Test
    void a_stream_failed_by_a_bad_version_runs_again_once_the_old_version_is_swapped_back() {
        StreamPipeline stream = start(List.of());
        PipelineTestSupport.feed(stream, 0, 14);                       // windows 0..9 on v1
        await().atMost(Duration.ofSeconds(30)).until(() -> results.size() == 10);

        assertEquals(1, pipeline.swapModel("ad01", PipelineTestSupport.AD, "v2", BROKEN));
        PipelineTestSupport.feed(stream, 14, 24);                      // windows 10..19 on v2: all fail
        await().atMost(Duration.ofSeconds(30)).until(() -> handled(stream) == 20);
        assertEquals(StreamHealth.FAILED, stream.health(), "fail_after = 3 in the test streams");
        assertEquals(3, stream.status().failures());
        assertEquals(7, stream.status().windowsDiscarded());
        assertEquals(List.of("v2", "v2", "v2"), blamed, "the failures are the model's that ran them");

        // The rollback: v1 again. The FAILED came from failed windows, so the stream gets to run on v1.
        assertEquals(1, pipeline.swapModel("ad01", PipelineTestSupport.AD, "v1", InterpreterOptions.defaults()));
        assertEquals(StreamHealth.OK, stream.health());
        assertTrue(stream.status().reason().contains("swapped in"), stream.status().reason());
        PipelineTestSupport.feed(stream, 24, 34);                      // windows 20..29 on v1
        await().atMost(Duration.ofSeconds(30)).until(() -> results.size() == 20);
        assertEquals(StreamHealth.OK, stream.health());
        for (int i = 10; i < 20; i++) {
            assertEquals(i + 10, results.get(i).windowSequence());
            assertEquals("v1", results.get(i).modelVersion());
        }
        assertEquals(7, stream.status().windowsDiscarded(), "nothing discarded after the rollback");
    }

    @Test
    void a_swap_does_not_clear_a_failure_of_the_source() {
        StreamPipeline stream = start(List.of());
        stream.listener().onError("device disappeared", null, true);
        assertEquals(StreamHealth.FAILED, stream.health());
        pipeline.swapModel("ad01", PipelineTestSupport.AD, "v2", InterpreterOptions.defaults());
        assertEquals(StreamHealth.FAILED, stream.health(), "a model cannot fix the source");
        PipelineTestSupport.feed(stream, 0, 8);                        // 4 windows
        await().atMost(Duration.ofSeconds(30)).until(() -> handled(stream) == 4);
        assertEquals(4, stream.status().windowsDiscarded());
        assertTrue(stream.status().reason().contains("device disappeared"), stream.status().reason());
    }

    @Test
    void a_window_that_ran_on_the_old_model_and_failed_after_the_swap_is_blamed_on_the_old_model()
            throws Exception {
        ThrowAfterHold hold = new ThrowAfterHold(3);
        StreamPipeline stream = start(List.of(hold));
        PipelineTestSupport.feed(stream, 0, 10);                       // windows 0..5
        assertTrue(hold.entered.await(30, TimeUnit.SECONDS));          // window 3 has run v1, is postprocessed
        pipeline.swapModel("ad01", PipelineTestSupport.AD, "v2", InterpreterOptions.defaults());
        hold.release.countDown();                                      // ... and now fails
        await().atMost(Duration.ofSeconds(30)).until(() -> results.size() == 5 && blamed.size() == 1);

        assertEquals(List.of("v1"), blamed, "not v2, which was active when the failure was caught");
        assertEquals(List.of("v1", "v1", "v1", "v2", "v2"),
                results.stream().map(InferenceResult::modelVersion).toList());
        assertEquals(1, stream.status().failures());
    }

    @Test
    void a_window_failing_in_preprocessing_is_blamed_on_no_model() {
        StreamPipeline stream = PipelineTestSupport.adStream("s", 64, Backpressure.BLOCK,
                List.of(PipelineTestSupport.failing(Shape.samples(5, 128))), List.of(), null);
        observe(stream);
        pipeline = new Pipeline("gw", List.of(stream), 256, Backpressure.BLOCK, List.of(results::add));
        pipeline.start();
        PipelineTestSupport.feed(stream, 0, 6);                        // 2 windows
        await().atMost(Duration.ofSeconds(30)).until(() -> blamed.size() == 2);
        assertEquals(List.of("none", "none"), blamed);
    }

    @Test
    void a_failure_on_a_swapped_out_model_does_not_fail_the_stream_on_its_successor() {
        HealthTracker tracker = new HealthTracker(1, 2, null);
        ModelHandle v1 = PipelineTestSupport.ad("v1");
        ModelHandle v2 = PipelineTestSupport.ad("v2");
        tracker.modelSwapped(v1);
        tracker.modelSwapped(v2);
        tracker.windowFailed("late failure", v1);
        assertEquals(StreamHealth.DEGRADED, tracker.health(), "fail_after = 1, but v1 is no longer running");
        // A warmed-up copy of v2 (another interpreter, same id and version) is still v2.
        tracker.windowFailed("v2 fails", PipelineTestSupport.ad("v2"));
        assertEquals(StreamHealth.FAILED, tracker.health());
        tracker.modelSwapped(v1);
        assertEquals(StreamHealth.OK, tracker.health());
        tracker.windowFailed("preprocessing", null);
        assertEquals(StreamHealth.FAILED, tracker.health(), "no model to blame: counted for the stream");
    }

    /** Holds the worker in window {@code sequence} (after its model ran) until released, then throws. */
    private static final class ThrowAfterHold implements Postprocessor {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        private final long sequence;
        private long seen = -1;

        ThrowAfterHold(long sequence) {
            this.sequence = sequence;
        }

        @Override
        public String name() {
            return "throw-after-hold";
        }

        @Override
        public void apply(float[] modelInput, float[] output, Outputs.Builder into) {
            if (++seen != sequence) {
                return;
            }
            entered.countDown();
            try {
                if (!release.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("never released");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("postprocessing fault");
        }
    }
}
