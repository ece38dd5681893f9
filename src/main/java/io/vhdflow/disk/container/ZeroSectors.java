package io.vhdflow.disk.container;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Finds the runs of 512-byte sectors holding a non-zero byte in a buffer. Zero stretches are
 * skipped with {@link Arrays#mismatch}, which the JVM vectorises; a sector of data is usually
 * recognised by its first bytes, so data costs little either.
 */
final class ZeroSectors {
    static final int SECTOR = 512;
    /** Shared all-zero block, never written: compared against and fed to digests. */
    static final byte[] ZEROS = new byte[1 << 20];

    private ZeroSectors() {
    }

    /** Whether {@code b[from, from + len)} is all zero. */
    static boolean isZero(byte[] b, int from, int len) {
        int p = from;
        int end = from + len;
        while (p < end) {
            int n = Math.min(end - p, ZEROS.length);
            if (Arrays.mismatch(b, p, p + n, ZEROS, 0, n) >= 0) {
                return false;
            }
            p += n;
        }
        return true;
    }

    /**
     * Reports the data runs of {@code b[0, len)}, which holds the disk bytes starting at
     * {@code base} (a multiple of 512), to {@code sink} as absolute ranges; a final partial sector
     * counts as a sector.
     */
    static void scan(byte[] b, int len, long base, DataRangeSink sink) {
        int p = 0;
        while (p < len) {
            int nz = firstNonZero(b, p, len);
            if (nz < 0) {
                return;
            }
            int start = nz - (nz % SECTOR);
            int s = start + SECTOR;
            while (s < len && !isZero(b, s, Math.min(SECTOR, len - s))) {
                s += SECTOR;
            }
            int end = Math.min(s, len);
            sink.data(base + start, end - start);
            p = end;
        }
    }

    /** Direct all-zero block for {@link ByteBuffer#mismatch}; read-only. */
    private static final ByteBuffer DIRECT_ZEROS = ByteBuffer.allocateDirect(1 << 20).asReadOnlyBuffer();

    /** As {@link #scan(byte[], int, long, DataRangeSink)} for {@code buf[0, len)}, any kind of buffer. */
    static void scan(ByteBuffer buf, int len, long base, DataRangeSink sink) {
        if (buf.hasArray()) {
            scan(buf.array(), len, base, sink); // our heap buffers start at array offset 0
            return;
        }
        int p = 0;
        while (p < len) {
            int nz = firstNonZero(buf, p, len);
            if (nz < 0) {
                return;
            }
            int start = nz - (nz % SECTOR);
            int s = start + SECTOR;
            while (s < len && !isZero(buf, s, Math.min(SECTOR, len - s))) {
                s += SECTOR;
            }
            int end = Math.min(s, len);
            sink.data(base + start, end - start);
            p = end;
        }
    }

    private static boolean isZero(ByteBuffer b, int from, int len) {
        if (len >= 8 && b.getLong(from) != 0) {
            return false; // the common case for data: decided by the first 8 bytes
        }
        return firstNonZero(b, from, from + len) < 0;
    }

    private static int firstNonZero(ByteBuffer b, int from, int to) {
        int p = from;
        while (p < to) {
            int n = Math.min(to - p, DIRECT_ZEROS.capacity());
            int m = b.slice(p, n).mismatch(DIRECT_ZEROS.slice(0, n));
            if (m >= 0) {
                return p + m;
            }
            p += n;
        }
        return -1;
    }

    /** Index of the first non-zero byte in {@code b[from, to)}, or -1. */
    static int firstNonZero(byte[] b, int from, int to) {
        int p = from;
        while (p < to) {
            int n = Math.min(to - p, ZEROS.length);
            int m = Arrays.mismatch(b, p, p + n, ZEROS, 0, n);
            if (m >= 0) {
                return p + m;
            }
            p += n;
        }
        return -1;
    }
}
