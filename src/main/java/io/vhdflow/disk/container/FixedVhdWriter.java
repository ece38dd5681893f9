package io.vhdflow.disk.container;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Converts any readable disk image into an Azure-ready fixed VHD in one pass:
 * <ul>
 *   <li>virtual size rounded up to the next whole MiB (Azure refuses anything else), the extra
 *       bytes zero;</li>
 *   <li>a new footer: spec CHS geometry, fresh unique id, creator application {@code vhfl}
 *       ({@link VhdFooter#VHDFLOW_CREATOR}), checksum;</li>
 *   <li>written sparse: all-zero 512-byte sectors are never written, unallocated input blocks
 *       never read, so the output's allocated blocks match the input's data;</li>
 *   <li>MD5 (Azure's Content-MD5) and SHA-256 of the whole output file, zeros and footer
 *       included, exactly what {@code md5sum}/{@code sha256sum} of it print, each computed on its
 *       own thread over the same buffers (zero stretches are fed from one shared zero block);</li>
 *   <li>crash-safe: written to a temporary file in the target folder, fsynced, renamed atomically,
 *       the folder fsynced; on any failure the temporary file is removed.</li>
 * </ul>
 * Memory is flat in disk size: a small pool of chunk buffers ({@link Options#chunkSize()} ×
 * {@link Options#buffers()}).
 */
public final class FixedVhdWriter {

    /**
     * Conversion options.
     *
     * @param overwrite replace an existing output file
     * @param chunkSize bytes read and hashed per step (multiple of 512)
     * @param buffers   chunk buffers in flight between the reader and the two digest threads
     * @param progress  told of bytes hashed so far (called from the MD5 thread)
     * @param dataSink  told of each data range of the output as it is found
     * @param creator   creator application in the footer: {@link VhdFooter#VHDFLOW_CREATOR} ("vhfl",
     *                  the default, says who wrote it) or {@link VhdFooter#HYPERV_CREATOR} ("win ",
     *                  read at its exact size by qemu releases older than 2025, which size unknown
     *                  creators by CHS geometry)
     */
    public record Options(boolean overwrite, int chunkSize, int buffers, ProgressListener progress,
                          DataRangeSink dataSink, String creator) {
        public Options {
            if (chunkSize < 512 || chunkSize % 512 != 0 || buffers < 1) {
                throw new IllegalArgumentException("chunk size must be a positive multiple of 512, buffers ≥ 1");
            }
        }

        /**
         * 1 MiB chunks, 24 in flight (24 MiB of heap: the digest threads can fall that far behind the
         * reader), no progress, no overwrite, creator "vhfl". 1 MiB measured a little cheaper in CPU
         * than 256 KiB or 4 MiB.
         */
        public static Options defaults() {
            return new Options(false, 1 << 20, 24, ProgressListener.NONE, (o, l) -> { }, VhdFooter.VHDFLOW_CREATOR);
        }

        public Options withOverwrite(boolean o) {
            return new Options(o, chunkSize, buffers, progress, dataSink, creator);
        }

        public Options withProgress(ProgressListener p) {
            return new Options(overwrite, chunkSize, buffers, p, dataSink, creator);
        }

        public Options withDataSink(DataRangeSink s) {
            return new Options(overwrite, chunkSize, buffers, progress, s, creator);
        }

        public Options withCreator(String c) {
            return new Options(overwrite, chunkSize, buffers, progress, dataSink, c);
        }

        public Options withChunks(int size, int count) {
            return new Options(overwrite, size, count, progress, dataSink, creator);
        }
    }

    private static final long MiB = 1L << 20;
    /** Summary keeps this many ranges. */
    private static final int KEEP_RANGES = 1000;

    private FixedVhdWriter() {
    }

    /** Size of the fixed VHD made from a disk of {@code size} bytes: rounded up to a whole MiB. */
    public static long targetSize(long size) {
        return (size + MiB - 1) / MiB * MiB;
    }

    /** Converts {@code input} into the fixed VHD {@code output}. */
    public static ConversionResult convert(DiskImage input, Path output, Options options) throws IOException {
        Instant start = Instant.now();
        Path target = output.toAbsolutePath();
        if (Files.exists(target)) {
            if (Files.isSameFile(target, input.path())) {
                throw new IOException("refusing to overwrite the input " + input.path() + " with its own conversion");
            }
            if (!options.overwrite()) {
                throw new FileAlreadyExistsException(target.toString(), null, "output exists; allow overwriting to replace it");
            }
        }
        long size = targetSize(input.virtualSize());
        UUID id = UUID.randomUUID();
        VhdFooter footer = VhdFooter.newFixed(size, id, start, options.creator());
        Path dir = target.getParent();
        Path tmp = dir.resolve("." + target.getFileName() + ".vhdflow-" + id + ".tmp");
        Run run = new Run(input, options, size);
        try {
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                run.copy(out, footer.encode());
                out.force(true);
                if (out.size() != size + VhdFooter.SIZE) {
                    throw new IOException("wrote " + out.size() + " bytes to " + tmp + ", expected " + (size + 512));
                }
            }
            if (options.overwrite()) {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            }
            syncDirectory(dir);
        } catch (IOException | RuntimeException | Error e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        byte[] md5 = run.md5.result();
        return new ConversionResult(target, input.virtualSize(), size, size + VhdFooter.SIZE, run.written,
                HexFormat.of().formatHex(md5), Base64.getEncoder().encodeToString(md5),
                HexFormat.of().formatHex(run.sha256.result()), id, run.summary.build(size),
                Duration.between(start, Instant.now()));
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // Some filesystems cannot fsync a directory; the rename is still atomic.
        }
    }

    /** A piece of the output handed to both digest threads: data from a pool buffer, or a zero run. */
    private static final class Chunk {
        static final Chunk END = new Chunk(null, 0, false);
        final byte[] data;
        final long length;
        final boolean pooled;
        final AtomicInteger refs = new AtomicInteger(2);

        Chunk(byte[] data, long length, boolean pooled) {
            this.data = data;
            this.length = length;
            this.pooled = pooled;
        }
    }

    /** One conversion: the reader/writer on the calling thread, the digests on two threads. */
    private static final class Run {
        final DiskImage input;
        final Options options;
        final long size;
        final BlockingQueue<byte[]> free;
        final Digester md5;
        final Digester sha256;
        final DataRangeSummary.Builder summary;
        long written;

        Run(DiskImage input, Options options, long size) {
            this.input = input;
            this.options = options;
            this.size = size;
            this.free = new ArrayBlockingQueue<>(options.buffers());
            for (int i = 0; i < options.buffers(); i++) {
                free.add(new byte[options.chunkSize()]);
            }
            this.md5 = new Digester("MD5", free, options.progress(), size + VhdFooter.SIZE);
            this.sha256 = new Digester("SHA-256", free, ProgressListener.NONE, 0);
            this.summary = new DataRangeSummary.Builder(KEEP_RANGES, options.dataSink());
        }

        void copy(FileChannel out, byte[] footer) throws IOException {
            Thread t1 = md5.start();
            Thread t2 = sha256.start();
            try {
                try {
                    stream(out);
                } catch (WriteFailure f) {
                    throw f.getCause();
                }
                submit(new Chunk(footer, footer.length, false));
                write(out, footer, 0, footer.length, size);
                submit(Chunk.END);
                join(t1);
                join(t2);
                md5.check();
                sha256.check();
            } finally {
                if (t1.isAlive() || t2.isAlive()) {
                    t1.interrupt();
                    t2.interrupt();
                }
            }
        }

        private void stream(FileChannel out) throws IOException {
            ByteSource disk = input.virtualDisk();
            long inSize = disk.size();
            long pos = 0;
            String what = "virtual disk of " + input.path().getFileName();
            for (Iterator<ByteRange> it = input.allocatedRanges(); it.hasNext(); ) {
                ByteRange r = it.next();
                long end = Math.min(r.end(), inSize);
                if (r.offset() > pos) {
                    submit(new Chunk(null, r.offset() - pos, false));
                    pos = r.offset();
                }
                while (pos < end) {
                    md5.check();
                    sha256.check();
                    byte[] b = take();
                    int n = (int) Math.min(b.length, end - pos);
                    disk.readFully(pos, ByteBuffer.wrap(b, 0, n), what);
                    long base = pos;
                    ZeroSectors.scan(b, n, base, (off, len) -> {
                        writeUnchecked(out, b, (int) (off - base), (int) len, off);
                        summary.data(off, len);
                    });
                    submit(new Chunk(b, n, true));
                    pos += n;
                }
            }
            if (size > pos) {
                submit(new Chunk(null, size - pos, false)); // the rest of the input, then the MiB padding
            }
        }

        private void writeUnchecked(FileChannel out, byte[] b, int from, int len, long at) {
            try {
                write(out, b, from, len, at);
            } catch (IOException e) {
                throw new WriteFailure(e);
            }
        }

        private void write(FileChannel out, byte[] b, int from, int len, long at) throws IOException {
            ByteBuffer bb = ByteBuffer.wrap(b, from, len);
            long p = at;
            while (bb.hasRemaining()) {
                p += out.write(bb, p);
            }
            written += len;
        }

        private byte[] take() throws IOException {
            try {
                byte[] b;
                do {
                    b = free.poll(1, java.util.concurrent.TimeUnit.SECONDS);
                    md5.check();
                    sha256.check();
                } while (b == null);
                return b;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("conversion interrupted");
            }
        }

        private void submit(Chunk c) {
            md5.queue.add(c);
            sha256.queue.add(c);
        }

        private static void join(Thread t) throws IOException {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("conversion interrupted");
            }
        }
    }

    /** Carries a write error out of the zero-scan callback. */
    private static final class WriteFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        WriteFailure(IOException cause) {
            super(cause);
        }

        @Override
        public synchronized IOException getCause() {
            return (IOException) super.getCause();
        }
    }

    /** Runs one digest over the chunk stream on its own thread. */
    private static final class Digester implements Runnable {
        final BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
        private final String algorithm;
        private final BlockingQueue<byte[]> free;
        private final ProgressListener progress;
        private final long total;
        private final MessageDigest md;
        private volatile Throwable failure;
        private volatile byte[] result;

        Digester(String algorithm, BlockingQueue<byte[]> free, ProgressListener progress, long total) {
            this.algorithm = algorithm;
            this.free = free;
            this.progress = progress;
            this.total = total;
            try {
                this.md = MessageDigest.getInstance(algorithm);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(algorithm + " missing from this Java runtime", e);
            }
        }

        Thread start() {
            Thread t = new Thread(this, "vhdflow-" + algorithm.toLowerCase(java.util.Locale.ROOT));
            t.setDaemon(true);
            t.start();
            return t;
        }

        @Override
        public void run() {
            long done = 0;
            long reported = 0;
            try {
                while (true) {
                    Chunk c = queue.take();
                    if (c == Chunk.END) {
                        break;
                    }
                    if (c.data == null) {
                        long left = c.length;
                        while (left > 0) {
                            int n = (int) Math.min(left, ZeroSectors.ZEROS.length);
                            md.update(ZeroSectors.ZEROS, 0, n);
                            left -= n;
                            done += n;
                            if (done - reported >= 64 * MiB) {
                                progress.progress(done, total);
                                reported = done;
                            }
                        }
                    } else {
                        md.update(c.data, 0, (int) c.length);
                        done += c.length;
                        if (c.pooled && c.refs.decrementAndGet() == 0) {
                            free.add(c.data);
                        }
                    }
                    if (done - reported >= 16 * MiB) {
                        progress.progress(done, total);
                        reported = done;
                    }
                }
                result = md.digest();
                progress.progress(done, total);
            } catch (InterruptedException e) {
                failure = e;
            } catch (RuntimeException | Error e) {
                failure = e;
            }
        }

        void check() throws IOException {
            Throwable f = failure;
            if (f != null) {
                throw new IOException(algorithm + " digest thread failed: " + f, f);
            }
        }

        byte[] result() {
            return result.clone();
        }
    }
}
