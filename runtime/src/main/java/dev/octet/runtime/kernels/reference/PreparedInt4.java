package dev.octet.runtime.kernels.reference;

import dev.octet.runtime.kernels.PreparedOp;
import dev.octet.runtime.tensor.Tensor;

/**
 * What every prepared int4 kernel holds besides its own sizes: the weights, the requantization, the input and output
 * storage, and the bias tensor it must re-read on each invoke because it is not constant. As in
 * {@link PreparedConv}, the invoke loops stay written out in each subclass, so that C2 compiles each with its sizes
 * in locals.
 */
abstract class PreparedInt4 implements PreparedOp {
    final GroupedInt4 w;
    final Int4Requantization rq;
    final byte[] in;
    final int inOff;
    final byte[] out;
    final int outOff;
    /** The bias when present and not constant (re-read each invoke), else null. */
    private final Tensor biasTensor;

    PreparedInt4(Int4Operands operands, GroupedInt4 w, Int4Requantization rq) {
        this.w = w;
        this.rq = rq;
        this.in = operands.input().array();
        this.inOff = operands.input().offset();
        this.out = operands.output().array();
        this.outOff = operands.output().offset();
        Tensor bias = operands.bias();
        this.biasTensor = bias == null || bias.isConstant() ? null : bias;
    }

    /** Re-reads a non-constant bias into {@link Int4Requantization#bias}; call first in each invoke. */
    final void refreshBias() {
        if (biasTensor != null) {
            ConvCommon.refreshInt32(biasTensor, rq.bias());
        }
    }
}
