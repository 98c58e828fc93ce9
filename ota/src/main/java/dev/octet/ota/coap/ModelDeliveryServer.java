package dev.octet.ota.coap;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.BlockOption;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MessageObserverAdapter;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.core.server.resources.Resource;
import org.eclipse.californium.elements.Connector;
import org.eclipse.californium.elements.config.Configuration;

/**
 * The gateway side of model delivery: a CoAP server that nodes pull models from.
 *
 * <p><b>Direction: the node GETs with Block2 from the gateway</b>, rather than the gateway PUTting with Block1.
 * Constrained nodes sleep and wake on their own schedule, and may sit behind NAT or a border router: a node
 * that pulls when it is awake and has memory free needs no gateway-side knowledge of its address or state. The
 * node drives the transfer block by block, so it controls pacing and can <em>resume</em> after a loss or a
 * reboot from the next block it lacks, and it sees the manifest (size, hash) before it commits flash.
 *
 * <p>Resources: {@code GET /models/NAME/manifest} ({@link ModelManifest}), {@code GET /models/NAME} (the bytes;
 * each request names its block with the Block2 option, 1024-byte blocks; responses carry Size2), and
 * {@code POST /reports} where nodes report what they did ({@link NodeReport}). Models larger than
 * Californium's default 8192-byte body limit are fine because no request or response ever holds more than one
 * block.
 */
public final class ModelDeliveryServer implements AutoCloseable {
    private final CoapServer server;
    private final CoapEndpoint endpoint;
    private final CoapResource models = new CoapResource("models");
    private final Map<String, byte[]> published = new ConcurrentHashMap<>();
    private final List<NodeReport> reports = new CopyOnWriteArrayList<>();
    private final List<Consumer<NodeReport>> listeners = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicLong blocksServed = new java.util.concurrent.atomic.AtomicLong();

    /** A server on a UDP address (port 0: any free port). */
    public ModelDeliveryServer(Configuration config, InetSocketAddress bind) {
        this(config, new CoapEndpoint.Builder().setConfiguration(config).setInetSocketAddress(bind).build());
    }

    /** A server over a given connector (e.g. a lossy one in tests, or DTLS). */
    public ModelDeliveryServer(Configuration config, Connector connector) {
        this(config, new CoapEndpoint.Builder().setConfiguration(config).setConnector(connector).build());
    }

    private ModelDeliveryServer(Configuration config, CoapEndpoint endpoint) {
        this.endpoint = endpoint;
        this.server = new CoapServer(config);
        server.addEndpoint(endpoint);
        server.add(models);
        server.add(new CoapResource("reports") {
            @Override
            public void handlePOST(CoapExchange exchange) {
                NodeReport report;
                try {
                    report = NodeReport.decode(exchange.getRequestPayload());
                } catch (IllegalArgumentException e) {
                    exchange.respond(ResponseCode.BAD_REQUEST, e.getMessage());
                    return;
                }
                reports.add(report);
                // Listeners hear of the report once the node's acknowledgement has left (or failed to): a gateway
                // that stops on the last report it waits for then never cuts that acknowledgement off, which would
                // leave the node retrying its report against a closed port.
                Response ack = new Response(ResponseCode.CHANGED);
                AtomicBoolean told = new AtomicBoolean();
                Runnable tell = () -> {
                    if (told.compareAndSet(false, true)) {
                        for (Consumer<NodeReport> l : listeners) {
                            l.accept(report);
                        }
                    }
                };
                ack.addMessageObserver(new MessageObserverAdapter() {
                    @Override
                    public void onSent(boolean retransmission) {
                        tell.run();
                    }

                    @Override
                    public void onSendError(Throwable error) {
                        tell.run();
                    }

                    @Override
                    public void onCancel() {
                        tell.run();
                    }
                });
                exchange.respond(ack);
            }
        });
    }

    public ModelDeliveryServer start() {
        server.start();
        return this;
    }

    /** The bound port (after start). */
    public int port() {
        return endpoint.getAddress().getPort();
    }

    /** Makes a model available under {@code /models/NAME}, without a RAM prediction in its manifest. */
    public ModelManifest publish(String name, byte[] model) {
        return publish(name, model, OptionalLong.empty());
    }

    /**
     * Makes a model available under {@code /models/NAME} (replacing what was there), with the tensor arena it needs
     * in the manifest so that nodes refuse it before downloading when their RAM is too small.
     *
     * @return the manifest nodes will read
     */
    public ModelManifest publish(String name, byte[] model, OptionalLong arenaBytes) {
        if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("model name must be 1-64 of [A-Za-z0-9._-]: " + name);
        }
        byte[] copy = model.clone();
        ModelManifest manifest = ModelManifest.of(name, copy, arenaBytes);
        Resource old = models.getChild(name);
        if (old != null) {
            models.delete(old);
        }
        published.put(name, copy);
        CoapResource body = new ModelResource(name, copy, blocksServed);
        body.add(new CoapResource("manifest") {
            @Override
            public void handleGET(CoapExchange exchange) {
                exchange.respond(ResponseCode.CONTENT, manifest.encode());
            }
        });
        models.add(body);
        return manifest;
    }

    /** Model blocks sent so far, over all models (a node that refuses from the manifest costs none). */
    public long blocksServed() {
        return blocksServed.get();
    }

    /** Reports received so far, in arrival order. */
    public List<NodeReport> reports() {
        return List.copyOf(reports);
    }

    /**
     * Called for every report (e.g. to forward it on MQTT), once the node's acknowledgement has been sent; on a
     * Californium thread, so keep it short.
     */
    public void onReport(Consumer<NodeReport> listener) {
        listeners.add(listener);
    }

    @Override
    public void close() {
        server.destroy();
    }

    /** Serves one block per request: the node names it with Block2, the default is block 0. */
    private static final class ModelResource extends CoapResource {
        private final byte[] data;
        private final java.util.concurrent.atomic.AtomicLong served;

        ModelResource(String name, byte[] data, java.util.concurrent.atomic.AtomicLong served) {
            super(name);
            this.data = data;
            this.served = served;
        }

        @Override
        public void handleGET(CoapExchange exchange) {
            BlockOption asked = exchange.getRequestOptions().getBlock2();
            int szx = asked == null ? CoapSettings.BLOCK_SZX : Math.min(asked.getSzx(), CoapSettings.BLOCK_SZX);
            int size = 1 << (szx + 4);
            long num = asked == null ? 0 : asked.getNum();
            long from = num * size;
            if (from > data.length || (from == data.length && data.length > 0)) {
                exchange.respond(ResponseCode.BAD_OPTION, "block " + num + " is past the end");
                return;
            }
            int to = (int) Math.min(data.length, from + size);
            byte[] block = java.util.Arrays.copyOfRange(data, (int) from, to);
            Response response = new Response(ResponseCode.CONTENT);
            response.setPayload(block);
            response.getOptions().setBlock2(szx, to < data.length, (int) num);
            response.getOptions().setSize2(data.length);
            served.incrementAndGet();
            exchange.respond(response);
        }
    }
}
