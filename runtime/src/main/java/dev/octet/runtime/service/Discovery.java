package dev.octet.runtime.service;

import dev.octet.runtime.json.JsonArray;
import dev.octet.runtime.json.JsonObject;
import dev.octet.runtime.pipeline.config.OctetConfig;
import dev.octet.runtime.pipeline.config.OctetConfig.ClassificationPost;
import dev.octet.runtime.pipeline.config.OctetConfig.MqttSink;
import dev.octet.runtime.pipeline.config.OctetConfig.StreamConfig;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Home Assistant MQTT discovery: one retained {@code homeassistant/sensor/<gateway>_<stream>/config} message per
 * stream, so each stream shows up as a sensor entity of one device (the gateway) with no hand configuration. The
 * entity's state is the anomaly score ({@code value_json.outputs.score}) or, for classifiers, the label; the whole
 * result is its attributes; it is unavailable while the gateway's availability topic says {@code offline}.
 * Published again after every (re)connection, as Home Assistant expects (it may have restarted meanwhile).
 */
public final class Discovery {
    public static final String PREFIX = "homeassistant";

    private Discovery() {
    }

    /** The gateway's availability topic: retained {@code online}, {@code offline} as Last Will and at shutdown. */
    public static String availabilityTopic(String gatewayId) {
        return "octet/" + gatewayId + "/status";
    }

    /** Topic → retained payload for every stream that an MQTT sink publishes (the first MQTT sink's topic). */
    public static Map<String, byte[]> messages(OctetConfig config, String version) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        MqttSink sink = config.sinks().stream().filter(MqttSink.class::isInstance).map(MqttSink.class::cast)
                .findFirst().orElse(null);
        if (sink == null) {
            return out;
        }
        String gw = config.gatewayId();
        for (StreamConfig s : config.streams()) {
            String objectId = sanitize(gw + "_" + s.id());
            boolean classifier = s.postprocess().stream().anyMatch(ClassificationPost.class::isInstance);
            JsonObject.Builder m = JsonObject.builder();
            m.put("name", s.id() + (classifier ? " label" : " anomaly score"));
            m.put("unique_id", "octet_" + objectId);
            m.put("object_id", "octet_" + objectId);
            m.put("state_topic", sink.topicFor(gw, s.id(), s.model()));
            m.put("value_template", classifier ? "{{ value_json.outputs.label }}" : "{{ value_json.outputs.score }}");
            m.put("json_attributes_topic", sink.topicFor(gw, s.id(), s.model()));
            m.put("json_attributes_template", "{{ value_json.outputs | tojson }}");
            m.put("availability_topic", availabilityTopic(gw));
            m.put("payload_available", "online");
            m.put("payload_not_available", "offline");
            if (!classifier) {
                m.put("state_class", "measurement");
            }
            m.put("icon", classifier ? "mdi:label" : "mdi:waveform");
            m.put("device", JsonObject.builder()
                    .put("identifiers", JsonArray.builder().add("octet_" + sanitize(gw)).build())
                    .put("name", "Octet gateway " + gw)
                    .put("manufacturer", "Octet")
                    .put("model", "Octet gateway")
                    .put("sw_version", version)
                    .build());
            out.put(PREFIX + "/sensor/" + objectId + "/config", m.build().toString().getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    /** Home Assistant's object ids allow {@code [a-zA-Z0-9_-]}; gateway and stream ids may also hold dots. */
    static String sanitize(String s) {
        return s.replaceAll("[^A-Za-z0-9_-]", "_");
    }
}
