package dev.octet.ota.coap;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResponse;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.core.coap.BlockOption;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.Connector;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.exception.ConnectorException;

/**
 * Behaves like a constrained node receiving a model: it has a flash budget and optionally a RAM budget (the bytes
 * its firmware can give a tensor arena), reads the manifest first and refuses a model that does not fit (reason
 * {@code ram} when the manifest's predicted arena exceeds the RAM budget, {@code flash} when the model exceeds the
 * free flash, with both numbers), pulls the model block by block (resuming from the block it lacks when a request
 * fails), checks size and SHA-256 before it accepts, and reports the result to the gateway.
 *
 * <p>Also a small command-line program:
 * {@code java -cp ... dev.octet.ota.coap.NodeSimulator coap[s]://HOST:PORT MODEL NODE-ID FLASH-BYTES
 * [--ram-bytes N] [--psk-identity ID --psk-key-file FILE]}.
 */
public final class NodeSimulator implements AutoCloseable {
    private final String id;
    private final long flashBudgetBytes;
    private final CoapEndpoint endpoint;
    private volatile int attemptsPerRequest = 8;
    private volatile OptionalLong ramBudgetBytes = OptionalLong.empty();
    private final long requestTimeoutMs;
    private final Map<String, byte[]> installed = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong retriedRequests = new java.util.concurrent.atomic.AtomicLong();

    /** A node on any free UDP port. */
    public NodeSimulator(String id, long flashBudgetBytes, Configuration config) {
        this(id, flashBudgetBytes, config,
                new CoapEndpoint.Builder().setConfiguration(config).setInetSocketAddress(new InetSocketAddress(
                        java.net.InetAddress.getLoopbackAddress(), 0)).build());
    }

    /** A node over a given connector (lossy, DTLS, ...). */
    public NodeSimulator(String id, long flashBudgetBytes, Configuration config, Connector connector) {
        this(id, flashBudgetBytes, config,
                new CoapEndpoint.Builder().setConfiguration(config).setConnector(connector).build());
    }

