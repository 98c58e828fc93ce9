package dev.octet.runtime.kernels.optimized;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import jdk.incubator.vector.IntVector;
import org.junit.jupiter.api.Test;

/**
 * Which vector width the vector kernels use. The runtime module's second surefire execution reruns the kernel
 * equivalence and allocation tests with {@code -XX:MaxVectorSize=16} (the 128-bit vectors of ARM NEON) and sets
 * {@code octet.test.expectVectorBits=128}: there the first test makes sure the kernels really ran their 128-bit
 * flavour, not the 256-bit one or the scalar fallback (for which the other tests would pass just as well).
 */
class VectorWidthTest {

    @Test
    void the_vector_kernels_use_the_width_this_test_execution_expects() {
        String expected = System.getProperty("octet.test.expectVectorBits");
        assumeTrue(expected != null, "only the executions that set octet.test.expectVectorBits");
        assertEquals(Integer.parseInt(expected), OptimizedKernels.vectorBits(), OptimizedKernels.vectorStatus());
        assertEquals("available: vector (" + expected + "-bit)", OptimizedKernels.vectorStatus());
    }

    @Test
    void the_width_is_256_bits_where_the_hardware_has_them_else_128() {
        // Surefire adds --add-modules jdk.incubator.vector, so this class can ask the Vector API itself.
        int preferred = IntVector.SPECIES_PREFERRED.vectorBitSize();
        assumeTrue(preferred >= 128, "no 128-bit vectors here");
        assertTrue(OptimizedKernels.vectorAvailable(), OptimizedKernels.vectorStatus());
        int bits = preferred >= 256 ? 256 : 128;
        assertEquals(bits, OptimizedKernels.vectorBits());
        assertEquals("vector (" + bits + "-bit)", OptimizedKernels.vectorName());
    }
}
