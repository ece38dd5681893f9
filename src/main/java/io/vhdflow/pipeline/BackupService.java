package io.vhdflow.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes the verified copy of the original that exists before anything else touches it:
 * {@code backup/<image>/<job>/<file>}, written sparse (zero runs become holes), its SHA-256 compared
 * with a re-read of the copy. Keeps the newest {@link Settings#backupRetention()} backups per image.
 */
public final class BackupService {
    private static final System.Logger LOG = System.getLogger(BackupService.class.getName());
    /** Read size: large enough for sequential throughput, small enough for a flat heap. */
    private static final int CHUNK = 4 << 20;
    /** Granularity of holes: a zero run shorter than this is written, not skipped. */
    private static final int HOLE = 64 << 10;

    private final Settings settings;
    private final ObjectMapper json;

    public BackupService(Settings settings, ObjectMapper json) {
        this.settings = settings;
        this.json = json;
    }

    /** Where the backup of {@code job} lives. */
    public Path backupFile(JobRecord job) {
        Path imageDir = HomeLayout.within(settings.home().backup(), job.imageName());
        return HomeLayout.within(imageDir, job.id()).resolve(job.sourceName());
    }

    /**
     * Backs up {@code source}. Idempotent: an existing backup whose hash matches the source is kept.
     *
     * @return the outcome; its result JSON holds the path and SHA-256
     */
    public BackupResult backup(JobRecord job, Path source, Progress progress)
            throws IOException, JobRejectedException {
        Path target = backupFile(job);
        Files.createDirectories(target.getParent());
        long size = Files.size(source);
        ensureSpace(job, target.getParent(), size);
        Path partial = target.resolveSibling("." + target.getFileName() + ".partial");
        String sourceSha;
        long written;
        try {
            Copy copy = copySparse(source, partial, progress);
            sourceSha = copy.sha256();
            written = copy.bytesWritten();
        } catch (IOException e) {
            Files.deleteIfExists(partial);
            throw asDiskFull(job, e);
        }
        String copySha = sha256(partial, new Throttle(settings.throttleBytesPerSecond()));
        if (!copySha.equals(sourceSha)) {
            Files.deleteIfExists(partial);
            throw new IOException("backup copy of " + source.getFileName() + " reads back with SHA-256 " + copySha
                    + " but the original has " + sourceSha + ": the backup disk returned different data");
        }
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        fsyncDirectory(target.getParent());
        LOG.log(System.Logger.Level.INFO, "job {0}: backup {1} verified (SHA-256 {2})", job.id(), target, sourceSha);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("path", target.toString());
        result.put("sha256", sourceSha);
        result.put("bytes", size);
        result.put("bytesWritten", written);
        return new BackupResult(target, sourceSha, StageOutcome.of(2 * size, written, json.writeValueAsString(result)));
    }

    /** The backup and its outcome. */
    public record BackupResult(Path path, String sha256, StageOutcome outcome) {
    }

    private record Copy(String sha256, long bytesWritten) {
    }

    private Copy copySparse(Path source, Path target, Progress progress) throws IOException {
        MessageDigest sha = newSha256();
        Throttle throttle = new Throttle(settings.throttleBytesPerSecond());
        ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK);
        byte[] chunk = new byte[CHUNK];
        long written = 0;
        try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
             FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     StandardOpenOption.TRUNCATE_EXISTING)) {
            long size = in.size();
            long pos = 0;
            while (pos < size) {
                buf.clear();
                int n = readFully(in, buf, pos);
                throttle.acquire(n);
                buf.flip();
                buf.get(chunk, 0, n);
                sha.update(chunk, 0, n);
                for (int off = 0; off < n; off += HOLE) {
                    int len = Math.min(HOLE, n - off);
                    if (!ZeroBlocks.isZero(chunk, off, len)) {
                        ByteBuffer w = ByteBuffer.wrap(chunk, off, len);
                        long p = pos + off;
                        while (w.hasRemaining()) {
                            p += out.write(w, p);
                        }
                        written += len;
                    }
                }
                pos += n;
                progress.bytesDone(pos);
            }
            if (out.size() < size) {
                // A trailing zero run: set the length without writing data.
                out.truncate(size);
                if (out.size() < size) {
                    out.write(ByteBuffer.allocate(1), size - 1);
                }
            }
            out.force(true);
        }
        return new Copy(HexFormat.of().formatHex(sha.digest()), written);
    }

    private static int readFully(FileChannel in, ByteBuffer buf, long pos) throws IOException {
        int total = 0;
        while (buf.hasRemaining()) {
            int n = in.read(buf, pos + total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        if (total == 0) {
            throw new IOException("file shrank while being backed up (read nothing at byte " + pos + ")");
        }
        return total;
    }

    /** SHA-256 of a whole file, streamed. */
    static String sha256(Path file, Throttle throttle) throws IOException {
        MessageDigest sha = newSha256();
        ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK);
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            long pos = 0;
            int n;
            while ((n = in.read(buf.clear(), pos)) > 0) {
                throttle.acquire(n);
                sha.update(buf.flip());
                pos += n;
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private void ensureSpace(JobRecord job, Path dir, long needed) throws IOException, JobRejectedException {
        long usable = Files.getFileStore(dir).getUsableSpace();
        if (usable < needed + settings.minFreeBytes()) {
            throw diskFull(job, dir, needed, usable);
        }
    }

    private JobRejectedException diskFull(JobRecord job, Path dir, long needed, long usable) {
        return new JobRejectedException(JobError.of("disk.full", Stage.BACKUP.id(),
                "not enough free space for the backup of " + job.sourceName(),
                "free space on the filesystem of " + dir + " (or lower vhdflow.backup.retention), then drop the VHD "
                        + "again from failed/" + job.id() + "/",
                List.of("needed " + needed + " bytes plus the " + settings.minFreeBytes() + "-byte reserve",
                        "usable " + usable + " bytes")));
    }

    private IOException asDiskFull(JobRecord job, IOException e) throws JobRejectedException {
        String m = String.valueOf(e.getMessage());
        if (m.contains("No space left") || m.contains("Disk quota exceeded")) {
            throw new JobRejectedException(JobError.of("disk.full", Stage.BACKUP.id(),
                    "the disk filled up while backing up " + job.sourceName(),
                    "free space in " + settings.home().backup() + " and drop the VHD again from failed/" + job.id()
                            + "/; the original is unchanged", List.of(m)), e);
        }
        return e;
    }

    static void deleteTree(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Not every platform can open a directory; the rename itself is still atomic.
        }
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }

}
