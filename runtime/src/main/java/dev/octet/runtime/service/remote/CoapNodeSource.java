package dev.octet.runtime.service.remote;

import dev.octet.drivers.time.TimeSource;
import dev.octet.ota.coap.PskDtls;
import dev.octet.runtime.pipeline.source.RestartPolicy;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapHandler;
import org.eclipse.californium.core.CoapObserveRelation;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.scandium.config.DtlsConfig;

/**
 * Readings a node serves as a CoAP resource, observed (RFC 7641) or polled, over plain UDP ({@code coap://}) or
 * DTLS 1.2 with a pre-shared key ({@code coaps://}, Scandium, the suite CoAP makes mandatory for PSK).
 *
 * <p>One control thread per run ({@code octet-coap-<name>}) owns the client. With {@code observe} it registers and
 * then watches the notifications: when none came for the last notification's Max-Age plus the poll interval (RFC 7641
 * lets a client register again once Max-Age has run out), or the registration got no answer within the request
 * timeout, the stream is degraded and the client is rebuilt (a new endpoint, so also a fresh DTLS handshake with a
 * node that rebooted and lost its session) and registers again until the node answers: at once, then after one poll
 * interval, then twice as long after each attempt that brought nothing, at most {@code retryMax} (a {@link
 * RetryBackoff}, reset by the first good notification or response; polling retries the same way). A node
 * that answers the registration without an Observe option does not support observing: the source then polls with
 * GET every poll interval, as it does with {@code observe: false}.
 *
 * <p>The payload's format is the configured one, or with {@code null} (auto) the response's Content-Format:
 * {@code application/json} (50) JSON, {@code text/plain} (0) and {@code text/csv} (432) CSV,
 * {@code application/octet-stream} (42) raw float32 little-endian.
 */
public final class CoapNodeSource extends RemoteSource {
    private static final System.Logger LOG = System.getLogger(CoapNodeSource.class.getName());
    /** text/csv (RFC 7252 registry, 432); Californium has no constant for it. */
    private static final int TEXT_CSV = 432;
    /** The default longest wait between two re-registrations. */
    public static final Duration DEFAULT_RETRY_MAX = Duration.ofMinutes(1);

    static {
        CoapConfig.register();
        UdpConfig.register();
        DtlsConfig.register();
    }

    /** DTLS pre-shared key: the identity the node knows this gateway by, and the key. */
    public record Psk(String identity, byte[] key) {
        public Psk {
            Objects.requireNonNull(identity, "identity");
            key = key.clone();
        }

        @Override
        public String toString() {
            return "Psk[identity=" + identity + ", key=***]";
        }
    }

    private final String uri;
    private final PayloadFormat format;
    private final boolean observe;
    private final long pollMillis;
    private final long timeoutMillis;
    private final Psk psk;
    private final RetryBackoff backoff;

    // Control thread only, except where volatile.
    private ScheduledExecutorService control;
    private CoapEndpoint endpoint;
    private CoapClient client;
    private CoapObserveRelation relation;
    private boolean polling;
    private long registeredAt;
    private volatile int generation;
    private volatile long lastNotification;
    private volatile boolean answered;
    private volatile long maxAgeMillis;
    private volatile boolean fellBackToPolling;

    /**
     * @param uri     {@code coap://host:port/path} or {@code coaps://...} (then {@code psk} is required)
     * @param format  the payload format, or null to follow each response's Content-Format
     * @param poll     the polling period, the first re-registration wait, and the slack after Max-Age
     * @param timeout  how long a request (or a registration's first answer) may take
     * @param retryMax the longest wait between two re-registrations (at least {@code poll})
     */
    public CoapNodeSource(String name, int channels, double sampleRateHz, String uri, PayloadFormat format,
                          boolean observe, Duration poll, Duration timeout, Duration retryMax, Psk psk,
                          TimeSource clock) {
        super(name, channels, sampleRateHz, clock);
        this.uri = Objects.requireNonNull(uri, "uri");
        boolean secure = uri.startsWith("coaps://");
        if (!secure && !uri.startsWith("coap://")) {
            throw new IllegalArgumentException("a coap_node uri starts with coap:// or coaps://: " + uri);
        }
        if (secure != (psk != null)) {
            throw new IllegalArgumentException(secure ? "coaps:// needs a pre-shared key"
                    : "a pre-shared key needs a coaps:// uri");
        }
        this.format = format;
        this.observe = observe;
        this.pollMillis = poll.toMillis();
        this.timeoutMillis = timeout.toMillis();
        if (pollMillis < 1 || timeoutMillis < 1) {
            throw new IllegalArgumentException("poll interval and timeout must be positive");
        }
        this.psk = psk;
        if (retryMax.compareTo(poll) < 0) {
            throw new IllegalArgumentException("the longest retry wait must be at least the poll interval");
        }
        this.backoff = new RetryBackoff(new RestartPolicy(true, poll, retryMax), clock);
    }

