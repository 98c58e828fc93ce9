package dev.octet.runtime.service.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.drivers.Sample;
import dev.octet.drivers.SourceEvent;
import dev.octet.drivers.SourceEvent.Type;
import dev.octet.drivers.SourceListener;
import dev.octet.drivers.time.TimeSource;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shared part of the network sources, fed by hand on a manual clock: stamping, sequence numbers, health. */
class RemoteSourceTest {
    /** A clock that moves only when told. */
    static final class Clock implements TimeSource {
        long nanos = 1_000_000_000L;
        long millis = 1_767_780_000_000L;

        void advanceMillis(long ms) {
            nanos += ms * 1_000_000;
            millis += ms;
        }

        @Override
        public long nanoTime() {
            return nanos;
        }

        @Override
        public long epochMillis() {
            return millis;
        }
    }

    /** A source whose transport is the test. */
    static final class HandFed extends RemoteSource {
        int opens;
        int shutdowns;

        HandFed(Clock clock) {
            super("node", 2, 100, clock);
        }

        @Override
        protected void open() {
            opens++;
        }

        @Override
        protected void shutdown() {
            shutdowns++;
        }

        void json(String payload) {
            accept(payload.getBytes(StandardCharsets.UTF_8), PayloadFormat.JSON);
        }

        void csv(String payload) {
            accept(payload.getBytes(StandardCharsets.UTF_8), PayloadFormat.CSV);
        }

        void lost() {
            connectionLost("broker gone", null);
        }
    }

    static final class Recorder implements SourceListener {
        final List<Sample> samples = new ArrayList<>();
        final List<SourceEvent> events = new ArrayList<>();

        @Override
        public void onSample(Sample sample) {
            samples.add(sample);
        }

        @Override
        public void onEvent(SourceEvent event) {
            events.add(event);
        }

        List<Type> types() {
            return events.stream().map(SourceEvent::type).toList();
        }
    }

    @Test
    void samples_are_stamped_from_the_payload_or_on_arrival_and_spaced_one_period_apart() {
        Clock clock = new Clock();
        HandFed source = new HandFed(clock);
        Recorder r = new Recorder();
        source.start(r);
        source.json("{\"t\": 1000, \"samples\": [[1, 2], [3, 4]]}");
        assertEquals(1000, r.samples.get(0).epochMillis());
        assertEquals(1010, r.samples.get(1).epochMillis(), "10 ms apart at 100 Hz");
        assertEquals(clock.nanos - 10_000_000, r.samples.get(0).monotonicNanos());
        assertEquals(clock.nanos, r.samples.get(1).monotonicNanos(), "the last sample at the arrival");

        clock.advanceMillis(1);
        source.json("{\"samples\": [[5, 6], [7, 8]]}");
        assertEquals(clock.millis, r.samples.get(3).epochMillis(), "no t: the arrival time");
        assertEquals(clock.millis - 10, r.samples.get(2).epochMillis());
        assertEquals(r.samples.get(1).monotonicNanos(), r.samples.get(2).monotonicNanos(),
                "monotonic times never go back, even when a batch would reach before the previous one");
        assertEquals(List.of(Type.STARTED), r.types());
    }

    @Test
    void gaps_are_reported_duplicates_dropped_and_a_restarted_node_accepted() {
        HandFed source = new HandFed(new Clock());
        Recorder r = new Recorder();
        source.start(r);
        source.json("{\"seq\": 0, \"values\": [0, 0]}");
        source.json("{\"seq\": 0, \"values\": [0, 0]}"); // a repeat (QoS 1 redelivery)
        source.json("{\"seq\": 1, \"values\": [1, 1]}");
        source.json("{\"seq\": 4, \"values\": [4, 4]}"); // 2 and 3 lost
        source.json("{\"seq\": 3, \"values\": [3, 3]}"); // late: dropped
        source.json("{\"seq\": 5, \"values\": [5, 5]}");
        source.json("{\"seq\": 0, \"values\": [9, 9]}"); // the node restarted its counter
        assertEquals(List.of(0f, 1f, 4f, 5f, 9f), r.samples.stream().map(s -> s.value(0)).toList());
        assertEquals(List.of(Type.STARTED, Type.IO_ERROR, Type.RECOVERED), r.types());
        assertTrue(r.events.get(1).detail().contains("2 message(s) lost (seq 2..3)"), r.events.get(1).detail());
        assertEquals(1, source.sequenceGaps());
        assertEquals(2, source.messagesLost());
        assertEquals(2, source.duplicatesDropped());
    }

    @Test
    void csv_lines_with_time_and_sequence_columns_are_stamped_and_checked_like_json_messages() {
        HandFed source = new HandFed(new Clock());
        source.csvColumns(List.of("t", "seq"));
        Recorder r = new Recorder();
        source.start(r);
        source.csv("1000,1,1,2\n1010,2,3,4\n");
        source.csv("1010,2,3,4\n1040,5,5,6\n"); // a repeated line, then a gap of two lines
        assertEquals(3, r.samples.size(), "the repeated line is dropped");
        assertEquals(List.of(1000L, 1010L, 1040L), r.samples.stream().map(Sample::epochMillis).toList(),
                "each line at its own t");
        assertEquals(1, source.duplicatesDropped());
        assertEquals(1, source.sequenceGaps());
        assertEquals(2, source.messagesLost());
        assertEquals(List.of(Type.STARTED, Type.IO_ERROR, Type.RECOVERED), r.types(),
                "the gap reported, its line's samples delivered as with JSON");
        assertThrows(IllegalStateException.class, () -> source.csvColumns(List.of("seq")), "only before start");
    }

    @Test
    void every_refused_payload_is_an_event_and_the_next_good_one_recovers() {
        HandFed source = new HandFed(new Clock());
        Recorder r = new Recorder();
        source.start(r);
        source.json("{\"values\": [1, 2]}");
        source.json("{\"values\": [1]}");
        source.json("not json");
        source.json("{\"values\": [3, 4]}");
        assertEquals(List.of(Type.STARTED, Type.IO_ERROR, Type.IO_ERROR, Type.RECOVERED), r.types());
        assertTrue(r.events.get(1).detail().contains("1 values, the stream has 2 channels"));
        assertTrue(r.events.get(1).cause() instanceof PayloadFormatException);
        assertEquals(2, r.samples.size());
        assertEquals(2, source.payloadsRefused());
        assertEquals(4, source.messagesReceived());
    }

    @Test
    void a_lost_transport_is_reported_once_until_data_flows() {
        HandFed source = new HandFed(new Clock());
        Recorder r = new Recorder();
        source.start(r);
        source.json("{\"values\": [1, 2]}");
        source.lost();
        source.lost();
        source.json("{\"values\": [1, 2]}");
        assertEquals(List.of(Type.STARTED, Type.IO_ERROR, Type.RECOVERED), r.types());
    }

    @Test
    void nothing_is_delivered_after_stop_and_a_closed_source_cannot_start() {
        HandFed source = new HandFed(new Clock());
        Recorder r = new Recorder();
        source.start(r);
        source.start(r); // same listener: nothing
        assertThrows(IllegalStateException.class, () -> source.start(new Recorder()));
        source.stop();
        source.json("{\"values\": [1, 2]}");
        assertEquals(0, r.samples.size());
        source.start(r);
        assertEquals(2, source.opens);
        source.close();
        assertEquals(2, source.shutdowns);
        assertThrows(IllegalStateException.class, () -> source.start(r));
    }
}
