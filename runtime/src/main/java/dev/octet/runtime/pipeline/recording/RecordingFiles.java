package dev.octet.runtime.pipeline.recording;

import dev.octet.runtime.io.AtomicFiles;
import dev.octet.runtime.json.Json;
import dev.octet.runtime.json.JsonArray;
import dev.octet.runtime.json.JsonObject;
import dev.octet.runtime.json.JsonValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Writes a {@link Recording}: the windows as raw float32 (the file {@code octet quantize --calibration} reads) and,
 * beside it as {@code FILE.json}, what they are: stream, model, count, shape, source, selection, times and seed.
 * Each file is written atomically (never half-written). The data goes first; if the description then cannot be
 * written the data file is removed again. A crash between the two writes leaves the data without its description,
 * and a failed overwrite can leave the previous recording's description beside the removed data: the description
 * names the count and shape, so a reader can tell. Secrets among the source's parameters are not written.
 */
public final class RecordingFiles {
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
        JsonObject.Builder root = JsonObject.builder();
        root.put("format", "float32 little-endian, windows back to back, no header");
        root.put("stream", r.streamId());
        root.put("model", JsonObject.builder()
                .put("id", r.modelId())
                .put("version", r.modelVersion())
                .put("input_shape", Json.from(r.modelInput()))
                .build());
        root.put("count", r.count());
        root.put("window_shape", JsonArray.builder().add(r.shape().rows()).add(r.shape().cols()).build());
        root.put("values_per_window", r.shape().elements());
        root.put("config", configFile == null ? null : configFile.toAbsolutePath().normalize().toString());
        root.put("source", JsonObject.builder()
                .put("type", r.source().type())
                .put("parameters", withoutSecrets(Json.from(r.source().parameters())))
                .put("paced", r.paced())
                .build());
        Object seed = r.source().parameters().get("seed");
        if (seed instanceof Number n) {
            root.put("seed", n.longValue());
        } else {
            root.putNull("seed");
        }
        root.put("selection", JsonObject.builder()
                .put("skip", r.options().skip())
                .put("every", r.options().every())
                .build());
        root.put("windows_produced", r.seen());
        root.put("windows_dropped", r.dropped());
        root.put("source_errors", r.sourceErrors());
        root.put("started", r.started().toString());
        root.put("finished", r.finished().toString());
        return Json.pretty(root.build()) + "\n";
    }

    /**
     * The source's parameters as written into the description, with secrets masked: recordings are files people copy
     * and share, and a remote source's parameters may hold a pre-shared key or a password.
     */
    static JsonValue withoutSecrets(JsonValue parameters) {
        if (!(parameters instanceof JsonObject object)) {
            return parameters;
        }
        JsonObject.Builder masked = JsonObject.builder();
        object.members().forEach((name, value) -> {
            String n = name.toLowerCase(Locale.ROOT);
            if (n.contains("password") || n.contains("secret") || n.equals("key") || n.endsWith("_key")) {
                masked.put(name, "(not recorded)");
            } else {
                masked.put(name, withoutSecrets(value));
            }
        });
        return masked.build();
    }
}
