package dev.octet.runtime.kernels.reference;

import dev.octet.runtime.kernels.Kernel;
import dev.octet.runtime.kernels.OpContext;
import dev.octet.runtime.kernels.PreparedOp;
import dev.octet.runtime.model.BuiltinOptions;
import dev.octet.runtime.tensor.Tensor;

/**
 * FULLY_CONNECTED with int8 input and output and grouped int4 weights [units, depth] (Octet's int4 variant): the
 * arithmetic of {@link GroupedInt4}, the shapes and options of {@link FullyConnected} (default weights format,
 * {@code keep_num_dims}, fused activation, optional int32 bias with one value per unit).
 */
public final class Int4FullyConnected implements Kernel {

    public Int4FullyConnected() {
    }

    @Override
    public PreparedOp prepare(OpContext context) {
        BuiltinOptions.FullyConnected options = context.options(BuiltinOptions.FullyConnected.class);
        if (options.weightsFormat() != 0) {
            throw context.unsupported("weights format " + options.weightsFormat() + " (shuffled) is not supported");
        }
        Int4Operands operands = Int4Operands.check(context, "int4 weights");
        Tensor input = operands.input();
        Tensor filter = operands.filter();
        ConvCommon.requireRank(context, filter, 2, "weights");
        ConvCommon.requirePositiveDims(context, filter, "weights");
        ConvCommon.requirePositiveDims(context, input, "input");
        GroupedInt4 w = GroupedInt4.of(context, filter);
        int units = filter.dim(0);
        int depth = filter.dim(1);
        int inputElements = input.elementCount();
        if (inputElements % depth != 0) {
            throw context.unsupported("input of " + inputElements + " elements is not a whole number of rows of "
                    + depth);
        }
        int batches = inputElements / depth;
        int[] expected;
        if (options.keepNumDims()) {
            if (input.dim(input.rank() - 1) != depth) {
                throw context.unsupported("keep_num_dims needs the input's last dimension to equal the depth " + depth);
            }
            expected = input.shape().clone();
            expected[expected.length - 1] = units;
        } else {
            expected = new int[] {batches, units};
        }
        ConvCommon.requireShape(context, operands.output(), expected, "output");
        Int4Requantization rq = operands.requantization(context, w, options.activation());
        return new Op(operands, batches, w, rq);
    }

    private static final class Op extends PreparedInt4 {
        private final int batches;
        /** The current batch's input row with the input offset added. */
        private final int[] row;

        Op(Int4Operands operands, int batches, GroupedInt4 w, Int4Requantization rq) {
            super(operands, w, rq);
            this.batches = batches;
            this.row = new int[w.reduction];
        }

        @Override
        public void invoke() {
            refreshBias();
            final int[] bias = rq.bias();
            final int inputOffset = rq.inputOffset();
            final byte[] codes = w.codes;
            final int[] ratios = w.ratios;
            final int depth = w.reduction;
            final int units = w.channels;
            final int groupSize = w.groupSize;
            final int groups = w.groups;
            for (int b = 0; b < batches; b++) {
                final int inBase = inOff + b * depth;
                for (int d = 0; d < depth; d++) {
                    row[d] = in[inBase + d] + inputOffset;
                }
                for (int oc = 0; oc < units; oc++) {
                    final int wBase = oc * depth;
                    long acc = bias[oc];
                    for (int g = 0; g < groups; g++) {
                        final int start = g * groupSize;
                        final int end = Math.min(depth, start + groupSize);
                        int partial = 0;
                        for (int d = start; d < end; d++) {
                            partial += codes[wBase + d] * row[d];
                        }
                        acc += (long) ratios[oc * groups + g] * partial;
                    }
                    out[outOff + b * units + oc] = rq.requantize(acc, oc);
                }
            }
        }
    }
}
