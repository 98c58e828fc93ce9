package dev.octet.runtime.cli;

import dev.octet.runtime.io.AtomicFiles;
import dev.octet.runtime.model.Model;
import dev.octet.runtime.model.ModelReader;
import dev.octet.runtime.model.TensorSpec;
import dev.octet.runtime.model.UnsupportedModelException;
import dev.octet.runtime.quant.calibration.Calibration;
import dev.octet.runtime.quant.calibration.CalibrationData;
import dev.octet.runtime.quant.calibration.Calibrator;
import dev.octet.runtime.quant.calibration.ProgressListener;
import dev.octet.runtime.quant.calibration.TensorStatistics;
import dev.octet.runtime.quant.ptq.QuantizationReport;
import dev.octet.runtime.quant.ptq.Quantizer;
import dev.octet.runtime.quant.ptq.WeightClustering;
import dev.octet.runtime.quant.ptq.WeightFormat;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code octet quantize}: a float32 model and calibration samples in, an int8 model and a report out. */
@Command(name = "quantize", mixinStandardHelpOptions = true,
        description = {"Quantizes a float32 model to int8 (post-training, TFLite's full-integer scheme) using "
                + "calibration samples, writes the int8 .tflite and prints per-layer SQNR and output agreement.",
                "The calibration file holds raw little-endian float32 samples back to back, each the size of the "
                        + "model's input."})