    /** Retries at most every minute. */
    public CoapNodeSource(String name, int channels, double sampleRateHz, String uri, PayloadFormat format,
                          boolean observe, Duration poll, Duration timeout, Psk psk, TimeSource clock) {
        this(name, channels, sampleRateHz, uri, format, observe, poll, timeout,
                poll.compareTo(DEFAULT_RETRY_MAX) > 0 ? poll : DEFAULT_RETRY_MAX, psk, clock);
    }

    /** Registrations (or first polls) made with a fresh client so far, the first one included. */
    public long registrations() {
        return backoff.attempts();
    }

    /** Re-registrations wanted but held back by the backoff so far. */
    public long retriesDeferred() {
        return backoff.deferred();
    }

    /** Registrations since the last good notification or response (0 while the node answers). */
    public int failedRegistrations() {
        return backoff.streak();
    }

    /** Whether the node refused to be observed and the source polls instead. */
    public boolean pollingFallback() {
        return fellBackToPolling;
    }

    @Override
    protected void open() {
        ScheduledExecutorService c = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "octet-coap-" + name());
            t.setDaemon(true);
            return t;
        });
        synchronized (this) {
            control = c;
        }
        polling = !observe;
        c.execute(this::connect);
        // One periodic check drives everything: polls, registration timeouts, silent observations.
        c.scheduleWithFixedDelay(this::tick, pollMillis, pollMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void shutdown() {
        ScheduledExecutorService c;
        synchronized (this) {
            c = control;
            control = null;
        }
        if (c == null) {
            return;
        }
        try {
            c.submit(this::teardown).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.log(System.Logger.Level.DEBUG, name() + ": teardown: " + e);
        }
        c.shutdownNow();
        try {
            c.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Configuration configuration() {
        Configuration c = Configuration.createStandardWithoutFile();
        // Confirmable retransmissions fit inside the request timeout: 3 tries, ACK timeouts t, 2t (then give up at 4t).
        long ack = Math.max(50, timeoutMillis / 4);
        c.set(CoapConfig.ACK_TIMEOUT, ack, TimeUnit.MILLISECONDS);
        c.set(CoapConfig.ACK_INIT_RANDOM, 1.0f);
        c.set(CoapConfig.MAX_RETRANSMIT, 2);
        return c;
    }

    /** Builds a fresh endpoint and client, then registers (observe) or polls once. */
    private void connect() {
        teardown();
        int gen = ++generation;
        backoff.attempted(); // counted even if the endpoint cannot be opened: that is retried with backoff too
        Configuration config = configuration();
        InetSocketAddress any = new InetSocketAddress(0);
        CoapEndpoint.Builder b = new CoapEndpoint.Builder().setConfiguration(config);
        if (psk != null) {
            b.setConnector(PskDtls.client(any, config, psk.identity(), psk.key()));
        } else {
            b.setInetSocketAddress(any);
        }
        try {
            endpoint = b.build();
            endpoint.start();
        } catch (java.io.IOException | RuntimeException e) {
            connectionLost("cannot open a local " + (psk != null ? "DTLS" : "UDP") + " endpoint: " + e, e);
            endpoint = null;
            return;
        }
        client = new CoapClient(uri);
        client.setEndpoint(endpoint);
        client.setTimeout(timeoutMillis);
        answered = false;
        registeredAt = clock.nanoTime();
        if (polling) {
            poll(gen);
        } else {
            relation = client.observe(new Observer(gen));
        }
    }

    private void teardown() {
        generation++;
        if (relation != null) {
            relation.reactiveCancel(); // forget it locally; the node drops us when its notifications go unanswered
            relation = null;
        }
        if (client != null) {
            client.shutdown();
            client = null;
        }
        if (endpoint != null) {
            endpoint.destroy();
            endpoint = null;
        }
    }

    private void tick() {
        try {
            if (client == null) {
                reconnect();
            } else if (polling) {
                poll(generation);
            } else {
                long now = clock.nanoTime();
                long silentMillis = (now - (answered ? lastNotification : registeredAt)) / 1_000_000;
                long allowed = answered ? maxAgeMillis + pollMillis : timeoutMillis;
                if (silentMillis > allowed) {
                    connectionLost(answered ? "no notification from " + uri + " for " + silentMillis
                            + " ms (Max-Age " + maxAgeMillis / 1000 + " s); registering again"
                            : "no answer from " + uri + " to the registration within " + timeoutMillis + " ms", null);
                    teardown();
                    reconnect();
                }
            }
        } catch (RuntimeException | Error e) {
            // Whatever went wrong, the periodic check must go on (an escaping throwable would cancel it).
            LOG.log(System.Logger.Level.WARNING, name() + ": " + e, e);
            connectionLost(e.toString(), e);
            try {
                teardown();
            } catch (RuntimeException | Error again) {
                LOG.log(System.Logger.Level.WARNING, name() + ": teardown: " + again);
            }
        }
    }

    /** A fresh client and registration, unless the backoff says to wait (a later tick tries again). */
    private void reconnect() {
        if (backoff.due()) {
            connect();
        }
    }

    private void poll(int gen) {
        CoapResponse r;
        try {
            r = client.get();
        } catch (org.eclipse.californium.elements.exception.ConnectorException | java.io.IOException e) {
            connectionLost("GET " + uri + ": " + e.getMessage(), e);
            teardown(); // a fresh endpoint (and DTLS handshake) next time
            return;
        }
        if (gen != generation) {
            return;
        }
        if (r == null) {
            connectionLost("GET " + uri + ": no answer within " + timeoutMillis + " ms", null);
            teardown();
            return;
        }
        handle(r, "polling " + uri);
    }

    private void handle(CoapResponse r, String how) {
        if (!r.isSuccess()) {
            connectionLost(uri + " answered " + r.getCode() + " " + r.getResponseText(), null);
            return;
        }
        connected(how);
        backoff.succeeded();
        accept(r.getPayload(), formatOf(r));
    }

    private PayloadFormat formatOf(CoapResponse r) {
        if (format != null) {
            return format;
        }
        int cf = r.getOptions().getContentFormat();
        return switch (cf) {
            case MediaTypeRegistry.APPLICATION_JSON -> PayloadFormat.JSON;
            case MediaTypeRegistry.TEXT_PLAIN, TEXT_CSV -> PayloadFormat.CSV;
            case MediaTypeRegistry.APPLICATION_OCTET_STREAM -> PayloadFormat.F32LE;
            default -> null;
        };
    }

    /** Notifications of one registration; ignored once that registration was replaced. */
    private final class Observer implements CoapHandler {
        private final int gen;

        Observer(int gen) {
            this.gen = gen;
        }

        @Override
        public void onLoad(CoapResponse response) {
            if (gen != generation) {
                return;
            }
            if (response.isSuccess() && !response.getOptions().hasObserve()) {
                // The node answered, but will not send notifications: poll from now on.
                fellBackToPolling = true;
                ScheduledExecutorService c;
                synchronized (CoapNodeSource.this) {
                    c = control;
                }
                if (c != null) {
                    c.execute(() -> {
                        if (gen == generation) {
                            polling = true;
                            if (relation != null) {
                                relation.reactiveCancel();
                                relation = null;
                            }
                        }
                    });
                }
                handle(response, "polling " + uri + " (the node does not support observe)");
                return;
            }
            long maxAge = response.getOptions().getMaxAge();
            maxAgeMillis = maxAge * 1000;
            lastNotification = clock.nanoTime();
            answered = true;
            handle(response, "observing " + uri);
        }

        @Override
        public void onError() {
            if (gen != generation) {
                return;
            }
            connectionLost("observing " + uri + ": the registration failed (no answer or rejected)", null);
            ScheduledExecutorService c;
            synchronized (CoapNodeSource.this) {
                c = control;
            }
            if (c != null) {
                c.execute(() -> {
                    if (gen == generation) {
                        teardown(); // the next tick builds a fresh client and registers again
                    }
                });
            }
        }
    }
}
