package dev.octet.ota.coap;

import java.net.InetSocketAddress;
import java.util.Map;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.cipher.CipherSuite;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedMultiPskStore;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedSinglePskStore;

/**
 * DTLS 1.2 with pre-shared keys (Scandium) for model delivery: each node has its own identity and key, the
 * gateway knows them all. The cipher suite is TLS_PSK_WITH_AES_128_CCM_8 (RFC 6655), the one CoAP (RFC 7252,
 * section 9.1.3.1) makes mandatory for PSK mode and that constrained nodes implement in hardware AES. Use
 * {@code coaps://} URIs with these connectors.
 */
public final class PskDtls {
    private PskDtls() {
    }

    /** The gateway's connector: a server that accepts the given node identities and keys. */
    public static DTLSConnector server(InetSocketAddress bind, Configuration config, Map<String, byte[]> keys) {
        AdvancedMultiPskStore store = new AdvancedMultiPskStore();
        keys.forEach(store::setKey);
        DtlsConnectorConfig dtls = DtlsConnectorConfig.builder(config)
                .setAddress(bind)
                .set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.SERVER_ONLY)
                .setAsList(DtlsConfig.DTLS_CIPHER_SUITES, CipherSuite.TLS_PSK_WITH_AES_128_CCM_8)
                .setAdvancedPskStore(store)
                .build();
        return new DTLSConnector(dtls);
    }

    /** A node's connector: a client with its own identity and key. */
    public static DTLSConnector client(InetSocketAddress bind, Configuration config, String identity, byte[] key) {
        DtlsConnectorConfig dtls = DtlsConnectorConfig.builder(config)
                .setAddress(bind)
                .set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.CLIENT_ONLY)
                .setAsList(DtlsConfig.DTLS_CIPHER_SUITES, CipherSuite.TLS_PSK_WITH_AES_128_CCM_8)
                .setAdvancedPskStore(new AdvancedSinglePskStore(identity, key))
                .build();
        return new DTLSConnector(dtls);
    }

    /** Longest key {@link #readKeyFile} accepts, in bytes (DTLS allows 2^16 - 1; real keys are 16 or 32). */
    public static final int MAX_KEY_BYTES = 64;

    /**
     * Reads a pre-shared key file: the key as hex digits (e.g. {@code openssl rand -hex 16 > node-7.psk}),
     * surrounding whitespace ignored. Hex, not raw bytes, so that a key survives editors and copy and paste.
     *
     * @throws IllegalArgumentException if the file is not 1 to 64 bytes of hex; the message names the file but never
     *                                  shows its content
     */
    public static byte[] readKeyFile(java.nio.file.Path file) throws java.io.IOException {
        String text = java.nio.file.Files.readString(file, java.nio.charset.StandardCharsets.US_ASCII).strip();
        if (text.isEmpty() || text.length() % 2 != 0 || !text.matches("[0-9a-fA-F]+")
                || text.length() / 2 > MAX_KEY_BYTES) {
            throw new IllegalArgumentException(file + ": expected a pre-shared key of 1 to " + MAX_KEY_BYTES
                    + " bytes written as hex digits");
        }
        return java.util.HexFormat.of().parseHex(text);
    }
}
