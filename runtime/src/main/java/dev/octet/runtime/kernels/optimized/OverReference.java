package dev.octet.runtime.kernels.optimized;

import dev.octet.runtime.kernels.Kernel;
import dev.octet.runtime.kernels.OpContext;
import dev.octet.runtime.kernels.PreparedOp;

/**
 * An optimized kernel laid over the reference kernel of the same operator. Its prepare runs the reference
 * kernel's prepare first, which validates the operator (so an optimized kernel refuses exactly what the reference
 * refuses) and gives the op to fall back to; then {@link #prepareFast} may return a faster op with the same bytes.
 */
abstract class OverReference implements Kernel {
    private final Kernel reference;

    OverReference(Kernel reference) {
        this.reference = reference;
    }

    @Override
    public final PreparedOp prepare(OpContext context) {
        PreparedOp referenceOp = reference.prepare(context);
        PreparedOp fast = prepareFast(context);
        return fast != null ? fast : referenceOp;
    }

    /**
     * The optimized op, or null when the reference op should run (float32, layouts or sizes this kernel does not
     * speed up). Called only after the reference prepare accepted the operator.
     */
    abstract PreparedOp prepareFast(OpContext context);
}
