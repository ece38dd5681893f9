package io.vhdflow.disk.container;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Iterator;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Computes a disk's zero-range map by streaming it: only {@link DiskImage#allocatedRanges()} are
 * read (unallocated dynamic blocks are known to be zero). The disk is cut into segments that
 * worker threads read and scan in parallel, each into its own small direct buffer (one copy, as
 * {@code cat} does, and small enough to stay in the CPU cache while it is scanned); the segments'
 * ranges are handed to the sink in disk order, with a bounded number of segments in flight.
 */
public final class DataRangeScanner {
    /**
     * Chunk read at a time by a worker: 256 KiB stays in the core's L2 cache between the read's
     * copy and the scan; measured 0.46 CPU-s per 4 GiB against 0.68 with 1 MiB chunks.
     */
    static final int CHUNK = 256 << 10;
    /** Disk bytes per task. */
    static final long SEGMENT = 64L << 20;

    private DataRangeScanner() {
    }

    /** Scans with one worker per available processor (at most 4). */
    public static DataRangeSummary scan(DiskImage image, DataRangeSink sink, int keep, ProgressListener progress)
            throws IOException {
        return scan(image, sink, keep, progress, Math.min(4, Runtime.getRuntime().availableProcessors()));
    }

    /**
     * Streams {@code image}'s virtual disk and reports its data ranges to {@code sink} (merged, in
     * order), returning a summary holding the first {@code keep} ranges.
     */
    public static DataRangeSummary scan(DiskImage image, DataRangeSink sink, int keep, ProgressListener progress,
                                        int threads) throws IOException {
        return scan(image, sink, keep, progress, threads, SEGMENT, CHUNK);
    }

    static DataRangeSummary scan(DiskImage image, DataRangeSink sink, int keep, ProgressListener progress,
                                 int threads, long segment, int chunk) throws IOException {
        DataRangeSummary.Builder summary = new DataRangeSummary.Builder(keep, sink);
        ByteSource disk = image.virtualDisk();
        long total = disk.size();
        String what = "virtual disk of " + image.path().getFileName();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
            Thread t = new Thread(r, "vhdflow-scan");
            t.setDaemon(true);
            return t;
        });
        ThreadLocal<ByteBuffer> buffers = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(chunk));
        Deque<Future<Segment>> inFlight = new ArrayDeque<>();
        int window = 2 * Math.max(1, threads);
        try {
            for (Iterator<ByteRange> it = image.allocatedRanges(); it.hasNext(); ) {
                ByteRange r = it.next();
                for (long pos = r.offset(); pos < r.end(); pos += segment) {
                    long start = pos;
                    long end = Math.min(r.end(), pos + segment);
                    if (inFlight.size() >= window) {
                        drain(inFlight.removeFirst(), summary, progress, total);
                    }
                    inFlight.addLast(pool.submit(() -> scanSegment(disk, start, end, buffers.get(), what)));
                }
            }
            while (!inFlight.isEmpty()) {
                drain(inFlight.removeFirst(), summary, progress, total);
            }
        } finally {
            pool.shutdownNow();
        }
        progress.progress(total, total);
        return summary.build(total);
    }

    private static void drain(Future<Segment> f, DataRangeSink sink, ProgressListener progress, long total)
            throws IOException {
        Segment s;
        try {
            s = f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("scan interrupted");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof UncheckedIOException u) {
                throw u.getCause();
            }
            if (c instanceof IOException io) {
                throw io;
            }
            if (c instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(c);
        }
        for (int i = 0; i < s.count; i++) {
            sink.data(s.ranges[2 * i], s.ranges[2 * i + 1]);
        }
        progress.progress(s.end, total);
    }

    private static Segment scanSegment(ByteSource disk, long start, long end, ByteBuffer buf, String what)
            throws IOException {
        Segment seg = new Segment(end);
        for (long pos = start; pos < end; ) {
            int n = (int) Math.min(buf.capacity(), end - pos);
            buf.clear().limit(n);
            disk.readFully(pos, buf, what);
            ZeroSectors.scan(buf, n, pos, seg);
            pos += n;
        }
        return seg;
    }

    /** The data ranges of one segment, as (offset, length) pairs, merged. */
    private static final class Segment implements DataRangeSink {
        final long end;
        long[] ranges = new long[32];
        int count;

        Segment(long end) {
            this.end = end;
        }

        @Override
        public void data(long offset, long length) {
            if (count > 0 && ranges[2 * count - 2] + ranges[2 * count - 1] == offset) {
                ranges[2 * count - 1] += length;
                return;
            }
            if (2 * count == ranges.length) {
                ranges = Arrays.copyOf(ranges, ranges.length * 2); // ≤ SEGMENT/1024 ranges: bounded
            }
            ranges[2 * count] = offset;
            ranges[2 * count + 1] = length;
            count++;
        }
    }
}
