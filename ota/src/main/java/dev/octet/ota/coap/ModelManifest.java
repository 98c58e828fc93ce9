package dev.octet.ota.coap;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * What a node learns before it downloads a model: its name, size and SHA-256, and, when the gateway predicted it,
 * the RAM the model needs to run (the TensorFlow Lite Micro tensor arena for the node's board). A node refuses a
 * model that does not fit its flash or RAM before transferring a byte, and accepts a downloaded one only if size
 * and hash match.
 *
 * <p>Wire format (UTF-8 text, one field per line): {@code name}, {@code size}, {@code sha256 hex}, then optional
 * {@code key=value} lines: {@code arena=BYTES}. Readers ignore keys they do not know, so a node that only reads the
 * first three lines still understands a newer gateway.
 *
 * @param arenaBytes the predicted tensor arena in bytes, or empty when the gateway did not predict one
 */
public record ModelManifest(String name, long sizeBytes, String sha256, OptionalLong arenaBytes) {
    /** The key of the arena line. */
    public static final String ARENA_KEY = "arena";

    public ModelManifest {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(arenaBytes, "arenaBytes");
        if (sizeBytes < 0 || !sha256.matches("[0-9a-f]{64}") || name.isBlank() || name.contains("\n")
                || (arenaBytes.isPresent() && arenaBytes.getAsLong() < 0)) {
            throw new IllegalArgumentException("bad manifest: " + name + ", " + sizeBytes + ", " + sha256 + ", "
                    + arenaBytes);
        }
    }

    /** A manifest without a RAM prediction. */
    public ModelManifest(String name, long sizeBytes, String sha256) {
        this(name, sizeBytes, sha256, OptionalLong.empty());
    }

    public static ModelManifest of(String name, byte[] model) {
        return new ModelManifest(name, model.length, sha256(model));
    }

    /** A manifest that tells nodes how much arena RAM the model needs. */
    public static ModelManifest of(String name, byte[] model, OptionalLong arenaBytes) {
        return new ModelManifest(name, model.length, sha256(model), arenaBytes);
    }

    public static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }

    public byte[] encode() {
        String text = name + "\n" + sizeBytes + "\n" + sha256 + "\n";
        if (arenaBytes.isPresent()) {
            text += ARENA_KEY + "=" + arenaBytes.getAsLong() + "\n";
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Parses the wire format; throws IllegalArgumentException when malformed. */
    public static ModelManifest decode(byte[] payload) {
        String[] lines = new String(payload, StandardCharsets.UTF_8).split("\n");
        if (lines.length < 3) {
            throw new IllegalArgumentException("manifest needs name, size and sha256 lines");
        }
        long size;
        try {
            size = Long.parseLong(lines[1].trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad size in manifest: " + lines[1]);
        }
        OptionalLong arena = OptionalLong.empty();
        for (int i = 3; i < lines.length; i++) {
            int eq = lines[i].indexOf('=');
            if (eq > 0 && lines[i].substring(0, eq).trim().equals(ARENA_KEY)) {
                String value = lines[i].substring(eq + 1).trim();
                try {
                    arena = OptionalLong.of(Long.parseLong(value));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bad arena in manifest: " + value);
                }
            }
        }
        return new ModelManifest(lines[0], size, lines[2].trim(), arena);
    }

    /** Whether some bytes are this model. */
    public boolean matches(byte[] data) {
        return data.length == sizeBytes && sha256(data).equals(sha256);
    }
}
