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
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
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
 *   <li>the {@link DataTreeDigest} of the virtual disk (cost follows the data) and the SHA-256 of
 *       the footer, always; on request ({@link Digests}) MD5 (Azure's Content-MD5) and SHA-256 of
 *       the whole output file, zeros and footer included, exactly what {@code md5sum}/{@code sha256sum}
 *       of it print; each digest on its own thread over the same buffers (zero stretches are fed to
 *       the whole-file digests from one shared zero block);</li>
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
                          DataRangeSink dataSink, String creator, Digests digests) {
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
            return new Options(false, 1 << 20, 24, ProgressListener.NONE, (o, l) -> { }, VhdFooter.VHDFLOW_CREATOR,
                    Digests.ALL);
        }

        public Options withOverwrite(boolean o) {
            return new Options(o, chunkSize, buffers, progress, dataSink, creator, digests);
        }

        public Options withProgress(ProgressListener p) {
            return new Options(overwrite, chunkSize, buffers, p, dataSink, creator, digests);
        }

        public Options withDataSink(DataRangeSink s) {
            return new Options(overwrite, chunkSize, buffers, progress, s, creator, digests);
        }

        public Options withCreator(String c) {
            return new Options(overwrite, chunkSize, buffers, progress, dataSink, c, digests);
        }

        public Options withChunks(int size, int count) {
            return new Options(overwrite, size, count, progress, dataSink, creator, digests);
        }

        /** Which whole-file digests to compute besides the data tree digest (always computed). */
        public Options withDigests(Digests d) {
            return new Options(overwrite, chunkSize, buffers, progress, dataSink, creator, d);
        }
    }

    /**
     * The whole-file digests of the output, each a sequential pass over every byte of it (zeros
     * included), so their cost follows the virtual size. The {@link DataTreeDigest} of the virtual
     * disk is always computed; its cost follows the data.
     *
     * @param md5    MD5 of the whole file (Azure's Content-MD5), on its own thread
     * @param sha256 SHA-256 of the whole file, on its own thread
     */
    public record Digests(boolean md5, boolean sha256) {
        /** MD5 and SHA-256, as {@code md5sum} and {@code sha256sum} print them. */
        public static final Digests ALL = new Digests(true, true);
        /** Only the data tree digest. */
        public static final Digests TREE_ONLY = new Digests(false, false);
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
        Optional<byte[]> md5 = run.md5.map(Digester::result);
        return new ConversionResult(target, input.virtualSize(), size, size + VhdFooter.SIZE, run.written,
                md5.map(HexFormat.of()::formatHex), md5.map(Base64.getEncoder()::encodeToString),
                run.sha256.map(d -> HexFormat.of().formatHex(d.result())), run.tree.treeResult(),
                HexFormat.of().formatHex(sha256(footer.encode())), id, run.summary.build(size),
                Duration.between(start, Instant.now()));
    }

    private static byte[] sha256(byte[] b) {
        return DataTreeDigest.sha256().digest(b);
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // Some filesystems cannot fsync a directory; the rename is still atomic.
        }
    }

    /**
     * A piece of the output handed to the digest threads: data from a pool buffer (with the data
     * runs the reader found in it), or a zero run.
     */
    private static final class Chunk {
        static final Chunk END = new Chunk(null, 0, 0, false, new long[0], 0);
        final byte[] data;
        final long base;
        final long length;
        final boolean pooled;
        /** Data runs inside {@code data}: (absolute offset, length) pairs, ascending. */
        final long[] runs;
        final int runCount;
        final AtomicInteger refs = new AtomicInteger();

        Chunk(byte[] data, long base, long length, boolean pooled, long[] runs, int runCount) {
            this.data = data;
            this.base = base;
            this.length = length;
            this.pooled = pooled;
            this.runs = runs;
            this.runCount = runCount;
        }
    }

    /** Collects the data runs of one chunk for the tree digest. */
    private static final class Runs implements DataRangeSink {
        long[] pairs = new long[16];
        int count;

        @Override
        public void data(long offset, long length) {
            if (2 * count == pairs.length) {
                pairs = java.util.Arrays.copyOf(pairs, pairs.length * 2); // ≤ chunk/1024 runs: bounded
            }
            pairs[2 * count] = offset;
            pairs[2 * count + 1] = length;
            count++;
        }
    }

    /** One conversion: the reader/writer on the calling thread, each digest on its own thread. */
    private static final class Run {
        final DiskImage input;
        final Options options;
        final long size;
        final BlockingQueue<byte[]> free;
        final Optional<Digester> md5;
        final Optional<Digester> sha256;
        final Digester tree;
        final List<Digester> all = new ArrayList<>();
        final List<Digester> whole = new ArrayList<>();
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
            long total = size + VhdFooter.SIZE;
            this.md5 = options.digests().md5()
                    ? Optional.of(Digester.whole("MD5", free, options.progress(), total)) : Optional.empty();
            this.sha256 = options.digests().sha256()
                    ? Optional.of(Digester.whole("SHA-256", free, md5.isPresent() ? ProgressListener.NONE
                    : options.progress(), total)) : Optional.empty();
            md5.ifPresent(whole::add);
            sha256.ifPresent(whole::add);
            // With no whole-file digest, progress follows the disk position the tree has reached.
            this.tree = Digester.tree(size, free, whole.isEmpty() ? options.progress() : ProgressListener.NONE);
            all.addAll(whole);
            all.add(tree);
            this.summary = new DataRangeSummary.Builder(KEEP_RANGES, options.dataSink());
        }

        void copy(FileChannel out, byte[] footer) throws IOException {
            List<Thread> threads = new ArrayList<>();
            for (Digester d : all) {
                threads.add(d.start());
            }
            try {
                try {
                    stream(out);
                } catch (WriteFailure f) {
                    throw f.getCause();
                }
                submitWhole(new Chunk(footer, size, footer.length, false, NO_RUNS, 0));
                write(out, footer, 0, footer.length, size);
                for (Digester d : all) {
                    d.queue.add(Chunk.END);
                }
                for (Thread t : threads) {
                    join(t);
                }
                check();
            } finally {
                for (Thread t : threads) {
                    if (t.isAlive()) {
                        t.interrupt();
                    }
                }
            }
        }

        private void check() throws IOException {
            for (Digester d : all) {
                d.check();
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
                    submitWhole(new Chunk(null, pos, r.offset() - pos, false, NO_RUNS, 0));
                    pos = r.offset();
                }
                while (pos < end) {
                    check();
                    byte[] b = take();
                    int n = (int) Math.min(b.length, end - pos);
                    disk.readFully(pos, ByteBuffer.wrap(b, 0, n), what);
                    long base = pos;
                    Runs runs = new Runs();
                    ZeroSectors.scan(b, n, base, (off, len) -> {
                        writeUnchecked(out, b, (int) (off - base), (int) len, off);
                        summary.data(off, len);
                        runs.data(off, len);
                    });
                    Chunk c = new Chunk(b, base, n, true, runs.pairs, runs.count);
                    c.refs.set(all.size());
                    for (Digester d : all) {
                        d.queue.add(c);
                    }
                    pos += n;
                }
            }
            if (size > pos) {
                // the rest of the input, then the MiB padding
                submitWhole(new Chunk(null, pos, size - pos, false, NO_RUNS, 0));
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
                    check();
                } while (b == null);
                return b;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("conversion interrupted");
            }
        }

        /** A zero run or the footer: only the whole-file digests see them (the tree covers data). */
        private void submitWhole(Chunk c) {
            for (Digester d : whole) {
                d.queue.add(c);
            }
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

    private static final long[] NO_RUNS = new long[0];

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

    /**
     * Runs one digest over the chunk stream on its own thread: a whole-file digest over every
     * byte, or the data tree digest over the data runs.
     */
    private static final class Digester implements Runnable {
        final BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
        private final String name;
        private final BlockingQueue<byte[]> free;
        private final ProgressListener progress;
        private final long total;
        private final MessageDigest md;
        private final DataTreeDigest tree;
        private volatile Throwable failure;
        private volatile byte[] result;
        private volatile DataTreeDigest.Result treeResult;

        private Digester(String name, BlockingQueue<byte[]> free, ProgressListener progress, long total,
                         MessageDigest md, DataTreeDigest tree) {
            this.name = name;
            this.free = free;
            this.progress = progress;
            this.total = total;
            this.md = md;
            this.tree = tree;
        }

        static Digester whole(String algorithm, BlockingQueue<byte[]> free, ProgressListener progress, long total) {
            try {
                return new Digester(algorithm, free, progress, total, MessageDigest.getInstance(algorithm), null);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(algorithm + " missing from this Java runtime", e);
            }
        }

        static Digester tree(long diskSize, BlockingQueue<byte[]> free, ProgressListener progress) {
            return new Digester("dtree", free, progress, diskSize, null, new DataTreeDigest(diskSize));
        }

        Thread start() {
            Thread t = new Thread(this, "vhdflow-" + name.toLowerCase(java.util.Locale.ROOT));
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
                    if (tree != null) {
                        for (int i = 0; i < c.runCount; i++) {
                            long off = c.runs[2 * i];
                            tree.data(off, c.data, (int) (off - c.base), (int) c.runs[2 * i + 1]);
                        }
                        done = c.base + c.length;
                    } else if (c.data == null) {
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
                    }
                    if (c.pooled && c.refs.decrementAndGet() == 0) {
                        free.add(c.data);
                    }
                    if (done - reported >= 16 * MiB) {
                        progress.progress(done, total);
                        reported = done;
                    }
                }
                if (tree != null) {
                    treeResult = tree.finish();
                    progress.progress(total, total);
                } else {
                    result = md.digest();
                    progress.progress(done, total);
                }
            } catch (InterruptedException e) {
                failure = e;
            } catch (RuntimeException | Error e) {
                failure = e;
            }
        }

        void check() throws IOException {
            Throwable f = failure;
            if (f != null) {
                throw new IOException(name + " digest thread failed: " + f, f);
            }
        }

        byte[] result() {
            return result.clone();
        }

        DataTreeDigest.Result treeResult() {
            return treeResult;
        }
    }
}
