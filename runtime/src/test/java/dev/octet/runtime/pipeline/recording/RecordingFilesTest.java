package dev.octet.runtime.pipeline.recording;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.octet.runtime.json.JsonValue;
import dev.octet.runtime.json.Json;
import org.junit.jupiter.api.Test;

class RecordingFilesTest {

    @Test
    void a_recording_description_keeps_the_source_parameters_but_not_its_secrets() throws Exception {
        JsonValue parameters = Json.parse("""
                {"uri": "coaps://node-7/samples", "psk_identity": "node-7", "psk_key": "00112233445566778899aabb",
                 "psk_key_file": "/etc/octet/node-7.psk", "auth": {"username": "gw", "password": "hunter2"},
                 "seed": 42}
                """);
        JsonValue written = RecordingFiles.withoutSecrets(parameters);
        assertEquals("(not recorded)", written.get("psk_key").asText());
        assertEquals("(not recorded)", written.get("auth").get("password").asText());
        for (String kept : new String[] {"uri", "psk_identity", "psk_key_file", "seed"}) {
            assertEquals(parameters.get(kept), written.get(kept), kept);
        }
        assertEquals("gw", written.get("auth").get("username").asText());
    }
}
