package dev.octet.runtime.service;

import dev.octet.ota.coap.PskDtls;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.scandium.config.DtlsConfig;

/**
 * A constrained node as a real Californium server on loopback: one resource {@code /samples} holding the latest
 * reading, observable (confirmable notifications, Max-Age 1 s) unless told otherwise, optionally over DTLS-PSK.
 */
final class CoapTestNode implements AutoCloseable {
    static {
        CoapConfig.register();
        UdpConfig.register();
        DtlsConfig.register();
    }

    private final CoapServer server;
    private final Reading reading;
    private final int port;

    private static final class Reading extends CoapResource {
        private volatile byte[] payload = new byte[0];
        private volatile int contentFormat;

        Reading(boolean observable) {
            super("samples");
            setObservable(observable);
            setObserveType(CoAP.Type.CON);
            getAttributes().setObservable();
        }

        @Override
        public void handleGET(CoapExchange exchange) {
            exchange.setMaxAge(1); // notifications every Max-Age at the latest; the client re-registers after that
            exchange.respond(CoAP.ResponseCode.CONTENT, payload, contentFormat);
        }
    }

    /**
     * @param port       0 for any free port
     * @param pskKeys    identities and keys for DTLS, or null for plain UDP
     * @param observable false: a node that answers GET but does not support observe
     */
    CoapTestNode(int port, Map<String, byte[]> pskKeys, boolean observable, byte[] initial, int contentFormat) {
        Configuration config = Configuration.createStandardWithoutFile();
        config.set(CoapConfig.MAX_MESSAGE_SIZE, 4096); // a 128-value JSON reading in one datagram
        config.set(CoapConfig.PREFERRED_BLOCK_SIZE, 1024);
        InetSocketAddress bind = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        CoapEndpoint.Builder b = new CoapEndpoint.Builder().setConfiguration(config);
        if (pskKeys != null) {
            b.setConnector(PskDtls.server(bind, config, pskKeys));
        } else {
            b.setInetSocketAddress(bind);
        }
        CoapEndpoint endpoint = b.build();
        server = new CoapServer(config);
        server.addEndpoint(endpoint);
        reading = new Reading(observable);
        reading.payload = initial;
        reading.contentFormat = contentFormat;
        server.add(reading);
        server.start();
        this.port = endpoint.getAddress().getPort();
    }

    int port() {
        return port;
    }

    String uri(boolean secure) {
        return (secure ? "coaps" : "coap") + "://127.0.0.1:" + port + "/samples";
    }

    /** A new reading: observers are notified. */
    void publish(byte[] payload) {
        reading.payload = payload;
        reading.changed();
    }

    int observers() {
        return reading.getObserverCount();
    }

    @Override
    public void close() {
        server.destroy();
    }
}
