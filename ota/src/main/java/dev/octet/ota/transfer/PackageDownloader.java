package dev.octet.ota.transfer;

import dev.octet.mqtt.MqttLink;
import dev.octet.mqtt.ReceivedMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The gateway side of a transfer. Subscribes to the announcements; for a wanted one, streams the retained chunks
 * to {@code <dir>/<model-id>-v<version>.part} at their offsets (never holding the package in memory), checking
 * each chunk's SHA-256 against the announcement. Resumable: on start (after a restart) and after every
 * reconnection the chunks are delivered again; those already on disk (found by hashing the part file's chunks
 * when the download starts) are skipped. When every chunk is there the file is forced to disk, its SHA-256
 * checked, and it is renamed to {@code .pkg} and handed to the listener — which must then verify the package's
 * signature before using it.
 */
public final class PackageDownloader {
    /** What the downloader reports; called on the MQTT callback thread. */
    public interface Listener {
        default void progress(Announcement a, int chunksOnDisk) {
        }

        void complete(Announcement a, Path packageFile);

        default void failed(Announcement a, String reason) {
        }
    }

    private final MqttLink link;
    private final Topics topics;
    private final Path dir;
    private final Predicate<Announcement> wanted;
    private final Listener listener;
    private final long maxPackageBytes;
    /** Tests drop chunks with it to interrupt a transfer at a chosen point. */
    private volatile java.util.function.IntPredicate chunkGate = i -> true;
    /** Per model id, the download in progress or done. Guarded by this. */
    private final Map<String, Download> downloads = new HashMap<>();

    public PackageDownloader(MqttLink link, Topics topics, Path dir, Predicate<Announcement> wanted,
            long maxPackageBytes, Listener listener) {
        this.link = Objects.requireNonNull(link);
        this.topics = Objects.requireNonNull(topics);
        this.dir = Objects.requireNonNull(dir);
        this.wanted = Objects.requireNonNull(wanted);
        this.maxPackageBytes = maxPackageBytes;
        this.listener = Objects.requireNonNull(listener);
    }

    void gateChunks(java.util.function.IntPredicate gate) {
        this.chunkGate = gate;
    }

    /** Subscribes to the announcements (retained: the current ones arrive at once). */
    public void start() throws IOException {
        Files.createDirectories(dir);
        link.subscribe(topics.announceFilter(), 1, m -> onAnnouncement(m, null));
    }

    /** Also listens to the announcements addressed to {@code gatewayId} alone (staged rollouts). */
    public void start(String gatewayId) throws IOException {
        start();
        link.subscribe(topics.announceToFilter(gatewayId), 1, m -> onAnnouncement(m, gatewayId));
    }

    /**
     * Listens to the announcements of {@code modelId} only, to everyone and to {@code gatewayId} alone: several
     * downloaders (one per updatable model) can then share one link, each with subscriptions of its own.
     */
    public void start(String gatewayId, String modelId) throws IOException {
        Files.createDirectories(dir);
        link.subscribe(topics.announce(modelId), 1, m -> onAnnouncement(m, null));
        link.subscribe(topics.announceTo(modelId, gatewayId), 1, m -> onAnnouncement(m, gatewayId));
    }

    /**
     * Deletes what is on disk of {@code version}'s download (partial or complete): a package that must not be
     * installed again is not found again at the next announcement or restart.
     */
    public synchronized void discard(String modelId, long version) throws IOException {
        Download current = downloads.get(modelId);
        if (current != null && current.announcement.version() == version) {
            current.cancel();
            downloads.remove(modelId);
        }
        String base = modelId + "-v" + version;
        Files.deleteIfExists(dir.resolve(base + ".part"));
        Files.deleteIfExists(dir.resolve(base + ".pkg"));
    }

    /** Chunks written by this downloader since it started (for tests: a resumed transfer writes fewer). */
    public synchronized int chunksWritten() {
        return downloads.values().stream().mapToInt(d -> d.written).sum();
    }

    private synchronized void onAnnouncement(ReceivedMessage m, String gatewayId) throws IOException {
        Announcement a;
        try {
            a = Announcement.parse(m.payload());
        } catch (IllegalArgumentException e) {
            return; // not ours to report: nothing identifies what was announced
        }
        String expected = gatewayId == null ? topics.announce(a.modelId()) : topics.announceTo(a.modelId(), gatewayId);
        if (!m.topic().equals(expected)) {
            return;
        }
        Download current = downloads.get(a.modelId());
        if (current != null && current.announcement.equals(a)) {
            return; // redelivered after a reconnection; the chunk subscription is restored by the link
        }
        if (!wanted.test(a)) {
            return;
        }
        if (a.packageSize() > maxPackageBytes) {
            listener.failed(a, "oversized: package of " + a.packageSize() + " bytes exceeds " + maxPackageBytes);
            return;
        }
        if (current != null) {
            current.cancel();
        }
        Download d = new Download(a);
        downloads.put(a.modelId(), d);
        d.begin();
    }

