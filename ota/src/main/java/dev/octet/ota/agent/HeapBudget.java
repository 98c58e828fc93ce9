package dev.octet.ota.agent;

import java.util.function.LongSupplier;

/**
 * Whether installing an announced package fits in this JVM's heap. Verification holds the package, the base model
 * (for a delta) and the new model at once; the gateway runs with a small heap and exits on an out-of-memory error,
 * so a package that does not fit must be refused before it is downloaded, not discovered by dying.
 *
 * <p>The estimate: package size + base model size + new model size, the new model taken as the larger of the
 * package and the base (a compressed full package or a delta can decompress to more; the verifier's own caps stay
 * in force). It must stay under {@link #SAFE_FRACTION} of the heap headroom (the maximum heap minus what is in use),
 * leaving the rest to the streams running meanwhile and to the copies the decoders make.
 */
final class HeapBudget {
    /** The share of the headroom one install may take. */
    static final double SAFE_FRACTION = 0.5;

    private final LongSupplier headroom;
    private final boolean collectBeforeRefusing;

    private HeapBudget(LongSupplier headroom, boolean collectBeforeRefusing) {
        this.headroom = headroom;
        this.collectBeforeRefusing = collectBeforeRefusing;
    }

    /** This JVM's heap: maximum minus used. */
    static HeapBudget ofThisJvm() {
        return new HeapBudget(HeapBudget::measure, true);
    }

    /** A fixed or test-controlled headroom in bytes. */
    static HeapBudget of(LongSupplier headroomBytes) {
        return new HeapBudget(headroomBytes, false);
    }

    static long estimate(long packageBytes, long baseModelBytes) {
        return packageBytes + baseModelBytes + Math.max(packageBytes, baseModelBytes);
    }

    /** The bytes one install may take now. */
    long allowance() {
        return (long) (headroom.getAsLong() * SAFE_FRACTION);
    }

    /**
     * Whether {@code needBytes} fit. "Used" counts garbage not collected yet, so before refusing (a refusal is
     * remembered) the real heap is collected once and measured again.
     */
    boolean fits(long needBytes) {
        if (needBytes <= allowance()) {
            return true;
        }
        if (collectBeforeRefusing) {
            System.gc();
            return needBytes <= allowance();
        }
        return false;
    }

    private static long measure() {
        Runtime rt = Runtime.getRuntime();
        return Math.max(0, rt.maxMemory() - (rt.totalMemory() - rt.freeMemory()));
    }
}
