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
 * are serialised. Hashing and writing the backup run on a thread of their own (the reader only
 * copies the bytes into one of {@value #BUFFERS} buffers of {@value #GAP_CHUNK} bytes), so on two
 * cores they overlap the converter instead of adding to it.
 */
final class BackupTee implements ByteSource {
    /** Holes are made at this granularity (a filesystem block). */
    static final int HOLE = 4096;
    private static final int GAP_CHUNK = 1 << 20;
    /** Buffers between the reader and the backup thread. */
    private static final int BUFFERS = 8;
    private static final ByteBuffer ZEROS = ByteBuffer.allocate(HOLE).asReadOnlyBuffer();

    private final ByteSource file;
    private final FileChannel backup;
    private final MessageDigest sha = BackupService.newSha256();
    private final ReadBudget throttle;
    private final Progress progress;
    private final long size;
    private final java.util.concurrent.BlockingQueue<ByteBuffer> free =
            new java.util.concurrent.ArrayBlockingQueue<>(BUFFERS);
    private final java.util.concurrent.BlockingQueue<Piece> pieces = new java.util.concurrent.LinkedBlockingQueue<>();
    private Thread writer;
    private volatile Throwable failure;
    private boolean armed;
    private long frontier;
    private volatile long written;
    private long gapBytes;

    /** File bytes at {@code at} waiting for the backup thread; {@code bytes == null} ends the stream. */
    private record Piece(long at, ByteBuffer bytes) {
    }

    /** Accounts for bytes read, sleeping while a rate cap needs it, failing when the disk's reserve is reached. */
    @FunctionalInterface
    interface ReadBudget {
        void acquire(long n) throws IOException;
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
        start();
    }

    private void start() {
        if (writer != null) {
            return;
        }
        for (int i = 0; i < BUFFERS; i++) {
            free.add(ByteBuffer.allocateDirect(GAP_CHUNK));
        }
        writer = new Thread(this::drain, "vhdflow-backup");
        writer.setDaemon(true);
        writer.start();
    }

    /** The backup thread: hashes and writes each piece in file order, returning its buffer. */
    private void drain() {
        try {
            while (true) {
                Piece p = pieces.take();
                if (p.bytes() == null) {
                    return;
                }
                sha.update(p.bytes().duplicate());
                writeSparse(p.at(), p.bytes());
                progress.bytesDone(p.at() + p.bytes().remaining());
                free.add(p.bytes().clear());
            }
        } catch (InterruptedException | IOException | RuntimeException e) {
            failure = e;
            // Unblock a reader waiting for a buffer; it sees the failure next.
            for (int i = 0; i < BUFFERS; i++) {
                free.offer(ByteBuffer.allocate(0));
            }
        }
    }

    private void check() throws IOException {
        Throwable f = failure;
        if (f instanceof IOException io) {
            throw new IOException("writing the backup failed: " + io.getMessage(), io);
        }
        if (f != null) {
            throw new IOException("the backup thread failed: " + f, f);
        }
    }

    private ByteBuffer takeBuffer() throws IOException {
        try {
            ByteBuffer b = free.take();
            check();
            return b;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("backup interrupted");
        }
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
        start();
        copyGap(size);
        pieces.add(new Piece(size, null));
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("backup interrupted");
        }
        check();
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
        while (frontier < to) {
            int n = (int) Math.min(GAP_CHUNK, to - frontier);
            ByteBuffer b = takeBuffer();
            b.clear().limit(n);
            file.readFully(frontier, b, "original " + file.describe());
            b.flip();
            gapBytes += n;
            throttle.acquire(n);
            pieces.add(new Piece(frontier, b));
            frontier += n;
        }
    }

    /** Hands {@code bytes} (file bytes at {@code at} = the frontier) to the backup thread and moves the frontier. */
    private void consume(long at, ByteBuffer bytes) throws IOException {
        int n = bytes.remaining();
        throttle.acquire(n);
        int p = bytes.position();
        while (p < bytes.limit()) {
            int len = Math.min(GAP_CHUNK, bytes.limit() - p);
            ByteBuffer b = takeBuffer();
            b.clear();
            b.put(bytes.duplicate().limit(p + len).position(p)).flip();
            pieces.add(new Piece(at + (p - bytes.position()), b));
            p += len;
        }
        frontier = at + n;
    }

    /**
     * Writes the non-zero 4 KiB blocks of {@code bytes} (file bytes at {@code at}) to the backup,
     * each run of them in one write (a write per block would cost a system call per 4 KiB).
     */
    private void writeSparse(long at, ByteBuffer bytes) throws IOException {
        int start = bytes.position();
        int end = bytes.limit();
        int run = -1;
        for (int p = start; p < end; ) {
            long pos = at + (p - start);
            // Blocks aligned to the file, so a hole is a whole filesystem block.
            int len = (int) Math.min(end - p, HOLE - pos % HOLE);
            boolean zero = isZero(bytes, p, len);
            if (!zero && run < 0) {
                run = p;
            } else if (zero && run >= 0) {
                write(at + (run - start), bytes, run, p);
                run = -1;
            }
            p += len;
        }
        if (run >= 0) {
            write(at + (run - start), bytes, run, end);
        }
    }

    private void write(long pos, ByteBuffer bytes, int from, int to) throws IOException {
        ByteBuffer w = bytes.duplicate();
        w.limit(to).position(from);
        long q = pos;
        while (w.hasRemaining()) {
            q += backup.write(w, q);
        }
        written += to - from;
    }

    private static boolean isZero(ByteBuffer b, int from, int len) {
        if (len >= 8 && b.getLong(from) != 0) {
            return false; // data is usually told by its first bytes
        }
        return b.slice(from, len).mismatch(ZEROS.slice(0, len)) < 0; // vectorised
    }

    @Override
    public void close() throws IOException {
        if (writer != null && writer.isAlive()) {
            writer.interrupt(); // a pass that failed before finish()
        }
        file.close();
    }
}