    private final class Download {
        final Announcement announcement;
        final Path part;
        final Path done;
        final BitSet have = new BitSet();
        int written;
        boolean finished;

        Download(Announcement a) {
            this.announcement = a;
            String base = a.modelId() + "-v" + a.version();
            this.part = dir.resolve(base + ".part");
            this.done = dir.resolve(base + ".pkg");
        }

        void begin() throws IOException {
            if (Files.exists(done) && Files.size(done) == announcement.packageSize()
                    && fileSha(done).equals(announcement.packageSha256())) {
                finished = true;
                listener.complete(announcement, done);
                return;
            }
            try (FileChannel ch = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE)) {
                if (ch.size() != announcement.packageSize()) {
                    ch.truncate(0);
                    ch.write(ByteBuffer.allocate(1), announcement.packageSize() - 1); // sparse, right length
                } else {
                    // Resuming: keep the chunks whose bytes on disk match the announcement.
                    ByteBuffer buf = ByteBuffer.allocate(announcement.chunkSize());
                    for (int i = 0; i < announcement.chunkCount(); i++) {
                        buf.clear().limit(announcement.chunkLength(i));
                        long at = (long) i * announcement.chunkSize();
                        while (buf.hasRemaining() && ch.read(buf, at + buf.position()) >= 0) {
                            // read the whole chunk
                        }
                        MessageDigest md = PackagePublisher.sha256();
                        md.update(buf.array(), 0, buf.position());
                        if (Announcement.hex(md.digest()).equals(announcement.chunkSha256().get(i))) {
                            have.set(i);
                        }
                    }
                }
            }
            listener.progress(announcement, have.cardinality());
            if (have.cardinality() == announcement.chunkCount()) {
                finish();
                return;
            }
            link.subscribe(topics.chunkFilter(announcement.modelId(), announcement.version()), 1, this::onChunk);
        }

        void onChunk(ReceivedMessage m) throws IOException {
            synchronized (PackageDownloader.this) {
                if (finished || downloads.get(announcement.modelId()) != this) {
                    return;
                }
                byte[] p = m.payload();
                if (p.length < PackagePublisher.CHUNK_HEADER) {
                    return;
                }
                ByteBuffer b = ByteBuffer.wrap(p);
                int i = b.getInt();
                if (i < 0 || i >= announcement.chunkCount() || have.get(i) || !chunkGate.test(i)
                        || p.length - PackagePublisher.CHUNK_HEADER != announcement.chunkLength(i)) {
                    return;
                }
                MessageDigest md = PackagePublisher.sha256();
                md.update(p, PackagePublisher.CHUNK_HEADER, p.length - PackagePublisher.CHUNK_HEADER);
                if (!Announcement.hex(md.digest()).equals(announcement.chunkSha256().get(i))) {
                    return; // corrupt or from another package: wait for a good copy
                }
                try (FileChannel ch = FileChannel.open(part, StandardOpenOption.WRITE)) {
                    ByteBuffer data = ByteBuffer.wrap(p, PackagePublisher.CHUNK_HEADER,
                            p.length - PackagePublisher.CHUNK_HEADER);
                    long at = (long) i * announcement.chunkSize();
                    while (data.hasRemaining()) {
                        at += ch.write(data, at);
                    }
                }
                have.set(i);
                written++;
                listener.progress(announcement, have.cardinality());
                if (have.cardinality() == announcement.chunkCount()) {
                    link.unsubscribe(topics.chunkFilter(announcement.modelId(), announcement.version()));
                    finish();
                }
            }
        }

        void finish() throws IOException {
            try (FileChannel ch = FileChannel.open(part, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            if (!fileSha(part).equals(announcement.packageSha256())) {
                Files.deleteIfExists(part);
                finished = true;
                listener.failed(announcement, "payload-hash-mismatch: the assembled package differs from the"
                        + " announcement");
                return;
            }
            Files.move(part, done, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            finished = true;
            listener.complete(announcement, done);
        }

        void cancel() {
            finished = true;
            link.unsubscribe(topics.chunkFilter(announcement.modelId(), announcement.version()));
        }
    }

    private static String fileSha(Path file) throws IOException {
        MessageDigest md = PackagePublisher.sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return Announcement.hex(md.digest());
    }
}
