package dev.octet.runtime.service.remote;

import java.util.Locale;

/**
 * How a remote node encodes its readings (the {@code format} of an {@code mqtt_node} or {@code coap_node} source).
 * The layouts are described in {@code drivers/README.md} ("Remote nodes").
 */
public enum PayloadFormat {
    /** {@code {"t": ms, "seq": n, "values": [..]}}, {@code {"samples": [[..], ..]}}, or an array of those. */
    JSON,
    /** One sample per line, values separated by commas. */
    CSV,
    /** Raw float32 little-endian, channel values of each sample back to back, no header. */
    F32LE;

    /** The configuration name: {@code json}, {@code csv}, {@code f32le}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException for an unknown name */
    public static PayloadFormat fromConfig(String name) {
        for (PayloadFormat f : values()) {
            if (f.configName().equals(name)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown payload format \"" + name + "\" (json, csv, f32le)");
    }
}
