package dev.octet.runtime.service.remote;

import dev.octet.drivers.time.TimeSource;
import dev.octet.mqtt.MqttSettings;
import dev.octet.runtime.pipeline.config.OctetConfig.SourceConfig;
import dev.octet.runtime.pipeline.config.OctetConfig.StreamConfig;
import dev.octet.runtime.pipeline.source.SampleSource;
import dev.octet.runtime.pipeline.source.SourceRegistry;
import dev.octet.runtime.service.DriverSampleSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;

/**
 * The network source types for the {@link SourceRegistry}: {@code mqtt_node} (through the gateway's own broker, so
 * it needs the configuration's {@code mqtt} section) and {@code coap_node}. Creating a source opens nothing; it
 * connects when the stream starts.
 */
public final class RemoteSources {
    private final MqttSettings gatewayMqtt;
    private final TimeSource clock;

    /** @param gatewayMqtt the service's MQTT settings, or null when the configuration has no {@code mqtt} section */
    public RemoteSources(MqttSettings gatewayMqtt) {
        this(gatewayMqtt, TimeSource.system());
    }

    RemoteSources(MqttSettings gatewayMqtt, TimeSource clock) {
        this.gatewayMqtt = gatewayMqtt;
        this.clock = clock;
    }

    /** {@code registry} plus {@code mqtt_node} and {@code coap_node}. */
    public SourceRegistry register(SourceRegistry registry) {
        return registry.with("mqtt_node", this::mqtt).with("coap_node", this::coap);
    }

    private SampleSource mqtt(StreamConfig stream) throws IOException {
        if (gatewayMqtt == null) {
            throw new IOException("stream \"" + stream.id() + "\": an mqtt_node source subscribes through the "
                    + "gateway's broker; add the mqtt section");
        }
        SourceConfig s = stream.source();
        try {
            return wrap(new MqttNodeSource(stream.id(), stream.channels(), stream.sampleRateHz(),
                    PayloadFormat.fromConfig(s.string("format")), MqttNodeSource.settingsFor(gatewayMqtt, stream.id()),
                    s.string("topic"), (int) s.integer("qos"), clock), stream);
        } catch (IllegalArgumentException e) {
            throw new IOException("stream \"" + stream.id() + "\": " + e.getMessage(), e);
        }
    }

    private SampleSource coap(StreamConfig stream) throws IOException {
        SourceConfig s = stream.source();
        String f = s.string("format");
        CoapNodeSource.Psk psk = null;
        if (s.string("psk_identity") != null) {
            String hex = s.string("psk_key") != null ? s.string("psk_key")
                    : Files.readString(Path.of(s.string("psk_key_file")), StandardCharsets.UTF_8);
            try {
                psk = new CoapNodeSource.Psk(s.string("psk_identity"), HexFormat.of().parseHex(hex.strip()));
            } catch (IllegalArgumentException e) {
                throw new IOException("stream \"" + stream.id() + "\": the pre-shared key is not hexadecimal", e);
            }
        }
        try {
            return wrap(new CoapNodeSource(stream.id(), stream.channels(), stream.sampleRateHz(), s.string("uri"),
                    f == null || f.equals("auto") ? null : PayloadFormat.fromConfig(f), s.flag("observe"),
                    Duration.ofMillis(s.integer("poll_interval_ms")), Duration.ofMillis(s.integer("timeout_ms")),
                    Duration.ofMillis(s.integer("retry_max_ms")), psk, clock), stream);
        } catch (IllegalArgumentException e) {
            throw new IOException("stream \"" + stream.id() + "\": " + e.getMessage(), e);
        }
    }

    private static SampleSource wrap(RemoteSource source, StreamConfig stream) {
        Object columns = stream.source().parameters().get("columns");
        if (columns instanceof java.util.List<?> names) {
            source.csvColumns(names.stream().map(String::valueOf).toList());
        }
        return new DriverSampleSource(source, stream.channels());
    }
}
