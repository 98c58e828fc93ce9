package dev.octet.runtime.cli;

import dev.octet.runtime.json.Json;
import dev.octet.runtime.engine.ModelSummary;
import dev.octet.runtime.engine.OpRegistry;
import dev.octet.runtime.model.Model;
import dev.octet.runtime.model.OperatorSpec;
import dev.octet.runtime.model.Quantization;
import dev.octet.runtime.model.Subgraph;
import dev.octet.runtime.model.TensorSpec;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code octet inspect}: what a model contains, what it costs, and whether Octet runs it. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Shows a model's operators, tensors, quantization, MACs per operator and in total, "
                + "weight bytes and the planned arena size.")
final class InspectCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "A .tflite model file.")
    java.nio.file.Path model;

    @Option(names = "--json", description = "Print one JSON document instead of tables.")
    boolean json;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Model m = dev.octet.runtime.model.ModelReader.withDefaults().read(model);
        ModelSummary summary = ModelSummary.of(m);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.pretty(Json.from(toJson(m, summary))));
        } else {
            printTables(out, m, summary);
        }
        out.flush();
        return 0;
    }

    private Map<String, Object> toJson(Model m, ModelSummary summary) {
        Subgraph g = m.mainSubgraph();
        OpRegistry registry = OpRegistry.reference();
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("file", model.toString());
        doc.put("bytes", m.sizeBytes());
        doc.put("schema_version", m.schemaVersion());
        doc.put("description", m.description());
        doc.put("subgraphs", m.subgraphs().size());
        doc.put("inputs", Arrays.stream(g.inputs()).mapToObj(i -> tensorJson(g.tensor(i))).toList());
        doc.put("outputs", Arrays.stream(g.outputs()).mapToObj(i -> tensorJson(g.tensor(i))).toList());
        List<Map<String, Object>> ops = new ArrayList<>();
        for (OperatorSpec op : g.operators()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("index", op.index());
            o.put("op", op.name());
            o.put("supported", registry.supports(op.builtin()));
            o.put("inputs", op.inputs());
            o.put("outputs", op.outputs());
            o.put("output_shape", op.outputCount() > 0 ? g.tensor(op.output(0)).shape() : new int[0]);
            o.put("macs", summary.operators().get(op.index()).macs());
            ops.add(o);
        }
        doc.put("operators", ops);
        doc.put("tensors", g.tensors().stream().map(this::tensorJson).toList());
        Map<String, Object> totals = new LinkedHashMap<>();
        totals.put("macs", summary.totalMacs());
        totals.put("weight_bytes", summary.constantBytes());
        totals.put("arena_bytes", summary.arenaBytes());
        totals.put("naive_activation_bytes", summary.naiveActivationBytes());
        doc.put("totals", totals);
        return doc;
    }

    private Map<String, Object> tensorJson(TensorSpec t) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("index", t.index());
        o.put("name", t.name());
        o.put("type", t.type().name());
        o.put("shape", t.shape());
        o.put("constant", t.isConstant());
        o.put("bytes", t.byteSize());
        Quantization q = t.quantization();
        if (q.isQuantized()) {
            Map<String, Object> qj = new LinkedHashMap<>();
            qj.put("scale", q.scales());
            qj.put("zero_point", q.zeroPoints());
            qj.put("quantized_dimension", q.quantizedDimension());
            o.put("quantization", qj);
        }
        return o;
    }

    private void printTables(PrintWriter out, Model m, ModelSummary summary) {
        Subgraph g = m.mainSubgraph();
        OpRegistry registry = OpRegistry.reference();
        out.printf("%s: %,d bytes, schema %d, %d subgraph(s), \"%s\"%n", model, m.sizeBytes(), m.schemaVersion(),
                m.subgraphs().size(), m.description());
        for (int i : g.inputs()) {
            out.println("input   " + describe(g.tensor(i)));
        }
        for (int i : g.outputs()) {
            out.println("output  " + describe(g.tensor(i)));
        }
        out.println();
        Table ops = new Table("#", "operator", "inputs", "output shape", "MACs", "runs");
        for (OperatorSpec op : g.operators()) {
            ops.row(String.valueOf(op.index()), op.name(), Arrays.toString(op.inputs()),
                    op.outputCount() > 0 ? Arrays.toString(g.tensor(op.output(0)).shape()) : "-",
                    String.format("%,d", summary.operators().get(op.index()).macs()),
                    registry.supports(op.builtin()) ? "yes" : "NO");
        }
        ops.print(out);
        out.println();
        Table tensors = new Table("#", "name", "type", "shape", "quantization", "bytes", "kind");
        for (TensorSpec t : g.tensors()) {
            tensors.row(String.valueOf(t.index()), truncate(t.name(), 48), t.type().name(),
                    Arrays.toString(t.shape()), t.quantization().toString(), String.format("%,d", t.byteSize()),
                    t.isConstant() ? "constant" : "activation");
        }
        tensors.print(out);
        out.println();
        out.printf("MACs             %,d%n", summary.totalMacs());
        out.printf("weight bytes     %,d%n", summary.constantBytes());
        out.printf("arena bytes      %,d (each activation in its own buffer: %,d)%n", summary.arenaBytes(),
                summary.naiveActivationBytes());
    }

    private static String describe(TensorSpec t) {
        return String.format("%s %s %s (%s)", t.name(), t.type(), Arrays.toString(t.shape()), t.quantization());
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
