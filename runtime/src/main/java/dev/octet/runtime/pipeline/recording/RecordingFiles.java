package dev.octet.runtime.pipeline.recording;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.octet.runtime.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a {@link Recording}: the windows as raw float32 (the file {@code octet quantize --calibration} reads) and,
 * beside it as {@code FILE.json}, what they are: stream, model, count, shape, source, selection, times and seed.
 * Each file is written atomically (never half-written). The data goes first; if the description then cannot be
 * written the data file is removed again. A crash between the two writes leaves the data without its description,
 * and a failed overwrite can leave the previous recording's description beside the removed data: the description
 * names the count and shape, so a reader can tell. Secrets among the source's parameters are not written.
 */
public final class RecordingFiles {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private RecordingFiles() {
    }

    /** Where the description of {@code data} goes: the same name with {@code .json} appended. */
    public static Path sidecarOf(Path data) {
        return data.resolveSibling(data.getFileName() + ".json");
    }

    /**
     * Writes {@code recording} to {@code data} and its description to {@link #sidecarOf}.
     *
     * @param configFile the configuration it was recorded with (named in the description)
     */
    public static void write(Path data, Recording recording, Path configFile) throws IOException {
        byte[] description = describe(recording, configFile).getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(data, recording.toBytes());
        try {
            AtomicFiles.write(sidecarOf(data), description);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(data);
            throw e;
        }
    }

    /** The JSON description. */
    public static String describe(Recording r, Path configFile) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", "float32 little-endian, windows back to back, no header");
        root.put("stream", r.streamId());
        ObjectNode model = root.putObject("model");
        model.put("id", r.modelId());
        model.put("version", r.modelVersion());
        var input = model.putArray("input_shape");
        for (int d : r.modelInput()) {
            input.add(d);
        }
        root.put("count", r.count());
        root.putArray("window_shape").add(r.shape().rows()).add(r.shape().cols());
        root.put("values_per_window", r.shape().elements());
        root.put("config", configFile == null ? null : configFile.toAbsolutePath().normalize().toString());
        ObjectNode source = root.putObject("source");
        source.put("type", r.source().type());
        source.set("parameters", withoutSecrets(JSON.valueToTree(r.source().parameters())));
        source.put("paced", r.paced());
        Object seed = r.source().parameters().get("seed");
        if (seed instanceof Number n) {
            root.put("seed", n.longValue());
        } else {
            root.putNull("seed");
        }
        ObjectNode selection = root.putObject("selection");
        selection.put("skip", r.options().skip());
        selection.put("every", r.options().every());
        root.put("windows_produced", r.seen());
        root.put("windows_dropped", r.dropped());
        root.put("source_errors", r.sourceErrors());
        root.put("started", r.started().toString());
        root.put("finished", r.finished().toString());
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The source's parameters as written into the description, with secrets masked: recordings are files people copy
     * and share, and a remote source's parameters may hold a pre-shared key or a password.
     */
    static com.fasterxml.jackson.databind.JsonNode withoutSecrets(com.fasterxml.jackson.databind.JsonNode parameters) {
        if (parameters instanceof ObjectNode object) {
            var names = new java.util.ArrayList<String>();
            object.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                String n = name.toLowerCase(java.util.Locale.ROOT);
                if (n.contains("password") || n.contains("secret") || n.equals("key") || n.endsWith("_key")) {
                    object.put(name, "(not recorded)");
                } else {
                    withoutSecrets(object.get(name));
                }
            }
        }
        return parameters;
    }
}
