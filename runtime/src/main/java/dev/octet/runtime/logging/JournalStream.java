package dev.octet.runtime.logging;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Whether this process's stderr is the systemd journal's stream. systemd sets {@code JOURNAL_STREAM=DEVICE:INODE}
 * for a service whose output goes to the journal, and a process it starts inherits the variable even when its own
 * stderr goes elsewhere; so, as systemd.exec(5) advises, the variable counts only if stderr's device and inode
 * match it.
 */
final class JournalStream {
    private static final Path STDERR = Path.of("/proc/self/fd/2");

    private JournalStream() {
    }

    /** @param journalStream the value of {@code JOURNAL_STREAM}, or null */
    static boolean isStderr(String journalStream) {
        if (journalStream == null) {
            return false;
        }
        try {
            Map<String, Object> attributes = Files.readAttributes(STDERR, "unix:dev,ino");
            return matches(journalStream, ((Number) attributes.get("dev")).longValue(),
                    ((Number) attributes.get("ino")).longValue());
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            return true; // cannot check (no /proc): trust the variable, as before systemd documented the check
        }
    }

    /** True if {@code journalStream} ("DEVICE:INODE", both decimal) names this device and inode. */
    static boolean matches(String journalStream, long device, long inode) {
        int colon = journalStream.indexOf(':');
        if (colon <= 0) {
            return false;
        }
        try {
            return Long.parseLong(journalStream.substring(0, colon)) == device
                    && Long.parseLong(journalStream.substring(colon + 1)) == inode;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
