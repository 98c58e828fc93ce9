package dev.octet.runtime.cli;

import dev.octet.runtime.pipeline.recording.Recording;
import dev.octet.runtime.pipeline.recording.RecordingFiles;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code octet record}: windows of a configured stream, as its model would see them before input quantization,
 * written as raw float32 calibration samples with a JSON description beside them.
 */
@Command(name = "record", mixinStandardHelpOptions = true,
        description = {"Runs one stream of a gateway configuration (source, windows, preprocessing) and writes N "
                + "windows as its model receives them, before input quantization: raw little-endian float32, "
                + "back to back (what `octet quantize --calibration` reads), plus FILE.json describing them.",
                "Simulated and replayed sources run unpaced unless --paced is given."})
final class RecordCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The YAML configuration.")
    Path config;

    @Option(names = "--output", required = true, paramLabel = "FILE", description = "Where to write the windows.")
    Path output;

    @Mixin
    StreamRecordingOptions recording;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        recording.options(spec); // usage errors before anything is opened
        Path dir = output.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "the output's folder does not exist");
        }
        Recording r = recording.record(config, spec, err, values -> { });
        RecordingFiles.write(output, r, config);
        out.printf("recorded %d window(s) of %d float32 values (%s) from stream %s (%d produced, skip %d, every %d, "
                        + "%s) to %s; description in %s%n", r.count(), r.shape().elements(), r.shape(), r.streamId(),
                r.seen(), r.options().skip(), r.options().every(), r.paced() ? "real time" : "unpaced", output,
                RecordingFiles.sidecarOf(output));
        out.flush();
        return 0;
    }
}
