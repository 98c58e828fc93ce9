package dev.octet.runtime.service;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.octet.runtime.json.JsonArray;
import dev.octet.runtime.json.JsonObject;
import dev.octet.runtime.pipeline.Pipeline;
import dev.octet.runtime.pipeline.StreamHealth;
import dev.octet.runtime.pipeline.StreamStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * {@code /metrics} (Prometheus text format) and {@code /health} (JSON; 200 when every stream is OK, 503 otherwise)
 * on the JDK's own HTTP server, one daemon thread.
 */
public final class HttpEndpoint implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;

    private HttpEndpoint(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Binds and starts serving.
     *
     * @param mqttConnected null if the service has no MQTT transport
     */
    public static HttpEndpoint start(String bind, int port, Metrics metrics, Pipeline pipeline,
                                     BooleanSupplier mqttConnected) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(bind, port), 16);
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "octet-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/metrics", ex -> respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8",
                metrics.render()));
        server.createContext("/health", ex -> {
            JsonObject doc = health(pipeline, mqttConnected);
            boolean ok = "ok".equals(doc.get("status").asText());
            respond(ex, ok ? 200 : 503, "application/json", doc.toString());
        });
        server.start();
        return new HttpEndpoint(server, executor);
    }

    static JsonObject health(Pipeline pipeline, BooleanSupplier mqttConnected) {
        JsonObject.Builder doc = JsonObject.builder();
        boolean allOk = true;
        JsonArray.Builder streams = JsonArray.builder();
        for (StreamStatus s : pipeline.status()) {
            JsonObject.Builder n = JsonObject.builder();
            n.put("id", s.streamId());
            n.put("health", s.health().name().toLowerCase(java.util.Locale.ROOT));
            n.put("reason", s.reason());
            n.put("inferences", s.inferences());
            n.put("windows_dropped", s.windowsDropped() + s.windowsDiscarded());
            allOk &= s.health() == StreamHealth.OK;
            streams.add(n.build());
        }
        doc.put("status", allOk ? "ok" : "unhealthy");
        doc.put("gateway", pipeline.gatewayId());
        if (mqttConnected != null) {
            doc.put("mqtt", mqttConnected.getAsBoolean() ? "connected" : "disconnected");
        }
        doc.put("streams", streams.build());
        return doc.build();
    }

    private static void respond(HttpExchange ex, int status, String type, String body) throws IOException {
        try (ex) {
            if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
                ex.getResponseHeaders().set("Allow", "GET, HEAD");
                ex.sendResponseHeaders(405, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", type);
            ex.getResponseHeaders().set("Cache-Control", "no-store");
            if ("HEAD".equals(ex.getRequestMethod())) {
                ex.sendResponseHeaders(status, -1);
                return;
            }
            ex.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** The bound port (useful with port 0 in tests). */
    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
