package dev.octet.runtime.service;

import java.lang.management.ManagementFactory;

/**
 * Bytes allocated by the calling thread so far, from the HotSpot management extension, or -1 where the JVM does not
 * count them. Loaded only by the kernel warm-up (which already runs on the management classes).
 */
final class ThreadAllocation {
    private static final com.sun.management.ThreadMXBean THREADS = threads();

    private ThreadAllocation() {
    }

    static long currentThreadAllocatedBytes() {
        return THREADS == null ? -1 : THREADS.getCurrentThreadAllocatedBytes();
    }

    private static com.sun.management.ThreadMXBean threads() {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
                && t.isThreadAllocatedMemorySupported() && t.isThreadAllocatedMemoryEnabled()) {
            return t;
        }
        return null;
    }
}
