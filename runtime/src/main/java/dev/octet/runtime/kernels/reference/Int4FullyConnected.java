package dev.octet.runtime.kernels.reference;

import dev.octet.runtime.kernels.Kernel;
import dev.octet.runtime.kernels.OpContext;
import dev.octet.runtime.kernels.PreparedOp;
import dev.octet.runtime.model.BuiltinOptions;
import dev.octet.runtime.model.Quantization;
import dev.octet.runtime.model.TensorType;
import dev.octet.runtime.quant.ActivationRange;
import dev.octet.runtime.quant.FixedPoint;
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
        if (context.outputCount() < 1) {
            throw context.unsupported("no output");
        }
        Tensor input = context.requiredInput(0);
        Tensor filter = context.requiredInput(1);
        Tensor bias = context.input(2);
        Tensor output = context.output(0);
        ConvCommon.requireType(context, input, TensorType.INT8, "input (with int4 weights)");
        ConvCommon.requireType(context, output, TensorType.INT8, "output (with int4 weights)");
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
        ConvCommon.requireShape(context, output, expected, "output");
        Quantization inQ = ConvCommon.int8PerTensor(context, input, "input");
        Quantization outQ = ConvCommon.int8PerTensor(context, output, "output");
        int[] multipliers = new int[units];
        int[] shifts = new int[units];
        ConvCommon.perChannelMultipliers(inQ.scale(), w.accumulatorScales, outQ.scale(), multipliers, shifts);
        ActivationRange range = ConvCommon.int8Activation(context, options.activation(), outQ);
        int[] biasValues = ConvCommon.int32Bias(context, bias, units);
        return new Op(batches, w, input, bias, output, -inQ.zeroPoint(), outQ.zeroPoint(), multipliers, shifts,
                biasValues, range.min(), range.max());
    }

    private static final class Op implements PreparedOp {
        private final int batches;
        private final GroupedInt4 w;
        private final byte[] in;
        private final int inOff;
        private final byte[] out;
        private final int outOff;
        private final Tensor biasTensor;
        private final int inputOffset;
        private final int outputZeroPoint;
        private final int[] multipliers;
        private final int[] shifts;
        private final int[] bias;
        private final int actMin;
        private final int actMax;
        private final int[] row;

        Op(int batches, GroupedInt4 w, Tensor input, Tensor bias, Tensor output, int inputOffset,
           int outputZeroPoint, int[] multipliers, int[] shifts, int[] biasValues, int actMin, int actMax) {
            this.batches = batches;
            this.w = w;
            this.in = input.array();
            this.inOff = input.offset();
            this.out = output.array();
            this.outOff = output.offset();
            this.biasTensor = bias == null || bias.isConstant() ? null : bias;
            this.inputOffset = inputOffset;
            this.outputZeroPoint = outputZeroPoint;
            this.multipliers = multipliers;
            this.shifts = shifts;
            this.bias = biasValues;
            this.actMin = actMin;
            this.actMax = actMax;
            this.row = new int[w.reduction];
        }

        @Override
        public void invoke() {
            if (biasTensor != null) {
                ConvCommon.refreshInt32(biasTensor, bias);
            }
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
                    int v = FixedPoint.multiplyByQuantizedMultiplier(GroupedInt4.saturate(acc),
                            multipliers[oc], shifts[oc]) + outputZeroPoint;
                    v = v < actMin ? actMin : (v > actMax ? actMax : v);
                    out[outOff + b * units + oc] = (byte) v;
                }
            }
        }
    }
}