final class QuantizeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "A float32 .tflite model.")
    Path model;

    @Option(names = "--calibration", paramLabel = "FILE", description = "Raw float32 samples.")
    Path calibration;

    @picocli.CommandLine.Mixin
    StreamCalibration fromStream;

    @Option(names = "--output", required = true, paramLabel = "FILE", description = "Where to write the int8 model.")
    Path output;

    @Option(names = "--stride", paramLabel = "N",
            description = "Read the calibration file as a stream and take overlapping windows of the input's size "
                    + "every N float32 values (e.g. 128 for 5-frame AD windows moving one 128-bin frame).")
    Integer stride;

    @Option(names = "--calibrator", paramLabel = "NAME", defaultValue = "minmax",
            description = "minmax, percentile, entropy or mse. Default: ${DEFAULT-VALUE}.")
    String calibrator;

    @Option(names = "--float-io", description = "Keep float32 input and output (QUANTIZE/DEQUANTIZE at the edges).")
    boolean floatIo;

    @Option(names = "--per-channel-fc", description = "Per-channel weights for FULLY_CONNECTED too.")
    boolean perChannelFc;

    @Option(names = "--clusters", paramLabel = "K", defaultValue = "0",
            description = "Cluster each layer's weights to at most K int8 values (k-means), so that the model "
                    + "compresses better for OTA; 0 (the default) turns it off.")
    int clusters;

    @Option(names = "--power-of-two-scales", description = "Round every scale up to a power of two, so that "
            + "requantization is a shift; marks the model octet.pow2.v1, which Octet runs with shift-only "
            + "requantization (an Octet variant: valid TFLite, not bit-exact with it; docs/QUANTIZER.md).")
    boolean powerOfTwo;

    @Option(names = "--weights", paramLabel = "int8|int4|int4-all", defaultValue = "int8",
            description = "int4: FULLY_CONNECTED and CONV_2D weights as int4 with one scale per group (Octet's int4 "
                    + "variant, docs/INT4.md: runs in Octet, not in TFLite); int4-all: depthwise weights too; the "
                    + "report compares with int8. Default: ${DEFAULT-VALUE}.")
    String weights;

    @Option(names = "--group-size", paramLabel = "G", defaultValue = "32",
            description = "int4 group size: consecutive reduction elements per scale. Default: ${DEFAULT-VALUE}.")
    int groupSize;

    @Option(names = "--tensor-calibrator", paramLabel = "TENSOR=NAME",
            description = "Use another calibrator for one activation tensor (by name); repeatable.")
    Map<String, String> tensorCalibrators = new java.util.LinkedHashMap<>();

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Calibrator chosen;
        Map<String, Calibrator> perTensor = new java.util.LinkedHashMap<>();
        WeightFormat weightFormat;
        try {
            weightFormat = WeightFormat.parse(weights, groupSize);
            if (weightFormat.isInt4() && (clusters > 0 || powerOfTwo)) {
                throw new IllegalArgumentException("--weights int4 does not combine with --clusters or "
                        + "--power-of-two-scales");
            }
            chosen = Calibrator.parse(calibrator);
            tensorCalibrators.forEach((tensor, name) -> perTensor.put(tensor, Calibrator.parse(name)));
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (clusters < 0 || clusters > 255) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--clusters must be in [0, 255], got " + clusters);
        }
        fromStream.check(spec, calibration, stride);
        Model floatModel = ModelReader.withDefaults().read(model);
        TensorSpec in = floatModel.mainSubgraph().input(0);
        List<float[]> samples;
        try {
            samples = fromStream.given() ? fromStream.samples(floatModel, model, spec, err)
                    : stride == null ? CalibrationData.read(calibration, (int) in.elementCount())
                    : CalibrationData.sliding(java.nio.file.Files.readAllBytes(calibration), (int) in.elementCount(),
                    stride, calibration.toString());
        } catch (IllegalArgumentException e) {
            throw new OctetCommand.InputMismatchException(e.getMessage());
        }
        ProgressListener bar = progressBar(err);
        Quantizer.Options options =
                new Quantizer.Options(chosen, floatIo, perChannelFc, clusters, powerOfTwo, perTensor);
        Quantizer.Result result;
        Map<Integer, TensorStatistics> stats;
        try {
            stats = Calibration.collect(floatModel, samples, bar);
            result = Quantizer.quantize(floatModel, stats, options, weightFormat);
        } catch (IllegalArgumentException e) {
            // The model is valid but not something the quantizer takes (not float32, several inputs, ...).
            throw new UnsupportedModelException("cannot quantize: " + e.getMessage());
        }
        AtomicFiles.write(output, result.bytes());
        QuantizationReport report = QuantizationReport.evaluate(floatModel, result, samples, bar);
        // int4: the int8 model from the same calibration, for the SQNR comparison column.
        QuantizationReport int8 = weightFormat.isInt4() ? QuantizationReport.evaluate(floatModel,
                Quantizer.quantize(floatModel, stats, options), samples, bar) : null;

        Table table = int8 == null ? new Table("#", "operator", "scale", "zp", "SQNR dB", "RMS error", "max error")
                : new Table("#", "operator", "scale", "zp", "SQNR dB", "int8 SQNR dB", "RMS error", "max error");
        for (int i = 0; i < report.layers().size(); i++) {
            QuantizationReport.Layer l = report.layers().get(i);
            List<String> row = new java.util.ArrayList<>(List.of(String.valueOf(l.operator()), l.op(),
                    String.format(Locale.ROOT, "%.6g", l.scale()), String.valueOf(l.zeroPoint()),
                    String.format(Locale.ROOT, "%.2f", l.sqnrDb())));
            if (int8 != null) {
                row.add(String.format(Locale.ROOT, "%.2f", int8.layers().get(i).sqnrDb()));
            }
            row.add(String.format(Locale.ROOT, "%.5f", l.rmsError()));
            row.add(String.format(Locale.ROOT, "%.5f", l.maxAbsError()));
            table.row(row.toArray(String[]::new));
        }
        table.print(out);
        if (int8 != null) {
            out.printf(Locale.ROOT, "%nweights %s: Octet's int4 variant, runs in Octet only (not TFLite/TFLM)%n",
                    weightFormat);
        }
        out.printf(Locale.ROOT, "%ncalibrator %s, %d sample(s); wrote %,d bytes (%,d deflated) to %s%n",
                chosen.name().toLowerCase(Locale.ROOT), samples.size(), result.bytes().length,
                WeightClustering.deflatedSize(result.bytes()), output);
        if (!Double.isNaN(report.top1Agreement())) {
            out.printf(Locale.ROOT, "top-1 agreement with the float model: %.1f%%%s%n", 100 * report.top1Agreement(),
                    int8 == null ? "" : String.format(Locale.ROOT, " (int8: %.1f%%)", 100 * int8.top1Agreement()));
        }
        if (!Double.isNaN(report.floatScore())) {
            out.printf(Locale.ROOT, "anomaly score (MSE output vs input): float %.4f, %s %.4f (%+.2f%%)%s%n",
                    report.floatScore(), weightFormat, report.int8Score(), 100 * report.scoreDeviation(),
                    int8 == null ? "" : String.format(Locale.ROOT, "; int8 %.4f", int8.int8Score()));
        }
        out.flush();
        return 0;
    }

    /**
     * A one-line bar on stderr, redrawn with a carriage return only when the percentage changes, and ended with a
     * newline when a stage completes.
     */
    static ProgressListener progressBar(PrintWriter err) {
        int[] lastPercent = {-1};
        return (stage, done, total) -> {
            int percent = (int) (100L * done / total);
            if (percent == lastPercent[0] && done != total) {
                return;
            }
            lastPercent[0] = done == total ? -1 : percent;
            int width = 30;
            int filled = (int) ((long) width * done / total);
            err.print("\r" + String.format(Locale.ROOT, "%-12s", stage) + " [" + "#".repeat(filled)
                    + " ".repeat(width - filled) + "] " + String.format(Locale.ROOT, "%3d%%", percent)
                    + " " + done + "/" + total);
            if (done == total) {
                err.println();
            }
            err.flush();
        };
    }
}
