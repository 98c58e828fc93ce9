package dev.octet.runtime.pipeline;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.octet.runtime.engine.Interpreter;
import java.lang.ref.WeakReference;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The health tracker remembers which model a stream runs by id and version only: an interpreter swapped out (by the
 * kernel warm-up, which the tracker is not told of, or by an update) must not stay reachable through it, or every
 * stream would keep its first interpreter's weights and arena for the life of the process.
 */
class HealthTrackerRetentionTest {
    @Test
    void theTrackerDoesNotKeepAModelsInterpreterAlive() {
        HealthTracker tracker = new HealthTracker(3, 2, null);
        WeakReference<Interpreter> first = swapIn(tracker, "bundled");

        await().atMost(Duration.ofSeconds(10)).until(() -> {
            System.gc();
            return first.get() == null;
        });
        // The remembered identity still works: a failure on that version counts against the stream as usual.
        tracker.windowFailed("boom", PipelineTestSupport.ad("bundled"));
        assertEquals(StreamHealth.DEGRADED, tracker.health());
    }

    @Test
    void aFailureOnAReplacedVersionOnlyDegrades() {
        HealthTracker tracker = new HealthTracker(1, 2, null);
        swapIn(tracker, "v2");
        tracker.windowFailed("late failure of the old version", PipelineTestSupport.ad("v1"));
        assertEquals(StreamHealth.DEGRADED, tracker.health());
        tracker.windowFailed("failure of the current version", PipelineTestSupport.ad("v2"));
        assertEquals(StreamHealth.FAILED, tracker.health());
    }

    /** Tells the tracker of a new handle and returns a weak reference to its interpreter only. */
    private static WeakReference<Interpreter> swapIn(HealthTracker tracker, String version) {
        ModelHandle handle = PipelineTestSupport.ad(version);
        tracker.modelSwapped(handle);
        return new WeakReference<>(handle.interpreter());
    }
}
