package dev.octet.runtime.pipeline.window;

import dev.octet.runtime.pipeline.Backpressure;
import dev.octet.runtime.pipeline.BoundedQueue;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * The bounded hand-over of windows from a stream's {@link Windower} (source thread) to its worker, with a fixed
 * pool of reusable buffers so that nothing is allocated per window either.
 *
 * <p>The pool holds {@code capacity + 2} buffers: at most {@code capacity} queued, one being filled by the
 * windower and one being processed by the worker, so {@link #acquire()} always finds a free one. Dropped windows
 * (by the policy) go straight back to the pool and are counted in {@link #stats()}.
 */
public final class WindowQueue implements WindowSink {
    private final BoundedQueue<WindowBuffer> queue;
    private final ArrayBlockingQueue<WindowBuffer> free;

    public WindowQueue(int frames, int channels, int capacity, Backpressure policy) {
        this.queue = new BoundedQueue<>(capacity, policy);
        this.free = new ArrayBlockingQueue<>(capacity + 2);
        for (int i = 0; i < capacity + 2; i++) {
            free.add(new WindowBuffer(frames, channels));
        }
    }

    @Override
    public WindowBuffer acquire() {
        WindowBuffer buffer = free.poll();
        if (buffer == null) {
            // Only possible if a consumer holds more than one buffer at a time, which breaks the contract.
            throw new IllegalStateException("window pool exhausted: release each window before taking the next");
        }
        return buffer;
    }

    /**
     * Queues a filled window; under {@code BLOCK} this waits for room. If the thread is interrupted while
     * waiting, the window is dropped (counted) and the interrupt flag is restored.
     */
    @Override
    public void publish(WindowBuffer window) {
        WindowBuffer droppedWindow;
        try {
            droppedWindow = queue.offer(window);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            droppedWindow = window;
        }
        if (droppedWindow != null) {
            free.offer(droppedWindow);
        }
    }

    /** The next window, waiting for one; null once the queue is closed and drained. Release it after use. */
    public WindowBuffer take() throws InterruptedException {
        return queue.take();
    }

    /**
     * The next window, waiting at most {@code timeout}; null if none came in time or the queue is closed and
     * drained. Release it after use. (For consumers with a deadline, such as a recording.)
     */
    public WindowBuffer poll(long timeout, java.util.concurrent.TimeUnit unit) throws InterruptedException {
        return queue.poll(timeout, unit);
    }

    /** Gives a window taken with {@link #take()} back to the pool. */
    public void release(WindowBuffer window) {
        free.offer(window);
    }

    /** No more windows are accepted; the consumer drains what is queued. */
    public void close() {
        queue.close();
    }

    public BoundedQueue.Stats stats() {
        return queue.stats();
    }
}
