package dev.octet.runtime.service.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.runtime.pipeline.source.RestartPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The re-registration pacing of the network sources, on a manual clock: doubling waits, capped, reset by data. */
class RetryBackoffTest {
    private static final RestartPolicy POLICY = new RestartPolicy(true, Duration.ofMillis(100), Duration.ofMillis(800));

    /** Ticks every 10 ms of manual time for {@code ms}, attempting whenever due; the attempt times, from 0. */
    private static List<Long> run(RetryBackoff backoff, RemoteSourceTest.Clock clock, long ms) {
        long start = clock.nanoTime();
        List<Long> at = new ArrayList<>();
        for (long t = 0; t <= ms; t += 10) {
            if (backoff.due()) {
                backoff.attempted();
                at.add((clock.nanoTime() - start) / 1_000_000);
            }
            clock.advanceMillis(10);
        }
        return at;
    }

    @Test
    void a_node_that_stays_away_is_retried_with_doubling_waits_up_to_the_maximum() {
        RemoteSourceTest.Clock clock = new RemoteSourceTest.Clock();
        RetryBackoff backoff = new RetryBackoff(POLICY, clock);
        // Waits 100, 200, 400, then 800 each: attempts at 0, 100, 300, 700, 1500, 2300, 3100, 3900.
        assertEquals(List.of(0L, 100L, 300L, 700L, 1500L, 2300L, 3100L, 3900L), run(backoff, clock, 4000));
        assertEquals(8, backoff.attempts());
        assertEquals(8, backoff.streak());
        assertEquals(401 - 8, backoff.deferred(), "every other tick was held back");
        // The old fixed-interval retry would have made 41 attempts (one per 100 ms) in the same time.
    }

    @Test
    void good_data_resets_the_backoff() {
        RemoteSourceTest.Clock clock = new RemoteSourceTest.Clock();
        RetryBackoff backoff = new RetryBackoff(POLICY, clock);
        run(backoff, clock, 1000); // attempts at 0, 100, 300, 700: the next would wait 800 ms
        assertEquals(4, backoff.streak());
        backoff.succeeded();
        assertEquals(0, backoff.streak());
        assertTrue(backoff.due(), "after good data a lost node is retried at once");
        // and the waits start again from the initial one
        assertEquals(List.of(0L, 100L, 300L), run(backoff, clock, 500));
    }
}
