package dev.octet.runtime.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The kernel warm-up's allocation meter counts this thread's allocations (HotSpot counts them by default). */
class ThreadAllocationTest {
    private static volatile Object sink;

    @Test
    void countsWhatThisThreadAllocates() {
        long before = ThreadAllocation.currentThreadAllocatedBytes();
        assertTrue(before >= 0, "HotSpot counts per-thread allocation");
        sink = new byte[1 << 20];
        long after = ThreadAllocation.currentThreadAllocatedBytes();
        assertTrue(after - before >= 1 << 20, (after - before) + " bytes");
        long idle = ThreadAllocation.currentThreadAllocatedBytes();
        assertEquals(idle, ThreadAllocation.currentThreadAllocatedBytes(), "reading the meter allocates nothing");
    }
}
