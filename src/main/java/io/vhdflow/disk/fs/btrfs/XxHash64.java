package io.vhdflow.disk.fs.btrfs;

/**
 * XXH64 (xxHash specification, Yann Collet), seed 0, as btrfs computes its {@code xxhash}
 * metadata checksums ({@code csum_type} 1); the 64-bit result is stored little-endian.
 */
final class XxHash64 {
    private static final long P1 = 0x9E3779B185EBCA87L;
    private static final long P2 = 0xC2B2AE3D27D4EB4FL;
    private static final long P3 = 0x165667B19E3779F9L;
    private static final long P4 = 0x85EBCA77C2B2AE63L;
    private static final long P5 = 0x27D4EB2F165667C5L;

    private XxHash64() {
    }

    static long hash(byte[] b, int off, int len) {
        int p = off;
        int end = off + len;
        long acc;
        if (len >= 32) {
            long v1 = P1 + P2;
            long v2 = P2;
            long v3 = 0;
            long v4 = -P1;
            while (p <= end - 32) {
                v1 = round(v1, le64(b, p));
                v2 = round(v2, le64(b, p + 8));
                v3 = round(v3, le64(b, p + 16));
                v4 = round(v4, le64(b, p + 24));
                p += 32;
            }
            acc = Long.rotateLeft(v1, 1) + Long.rotateLeft(v2, 7) + Long.rotateLeft(v3, 12) + Long.rotateLeft(v4, 18);
            acc = merge(acc, v1);
            acc = merge(acc, v2);
            acc = merge(acc, v3);
            acc = merge(acc, v4);
        } else {
            acc = P5;
        }
        acc += len;
        while (p <= end - 8) {
            acc ^= round(0, le64(b, p));
            acc = Long.rotateLeft(acc, 27) * P1 + P4;
            p += 8;
        }
        if (p <= end - 4) {
            acc ^= (le32(b, p) & 0xFFFFFFFFL) * P1;
            acc = Long.rotateLeft(acc, 23) * P2 + P3;
            p += 4;
        }
        while (p < end) {
            acc ^= (b[p] & 0xFFL) * P5;
            acc = Long.rotateLeft(acc, 11) * P1;
            p++;
        }
        acc ^= acc >>> 33;
        acc *= P2;
        acc ^= acc >>> 29;
        acc *= P3;
        acc ^= acc >>> 32;
        return acc;
    }

    private static long round(long acc, long input) {
        return Long.rotateLeft(acc + input * P2, 31) * P1;
    }

    private static long merge(long acc, long v) {
        return (acc ^ round(0, v)) * P1 + P4;
    }

    private static long le64(byte[] b, int p) {
        return (le32(b, p) & 0xFFFFFFFFL) | ((long) le32(b, p + 4) << 32);
    }

    private static int le32(byte[] b, int p) {
        return (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF) << 16 | (b[p + 3] & 0xFF) << 24;
    }
}
