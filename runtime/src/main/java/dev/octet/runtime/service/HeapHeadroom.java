package dev.octet.runtime.service;

import java.util.Optional;

/**
 * Whether the heap left after every stream is built is enough to run them. The gateway's JVM profiles use a small
 * heap and exit on an out-of-memory error (systemd then restarts the service, which would fail the same way), so a
 * configuration whose models nearly fill the heap is reported when it is loaded, by {@code octet run --check} too,
 * with what to change, rather than found by a restart loop.
 */
final class HeapHeadroom {
    /** Below this share of the maximum heap left free, the service warns. */
    static final double MIN_FREE_SHARE = 0.25;
    /** ... or below this many bytes, whichever is larger: windows, results and an OTA update all need room. */
    static final long MIN_FREE_BYTES = 4L << 20;

    private HeapHeadroom() {
    }

    /** The warning for a heap of {@code maxBytes} holding {@code usedBytes} live, if it is too full. */
    static Optional<String> assess(long maxBytes, long usedBytes) {
        long free = maxBytes - usedBytes;
        long needed = Math.max(MIN_FREE_BYTES, (long) (maxBytes * MIN_FREE_SHARE));
        if (free >= needed) {
            return Optional.empty();
        }
        return Optional.of(String.format(java.util.Locale.ROOT,
                "the models and streams hold %.1f MB of the %.1f MB heap, leaving %.1f MB (want at least %.1f MB "
                        + "for windows, results and OTA updates): raise -Xmx (packaging/jvm/<profile>.args, or "
                        + "OCTET_JAVA_OPTS), or the service may exit out of memory",
                usedBytes / 1048576.0, maxBytes / 1048576.0, free / 1048576.0, needed / 1048576.0));
    }

    /** {@link #assess} for this JVM, after one collection so that only live objects count. */
    static Optional<String> assessThisJvm() {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        return assess(rt.maxMemory(), rt.totalMemory() - rt.freeMemory());
    }
}
