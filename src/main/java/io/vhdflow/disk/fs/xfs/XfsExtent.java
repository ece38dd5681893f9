package io.vhdflow.disk.fs.xfs;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;

/**
 * One mapping of a file's logical blocks to filesystem blocks ({@code xfs_bmbt_rec}, 128 bits,
 * big-endian): bit 127 unwritten flag, bits 126-73 startoff (54 bits), 72-21 startblock (52 bits),
 * 20-0 blockcount (21 bits).
 *
 * @param startOff   first logical block in the file
 * @param startBlock first filesystem block (AG number in the bits above agblklog)
 * @param count      number of blocks
 * @param unwritten  preallocated but never written: reads as zeros
 */
record XfsExtent(long startOff, long startBlock, long count, boolean unwritten) {
    static final int SIZE = 16;
    private static final long MAX_FILE_BLOCKS = 1L << 54;

    static XfsExtent decode(long l0, long l1) {
        boolean unwritten = l0 < 0;
        long startOff = (l0 & Long.MAX_VALUE) >>> 9;
        long startBlock = ((l0 & 0x1FF) << 43) | (l1 >>> 21);
        long count = l1 & 0x1FFFFF;
        return new XfsExtent(startOff, startBlock, count, unwritten);
    }

    long endOff() {
        return startOff + count;
    }

    /**
     * Refuses an extent that no extent map in logical order can hold: zero blocks, starting before
     * {@code minOff} (where the previous extent ended), or ending beyond any file.
     *
     * @param at the record's absolute byte offset, for the error
     */
    void checkAfter(long minOff, XfsSuperblock sb, String structure, long at) throws DiskException {
        if (count == 0) {
            throw new DiskException(ErrorKind.CORRUPT, structure, at, "extent of zero blocks");
        }
        if (startOff < minOff) {
            throw new DiskException(ErrorKind.CORRUPT, structure, at, "extent at logical block " + startOff
                    + " overlaps or precedes the previous one (ending at " + minOff + "): corrupt or looping extent map");
        }
        if (endOff() > MAX_FILE_BLOCKS || endOff() > Long.MAX_VALUE / sb.blockSize()) {
            throw new DiskException(ErrorKind.CORRUPT, structure, at, "extent ends at logical block " + endOff() + ", beyond any file");
        }
    }
}
