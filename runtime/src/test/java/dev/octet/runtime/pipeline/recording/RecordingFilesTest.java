package dev.octet.runtime.pipeline.recording;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class RecordingFilesTest {
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void a_recording_description_keeps_the_source_parameters_but_not_its_secrets() throws Exception {
        JsonNode parameters = json.readTree("""
                {"uri": "coaps://node-7/samples", "psk_identity": "node-7", "psk_key": "00112233445566778899aabb",
                 "psk_key_file": "/etc/octet/node-7.psk", "auth": {"username": "gw", "password": "hunter2"},
                 "seed": 42}
                """);
        JsonNode written = RecordingFiles.withoutSecrets(parameters.deepCopy());
        assertEquals("(not recorded)", written.get("psk_key").asText());
        assertEquals("(not recorded)", written.get("auth").get("password").asText());
        for (String kept : new String[] {"uri", "psk_identity", "psk_key_file", "seed"}) {
            assertEquals(parameters.get(kept), written.get(kept), kept);
        }
        assertEquals("gw", written.get("auth").get("username").asText());
    }
}
