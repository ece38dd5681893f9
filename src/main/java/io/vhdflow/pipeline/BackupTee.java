package io.vhdflow.pipeline;

import io.vhdflow.disk.container.ByteSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * The original's file bytes as a {@link ByteSource} that makes the backup from the reads passing
 * through it: once {@link #arm() armed}, every byte read is also hashed (SHA-256 of the whole
 * file, in file order) and written to the backup at the same offset, all-zero 4 KiB blocks left
 * as holes. So the converter's read of the source is the backup's read too.
 *
 * <p>The hash needs the file in order, the converter reads the virtual disk in its own order.
 * The tee keeps a frontier: a read at the frontier moves it; a read behind it was already copied;
 * a read beyond it first copies the gap itself (container metadata, sector bitmaps, or blocks
 * stored out of virtual order, which the converter then reads a second time). {@link #finish()}
 * copies whatever follows the last read. For a container written in order (qemu-img, a fixed or
 * raw image) every byte is read once; in the worst order, twice, as before. Thread-safe: reads
 * are serialised.
 */
final class BackupTee implements ByteSource {
    /** Holes are made at this granularity (a filesystem block). */
    static final int HOLE = 4096;
    private static final int GAP_CHUNK = 1 << 20;
    private static final ByteBuffer ZEROS = ByteBuffer.allocate(HOLE).asReadOnlyBuffer();

    private final ByteSource file;
    private final FileChannel backup;
    private final MessageDigest sha = BackupService.newSha256();
    private final ReadBudget throttle;
    private final Progress progress;
    private final long size;
    private ByteBuffer gap;
    private boolean armed;
    private long frontier;
    private long written;
    private long gapBytes;

    /** Accounts for bytes read, sleeping while a rate cap needs it. */
    @FunctionalInterface
    interface ReadBudget {
        void acquire(long n) throws java.io.InterruptedIOException;
    }

    BackupTee(ByteSource file, FileChannel backup, ReadBudget throttle, Progress progress) {
        this.file = file;
        this.backup = backup;
        this.throttle = throttle;
        this.progress = progress;
        this.size = file.size();
    }

    /** From now on reads are copied; metadata read while opening the container is copied in order later. */
    synchronized void arm() {
        armed = true;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public String describe() {
        return file.describe();
    }

    @Override
    public synchronized int read(long offset, ByteBuffer dst) throws IOException {
        int start = dst.position();
        int n = file.read(offset, dst);
        if (armed && n > 0 && offset + n > frontier) {
            if (offset > frontier) {
                copyGap(offset);
            }
            int skip = (int) (frontier - offset);
            ByteBuffer read = dst.duplicate();
            read.limit(start + n).position(start + skip);
            consume(frontier, read);
        }
        return n;
    }

    /** Copies the rest of the file after the last read, and returns the file's SHA-256 (hex). */
    synchronized String finish() throws IOException {
        armed = true;
        copyGap(size);
        return HexFormat.of().formatHex(sha.digest());
    }

    /** Bytes written to the backup (holes excluded). */
    synchronized long written() {
        return written;
    }

    /** Bytes the tee read itself, beyond what its caller read. */
    synchronized long gapBytes() {
        return gapBytes;
    }

    private void copyGap(long to) throws IOException {
        if (gap == null) {
            gap = ByteBuffer.allocateDirect(GAP_CHUNK);
        }
        while (frontier < to) {
            int n = (int) Math.min(GAP_CHUNK, to - frontier);
            gap.clear().limit(n);
            file.readFully(frontier, gap, "original " + file.describe());
            gap.flip();
            gapBytes += n;
            consume(frontier, gap);
        }
    }

    /** Hashes and writes {@code bytes} (file bytes at {@code at} = the frontier) and moves the frontier. */
    private void consume(long at, ByteBuffer bytes) throws IOException {
        int n = bytes.remaining();
        throttle.acquire(n);
        sha.update(bytes.duplicate());
        int p = bytes.position();
        int end = bytes.limit();
        while (p < end) {
            // Blocks aligned to the file, so a hole is a whole filesystem block.
            long pos = at + (p - bytes.position());
            int len = (int) Math.min(end - p, HOLE - pos % HOLE);
            if (!isZero(bytes, p, len)) {
                ByteBuffer w = bytes.duplicate();
                w.limit(p + len).position(p);
                long q = pos;
                while (w.hasRemaining()) {
                    q += backup.write(w, q);
                }
                written += len;
            }
            p += len;
        }
        frontier = at + n;
        progress.bytesDone(frontier);
    }

    private static boolean isZero(ByteBuffer b, int from, int len) {
        if (len >= 8 && b.getLong(from) != 0) {
            return false; // data is usually told by its first bytes
        }
        return b.slice(from, len).mismatch(ZEROS.slice(0, len)) < 0; // vectorised
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
