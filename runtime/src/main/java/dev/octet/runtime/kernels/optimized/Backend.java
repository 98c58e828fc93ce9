package dev.octet.runtime.kernels.optimized;

import dev.octet.runtime.kernels.PreparedOp;

/**
 * The loops behind the optimized kernels. The kernels validate (through the reference kernel's prepare) and
 * precompute a plan; a backend turns the plan into a prepared op. {@link ScalarBackend} is plain Java;
 * {@code VectorBackend} uses the JDK Vector API and is only loaded when {@code jdk.incubator.vector} is present.
 */
interface Backend {
    String name();

    /** The width of the vectors the loops use, in bits; 0 for plain Java. */
    int vectorBits();

    PreparedOp conv(Conv2D.Plan plan);

    PreparedOp depthwise(DepthwiseConv2D.Plan plan);

    PreparedOp fullyConnected(FullyConnected.Plan plan);

    PreparedOp add(Add.Plan plan);

    PreparedOp averagePool(AveragePool2D.Plan plan);
}
