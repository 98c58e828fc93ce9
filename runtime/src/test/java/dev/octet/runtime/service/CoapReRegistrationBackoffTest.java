package dev.octet.runtime.service;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.octet.drivers.Sample;
import dev.octet.drivers.SourceListener;
import dev.octet.drivers.time.TimeSource;
import dev.octet.runtime.service.remote.CoapNodeSource;
import dev.octet.runtime.service.remote.PayloadFormat;
import java.net.DatagramSocket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A {@code coap_node} source whose node is away re-registers with doubling waits, counted on a manual clock (the
 * source's notion of time) against a real Californium node on loopback: no registration happens while the clock
 * stands still, one happens each time the clock passes the next wait, and the first good notification resets the
 * waits.
 */
class CoapReRegistrationBackoffTest {
    private static final int POLL_MS = 10;

    /** The source's clock: moves only when told. */
    private static final class ManualClock implements TimeSource {
        private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

        void advanceMillis(long ms) {
            nanos.addAndGet(ms * 1_000_000);
        }

        @Override
        public long nanoTime() {
            return nanos.get();
        }

        @Override
        public long epochMillis() {
            return 1_767_780_000_000L + nanos.get() / 1_000_000;
        }
    }

    @BeforeAll
    static void pollQuickly() {
        Awaitility.setDefaultPollInterval(Duration.ofMillis(5));
        Awaitility.setDefaultTimeout(Duration.ofSeconds(30));
    }

    private static int freeUdpPort() throws Exception {
        try (DatagramSocket s = new DatagramSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Waits until the backoff has held back a few more ticks: the last registration failed and nothing is due. */
    private static void awaitHeldBack(CoapNodeSource source) {
        long before = source.retriesDeferred();
        await().until(() -> source.retriesDeferred() >= before + 3);
    }

    @Test
    void registrations_back_off_while_the_node_is_away_and_start_over_after_good_data() throws Exception {
        int port = freeUdpPort();
        ManualClock clock = new ManualClock();
        AtomicLong samples = new AtomicLong();
        SourceListener listener = new SourceListener() {
            @Override
            public void onSample(Sample sample) {
                samples.incrementAndGet();
            }
        };
        float[] frame = RemoteFixtures.frames()[0];
        try (CoapNodeSource source = new CoapNodeSource("node", 128, 31.25, "coap://127.0.0.1:" + port + "/samples",
                PayloadFormat.JSON, true, Duration.ofMillis(POLL_MS), Duration.ofMillis(200),
                Duration.ofSeconds(10), null, clock)) {
            source.start(listener);
            // Nobody listens on the port: the first registration fails, and with the clock standing still no
            // second one is made, however many ticks pass.
            awaitHeldBack(source);
            assertEquals(1, source.registrations());
            clock.advanceMillis(POLL_MS); // the first wait: one poll interval
            await().until(() -> source.registrations() == 2);
            awaitHeldBack(source);
            clock.advanceMillis(2 * POLL_MS - 1); // the second wait is twice as long: not yet
            awaitHeldBack(source);
            assertEquals(2, source.registrations());
            clock.advanceMillis(1);
            await().until(() -> source.registrations() == 3);
            awaitHeldBack(source);
            assertEquals(3, source.failedRegistrations());

            try (CoapTestNode node = new CoapTestNode(port, null, true, RemoteFixtures.json(0, frame), 50)) {
                assertEquals(port, node.port());
                clock.advanceMillis(4 * POLL_MS); // the third wait
                await().until(() -> samples.get() > 0);
                assertEquals(4, source.registrations());
                assertEquals(0, source.failedRegistrations(), "the first good notification resets the backoff");
            }
            // The node is gone again. Once its notifications are overdue (Max-Age 1 s + one poll interval) the
            // source registers again at once, and the next wait is one poll interval again, not eight.
            clock.advanceMillis(1000 + POLL_MS + 1);
            await().until(() -> source.registrations() == 5);
            awaitHeldBack(source);
            clock.advanceMillis(POLL_MS);
            await().until(() -> source.registrations() == 6);
        }
    }
}
