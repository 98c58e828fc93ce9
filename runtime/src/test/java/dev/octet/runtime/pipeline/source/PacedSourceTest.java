package dev.octet.runtime.pipeline.source;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A paced source hands on its samples in blocks of at most one pacing quantum, each with its own timestamp. */
class PacedSourceTest {
    @Test
    void aSixteenKilohertzSourceWakesUpOncePerQuantumNotOncePerSample() {
        double rate = 16_000;
        SimulatedSource source = new SimulatedSource("mic", 1, rate, "sine_noise", 440, 0.3, 0.01, 4, 0.25, true);
        AtomicLong samples = new AtomicLong();
        AtomicLong previous = new AtomicLong(Long.MIN_VALUE);
        AtomicBoolean evenlySpaced = new AtomicBoolean(true);
        AtomicBoolean ended = new AtomicBoolean();
        source.start(new SampleListener() {
            @Override
            public void onSample(long nanos, long epochMicros, float[] values, int offset) {
                long before = previous.getAndSet(nanos);
                if (before != Long.MIN_VALUE && nanos - before != source.periodNanos()) {
                    evenlySpaced.set(false);
                }
                samples.incrementAndGet();
            }

            @Override
            public void onError(String message, Throwable cause, boolean fatal) {
            }

            @Override
            public void onEnd() {
                ended.set(true);
            }
        });
        await().atMost(Duration.ofSeconds(10)).untilTrue(ended);
        source.close();

        assertEquals(4_000, samples.get(), "0.25 s at 16 kHz");
        assertTrue(evenlySpaced.get(), "every sample keeps its own timestamp, one period apart");
        long quanta = Math.round(0.25e9 / ThreadedSource.PACE_QUANTUM_NANOS);
        assertTrue(source.pacingWaits() <= quanta + 1,
                source.pacingWaits() + " waits for " + quanta + " quanta (one per sample would be 4,000)");
        assertTrue(source.pacingWaits() >= quanta - 1, "still paced: " + source.pacingWaits() + " waits");
    }
}
