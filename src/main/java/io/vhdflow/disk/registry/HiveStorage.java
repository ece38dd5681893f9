package io.vhdflow.disk.registry;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.container.ByteSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The hive bins data of one hive as Windows would see it: the primary file, with pages replaced
 * from transaction logs when a dirty hive was recovered. Offsets here are relative to the start of
 * the hive bins data (file offset 4096), as every offset stored inside a hive is; errors report
 * the absolute file offset.
 *
 * <p>Why not load the hive into memory: a SOFTWARE hive can be hundreds of MiB and a hostile base
 * block can claim 4 GiB. Reads go through the {@link ByteSource} with a small bounded page cache,
 * and replayed pages are kept as references into the log files, so memory stays small whatever
 * the hive's size.
 *
 * <p>Cell layout ("Cell" in the specification): a signed little-endian i32 size including itself,
 * a multiple of 8, negative when allocated, followed by the cell data. A cell never crosses the
 * end of its hive bin. Hive bin header ("hbin", 32 bytes): +0 signature, +4 offset of this bin in
 * the hive bins data, +8 bin size (multiple of 4096), +12 reserved, +20 FILETIME (first bin only),
 * +28 spare.
 */
final class HiveStorage {
    static final int UNIT = 512;
    private static final int PAGE = 4096;
    private static final int CACHE_PAGES = 1024;              // 4 MiB of cached hive pages
    /** No hive bin may be bigger than this; Windows grows bins only to hold one big cell. */
    static final long MAX_BIN_SIZE = 64L * 1024 * 1024;
    /** Largest cell this reader will copy into memory. */
    static final int MAX_CELL = 16 * 1024 * 1024;

