package dev.octet.ota.agent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a gateway agent must remember across restarts besides the slot store: the package versions it refused or
 * rolled back (so that the retained announcement of a bad version is not taken again after a restart) and the
 * last final status it reported (so that the retained status topic tells the same truth after a restart).
 *
 * <p>Two small text files in the agent's state directory, each replaced atomically (temporary file, fsync, rename,
 * fsync of the directory): a power cut leaves the old or the new content, never half of one.
 * {@code refused}: one {@code <version> <package-sha256 or *> <reason>} line per refused version.
 * {@code status}: the status text as published.
 * {@code installing}: {@code <version> <package-sha256> <earlier-crashes>} while a package is verified,
 * validated, installed and activated; found at start, it means the process died during that install (an
 * out-of-memory exit, a power cut).
 * {@code watching}: the versions whose health watch has no verdict yet (space-separated; the one being installed is
 * added before it can run, so a version that was ever run is watched until {@code healthPassed} or a rollback
 * removes it, whatever status overwrote the {@code status} file since).
 * {@code rolling-back}: {@code <version> <reason>} from the start of a rollback until the slot store names the
 * previous model again: found at start with that version still active, the rollback is done again.
 */
final class AgentMemory {
    /** Matches every package of a version (a rollback whose package is not known after a restart). */
    static final String ANY_PACKAGE = "*";

    private final Path refusedFile;
    private final Path statusFile;
    private final Path installingFile;
    private final Path watchingFile;
    private final Path rollingBackFile;
    /** version → package SHA-256 (or {@link #ANY_PACKAGE}) → reason, in file order. */
    private final Map<String, String> refused = new LinkedHashMap<>();

    AgentMemory(Path dir) throws IOException {
        Files.createDirectories(dir);
        this.refusedFile = dir.resolve("refused");
        this.statusFile = dir.resolve("status");
        this.installingFile = dir.resolve("installing");
        this.watchingFile = dir.resolve("watching");
        this.rollingBackFile = dir.resolve("rolling-back");
        Files.deleteIfExists(tmp(watchingFile));
        Files.deleteIfExists(tmp(rollingBackFile));
        Files.deleteIfExists(tmp(refusedFile));
        Files.deleteIfExists(tmp(statusFile));
        Files.deleteIfExists(tmp(installingFile));
        if (Files.exists(refusedFile)) {
            for (String line : Files.readAllLines(refusedFile, StandardCharsets.UTF_8)) {
                String[] parts = line.split(" ", 3);
                if (parts.length == 3) {
                    refused.put(parts[0] + " " + parts[1], parts[2]);
                }
            }
        }
    }

    /** Whether this version (as this package) was refused or rolled back before. */
    synchronized boolean isRefused(long version, String packageSha256) {
        return refused.containsKey(version + " " + ANY_PACKAGE) || refused.containsKey(version + " " + packageSha256);
    }

    synchronized void refuse(long version, String packageSha256, String reason) throws IOException {
        refused.put(version + " " + packageSha256, reason.replace('\n', ' '));
        StringBuilder text = new StringBuilder();
        refused.forEach((k, v) -> text.append(k).append(' ').append(v).append('\n'));
        writeDurably(refusedFile, text.toString());
    }

    synchronized void rememberStatus(String text) throws IOException {
        writeDurably(statusFile, text);
    }

    synchronized Optional<String> lastStatus() throws IOException {
        return Files.exists(statusFile) ? Optional.of(Files.readString(statusFile, StandardCharsets.UTF_8))
                : Optional.empty();
    }

    /**
     * A package whose install was under way: the version, the package's SHA-256, and how many earlier installs of
     * it the process had already died in.
     */
    record Installing(long version, String packageSha256, int earlierCrashes) {
    }

    /** Records, durably, that {@code version} (as this package) is being installed: cleared by the outcome. */
    synchronized void markInstalling(long version, String packageSha256, int earlierCrashes) throws IOException {
        writeDurably(installingFile, version + " " + packageSha256 + " " + earlierCrashes + "\n");
    }

    /** The outcome of the install is recorded: a restart no longer means a crash during it. */
    synchronized void clearInstalling() throws IOException {
        if (Files.deleteIfExists(installingFile)) {
            syncDirectory(installingFile.getParent());
        }
    }

    /** The install that was under way when the process last stopped, if it never recorded an outcome. */
    synchronized Optional<Installing> installing() throws IOException {
        if (!Files.exists(installingFile)) {
            return Optional.empty();
        }
        String[] parts = Files.readString(installingFile, StandardCharsets.UTF_8).trim().split(" ");
        try {
            return parts.length == 3 ? Optional.of(new Installing(Long.parseLong(parts[0]), parts[1],
                    Integer.parseInt(parts[2]))) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty(); // cannot be half-written (atomic replace); not ours if unreadable
        }
    }

    /** The versions whose health watch has not reached a verdict (oldest first; usually one). */
    synchronized java.util.List<Long> watching() throws IOException {
        if (!Files.exists(watchingFile)) {
            return java.util.List.of();
        }
        java.util.List<Long> versions = new java.util.ArrayList<>();
        for (String word : Files.readString(watchingFile, StandardCharsets.UTF_8).trim().split("\\s+")) {
            try {
                versions.add(Long.parseLong(word));
            } catch (NumberFormatException e) {
                // cannot be half-written (atomic replace); an empty file has no versions
            }
        }
        return versions;
    }

    /**
     * Whether the {@code watching} marker was ever written: state from a version of the agent without it (which
     * kept the pending watch only in the status text) has none, and {@link GatewayAgent#healthPending} then reads
     * the status as that version did.
     */
    synchronized boolean watchingKnown() {
        return Files.exists(watchingFile);
    }

    /** Replaces the versions being watched (durably; an empty list leaves an empty marker: none pending). */
    synchronized void watching(java.util.List<Long> versions) throws IOException {
        StringBuilder text = new StringBuilder();
        versions.forEach(v -> text.append(v).append(' '));
        writeDurably(watchingFile, versions.isEmpty() ? "" : text.toString().trim() + "\n");
    }

    /** A rollback of a version whose slot store switch has not happened (yet). */
    record RollingBack(long version, String reason) {
    }

    /** Records, durably, that {@code version} is being rolled back: cleared once the slot store names the previous. */
    synchronized void markRollingBack(long version, String reason) throws IOException {
        writeDurably(rollingBackFile, version + " " + reason.replace('\n', ' ') + "\n");
    }

    synchronized void clearRollingBack() throws IOException {
        if (Files.deleteIfExists(rollingBackFile)) {
            syncDirectory(rollingBackFile.getParent());
        }
    }

    synchronized Optional<RollingBack> rollingBack() throws IOException {
        if (!Files.exists(rollingBackFile)) {
            return Optional.empty();
        }
        String[] parts = Files.readString(rollingBackFile, StandardCharsets.UTF_8).trim().split(" ", 2);
        try {
            return Optional.of(new RollingBack(Long.parseLong(parts[0]), parts.length > 1 ? parts[1] : "unknown"));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Path tmp(Path file) {
        return file.resolveSibling(file.getFileName() + ".tmp");
    }

    private static void writeDurably(Path file, String text) throws IOException {
        Path tmp = tmp(file);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(file.getParent());
    }

    private static void syncDirectory(Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            if (!System.getProperty("os.name", "").startsWith("Windows")) {
                throw e;
            }
        }
    }
}
