package dev.octet.runtime.pipeline.source;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.runtime.pipeline.HealthTracker;
import dev.octet.runtime.pipeline.StreamHealth;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SupervisedSourceTest {
    /** A source the test drives by hand through the listener it was started with. */
    static final class Scripted implements SampleSource {
        volatile SampleListener listener;
        volatile boolean closed;

        @Override
        public void start(SampleListener l) {
            listener = l;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** Records what reaches the stream. */
    static final class Downstream implements SampleListener {
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Override
        public void onSample(long nanos, long epochMicros, float[] values, int offset) {
            calls.add("sample " + values[offset]);
        }

        @Override
        public void onError(String message, Throwable cause, boolean fatal) {
            calls.add((fatal ? "fatal " : "error ") + message);
        }

        @Override
        public void onEnd() {
            calls.add("end");
        }

        @Override
        public void onRestart(long attempt, String why) {
            calls.add("restart " + attempt);
        }
    }

    private static final RestartPolicy FAST = new RestartPolicy(true, Duration.ofMillis(1), Duration.ofMillis(4));

    @Test
    void backoff_doubles_from_initial_to_max() {
        RestartPolicy p = new RestartPolicy(true, Duration.ofMillis(100), Duration.ofMillis(1000));
        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            waits.add(p.delay(i).toMillis());
        }
        assertEquals(List.of(100L, 200L, 400L, 800L, 1000L, 1000L), waits);
        assertEquals(60_000, RestartPolicy.DEFAULT.delay(1000).toMillis());
    }

    @Test
    void a_fatal_error_closes_the_source_and_starts_a_reopened_one_ignoring_the_old_one() throws Exception {
        List<Scripted> opened = new CopyOnWriteArrayList<>();
        Scripted first = new Scripted();
        SupervisedSource s = new SupervisedSource("x", first, () -> {
            Scripted next = new Scripted();
            opened.add(next);
            return next;
        }, FAST);
        Downstream d = new Downstream();
        s.start(d);
        first.listener.onSample(0, 0, new float[] {1}, 0);
        first.listener.onError("gone", null, true);
        first.listener.onEnd(); // a failing source may end its run too: a restart follows, not the end
        await().until(() -> opened.size() == 1 && opened.get(0).listener != null);
        assertTrue(first.closed);
        first.listener.onSample(0, 0, new float[] {99}, 0); // late callback of the replaced source: ignored
        opened.get(0).listener.onSample(0, 0, new float[] {2}, 0);
        assertEquals(List.of("sample 1.0", "fatal gone", "restart 1", "sample 2.0"), d.calls);
        assertEquals(1, s.restarts());

        opened.get(0).listener.onEnd(); // an end without error ends the stream
        assertEquals("end", d.calls.get(d.calls.size() - 1));
        s.close();
        assertTrue(opened.get(0).closed);
    }

    @Test
    void a_source_that_cannot_be_reopened_is_retried() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        Scripted first = new Scripted();
        List<Scripted> opened = new CopyOnWriteArrayList<>();
        SupervisedSource s = new SupervisedSource("x", first, () -> {
            if (attempts.incrementAndGet() < 3) {
                throw new IOException("bus missing");
            }
            Scripted next = new Scripted();
            opened.add(next);
            return next;
        }, FAST);
        Downstream d = new Downstream();
        s.start(d);
        first.listener.onError("gone", null, true);
        await().until(() -> opened.size() == 1 && opened.get(0).listener != null);
        assertEquals(3, s.restarts());
        assertEquals(List.of("fatal gone", "restart 3"), d.calls);
        s.close();
    }

    @Test
    void closing_stops_pending_restarts() {
        AtomicInteger attempts = new AtomicInteger();
        Scripted first = new Scripted();
        SupervisedSource s = new SupervisedSource("x", first, () -> {
            attempts.incrementAndGet();
            return new Scripted();
        }, new RestartPolicy(true, Duration.ofHours(1), Duration.ofHours(1)));
        s.start(new Downstream());
        first.listener.onError("gone", null, true);
        s.close();
        assertTrue(first.closed);
        assertEquals(0, attempts.get());
    }

    @Test
    void health_goes_from_failed_through_recovering_to_ok_when_data_flows() {
        List<StreamHealth> changes = new CopyOnWriteArrayList<>();
        HealthTracker h = new HealthTracker(3, 10, (health, why) -> changes.add(health));
        h.sourceError("DEVICE_GONE", true);
        assertEquals(StreamHealth.FAILED, h.health());
        h.dataFlows("too early"); // not recovering: nothing
        assertEquals(StreamHealth.FAILED, h.health());
        h.restarting("recovering: restart 1 after: DEVICE_GONE");
        assertTrue(h.recovering());
        h.sourceError("I/O error", false); // the reopened device is still away
        assertEquals(StreamHealth.FAILED, h.health());
        assertTrue(h.reason().contains("restart 1"));
        h.sourceError("DEVICE_GONE again", true);
        assertTrue(!h.recovering() && h.reason().contains("again"), "a failed attempt says so");
        h.restarting("recovering: restart 2");
        h.dataFlows("samples flow again");
        assertEquals(StreamHealth.OK, h.health());
        assertEquals(List.of(StreamHealth.FAILED, StreamHealth.OK), changes);
    }
}
