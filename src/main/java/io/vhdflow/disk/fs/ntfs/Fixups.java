package io.vhdflow.disk.fs.ntfs;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;

/**
 * The update sequence ("fixups") protecting multi-sector NTFS records (FILE and INDX): the last
 * two bytes of every 512-byte stride hold the update sequence number, and the real bytes are kept
 * in the update sequence array. A torn write leaves a stride whose last two bytes differ.
 *
 * <p>Header fields, shared by FILE and INDX records:
 * <pre>
 *   0x00 4 magic ("FILE" / "INDX")
 *   0x04 2 offset of the update sequence array
 *   0x06 2 number of entries in the array: 1 (the sequence number) + one per 512-byte stride
 * </pre>
 */
final class Fixups {
    /** Fixups protect 512-byte strides whatever the sector size. */
    static final int STRIDE = 512;

    private Fixups() {
    }

    /** Applies the fixups in place; {@code abs} is the record's absolute byte offset, for errors. */
    static void apply(byte[] rec, int length, String structure, long abs) throws DiskException {
        int usaOff = u16(rec, 4);
        int usaCount = u16(rec, 6);
        int strides = length / STRIDE;
        if (usaCount != strides + 1) {
            throw new DiskException(ErrorKind.CORRUPT, structure, abs + 6, "update sequence count " + usaCount + " does not match "
                    + strides + " sectors of " + STRIDE + " bytes");
        }
        if (usaOff < 8 || (usaOff & 1) != 0 || usaOff + 2L * usaCount > length || usaOff + 2L * usaCount > STRIDE - 2) {
            throw new DiskException(ErrorKind.CORRUPT, structure, abs + 4, "update sequence array offset " + usaOff
                    + " does not fit in the first sector");
        }
        int usn = u16(rec, usaOff);
        for (int i = 1; i < usaCount; i++) {
            int end = i * STRIDE - 2;
            if (u16(rec, end) != usn) {
                throw new DiskException(ErrorKind.CORRUPT, structure, abs + end, "update sequence mismatch in sector " + (i - 1)
                        + " (torn or corrupt write): expected 0x" + Integer.toHexString(usn) + ", found 0x"
                        + Integer.toHexString(u16(rec, end)));
            }
            rec[end] = rec[usaOff + 2 * i];
            rec[end + 1] = rec[usaOff + 2 * i + 1];
        }
    }

    static int u16(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8;
    }
}
