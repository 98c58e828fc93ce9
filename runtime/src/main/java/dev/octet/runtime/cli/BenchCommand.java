package dev.octet.runtime.cli;

import dev.octet.runtime.json.Json;
import dev.octet.profiles.DeviceProfile;
import dev.octet.profiles.DeviceProfiles;
import dev.octet.profiles.ProfileException;
import dev.octet.runtime.cortexm.BenchReport;
import dev.octet.runtime.cortexm.CortexMEmulator;
import dev.octet.runtime.cortexm.Estimate;
import dev.octet.runtime.cortexm.LayerEstimate;
import dev.octet.runtime.engine.ModelSummary;
import dev.octet.runtime.model.Model;
import dev.octet.runtime.model.ModelReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code octet bench}: predicted latency, arena and flash of a model on Cortex-M boards. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Predicts a model's latency (per layer and in total), TFLM tensor arena and flash on Cortex-M "
                + "boards with Octet's calibrated emulator, and says whether it fits. Nothing runs on a board.")
final class BenchCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "A .tflite model file.")
    Path model;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    static final class Target {
        @Option(names = "--profile", paramLabel = "NAME", split = ",",
                description = "Board profile id(s), e.g. stm32l4r5 (repeat or separate with commas).")
        List<String> profiles;

        @Option(names = "--all", description = "Every bundled microcontroller profile.")
        boolean all;
    }

    @Option(names = "--profile-file", paramLabel = "FILE",
            description = "Also load a board profile from this file (docs/DEVICE_PROFILES.md).")
    List<Path> profileFiles = new ArrayList<>();

    @Option(names = "--json", description = "Print one JSON document (a 'profiles' array, one entry per board).")
    boolean json;

    @Option(names = "--html", paramLabel = "FILE", description = "Also write a self-contained HTML report.")
    Path html;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        DeviceProfiles profiles = DeviceProfiles.bundled();
        try {
            for (Path f : profileFiles) {
                profiles = profiles.withFile(f);
            }
        } catch (ProfileException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "bad profile: " + e.getMessage());
        }
        List<DeviceProfile> chosen = new ArrayList<>();
        if (target.all) {
            profiles.all().stream().filter(p -> !p.isGateway()).forEach(chosen::add);
        } else {
            for (String id : target.profiles) {
                DeviceProfile p = profiles.find(id.trim()).orElseThrow(() -> new CommandLine.ParameterException(
                        spec.commandLine(), "unknown profile '" + id + "'; known: " + String.join(", ", microIds(
                                DeviceProfiles.bundled()))));
                if (p.isGateway()) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "'" + id + "' is a gateway ("
                            + p.core().displayName() + "); bench predicts microcontroller nodes only");
                }
                chosen.add(p);
            }
        }
        Model m = ModelReader.withDefaults().read(model);
        long macs = ModelSummary.of(m).totalMacs();
        CortexMEmulator emulator = CortexMEmulator.calibrated();
        List<Estimate> estimates = new ArrayList<>();
        for (DeviceProfile p : chosen) {
            estimates.add(emulator.estimate(m, p));
        }
        String name = model.getFileName().toString();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.pretty(Json.from(BenchReport.json(name, m.sizeBytes(), macs, estimates))));
        } else {
            printText(out, m, estimates);
        }
        if (html != null) {
            Files.writeString(html, BenchReport.html(name, m.sizeBytes(), macs, estimates), StandardCharsets.UTF_8);
            if (!json) {
                out.println("HTML report written to " + html);
            }
        }
        out.flush();
        return 0;
    }

    private static List<String> microIds(DeviceProfiles profiles) {
        return profiles.all().stream().filter(p -> !p.isGateway()).map(DeviceProfile::id).toList();
    }

    private void printText(PrintWriter out, Model m, List<Estimate> estimates) {
        out.printf(Locale.ROOT, "%s: %,d bytes%n%n", model, m.sizeBytes());
        m.int4Layout().ifPresent(l -> out.printf(Locale.ROOT, "weights: int4 in groups of %d (Octet's int4 variant: "
                + "costed for an Octet int4 kernel port, not runnable by stock TFLM)%n%n", l.groupSize()));
        if (m.shiftOnlyRequantization()) {
            out.printf(Locale.ROOT, "requantization: shift-only (Octet's power-of-two-scale variant: costed as one "
                    + "rounding shift per CONV_2D/DEPTHWISE_CONV_2D/FULLY_CONNECTED output, no multiply; "
                    + "stock TFLM runs the file with its multiply, not bit-exact)%n%n");
        }
        if (estimates.size() == 1) {
            Estimate e = estimates.get(0);
            Table t = new Table("#", "operator", "kernel", "MACs", "cycles", "ms", "share", "scratch B");
            for (LayerEstimate l : e.layers()) {
                t.row(String.valueOf(l.index()), l.op(), l.kernel().label(), String.format(Locale.ROOT, "%,d", l.macs()),
                        String.format(Locale.ROOT, "%,d", Math.round(l.cycles())),
                        String.format(Locale.ROOT, "%.3f", ms(e, l)),
                        String.format(Locale.ROOT, "%.1f%%", 100 * l.cycles() / e.cycles()),
                        String.format(Locale.ROOT, "%,d", l.scratchBytes()));
            }
            out.println(e.profile().id() + " (" + e.profile().name() + ", " + e.profile().core().displayName() + " @ "
                    + e.profile().clockMhz() + " MHz)");
            t.print(out);
            out.println();
        } else {
            List<String> header = new ArrayList<>(List.of("#", "operator", "kernel"));
            estimates.forEach(e -> header.add(e.profile().id() + " ms"));
            Table t = new Table(header.toArray(String[]::new));
            for (int i = 0; i < estimates.get(0).layers().size(); i++) {
                LayerEstimate l = estimates.get(0).layers().get(i);
                List<String> row = new ArrayList<>(List.of(String.valueOf(l.index()), l.op(), l.kernel().label()));
                for (Estimate e : estimates) {
                    row.add(String.format(Locale.ROOT, "%.3f", ms(e, e.layers().get(i))));
                }
                t.row(row.toArray(String[]::new));
            }
            t.print(out);
            out.println();
        }
        Table total = new Table("profile", "core", "MHz", "cycles", "latency ms", "arena B", "SRAM B", "flash B",
                "flash cap. B", "fits");
        for (Estimate e : estimates) {
            total.row(e.profile().id(), e.profile().core().displayName(), String.valueOf(e.profile().clockMhz()),
                    String.format(Locale.ROOT, "%,d", Math.round(e.cycles())),
                    String.format(Locale.ROOT, "%.2f", e.latencyMs()),
                    String.format(Locale.ROOT, "%,d", e.arenaBytes()),
                    String.format(Locale.ROOT, "%,d", e.ramBudgetBytes()),
                    String.format(Locale.ROOT, "%,d", e.flashBytes()),
                    String.format(Locale.ROOT, "%,d", e.profile().memory().flashBytes()),
                    e.fits() ? "yes" : "NO" + (e.fitsRam() ? "" : " (RAM)") + (e.fitsFlash() ? "" : " (flash)"));
        }
        total.print(out);
    }

    private static double ms(Estimate e, LayerEstimate l) {
        return l.cycles() / e.profile().clockHz() * 1000;
    }
}
