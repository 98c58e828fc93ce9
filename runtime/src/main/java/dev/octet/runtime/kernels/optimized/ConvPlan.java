package dev.octet.runtime.kernels.optimized;

/**
 * What a backend needs of every int8 convolution plan (CONV_2D and DEPTHWISE_CONV_2D): the window walk, the input
 * and output storage, the input offset and the requantization. Each plan adds its own weight layout and bias.
 */
abstract class ConvPlan {
    final Window window;
    final byte[] in;
    final int inOff;
    final byte[] out;
    final int outOff;
    /** {@code −zp}: added to every input value as it is widened into the source image. */
    final int inputOffset;
    final Requant requant;

    ConvPlan(ConvSetup setup) {
        this.window = setup.window();
        this.in = setup.input().array();
        this.inOff = setup.input().offset();
        this.out = setup.output().array();
        this.outOff = setup.output().offset();
        this.inputOffset = setup.inputOffset();
        this.requant = setup.requant();
    }
}
