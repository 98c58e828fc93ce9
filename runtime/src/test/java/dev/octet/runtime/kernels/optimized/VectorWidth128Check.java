package dev.octet.runtime.kernels.optimized;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Runs only in the runtime module's second surefire execution ({@code kernels-128-bit-vectors}, which includes it by
 * name; its name keeps it out of the default execution's {@code *Test} pattern). That execution reruns the kernel
 * equivalence and allocation tests with {@code -XX:MaxVectorSize=16} (the 128-bit vectors of ARM NEON) and sets
 * {@code octet.test.expectVectorBits=128}: this makes sure the kernels really ran their 128-bit flavour there, not
 * the 256-bit one or the scalar fallback (for which the other tests would pass just as well).
 */
class VectorWidth128Check {
    @Test
    void the_vector_kernels_use_the_width_this_test_execution_expects() {
        String expected = System.getProperty("octet.test.expectVectorBits");
        assertEquals("128", expected, "run by the kernels-128-bit-vectors execution, which sets the expected width");
        assertEquals(128, OptimizedKernels.vectorBits(), OptimizedKernels.vectorStatus());
        assertEquals("available: vector (128-bit)", OptimizedKernels.vectorStatus());
    }
}