    private NodeSimulator(String id, long flashBudgetBytes, Configuration config, CoapEndpoint endpoint) {
        this.id = Objects.requireNonNull(id);
        if (flashBudgetBytes < 0) {
            throw new IllegalArgumentException("flash budget must not be negative");
        }
        this.flashBudgetBytes = flashBudgetBytes;
        this.endpoint = endpoint;
        // Longest a confirmable exchange can take before Californium gives up: the ACK timeout doubled on every
        // retransmission, plus a second of slack (e.g. for a DTLS handshake). Waiting longer means the exchange
        // is stuck (a handshake that never completes, say) and the attempt counts as failed.
        long ack = config.get(CoapConfig.ACK_TIMEOUT, TimeUnit.MILLISECONDS);
        int retransmits = config.get(CoapConfig.MAX_RETRANSMIT);
        this.requestTimeoutMs = ack * ((1L << (retransmits + 1)) - 1) + 1000;
        try {
            endpoint.start();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** How often one request is tried before the transfer fails (default 8). */
    public NodeSimulator withAttemptsPerRequest(int attempts) {
        if (attempts < 1) {
            throw new IllegalArgumentException("at least one attempt");
        }
        this.attemptsPerRequest = attempts;
        return this;
    }

    /**
     * Gives the node a RAM budget: the bytes its firmware can give a model's tensor arena. A manifest whose predicted
     * arena is larger is refused with reason {@code ram} before any block is downloaded. Without a budget (the
     * default) the node does not check RAM; a manifest without a prediction cannot be checked and is not refused.
     */
    public NodeSimulator withRamBudgetBytes(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("RAM budget must not be negative");
        }
        this.ramBudgetBytes = OptionalLong.of(bytes);
        return this;
    }

    public String id() {
        return id;
    }

    /** Models this node accepted, by name. */
    public Map<String, byte[]> installed() {
        return Map.copyOf(installed);
    }

    /**
     * Requests this node had to issue again because Californium's retransmissions gave up; each resumes at the
     * block that was missing, not at the start of the model.
     */
    public long retriedRequests() {
        return retriedRequests.get();
    }

    /** Flash not yet used by accepted models. */
    public long freeFlashBytes() {
        return flashBudgetBytes - installed.values().stream().mapToLong(b -> b.length).sum();
    }

    /**
     * Pulls a model from a gateway ({@code coap://host:port}), decides, reports to the gateway, and returns the
     * report.
     */
    public NodeReport fetch(String gateway, String model) {
        String base = gateway + "/models/" + model;
        NodeReport report;
        try {
            report = fetchOrRefuse(base, model);
        } catch (TransferException e) {
            report = new NodeReport(id, model, NodeReport.Status.FAILED, e.getMessage());
        }
        send(gateway + "/reports", report);
        return report;
    }

    private NodeReport fetchOrRefuse(String base, String model) {
        CoapResponse m = request(base + "/manifest", Request.newGet());
        if (m.getCode() != ResponseCode.CONTENT) {
            throw new TransferException("manifest: " + m.getCode() + " " + m.getResponseText());
        }
        ModelManifest manifest;
        try {
            manifest = ModelManifest.decode(m.getPayload());
        } catch (IllegalArgumentException e) {
            throw new TransferException("malformed manifest: " + e.getMessage());
        }
        OptionalLong ram = ramBudgetBytes;
        if (ram.isPresent() && manifest.arenaBytes().isPresent()
                && manifest.arenaBytes().getAsLong() > ram.getAsLong()) {
            // RAM first: flash can be freed by removing an old model, the arena cannot shrink.
            return NodeReport.refused(id, model, NodeReport.REASON_RAM, manifest.arenaBytes().getAsLong(),
                    ram.getAsLong(), "tensor arena of " + manifest.arenaBytes().getAsLong()
                            + " bytes does not fit the " + ram.getAsLong() + " bytes of RAM budget");
        }
        long free = freeFlashBytes();
        if (manifest.sizeBytes() > free) {
            return NodeReport.refused(id, model, NodeReport.REASON_FLASH, manifest.sizeBytes(), free,
                    "model of " + manifest.sizeBytes() + " bytes does not fit the " + free + " bytes of free flash");
        }
        byte[] data = new byte[(int) manifest.sizeBytes()];
        int received = 0;
        int num = 0;
        boolean more = manifest.sizeBytes() > 0;
        while (more) {
            Request get = Request.newGet();
            get.getOptions().setBlock2(CoapSettings.BLOCK_SZX, false, num);
            CoapResponse r = request(base, get);
            if (r.getCode() != ResponseCode.CONTENT) {
                throw new TransferException("block " + num + ": " + r.getCode());
            }
            BlockOption b = r.getOptions().getBlock2();
            byte[] payload = r.getPayload();
            Integer size2 = r.getOptions().getSize2();
            if (b == null || b.getNum() != num || (size2 != null && size2 != manifest.sizeBytes())
                    || received + payload.length > data.length) {
                throw new TransferException("block " + num + " does not match the manifest");
            }
            System.arraycopy(payload, 0, data, received, payload.length);
            received += payload.length;
            more = b.isM();
            num++;
        }
        if (!manifest.matches(data)) {
            return new NodeReport(id, model, NodeReport.Status.FAILED, "received " + received
                    + " bytes whose size or SHA-256 does not match the manifest");
        }
        installed.put(model, data);
        return new NodeReport(id, model, NodeReport.Status.ACCEPTED,
                "installed " + data.length + " bytes, sha256 " + manifest.sha256());
    }

    /** One request, retried as a whole when Californium's own retransmissions give up: resume, not restart. */
    private CoapResponse request(String uri, Request template) {
        TransferException last = null;
        for (int attempt = 0; attempt < attemptsPerRequest; attempt++) {
            if (attempt > 0) {
                retriedRequests.incrementAndGet();
            }
            Request r = new Request(template.getCode());
            r.setOptions(template.getOptions());
            r.setPayload(template.getPayload());
            r.setURI(uri);
            CoapClient client = new CoapClient();
            client.setEndpoint(endpoint);
            client.setTimeout(requestTimeoutMs);
            try {
                CoapResponse response = client.advanced(r);
                if (response != null) {
                    return response;
                }
                last = new TransferException(uri + ": no response after retransmissions");
            } catch (ConnectorException | java.io.IOException e) {
                last = new TransferException(uri + ": " + e.getMessage());
            } finally {
                client.shutdown();
            }
        }
        throw last;
    }

    private void send(String uri, NodeReport report) {
        Request post = Request.newPost();
        post.setPayload(report.encode());
        post.getOptions().setContentFormat(MediaTypeRegistry.TEXT_PLAIN);
        try {
            request(uri, post);
        } catch (TransferException e) {
            // The node keeps its decision; the gateway will see the model state at the next contact.
        }
    }

    @Override
    public void close() {
        endpoint.destroy();
    }

    /** A transfer that could not complete. */
    static final class TransferException extends RuntimeException {
        TransferException(String message) {
            super(message);
        }
    }

    private static final String USAGE = "usage: NodeSimulator coap[s]://HOST:PORT MODEL NODE-ID FLASH-BYTES "
            + "[--ram-bytes N] [--psk-identity ID --psk-key-file FILE]";

    /** Exit 0 accepted, 1 refused or failed, 2 usage. */
    public static void main(String[] args) {
        java.util.List<String> positional = new java.util.ArrayList<>();
        Long ram = null;
        String identity = null;
        java.nio.file.Path keyFile = null;
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                String option = a.contains("=") && a.startsWith("--") ? a.substring(0, a.indexOf('=')) : a;
                java.util.function.Supplier<String> value = valueOf(args, i, a);
                switch (option) {
                    case "--ram-bytes" -> ram = Long.parseLong(value.get());
                    case "--psk-identity" -> identity = value.get();
                    case "--psk-key-file" -> keyFile = java.nio.file.Path.of(value.get());
                    default -> {
                        if (a.startsWith("--")) {
                            throw new IllegalArgumentException("unknown option " + a);
                        }
                        positional.add(a);
                        continue;
                    }
                }
                if (!a.contains("=")) {
                    i++;
                }
            }
            if (positional.size() != 4 || (identity == null) != (keyFile == null)) {
                throw new IllegalArgumentException(positional.size() != 4 ? "expected 4 arguments"
                        : "--psk-identity and --psk-key-file go together");
            }
            Long.parseLong(positional.get(3));
        } catch (IllegalArgumentException e) {
            System.err.println("NodeSimulator: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        Configuration config = CoapSettings.standard();
        long flash = Long.parseLong(positional.get(3));
        NodeSimulator node;
        if (identity != null) {
            byte[] key;
            try {
                key = PskDtls.readKeyFile(keyFile);
            } catch (java.io.IOException | IllegalArgumentException e) {
                System.err.println("NodeSimulator: " + e.getMessage());
                System.exit(2);
                return;
            }
            node = new NodeSimulator(positional.get(2), flash, config, PskDtls.client(
                    new InetSocketAddress(0), config, identity, key));
        } else {
            node = new NodeSimulator(positional.get(2), flash, config);
        }
        try (node) {
            if (ram != null) {
                node.withRamBudgetBytes(ram);
            }
            NodeReport r = node.fetch(positional.get(0), positional.get(1));
            System.out.println(r.status() + " " + r.model() + (r.reason().isEmpty() ? "" : " (" + r.reason() + ")")
                    + ": " + r.detail());
            System.exit(r.status() == NodeReport.Status.ACCEPTED ? 0 : 1);
        }
    }

    private static java.util.function.Supplier<String> valueOf(String[] args, int i, String a) {
        return () -> {
            if (a.contains("=")) {
                return a.substring(a.indexOf('=') + 1);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value");
            }
            return args[i + 1];
        };
    }
}
