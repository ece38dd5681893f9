package io.vhdflow.disk.fs.ext4;

/**
 * The two checksums ext4 stores, in their raw "running" form: the kernel's {@code crc32c_le} and
 * {@code crc16} take a seed and return the register without a final inversion, and ext4 chains
 * them (filesystem seed, then inode number, then the structure), which {@link java.util.zip.CRC32C}
 * cannot express because it hides its register.
 */
final class Checksums {
    private static final int[] CRC32C = table32(0x82F63B78);
    private static final int[] CRC16 = table16(0xA001);

    private Checksums() {
    }

    /** Raw CRC-32C (Castagnoli, reflected) of {@code len} bytes at {@code off}, continuing from {@code crc}. */
    static int crc32c(int crc, byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            crc = CRC32C[(crc ^ b[i]) & 0xFF] ^ (crc >>> 8);
        }
        return crc;
    }

    /** {@link #crc32c} of a little-endian 32-bit value, as ext4 mixes in inode and group numbers. */
    static int crc32cInt(int crc, int value) {
        byte[] le = {(byte) value, (byte) (value >>> 8), (byte) (value >>> 16), (byte) (value >>> 24)};
        return crc32c(crc, le, 0, 4);
    }

    /** Raw CRC-16 (ANSI, reflected polynomial 0xA001) as used by the older {@code gdt_csum} feature. */
    static int crc16(int crc, byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            crc = (CRC16[(crc ^ b[i]) & 0xFF] ^ (crc >>> 8)) & 0xFFFF;
        }
        return crc;
    }

    private static int[] table32(int poly) {
        int[] t = new int[256];
        for (int i = 0; i < 256; i++) {
            int c = i;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? (c >>> 1) ^ poly : c >>> 1;
            }
            t[i] = c;
        }
        return t;
    }

    private static int[] table16(int poly) {
        int[] t = table32(poly);
        for (int i = 0; i < 256; i++) {
            t[i] &= 0xFFFF;
        }
        return t;
    }
}
