package dev.octet.runtime.kernels.reference;

import dev.octet.runtime.kernels.PreparedOp;
import dev.octet.runtime.tensor.Tensor;

/**
 * What every prepared convolution (CONV_2D and DEPTHWISE_CONV_2D, int8 and float32) holds besides its weights:
 * the geometry, the NHWC sizes, the input and output storage, and the filter and bias tensors it must re-read on
 * each invoke because they are not constant.
 *
 * <p>The invoke loops deliberately stay written out in each subclass, although their pixel walk is alike: each is
 * one method that C2 compiles with its sizes in locals, whereas a shared walk calling back per pixel (as the pools
 * do) would put a virtual call and a reload of every size into each output pixel of the hottest reference kernels.
 */
abstract class PreparedConv implements PreparedOp {
    final ConvGeometry g;
    final int batches;
    final int inChannels;
    final int outChannels;
    final byte[] in;
    final int inOff;
    final byte[] out;
    final int outOff;
    /** The filter when it is not constant (re-read each invoke), else null. */
    final Tensor filterTensor;
    /** The bias when present and not constant (re-read each invoke), else null. */
    final Tensor biasTensor;

    PreparedConv(ConvOperands operands, ConvGeometry g, int outChannels) {
        Tensor input = operands.input();
        Tensor filter = operands.filter();
        Tensor bias = operands.bias();
        Tensor output = operands.output();
        this.g = g;
        this.batches = operands.batches();
        this.inChannels = operands.inChannels();
        this.outChannels = outChannels;
        this.in = input.array();
        this.inOff = input.offset();
        this.out = output.array();
        this.outOff = output.offset();
        this.filterTensor = filter.isConstant() ? null : filter;
        this.biasTensor = bias == null || bias.isConstant() ? null : bias;
    }
}
