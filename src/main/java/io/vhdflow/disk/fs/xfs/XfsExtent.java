package io.vhdflow.disk.fs.xfs;

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
}