    private final ByteSource primary;
    private final long dataSize;
    /** 512-byte unit index -> replacement (source index in {@link #logSources}, byte offset). */
    private final Map<Long, long[]> overlay;
    private final ByteSource[] logSources;
    private final Map<Long, byte[]> cache = new LinkedHashMap<>(CACHE_PAGES, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
            return size() > CACHE_PAGES;
        }
    };
    /** Sorted start offsets of the hive bins and their sizes, built once when opened. */
    private long[] binStarts = new long[0];
    private long[] binSizes = new long[0];

    HiveStorage(ByteSource primary, long dataSize, Map<Long, long[]> overlay, ByteSource[] logSources) {
        this.primary = primary;
        this.dataSize = dataSize;
        this.overlay = overlay == null ? new HashMap<>() : overlay;
        this.logSources = logSources == null ? new ByteSource[0] : logSources;
    }

    long dataSize() {
        return dataSize;
    }

    static long abs(long rel) {
        return BaseBlock.SIZE + rel;
    }

    /** Reads {@code len} bytes at hive-bins-relative {@code rel} into {@code dst[off..]}. */
    void read(long rel, byte[] dst, int off, int len, String structure) throws IOException {
        if (rel < 0 || len < 0 || rel > dataSize || len > dataSize - rel) {
            throw new DiskException(ErrorKind.CORRUPT, structure, abs(rel),
                    len + " bytes needed beyond the end of the hive bins data (" + dataSize + " bytes)");
        }
        int done = 0;
        while (done < len) {
            long pos = rel + done;
            long page = pos / PAGE;
            int inPage = (int) (pos % PAGE);
            int n = Math.min(len - done, PAGE - inPage);
            byte[] p = page(page, structure);
            System.arraycopy(p, inPage, dst, off + done, n);
            done += n;
        }
    }

    private byte[] page(long page, String structure) throws IOException {
        synchronized (cache) {
            byte[] p = cache.get(page);
            if (p != null) {
                return p;
            }
        }
        byte[] p = new byte[PAGE];
        long start = page * PAGE;
        int len = (int) Math.min(PAGE, dataSize - start);
        int u = 0;
        while (u < len) {
            // Coalesce consecutive 512-byte units that come from the same place into one read.
            long[] repl = overlay.get((start + u) / UNIT);
            int run = Math.min(UNIT, len - u);
            while (u + run < len) {
                long[] next = overlay.get((start + u + run) / UNIT);
                boolean contiguous = repl == null ? next == null
                        : next != null && next[0] == repl[0] && next[1] == repl[1] + run;
                if (!contiguous) {
                    break;
                }
                run += Math.min(UNIT, len - u - run);
            }
            if (repl != null) {
                logSources[(int) repl[0]].readFully(repl[1], ByteBuffer.wrap(p, u, run), "regf log page");
            } else {
                long at = abs(start + u);
                if (at + run > primary.size()) {
                    throw new DiskException(ErrorKind.TRUNCATED, structure, at, "the hive file " + primary.describe()
                            + " ends at byte " + primary.size() + " but its base block says the hive bins data"
                            + " is " + dataSize + " bytes; the file is truncated");
                }
                primary.readFully(at, ByteBuffer.wrap(p, u, run), structure);
            }
            u += run;
        }
        synchronized (cache) {
            cache.put(page, p);
        }
        return p;
    }

    /**
     * Reads a bin header (32 bytes at a 4096-aligned offset, so inside one 512-byte unit) without
     * going through the page cache: opening a large hive touches every bin header once, and
     * copying a whole page per bin would double the I/O for nothing.
     */
    private void readUncached(long rel, byte[] dst, String structure) throws IOException {
        long[] repl = overlay.get(rel / UNIT);
        if (repl != null) {
            logSources[(int) repl[0]].readFully(repl[1] + rel % UNIT, ByteBuffer.wrap(dst), "regf log page");
            return;
        }
        long at = abs(rel);
        if (at + dst.length > primary.size()) {
            throw new DiskException(ErrorKind.TRUNCATED, structure, at, "the hive file " + primary.describe() + " ends at byte "
                    + primary.size() + " but its base block says the hive bins data is " + dataSize
                    + " bytes; the file is truncated");
        }
        primary.readFully(at, ByteBuffer.wrap(dst), structure);
    }

    int readInt(long rel, String structure) throws IOException {
        byte[] b = new byte[4];
        read(rel, b, 0, 4, structure);
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    /**
     * Walks the hive bin headers once and checks them: every bin starts with "hbin", records its
     * own offset, has a size that is a non-zero multiple of 4096 and ends inside the data.
     */
    void indexBins() throws IOException {
        long count = dataSize / PAGE;
        long[] starts = new long[(int) Math.min(count, 1024)];
        long[] sizes = new long[starts.length];
        int n = 0;
        long pos = 0;
        byte[] h = new byte[32];
        while (pos < dataSize) {
            String what = "regf hbin at 0x" + Long.toHexString(abs(pos));
            if (dataSize - pos < 32) {
                throw new DiskException(ErrorKind.CORRUPT, what, abs(pos), "hive bins data ends inside a bin header");
            }
            readUncached(pos, h, what);
            ByteBuffer b = ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN);
            if (h[0] != 'h' || h[1] != 'b' || h[2] != 'i' || h[3] != 'n') {
                throw new DiskException(ErrorKind.CORRUPT, what, abs(pos), "signature is not 'hbin'");
            }
            long self = Integer.toUnsignedLong(b.getInt(4));
            long size = Integer.toUnsignedLong(b.getInt(8));
            if (self != pos) {
                throw new DiskException(ErrorKind.CORRUPT, what, abs(pos) + 4,
                        "bin says it is at offset 0x" + Long.toHexString(self) + " but it is at 0x" + Long.toHexString(pos));
            }
            if (size == 0 || size % PAGE != 0 || size > MAX_BIN_SIZE || size > dataSize - pos) {
                throw new DiskException(ErrorKind.CORRUPT, what, abs(pos) + 8, "bin size " + size
                        + " is not a multiple of 4096 inside the hive bins data (" + dataSize + " bytes)");
            }
            if (n == starts.length) {
                starts = Arrays.copyOf(starts, n * 2);
                sizes = Arrays.copyOf(sizes, n * 2);
            }
            starts[n] = pos;
            sizes[n] = size;
            n++;
            pos += size;
        }
        binStarts = Arrays.copyOf(starts, n);
        binSizes = Arrays.copyOf(sizes, n);
    }

    int binCount() {
        return binStarts.length;
    }

    /** End (exclusive) of the hive bin holding {@code rel}, or -1 when none does. */
    private long binEnd(long rel) {
        int i = Arrays.binarySearch(binStarts, rel);
        if (i < 0) {
            i = -i - 2;
        }
        if (i < 0) {
            return -1;
        }
        long end = binStarts[i] + binSizes[i];
        return rel < end ? end : -1;
    }

    /**
     * Reads the data of the allocated cell at {@code rel} (its size field excluded).
     *
     * @param what structure name for errors, e.g. "regf nk cell"
     */
    ByteBuffer cell(long rel, String what) throws IOException {
        String name = what + " at 0x" + Long.toHexString(abs(rel));
        if (rel < 0 || rel == 0xFFFFFFFFL || rel % 8 != 0 || rel >= dataSize) {
            throw new DiskException(ErrorKind.CORRUPT, name, abs(rel), "cell offset 0x" + Long.toHexString(rel)
                    + " is not an 8-byte aligned offset inside the hive bins data (" + dataSize + " bytes)");
        }
        long end = binEnd(rel);
        if (end < 0 || rel - binStart(rel) < 32) {
            throw new DiskException(ErrorKind.CORRUPT, name, abs(rel), "cell offset does not point into the cells of a hive bin");
        }
        int size = readInt(rel, name);
        if (size >= 0) {
            throw new DiskException(ErrorKind.CORRUPT, name, abs(rel), "cell is free (size " + size + "), but is referenced as in use");
        }
        long len = -(long) size;
        if (len < 8 || len > end - rel) {
            throw new DiskException(ErrorKind.CORRUPT, name, abs(rel), "cell size " + len + " runs past the end of its hive bin at 0x"
                    + Long.toHexString(abs(end)));
        }
        if (len - 4 > MAX_CELL) {
            throw new DiskException(ErrorKind.LIMIT_EXCEEDED, name, abs(rel), "cell of " + len + " bytes is larger than the "
                    + MAX_CELL + " bytes this reader accepts");
        }
        byte[] data = new byte[(int) len - 4];
        read(rel + 4, data, 0, data.length, name);
        return ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    }

    private long binStart(long rel) {
        int i = Arrays.binarySearch(binStarts, rel);
        return i >= 0 ? binStarts[i] : binStarts[-i - 2];
    }
}
