package io.vhdflow.disk.container;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Iterator;

/**
 * Computes a disk's zero-range map by streaming it: only {@link DiskImage#allocatedRanges()} are
 * read (unallocated dynamic blocks are known to be zero), in sector-aligned chunks, into one
 * direct buffer so the bytes are copied once, as {@code cat} copies them.
 */
public final class DataRangeScanner {
    /** Chunk read at a time: small enough to stay in the CPU cache while it is scanned. */
    static final int CHUNK = 1 << 20;

    private DataRangeScanner() {
    }

    /**
     * Streams {@code image}'s virtual disk and reports its data ranges to {@code sink} (merged),
     * returning a summary holding the first {@code keep} ranges.
     */
    public static DataRangeSummary scan(DiskImage image, DataRangeSink sink, int keep, ProgressListener progress)
            throws IOException {
        DataRangeSummary.Builder summary = new DataRangeSummary.Builder(keep, sink);
        ByteSource disk = image.virtualDisk();
        long total = disk.size();
        ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK);
        for (Iterator<ByteRange> it = image.allocatedRanges(); it.hasNext(); ) {
            ByteRange r = it.next();
            long pos = r.offset();
            while (pos < r.end()) {
                int n = (int) Math.min(CHUNK, r.end() - pos);
                buf.clear().limit(n);
                disk.readFully(pos, buf, "virtual disk of " + image.path().getFileName());
                ZeroSectors.scan(buf, n, pos, summary);
                pos += n;
                progress.progress(pos, total);
            }
        }
        progress.progress(total, total);
        return summary.build(total);
    }
}
