package dev.octet.ota.slot;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * Two model slots ({@code slot-a.tflite}, {@code slot-b.tflite}) and an atomic pointer ({@code active}) in one
 * directory, so that a power cut at any instant leaves a loadable model: the old one or the new one, whole.
 *
 * <p>Installing writes the new model into the inactive slot through a temporary file (write, fsync, rename,
 * fsync the directory), then replaces the pointer the same way. Until the pointer's rename the old pointer names
 * the old, untouched slot; after it the new pointer names a slot whose bytes were forced to the device before.
 * The pointer records the active slot's SHA-256 and size (checked on every load) and the previous model (for
 * {@link #rollback()}), plus a CRC-32 of its own text. Opening deletes leftover temporary files.
 *
 * <p>{@link CrashPoints} is called between every step that touches the file system; tests throw from it to
 * simulate a power cut at each point and reopen the directory. Not thread-safe: one agent owns a store.
 */
public final class SlotStore {
    static final String POINTER = "active";
    static final String TEMP_SUFFIX = ".tmp";

    /** The steps of an install or rollback, in order; a crash may happen after any of them. */
    public enum Step {
        SLOT_TEMP_OPENED, SLOT_TEMP_HALF_WRITTEN, SLOT_TEMP_WRITTEN, SLOT_TEMP_SYNCED, SLOT_RENAMED,
        SLOT_DIR_SYNCED, POINTER_TEMP_OPENED, POINTER_TEMP_HALF_WRITTEN, POINTER_TEMP_WRITTEN,
        POINTER_TEMP_SYNCED, POINTER_RENAMED, POINTER_DIR_SYNCED
    }

    /** Called after each step; throwing aborts the operation there (a simulated crash). */
    @FunctionalInterface
    public interface CrashPoints {
        CrashPoints NONE = step -> { };

        void reached(Step step) throws IOException;
    }

    /** Which model a slot holds. */
    public record SlotModel(char slot, String modelId, long version, String sha256, long size) {
    }

    /** The pointer: the active model and, when there was one, the model it replaced. */
    public record State(SlotModel active, Optional<SlotModel> previous) {
    }

    /** The store's files are damaged beyond what a power cut can do (bit rot, manual edits). */
    public static final class CorruptStoreException extends IOException {
        CorruptStoreException(String message) {
            super(message);
        }
    }

    private final Path dir;
    private final CrashPoints crash;
    private Optional<State> state;

    private SlotStore(Path dir, CrashPoints crash, Optional<State> state) {
        this.dir = dir;
        this.crash = crash;
        this.state = state;
    }

    public static SlotStore open(Path dir) throws IOException {
        return open(dir, CrashPoints.NONE);
    }

    public static SlotStore open(Path dir, CrashPoints crash) throws IOException {
        Objects.requireNonNull(crash, "crash");
        Files.createDirectories(dir);
        for (String name : new String[] {"slot-a.tflite", "slot-b.tflite", POINTER}) {
            Files.deleteIfExists(dir.resolve(name + TEMP_SUFFIX));
        }
        return new SlotStore(dir, crash, readPointer(dir));
    }

    /** The active model, if any model was ever installed. */
    public Optional<State> state() {
        return state;
    }

    public Optional<SlotModel> active() {
        return state.map(State::active);
    }

    /** The active model's bytes, checked against the pointer's size and SHA-256. */
    public byte[] loadActive() throws IOException {
        SlotModel m = active().orElseThrow(() -> new NoSuchFileException(dir.resolve(POINTER).toString(), null,
                "no model installed"));
        return load(m);
    }

    /**
     * Installs {@code model} into the inactive slot and makes it active. When this returns, the new model is
     * active on the device; if it throws, the store is still consistent (reopen it to see which model is active).
     */
    public void install(String modelId, long version, byte[] model) throws IOException {
        char target = state.map(s -> s.active().slot() == 'a' ? 'b' : 'a').orElse('a');
        Path slot = slotPath(target);
        writeDurably(slot, model, Step.SLOT_TEMP_OPENED, Step.SLOT_TEMP_HALF_WRITTEN, Step.SLOT_TEMP_WRITTEN,
                Step.SLOT_TEMP_SYNCED, Step.SLOT_RENAMED, Step.SLOT_DIR_SYNCED);
        SlotModel installed = new SlotModel(target, modelId, version, sha256(model), model.length);
        switchTo(new State(installed, state.map(State::active)));
    }

    /**
     * The previous model's bytes (the rollback target), checked against the pointer's size and SHA-256, without
     * switching to it: the runtime can be given the old model before the store says it is active.
     *
     * @throws IllegalStateException if there is no previous model
     */
    public byte[] loadPrevious() throws IOException {
        State s = state.orElseThrow(() -> new IllegalStateException("no model installed"));
        return load(s.previous().orElseThrow(() -> new IllegalStateException("no previous model")));
    }

    /**
     * Makes the previous model active again (after a failed health watch). Its bytes are checked first: if the
     * inactive slot no longer holds it (overwritten by a later, interrupted install), refuses.
     */
    public void rollback() throws IOException {
        State s = state.orElseThrow(() -> new IllegalStateException("no model installed"));
        SlotModel previous = s.previous().orElseThrow(() -> new IllegalStateException("no previous model"));
        load(previous);
        switchTo(new State(previous, Optional.empty()));
    }

    private void switchTo(State next) throws IOException {
        writeDurably(dir.resolve(POINTER), encode(next), Step.POINTER_TEMP_OPENED, Step.POINTER_TEMP_HALF_WRITTEN,
                Step.POINTER_TEMP_WRITTEN, Step.POINTER_TEMP_SYNCED, Step.POINTER_RENAMED, Step.POINTER_DIR_SYNCED);
        state = Optional.of(next);
    }

    private byte[] load(SlotModel m) throws IOException {
        byte[] bytes = Files.readAllBytes(slotPath(m.slot()));
        if (bytes.length != m.size() || !sha256(bytes).equals(m.sha256())) {
            throw new CorruptStoreException("slot " + m.slot() + " does not hold " + m.modelId() + " v"
                    + m.version() + " (size or SHA-256 differs)");
        }
        return bytes;
    }

    public Path slotPath(char slot) {
        return dir.resolve("slot-" + slot + ".tflite");
    }

    /** Temp file, write, fsync, rename over {@code file}, fsync the directory; a crash point after each. */
    private void writeDurably(Path file, byte[] data, Step opened, Step half, Step written, Step synced,
            Step renamed, Step dirSynced) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + TEMP_SUFFIX);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            crash.reached(opened);
            ByteBuffer b = ByteBuffer.wrap(data);
            b.limit(data.length / 2);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            crash.reached(half);
            b.limit(data.length);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            crash.reached(written);
            ch.force(true);
            crash.reached(synced);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the file system of " + dir + " cannot rename atomically", e);
        }
        crash.reached(renamed);
        syncDirectory();
        crash.reached(dirSynced);
    }

    private void syncDirectory() throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // Some platforms (Windows) cannot open a directory; Linux, the target, can.
            if (!System.getProperty("os.name", "").startsWith("Windows")) {
                throw e;
            }
        }
    }

    static byte[] encode(State s) {
        Map<String, String> kv = new LinkedHashMap<>();
        put(kv, "", s.active());
        s.previous().ifPresent(p -> put(kv, "previous-", p));
        StringBuilder text = new StringBuilder();
        kv.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        CRC32 crc = new CRC32();
        crc.update(text.toString().getBytes(StandardCharsets.UTF_8));
        text.append("crc32=").append(Long.toHexString(crc.getValue())).append('\n');
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void put(Map<String, String> kv, String prefix, SlotModel m) {
        kv.put(prefix + "slot", String.valueOf(m.slot()));
        kv.put(prefix + "model-id", m.modelId());
        kv.put(prefix + "version", Long.toString(m.version()));
        kv.put(prefix + "sha256", m.sha256());
        kv.put(prefix + "size", Long.toString(m.size()));
    }

    private static Optional<State> readPointer(Path dir) throws IOException {
        Path p = dir.resolve(POINTER);
        if (!Files.exists(p)) {
            return Optional.empty();
        }
        String text = Files.readString(p, StandardCharsets.UTF_8);
        int crcAt = text.lastIndexOf("crc32=");
        if (crcAt < 0 || !text.endsWith("\n")) {
            throw new CorruptStoreException(p + " has no CRC line");
        }
        CRC32 crc = new CRC32();
        crc.update(text.substring(0, crcAt).getBytes(StandardCharsets.UTF_8));
        if (!text.substring(crcAt + 6).trim().equals(Long.toHexString(crc.getValue()))) {
            throw new CorruptStoreException(p + " fails its CRC");
        }
        Map<String, String> kv = new LinkedHashMap<>();
        for (String line : text.substring(0, crcAt).split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                kv.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        try {
            SlotModel active = model(kv, "");
            Optional<SlotModel> previous = kv.containsKey("previous-slot")
                    ? Optional.of(model(kv, "previous-")) : Optional.empty();
            return Optional.of(new State(active, previous));
        } catch (RuntimeException e) {
            throw new CorruptStoreException(p + " is malformed: " + e.getMessage());
        }
    }

    private static SlotModel model(Map<String, String> kv, String prefix) {
        String slot = Objects.requireNonNull(kv.get(prefix + "slot"), prefix + "slot");
        if (!slot.equals("a") && !slot.equals("b")) {
            throw new IllegalArgumentException("slot must be a or b");
        }
        return new SlotModel(slot.charAt(0), Objects.requireNonNull(kv.get(prefix + "model-id"), "model-id"),
                Long.parseLong(kv.get(prefix + "version")), Objects.requireNonNull(kv.get(prefix + "sha256")),
                Long.parseLong(kv.get(prefix + "size")));
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
