package dev.octet.runtime.cli;

import dev.octet.runtime.model.Model;
import dev.octet.runtime.model.TensorSpec;
import dev.octet.runtime.pipeline.recording.Recording;
import dev.octet.runtime.pipeline.recording.RecordingFiles;
import dev.octet.runtime.quant.calibration.CalibrationData;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code octet quantize --calibration-config FILE --stream ID --windows N}: calibration samples recorded from a
 * configured stream instead of a file, so a gateway can re-quantize a model for the data it really sees. The
 * windows are recorded into a temporary file in the calibration format, read back as a calibration file would be,
 * and the temporary files removed.
 */
final class StreamCalibration {
    @Option(names = "--calibration-config", paramLabel = "FILE",
            description = "Record the calibration samples from a stream of this gateway configuration (with --stream "
                    + "and --windows; see `octet record`) instead of reading --calibration.")
    Path config;

    @Mixin
    StreamRecordingOptions recording;

    boolean given() {
        return config != null;
    }

    /** Exactly one source of calibration data, and stream options only with a configuration. */
    void check(CommandSpec spec, Path calibrationFile, Integer stride) {
        if (config == null && calibrationFile == null) {
            throw new ParameterException(spec.commandLine(), "give --calibration FILE, or --calibration-config FILE "
                    + "--stream ID --windows N");
        }
        if (config != null && (calibrationFile != null || stride != null)) {
            throw new ParameterException(spec.commandLine(), "--calibration-config records the samples: do not give "
                    + "--calibration or --stride with it");
        }
        if (config == null && recording.anyGiven()) {
            throw new ParameterException(spec.commandLine(), "--stream and --windows need --calibration-config");
        }
        if (config != null) {
            recording.options(spec);
        }
    }

    /** Records the samples; the model's input must take exactly one window of the stream's preprocessing output. */
    List<float[]> samples(Model floatModel, Path modelFile, CommandSpec spec, PrintWriter err) throws Exception {
        TensorSpec in = floatModel.mainSubgraph().input(0);
        Recording r = recording.record(config, spec, err, values -> {
            if (values != in.elementCount()) {
                throw new OctetCommand.InputMismatchException("model " + modelFile + " takes " + in.elementCount()
                        + " values " + Arrays.toString(in.shape()) + ", but stream \"" + recording.stream + "\" of "
                        + config + " gives " + values + " per window after preprocessing: calibrate it with a "
                        + "stream whose preprocessing produces its input");
            }
        });
        Path tmp = Files.createTempFile("octet-calibration-", ".bin");
        try {
            RecordingFiles.write(tmp, r, config);
            List<float[]> samples = CalibrationData.read(tmp, (int) in.elementCount());
            err.printf("recorded %d window(s) from stream %s (%d produced, skip %d, every %d)%n", r.count(),
                    r.streamId(), r.seen(), r.options().skip(), r.options().every());
            err.flush();
            return samples;
        } finally {
            Files.deleteIfExists(RecordingFiles.sidecarOf(tmp));
            Files.deleteIfExists(tmp);
        }
    }
}
