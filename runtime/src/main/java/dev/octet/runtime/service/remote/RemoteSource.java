package dev.octet.runtime.service.remote;

import dev.octet.drivers.Channel;
import dev.octet.drivers.Sample;
import dev.octet.drivers.SensorSource;
import dev.octet.drivers.SourceEvent;
import dev.octet.drivers.SourceEvent.Type;
import dev.octet.drivers.SourceListener;
import dev.octet.drivers.time.TimeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the network sources share: the {@link SensorSource} lifecycle, decoding a node's payloads into samples,
 * timestamps, sequence-gap detection, and health events. Subclasses only connect ({@link #open()}), disconnect
 * ({@link #shutdown()}) and hand over payloads ({@link #accept}) and connection trouble ({@link #connectionLost}).
 *
 * <p>Health, as the drivers report it: {@link Type#STARTED} once the transport is up; {@link Type#IO_ERROR}
 * (DEGRADED) for every refused payload and every sequence gap (each is data lost, so each is reported and counted),
 * and once when the transport is lost; {@link Type#RECOVERED} with the next good payload. A remote source never
 * fails by itself: the transport reconnects, so the stream is degraded while the node or broker is away, not dead.
 *
 * <p>Timestamps: the wall-clock time is the node's ({@code t}) when it sends one, else the arrival time; the
 * monotonic time is the arrival time. The samples of one message are spaced one sample period apart, the last one at
 * the arrival (or the first one at {@code t}); monotonic times never decrease.
 *
 * <p>Sequence numbers ({@code seq}, JSON only) count the node's messages: a jump forward is a gap (reported, the
 * samples delivered), the same or a lower number is a duplicate (QoS 1 redelivery, a repeated notification) and is
 * dropped, except 0, which is a node that restarted.
 *
 * <p>Thread rules: payloads may arrive on any thread; the listener is called under one lock, one call at a time,
 * never after {@link #stop()} returned.
 */
public abstract class RemoteSource implements SensorSource {
    private static final System.Logger LOG = System.getLogger(RemoteSource.class.getName());

    private final String name;
    private final List<Channel> channels;
    private final double sampleRateHz;
    private final long periodNanos;
    private final java.util.Map<PayloadFormat, PayloadDecoder> decoders = new java.util.EnumMap<>(PayloadFormat.class);
    protected final TimeSource clock;
    private final ReentrantLock lock = new ReentrantLock();

    private SourceListener listener;
    private boolean running;
    private boolean closed;
    private boolean started;
    private boolean degraded;
    private Long lastSeq;
    private long lastNanos = Long.MIN_VALUE;

    private final AtomicLong messages = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong gaps = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();

    protected RemoteSource(String name, int channels, double sampleRateHz, TimeSource clock) {
        this.name = Objects.requireNonNull(name, "name");
        List<Channel> c = new ArrayList<>();
        for (int i = 0; i < channels; i++) {
            c.add(Channel.of("ch" + i));
        }
        this.channels = List.copyOf(c);
        if (!(sampleRateHz > 0) || Double.isInfinite(sampleRateHz)) {
            throw new IllegalArgumentException(name + ": sample rate must be positive and finite");
        }
        this.sampleRateHz = sampleRateHz;
        this.periodNanos = Math.max(1, Math.round(1e9 / sampleRateHz));
        for (PayloadFormat f : PayloadFormat.values()) {
            decoders.put(f, new PayloadDecoder(f, channels));
        }
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * CSV payloads carry these columns before the channel values on every line ({@code t}, {@code seq}; see
     * {@link PayloadDecoder}). Set before {@link #start}.
     *
     * @return this source
     * @throws IllegalArgumentException for other names or a name twice
     */
    public final RemoteSource csvColumns(List<String> columns) {
        PayloadDecoder csv = new PayloadDecoder(PayloadFormat.CSV, channels.size(), columns);
        lock.lock();
        try {
            if (running) {
                throw new IllegalStateException(name + ": set the CSV columns before starting");
            }
            decoders.put(PayloadFormat.CSV, csv);
        } finally {
            lock.unlock();
        }
        return this;
    }

    /** Connects (in the background: must not block); called by {@link #start} with no lock held. */
    protected abstract void open();

    /** Disconnects and releases the transport; called by {@link #stop} with no lock held. Bounded in time. */
    protected abstract void shutdown();

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final List<Channel> channels() {
        return channels;
    }

    @Override
    public final double sampleRateHz() {
        return sampleRateHz;
    }

    @Override
    public final void start(SourceListener newListener) {
        Objects.requireNonNull(newListener, "listener");
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException(name + " is closed");
            }
            if (running) {
                if (newListener != listener) {
                    throw new IllegalStateException(name + " is already running with another listener");
                }
                return;
            }
            listener = newListener;
            running = true;
            started = false;
            degraded = false;
            lastSeq = null;
        } finally {
            lock.unlock();
        }
        open();
    }

    @Override
    public final void stop() {
        lock.lock();
        try {
            if (!running) {
                return;
            }
            running = false;
            listener = null;
        } finally {
            lock.unlock();
        }
        shutdown();
    }

    @Override
    public final boolean isRunning() {
        return running;
    }

    @Override
    public final void close() {
        lock.lock();
        try {
            closed = true;
        } finally {
            lock.unlock();
        }
        stop();
    }

    /** The transport is up (connected and subscribed, or the observation registered). */
    protected final void connected(String detail) {
        lock.lock();
        try {
            if (running && !started) {
                started = true;
                report(SourceEvent.of(Type.STARTED, name + ": " + detail, clock.nanoTime()));
            }
        } finally {
            lock.unlock();
        }
    }

    /** The transport is down (broker lost, node not answering); reported once until data flows again. */
    protected final void connectionLost(String detail, Throwable cause) {
        lock.lock();
        try {
            if (running && !degraded) {
                degraded = true;
                report(SourceEvent.of(Type.IO_ERROR, name + ": " + detail, cause, clock.nanoTime()));
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * A payload from the node: decoded, checked and delivered, or refused as a whole with an IO_ERROR event.
     *
     * @param format how it is encoded, or null if the transport could not tell (refused as such)
     */
    protected final void accept(byte[] payload, PayloadFormat format) {
        long arrival = clock.nanoTime();
        long arrivalEpoch = clock.epochMillis();
        List<NodeMessage> decoded;
        PayloadFormatException error = null;
        try {
            if (format == null) {
                throw new PayloadFormatException("no known content format (set the source's format)");
            }
            decoded = decoders.get(format).decode(payload);
        } catch (PayloadFormatException e) {
            decoded = null;
            error = e;
        }
        lock.lock();
        try {
            if (!running) {
                return;
            }
            messages.incrementAndGet();
            if (error != null) {
                refused.incrementAndGet();
                degraded = true;
                report(SourceEvent.of(Type.IO_ERROR, name + ": refused a "
                        + (format == null ? "" : format.configName() + " ") + "payload of " + payload.length + " bytes: " + error.getMessage(), error, arrival));
                return;
            }
            for (NodeMessage m : decoded) {
                deliver(m, arrival, arrivalEpoch);
            }
        } finally {
            lock.unlock();
        }
    }

    private void deliver(NodeMessage m, long arrival, long arrivalEpoch) {
        if (m.seq() != null) {
            Long last = lastSeq;
            if (last != null && m.seq() <= last && !(m.seq() == 0 && last > 0)) {
                duplicates.incrementAndGet();
                return;
            }
            lastSeq = m.seq();
            if (last != null && m.seq() > last + 1) {
                long missing = m.seq() - last - 1;
                gaps.incrementAndGet();
                lost.addAndGet(missing);
                degraded = true;
                report(SourceEvent.of(Type.IO_ERROR, name + ": sequence gap, " + missing + " message(s) lost (seq "
                        + (last + 1) + ".." + (m.seq() - 1) + ")", arrival));
            }
        }
        if (!started) {
            started = true;
            report(SourceEvent.of(Type.STARTED, name + ": first data", arrival));
        } else if (degraded && running) {
            degraded = false;
            report(SourceEvent.of(Type.RECOVERED, name + ": data flows again", arrival));
        }
        int n = m.samples().size();
        long periodMillis = Math.round(1000.0 / sampleRateHz);
        for (int i = 0; i < n && running; i++) {
            long nanos = Math.max(arrival - (n - 1 - i) * periodNanos, lastNanos);
            lastNanos = nanos;
            long epoch = m.epochMillis() != null ? m.epochMillis() + i * periodMillis
                    : arrivalEpoch - (n - 1 - i) * periodMillis;
            SourceListener l = listener;
            if (l != null) {
                try {
                    l.onSample(Sample.of(nanos, epoch, m.samples().get(i)));
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, name + ": listener failed on a sample: " + e);
                }
            }
        }
    }

    private void report(SourceEvent event) {
        SourceListener l = listener;
        if (l == null) {
            return;
        }
        try {
            l.onEvent(event);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, name + ": listener failed on an event: " + e);
        }
    }

    /** Payloads received (good or not) since creation. */
    public final long messagesReceived() {
        return messages.get();
    }

    /** Payloads refused as malformed or of the wrong shape. */
    public final long payloadsRefused() {
        return refused.get();
    }

    /** Sequence gaps seen, and the messages they lost. */
    public final long sequenceGaps() {
        return gaps.get();
    }

    public final long messagesLost() {
        return lost.get();
    }

    /** Messages dropped as duplicates (a sequence number not above the last one). */
    public final long duplicatesDropped() {
        return duplicates.get();
    }

    @Override
    public String toString() {
        return name + channels + " @ " + sampleRateHz + " Hz";
    }
}
