package io.vhdflow.disk.volume.lvm;

/**
 * LVM2's checksum: CRC-32 (reflected polynomial 0xEDB88320) started from 0xF597A6CF and with no
 * final inversion, used for the label, the metadata area header and the metadata text.
 */
final class LvmChecksum {
    static final int INITIAL = 0xF597A6CF;
    private static final int[] TABLE = new int[256];

    static {
        for (int n = 0; n < 256; n++) {
            int c = n;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1;
            }
            TABLE[n] = c;
        }
    }

    private LvmChecksum() {
    }

    static int update(int crc, byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            crc = TABLE[(crc ^ b[i]) & 0xFF] ^ (crc >>> 8);
        }
        return crc;
    }
}
