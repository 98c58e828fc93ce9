package dev.octet.runtime.pipeline.window;

import dev.octet.runtime.pipeline.Backpressure;
import dev.octet.runtime.pipeline.BoundedQueue;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * The bounded hand-over of windows from a stream's {@link Windower} (source thread) to its worker, with a pool of
 * reusable buffers so that nothing is allocated per window either.
 *
 * <p>The pool holds at most {@code capacity + 2} buffers: at most {@code capacity} queued, one being filled by the
 * windower and one being processed by the worker, so {@link #acquire()} always finds a free one. Buffers are made
 * as the pool first needs them, not up front: a worker that keeps up uses two or three, and a camera stream's
 * windows are about 100 KB each, so a full pool of idle buffers would be most of a gateway's window memory.
 * Dropped windows (by the policy) go straight back to the pool and are counted in {@link #stats()}.
 */
public final class WindowQueue implements WindowSink {
    private final BoundedQueue<WindowBuffer> queue;
    private final ArrayBlockingQueue<WindowBuffer> free;
    private final int frames;
    private final int channels;
    private final int limit;
    /** Buffers made so far (guarded by this). */
    private int made;

    public WindowQueue(int frames, int channels, int capacity, Backpressure policy) {
        this.queue = new BoundedQueue<>(capacity, policy);
        this.limit = capacity + 2;
        this.free = new ArrayBlockingQueue<>(limit);
        this.frames = frames;
        this.channels = channels;
        free.add(newBuffer()); // the first window's, and a size check at construction rather than at the first sample
    }

    @Override
    public WindowBuffer acquire() {
        WindowBuffer buffer = free.poll();
        if (buffer != null) {
            return buffer;
        }
        synchronized (this) {
            if (made < limit) {
                return newBuffer();
            }
        }
        // Only possible if a consumer holds more than one buffer at a time, which breaks the contract.
        throw new IllegalStateException("window pool exhausted: release each window before taking the next");
    }

    /** Buffers the pool has made so far (at most capacity + 2). */
    public synchronized int buffersMade() {
        return made;
    }

    private synchronized WindowBuffer newBuffer() {
        made++;
        return new WindowBuffer(frames, channels);
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
