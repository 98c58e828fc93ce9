package dev.octet.runtime.kernels.optimized;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jdk.incubator.vector.IntVector;
import org.junit.jupiter.api.Test;

/**
 * Which vector width the vector kernels use: the widest the hardware has, 256 or 128 bits (in the 128-bit test
 * execution {@link VectorWidth128Check} also pins it to 128).
 */
class VectorWidthTest {

    @Test
    void the_width_is_256_bits_where_the_hardware_has_them_else_128() {
        // Surefire adds --add-modules jdk.incubator.vector, so this class can ask the Vector API itself.
        int preferred = IntVector.SPECIES_PREFERRED.vectorBitSize();
        if (preferred < 128) { // e.g. -Doctet.test.jvmArgs=-XX:MaxVectorSize=8: the scalar kernels only
            assertFalse(OptimizedKernels.vectorAvailable(), OptimizedKernels.vectorStatus());
            return;
        }
        assertTrue(OptimizedKernels.vectorAvailable(), OptimizedKernels.vectorStatus());
        int bits = preferred >= 256 ? 256 : 128;
        assertEquals(bits, OptimizedKernels.vectorBits());
        assertEquals("vector (" + bits + "-bit)", OptimizedKernels.vectorName());
    }
}
