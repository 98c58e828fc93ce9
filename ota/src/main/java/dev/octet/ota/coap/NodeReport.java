package dev.octet.ota.coap;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * A node's answer to a delivery: which model, whether it accepted it, and why. A refusal carries a short reason
 * code ({@code ram}, {@code flash}) and the numbers behind it (bytes the model needs, bytes the node has), so a
 * dashboard can show them without parsing the free-text detail.
 *
 * <p>Wire format (UTF-8 lines): {@code node}, {@code model}, {@code ACCEPTED|REFUSED|FAILED}, {@code detail}, then
 * optional {@code key=value} lines {@code reason=}, {@code required=}, {@code available=}. Readers ignore keys they
 * do not know; a four-line report (older nodes) has no reason.
 *
 * @param reason a short code for a refusal or failure ({@code ram}, {@code flash}), or empty
 * @param requiredBytes what the model needs of the refused resource, or empty
 * @param availableBytes what the node has of it, or empty
 */
public record NodeReport(String node, String model, Status status, String detail, String reason,
                         OptionalLong requiredBytes, OptionalLong availableBytes) {
    public enum Status { ACCEPTED, REFUSED, FAILED }

    /** Refused: the model's tensor arena does not fit the node's RAM budget. */
    public static final String REASON_RAM = "ram";
    /** Refused: the model does not fit the node's free flash. */
    public static final String REASON_FLASH = "flash";

    public NodeReport {
        Objects.requireNonNull(node);
        Objects.requireNonNull(model);
        Objects.requireNonNull(status);
        Objects.requireNonNull(requiredBytes);
        Objects.requireNonNull(availableBytes);
        detail = detail == null ? "" : detail.replace('\n', ' ');
        reason = reason == null ? "" : reason.strip();
        if (!reason.matches("[A-Za-z0-9_.-]*")) {
            throw new IllegalArgumentException("a reason code is letters, digits, '_', '-', '.': " + reason);
        }
    }

    /** A report without a reason code. */
    public NodeReport(String node, String model, Status status, String detail) {
        this(node, model, status, detail, "", OptionalLong.empty(), OptionalLong.empty());
    }

    /** A refusal with its reason code and numbers. */
    public static NodeReport refused(String node, String model, String reason, long requiredBytes,
                                     long availableBytes, String detail) {
        return new NodeReport(node, model, Status.REFUSED, detail, reason, OptionalLong.of(requiredBytes),
                OptionalLong.of(availableBytes));
    }

    public byte[] encode() {
        StringBuilder b = new StringBuilder();
        b.append(node).append('\n').append(model).append('\n').append(status).append('\n').append(detail).append('\n');
        if (!reason.isEmpty()) {
            b.append("reason=").append(reason).append('\n');
        }
        requiredBytes.ifPresent(v -> b.append("required=").append(v).append('\n'));
        availableBytes.ifPresent(v -> b.append("available=").append(v).append('\n'));
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Parses the wire format; throws IllegalArgumentException when malformed. */
    public static NodeReport decode(byte[] payload) {
        String[] l = new String(payload, StandardCharsets.UTF_8).split("\n", -1);
        if (l.length < 4) {
            throw new IllegalArgumentException("report needs node, model, status and detail lines");
        }
        Status status;
        try {
            status = Status.valueOf(l[2].trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown report status: " + l[2]);
        }
        String reason = "";
        OptionalLong required = OptionalLong.empty();
        OptionalLong available = OptionalLong.empty();
        for (int i = 4; i < l.length; i++) {
            int eq = l[i].indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String key = l[i].substring(0, eq).trim();
            String value = l[i].substring(eq + 1).trim();
            switch (key) {
                case "reason" -> reason = value;
                case "required" -> required = OptionalLong.of(bytes(key, value));
                case "available" -> available = OptionalLong.of(bytes(key, value));
                default -> {
                    // a newer node's field: ignored
                }
            }
        }
        return new NodeReport(l[0], l[1], status, l[3], reason, required, available);
    }

    private static long bytes(String key, String value) {
        try {
            long v = Long.parseLong(value);
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad " + key + " in report: " + value);
        }
    }

    /**
     * The report as one JSON object: {@code node}, {@code model}, {@code status}, then {@code reason},
     * {@code required_bytes} and {@code available_bytes} when present, and {@code detail}.
     */
    public String toJson() {
        StringBuilder b = new StringBuilder("{\"node\":").append(quote(node)).append(",\"model\":").append(quote(model))
                .append(",\"status\":").append(quote(status.name()));
        if (!reason.isEmpty()) {
            b.append(",\"reason\":").append(quote(reason));
        }
        requiredBytes.ifPresent(v -> b.append(",\"required_bytes\":").append(v));
        availableBytes.ifPresent(v -> b.append(",\"available_bytes\":").append(v));
        return b.append(",\"detail\":").append(quote(detail)).append('}').toString();
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
