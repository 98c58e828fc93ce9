package dev.octet.runtime.engine;

import dev.octet.runtime.kernels.KernelConfig;
import dev.octet.runtime.kernels.OpContext;
import dev.octet.runtime.kernels.PreparedOp;
import dev.octet.runtime.model.Model;
import dev.octet.runtime.model.ModelFormatException;
import dev.octet.runtime.model.OperatorSpec;
import dev.octet.runtime.model.Subgraph;
import dev.octet.runtime.model.TensorSpec;
import dev.octet.runtime.model.UnsupportedModelException;
import dev.octet.runtime.tensor.Tensor;
import java.util.Arrays;

/**
 * Runs a model's main subgraph. Creating an interpreter does all the work once: it checks that every operator
 * has a kernel, plans one arena from the tensors' lifetimes ({@link ArenaPlanner}), binds every tensor (constants
 * to the model's bytes, the rest to the arena) and prepares every operator. {@link #invoke()} then only runs the
 * prepared operators in order and allocates nothing.
 *
 * <p>Thread rules: an interpreter is not thread-safe; use one per thread. Any number of interpreters may share one
 * {@link Model}: its constant data are read-only views, and each interpreter has its own arena.
 */
public final class Interpreter {
    private final Model model;
    private final InterpreterOptions options;
    private final Subgraph graph;
    private final Tensor[] tensors;
    private final PreparedOp[] ops;
    private final ArenaPlanner.Plan plan;
    private final byte[] arena;
    private final Tensor[] inputs;
    private final Tensor[] outputs;

    private Interpreter(Model model, InterpreterOptions options) {
        this.options = options;
        this.model = model;
        this.graph = model.mainSubgraph();
        options.registry().checkSupported(model);

        int tensorCount = graph.tensors().size();
        this.plan = planArena(graph, options.preserveAllTensors());
        if (plan.arenaBytes() > Integer.MAX_VALUE - 16) {
            throw new UnsupportedModelException("arena of " + plan.arenaBytes() + " bytes is too large");
        }
        this.arena = new byte[(int) plan.arenaBytes()];
        this.tensors = new Tensor[tensorCount];
        for (int i = 0; i < tensorCount; i++) {
            TensorSpec spec = graph.tensor(i);
            tensors[i] = spec.isConstant() ? Tensor.constant(spec) : Tensor.view(spec, arena, (int) plan.offset(i));
        }
        this.inputs = Arrays.stream(graph.inputs()).mapToObj(i -> tensors[i]).toArray(Tensor[]::new);
        this.outputs = Arrays.stream(graph.outputs()).mapToObj(i -> tensors[i]).toArray(Tensor[]::new);
        this.ops = new PreparedOp[graph.operators().size()];
        for (OperatorSpec op : graph.operators()) {
            ops[op.index()] = prepare(op, options);
        }
    }

    /** The options this interpreter was created with (its kernels and semantics). */
    public InterpreterOptions options() {
        return options;
    }

    /** An interpreter with the default options ({@link InterpreterOptions#defaults()}: TFLM, optimized kernels). */
    public static Interpreter create(Model model) {
        return new Interpreter(model, InterpreterOptions.defaults());
    }

    public static Interpreter create(Model model, InterpreterOptions options) {
        return new Interpreter(model, options);
    }

    private PreparedOp prepare(OperatorSpec op, InterpreterOptions options) {
        // The shift-only marker is the model's declaration of its arithmetic, so it overrides the options.
        KernelConfig config = options.kernelConfig().withShiftOnlyRequantization(model.shiftOnlyRequantization());
        OpContext context = new BoundOpContext(op, tensors, config);
        try {
            return options.registry().kernelFor(op).prepare(context);
        } catch (UnsupportedModelException | ModelFormatException e) {
            throw e;
        } catch (RuntimeException e) {
            // A kernel must refuse bad shapes itself; if one slips through, still give the caller a typed error.
            throw new UnsupportedModelException("operator " + op.index() + " (" + op.name()
                    + "): cannot be prepared: " + e);
        }
    }

    /**
     * Lifetimes: a tensor lives from the operator that writes it (or step 0 for graph inputs) to the last operator
     * that reads it (or the last step for graph outputs). Variable tensors live throughout.
     */
    static ArenaPlanner.Plan planArena(Subgraph graph, boolean preserveAll) {
        int n = graph.tensors().size();
        int steps = Math.max(1, graph.operators().size());
        int[] first = new int[n];
        int[] last = new int[n];
        Arrays.fill(first, -1);
        Arrays.fill(last, -1);
        for (int in : graph.inputs()) {
            first[in] = 0;
            last[in] = Math.max(last[in], 0);
        }
        for (OperatorSpec op : graph.operators()) {
            for (int t : op.outputs()) {
                if (first[t] < 0) {
                    first[t] = op.index();
                }
                last[t] = Math.max(last[t], op.index());
            }
            for (int t : op.inputs()) {
                if (t >= 0) {
                    if (first[t] < 0) {
                        first[t] = op.index();
                    }
                    last[t] = Math.max(last[t], op.index());
                }
            }
        }
        for (int out : graph.outputs()) {
            if (first[out] < 0) {
                first[out] = 0;
            }
            last[out] = steps - 1;
        }
        ArenaPlanner planner = new ArenaPlanner();
        for (int i = 0; i < n; i++) {
            TensorSpec spec = graph.tensor(i);
            boolean inArena = !spec.isConstant();
            long size = inArena ? spec.byteSize() : 0;
            boolean wholeRun = preserveAll || spec.isVariable() || first[i] < 0;
            int from = wholeRun ? 0 : first[i];
            int to = wholeRun ? steps - 1 : last[i];
            planner.add(size, from, to);
        }
        return planner.plan();
    }

    /** Runs every operator once, in order. Fill the inputs first; read the outputs after. */
    public void invoke() {
        for (PreparedOp op : ops) {
            op.invoke();
        }
    }

    public Model model() {
        return model;
    }

    public int inputCount() {
        return inputs.length;
    }

    public Tensor input(int i) {
        return inputs[i];
    }

    public int outputCount() {
        return outputs.length;
    }

    public Tensor output(int i) {
        return outputs[i];
    }

    /** Any tensor of the main subgraph by index. Intermediate values survive {@code invoke()} only with
     * {@link InterpreterOptions#preserveAllTensors()}; otherwise later operators may reuse their bytes. */
    public Tensor tensor(int index) {
        return tensors[index];
    }

    public int tensorCount() {
        return tensors.length;
    }

    /** Bytes of the planned arena (what the activations actually occupy). */
    public long arenaBytes() {
        return plan.arenaBytes();
    }

    /** Bytes the activations would take if each had its own buffer (the naive sum, aligned). */
    public long naiveActivationBytes() {
        return plan.naiveBytes();
    }

    /** The binding of one operator to the interpreter's tensors, as a kernel sees it while preparing. */
    private record BoundOpContext(OperatorSpec operator, Tensor[] tensors, KernelConfig config) implements OpContext {
        @Override
        public int inputCount() {
            return operator.inputCount();
        }

        @Override
        public Tensor input(int i) {
            if (i < 0 || i >= operator.inputCount()) {
                return null;
            }
            int index = operator.input(i);
            return index < 0 ? null : tensors[index];
        }

        @Override
        public int outputCount() {
            return operator.outputCount();
        }

        @Override
        public Tensor output(int i) {
            return tensors[operator.output(i)];
        }
    }
}
