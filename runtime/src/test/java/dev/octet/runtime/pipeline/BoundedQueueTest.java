package dev.octet.runtime.pipeline;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.octet.runtime.pipeline.window.WindowBuffer;
import dev.octet.runtime.pipeline.window.WindowQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class BoundedQueueTest {

    private static List<Integer> drain(BoundedQueue<Integer> q) {
        List<Integer> out = new ArrayList<>();
        Integer x;
        while ((x = q.poll()) != null) {
            out.add(x);
        }
        return out;
    }

    @Test
    void drop_newest_refuses_the_offered_item_when_full_and_counts_it() throws InterruptedException {
        BoundedQueue<Integer> q = new BoundedQueue<>(3, Backpressure.DROP_NEWEST);
        for (int i = 0; i < 5; i++) {
            Integer rejected = q.offer(i);
            assertEquals(i < 3 ? null : Integer.valueOf(i), rejected);
        }
        assertEquals(List.of(0, 1, 2), drain(q));
        BoundedQueue.Stats s = q.stats();
        assertEquals(3, s.accepted());
        assertEquals(2, s.dropped());
        assertEquals(3, s.taken());
        assertEquals(3, s.highWater());
    }

    @Test
    void drop_oldest_evicts_the_head_to_keep_the_freshest_items() throws InterruptedException {
        BoundedQueue<Integer> q = new BoundedQueue<>(3, Backpressure.DROP_OLDEST);
        List<Integer> evicted = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            Integer e = q.offer(i);
            if (e != null) {
                evicted.add(e);
            }
        }
        assertEquals(List.of(0, 1, 2, 3), evicted);
        assertEquals(List.of(4, 5, 6), drain(q));
        assertEquals(7, q.stats().accepted());
        assertEquals(4, q.stats().dropped());
    }

    @Test
    void block_makes_the_producer_wait_until_the_consumer_takes() throws Exception {
        BoundedQueue<Integer> q = new BoundedQueue<>(2, Backpressure.BLOCK);
        q.offer(0);
        q.offer(1);
        AtomicReference<Integer> returned = new AtomicReference<>(-1);
        Thread producer = new Thread(() -> {
            try {
                returned.set(q.offer(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        producer.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> producer.getState() == Thread.State.WAITING);
        assertEquals(2, q.size(), "the third item must wait");
        assertEquals(0, q.take());
        producer.join(10_000);
        assertNull(returned.get());
        assertEquals(List.of(1, 2), drain(q));
        assertEquals(0, q.stats().dropped());
    }

    @Test
    void close_wakes_a_blocked_producer_whose_item_is_then_counted_as_dropped() throws Exception {
        BoundedQueue<Integer> q = new BoundedQueue<>(1, Backpressure.BLOCK);
        q.offer(0);
        AtomicReference<Integer> returned = new AtomicReference<>();
        Thread producer = new Thread(() -> {
            try {
                returned.set(q.offer(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        producer.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> producer.getState() == Thread.State.WAITING);
        q.close();
        producer.join(10_000);
        assertEquals(1, returned.get());
        assertEquals(1, q.stats().dropped());
        assertEquals(0, q.take(), "queued items are still delivered after close");
        assertNull(q.take(), "then take returns null instead of waiting");
    }

    @Test
    void window_queue_recycles_dropped_windows_so_the_pool_never_runs_dry() throws InterruptedException {
        WindowQueue q = new WindowQueue(2, 1, 2, Backpressure.DROP_OLDEST);
        for (int i = 0; i < 50; i++) {
            WindowBuffer b = q.acquire();
            b.span().set(i, 0, 0, 0, 0);
            q.publish(b);
        }
        assertEquals(48, q.stats().dropped());
        WindowBuffer first = q.take();
        assertEquals(48, first.sequence());
        q.release(first);
        WindowBuffer second = q.take();
        assertEquals(49, second.sequence());
        q.release(second);
        // capacity + 2 buffers circulate; acquiring again hands back one of them
        WindowBuffer again = q.acquire();
        assertEquals(2, again.frames());
        q.release(again);
    }

    @Test
    void window_queue_drop_newest_keeps_the_first_windows() throws InterruptedException {
        WindowQueue q = new WindowQueue(1, 1, 3, Backpressure.DROP_NEWEST);
        for (int i = 0; i < 10; i++) {
            WindowBuffer b = q.acquire();
            b.span().set(i, 0, 0, 0, 0);
            q.publish(b);
        }
        q.close();
        List<Long> seen = new ArrayList<>();
        WindowBuffer b;
        while ((b = q.take()) != null) {
            seen.add(b.sequence());
            q.release(b);
        }
        assertEquals(List.of(0L, 1L, 2L), seen);
        assertEquals(7, q.stats().dropped());
        assertSame(Backpressure.DROP_NEWEST, q.stats().policy());
    }

    @Test
    void window_queue_makes_buffers_only_as_the_backlog_needs_them() throws InterruptedException {
        WindowQueue q = new WindowQueue(96, 288, 8, Backpressure.DROP_OLDEST);
        assertEquals(1, q.buffersMade(), "one buffer up front");
        for (int i = 0; i < 100; i++) { // a worker that keeps up: each window is taken before the next is filled
            WindowBuffer b = q.acquire();
            b.span().set(i, 0, 0, 0, 0);
            q.publish(b);
            q.release(q.take());
        }
        assertEquals(1, q.buffersMade(), "a worker that keeps up reuses one buffer");

        for (int i = 0; i < 40; i++) { // the worker stalls: the backlog grows to the capacity, then drops the oldest
            WindowBuffer b = q.acquire();
            b.span().set(100 + i, 0, 0, 0, 0);
            q.publish(b);
        }
        assertEquals(9, q.buffersMade(), "capacity queued plus the dropped one, recycled for the next window");
        assertEquals(32, q.stats().dropped());
        WindowBuffer held = q.take();
        assertEquals(132, held.sequence(), "the oldest were dropped");
        WindowBuffer filling = q.acquire(); // the recycled one
        WindowBuffer another = q.acquire(); // breaks the one-at-a-time contract: only to reach the limit
        assertEquals(10, q.buffersMade(), "capacity + 2 at most: queued, filling, processing");
        assertThrows(IllegalStateException.class, q::acquire);
        q.publish(filling);
        q.release(another);
        q.release(held);
    }
}
