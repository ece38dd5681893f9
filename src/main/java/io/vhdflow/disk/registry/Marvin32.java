package io.vhdflow.disk.registry;

/**
 * The Marvin32 hash (Microsoft's keyed 64-bit string hash), which new-format transaction log
 * entries carry as integrity checks ("Hash-1", "Hash-2", seed 82 EF 4D 88 7A 4E 55 C5). Written
 * from the published description of the algorithm: two 32-bit lanes, each little-endian 32-bit
 * word added to lane 0 and mixed by the rotate/add/xor block function; the tail is padded with a
 * 0x80 byte, then two more mixing rounds; the result is lane1:lane0.
 */
final class Marvin32 {
    /**
     * The seed written in the specification as the bytes 82 EF 4D 88 7A 4E 55 C5, taken as the
     * number 0x82EF4D887A4E55C5 (lane 0 = 0x7A4E55C5). Checked against log entries written by
     * Windows: both hashes of real .LOG1/.LOG2 entries match only with this reading.
     */
    static final long LOG_SEED = 0x82EF4D887A4E55C5L;

    private Marvin32() {
    }

    static long hash(byte[] data, int off, int len, long seed) {
        long lanes = seed;
        int i = off;
        int end = off + len;
        while (end - i >= 4) {
            int word = (data[i] & 0xFF) | (data[i + 1] & 0xFF) << 8 | (data[i + 2] & 0xFF) << 16 | (data[i + 3] & 0xFF) << 24;
            lanes = block(lanes, word);
            i += 4;
        }
        int last = 0x80;
        int rem = end - i;
        for (int k = rem - 1; k >= 0; k--) {
            last = (last << 8) | (data[i + k] & 0xFF);
        }
        lanes = block(lanes, last);
        return block(lanes, 0);
    }

    /**
     * Adds {@code word} to lane 0 and applies the block function; with a zero word this is a
     * plain mixing round, which the finalisation's second round is. Lanes are packed as
     * lane1:lane0 in a long, the form of the result.
     */
    private static long block(long lanes, int word) {
        int p0 = (int) lanes + word;
        int p1 = (int) (lanes >>> 32);
        p1 ^= p0;
        p0 = Integer.rotateLeft(p0, 20);
        p0 += p1;
        p1 = Integer.rotateLeft(p1, 9);
        p1 ^= p0;
        p0 = Integer.rotateLeft(p0, 27);
        p0 += p1;
        p1 = Integer.rotateLeft(p1, 19);
        return ((long) p1 << 32) | Integer.toUnsignedLong(p0);
    }
}
