package dev.octet.runtime.service;

import dev.octet.mqtt.MqttSettings;
import dev.octet.runtime.pipeline.config.ConfigError;
import dev.octet.runtime.pipeline.config.ConfigException;
import dev.octet.runtime.pipeline.config.OctetConfig;
import dev.octet.runtime.pipeline.config.OctetConfig.MqttConfig;
import dev.octet.runtime.pipeline.source.SourceRegistry;
import dev.octet.runtime.service.remote.RemoteSources;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * What a configuration's streams are opened with, the same for {@code octet run} and {@code octet record}: the
 * runtime's own source types, the hardware drivers and the remote node types, the latter connecting with the MQTT
 * settings of the configuration's {@code mqtt} section.
 */
public final class GatewaySources {
    /** Appended to the configured client id for {@code octet record}'s connections (see {@link #forRecording}). */
    public static final String RECORDING_CLIENT_SUFFIX = "-record";

    private GatewaySources() {
    }

    /** Every source type: builtin, {@code hardware}'s, and {@code mqtt_node}/{@code coap_node}. */
    public static SourceRegistry registry(HardwareSources hardware, MqttSettings mqtt) {
        return new RemoteSources(mqtt).register(hardware.register(SourceRegistry.builtin()));
    }

    /**
     * The gateway's MQTT settings from the {@code mqtt} section (URI, client id, keep-alive, credentials, TLS, the
     * availability topic), or null without one.
     *
     * @param tuning applied last (tests shorten timeouts with it)
     * @throws ConfigException if the settings are refused (field {@code mqtt})
     */
    public static MqttSettings mqttSettings(OctetConfig config, UnaryOperator<MqttSettings.Builder> tuning)
            throws ConfigException {
        if (config.mqtt().isEmpty()) {
            return null;
        }
        MqttConfig m = config.mqtt().get();
        try {
            MqttSettings.Builder b = MqttSettings.builder(m.uri(), m.clientId())
                    .keepAlive(Duration.ofSeconds(m.keepAliveSeconds()))
                    .availabilityTopic(Discovery.availabilityTopic(config.gatewayId()));
            if (m.username() != null) {
                b.credentials(m.username(), m.password() == null ? null : m.password().toCharArray());
            }
            if (m.tls() != null) {
                if (m.tls().caFile() != null) {
                    b.caCertificates(m.tls().caFile());
                }
                if (m.tls().certFile() != null) {
                    b.clientCertificate(m.tls().certFile(), m.tls().keyFile());
                }
            }
            return tuning.apply(b).build();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(config.file(), List.of(new ConfigError("mqtt", e.getMessage())));
        }
    }

    /**
     * The MQTT settings for recording while the gateway may be running: the same broker, credentials and TLS under
     * the client id {@code <client_id>-record}, so that the recorder's subscriber ({@code <client_id>-record-<stream>})
     * does not take over the running service's connection (a broker keeps one connection per client id). Null
     * without an {@code mqtt} section.
     */
    public static MqttSettings forRecording(OctetConfig config) throws ConfigException {
        return config.mqtt().isEmpty() ? null : mqttSettings(config,
                b -> b.clientId(config.mqtt().get().clientId() + RECORDING_CLIENT_SUFFIX));
    }
}
