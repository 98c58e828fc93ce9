package dev.octet.runtime.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.runtime.json.Json;
import dev.octet.runtime.json.JsonValue;
import dev.octet.runtime.json.Yaml;
import dev.octet.runtime.pipeline.config.ConfigLoader;
import dev.octet.runtime.pipeline.config.OctetConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Docker cannot run here; these check what can be checked without it. */
class PackagingTest {
    static final Path ROOT = Path.of(System.getProperty("user.dir")).resolve("..").normalize();

    @Test
    void the_dockerfile_copies_every_module_of_the_reactor_and_the_config() throws Exception {
        String pom = Files.readString(ROOT.resolve("pom.xml"));
        String dockerfile = Files.readString(ROOT.resolve("docker/Dockerfile"));
        Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(pom);
        int modules = 0;
        while (m.find()) {
            modules++;
            String module = m.group(1);
            assertTrue(dockerfile.contains("COPY " + module + " " + module)
                    || dockerfile.contains("COPY " + module + "/pom.xml " + module + "/pom.xml"), module);
        }
        assertTrue(modules >= 6);
        assertTrue(dockerfile.contains("COPY config config"), "demo.yaml is bundled from config/");
        assertTrue(dockerfile.contains("FROM eclipse-temurin:17-jre"));
    }

    @Test
    void the_compose_stack_mounts_a_valid_octet_config_that_points_at_the_mosquitto_service() throws Exception {
        JsonValue compose = Yaml.parse(Files.readString(ROOT.resolve("docker/compose.yaml")));
        JsonValue services = compose.get("services");
        for (String s : new String[] {"mosquitto", "octet", "influxdb", "telegraf", "grafana"}) {
            assertTrue(services.has(s), s);
        }
        for (JsonValue service : services.asObject().members().values()) {
            JsonValue volumes = service.get("volumes");
            for (JsonValue volume : volumes == null ? java.util.List.<JsonValue>of() : volumes.asArray().elements()) {
                String source = volume.asText().split(":")[0];
                if (source.startsWith("./")) {
                    assertTrue(Files.exists(ROOT.resolve("docker").resolve(source)), source);
                }
            }
        }
        OctetConfig config = ConfigLoader.load(ROOT.resolve("docker/octet/octet.yaml"));
        assertEquals("tcp://mosquitto:1883", config.mqtt().orElseThrow().uri());
        assertEquals(9464, config.http().port());
        Json.parse(Files.readString(ROOT.resolve("docker/grafana/dashboards/octet.json")));
    }

    @Test
    void the_example_configuration_is_valid() throws Exception {
        OctetConfig config = ConfigLoader.load(ROOT.resolve("config/octet.example.yaml"));
        assertTrue(config.mqtt().isPresent());
        assertEquals(2, Discovery.messages(config, "test").size(), "one discovery message per stream");
    }
}
