package io.vhdflow.disk.fs.ext4;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;

import java.io.IOException;

/**
 * An inode's extent tree. Every node starts with a 12-byte header followed by 12-byte entries
 * (little-endian):
 *
 * <pre>
 * header: 0x0 2 eh_magic (0xF30A)  0x2 2 eh_entries  0x4 2 eh_max  0x6 2 eh_depth  0x8 4 eh_generation
 * index:  0x0 4 ei_block (first logical block covered)  0x4 4 ei_leaf_lo  0x8 2 ei_leaf_hi  0xA 2 unused
 * leaf:   0x0 4 ee_block  0x4 2 ee_len (&gt; 32768: unwritten, len - 32768)  0x6 2 ee_start_hi  0x8 4 ee_start_lo
 * tail (metadata_csum, in tree blocks only): 4-byte crc32c at 12 + 12 * eh_max
 * </pre>
 * The root lives in i_block (4 entries). Each step down must be exactly one level shallower than
 * its parent, so a corrupt tree can neither loop nor go deeper than {@link #MAX_DEPTH}.
 */
final class ExtentTree implements BlockMap {
    static final int MAGIC = 0xF30A;
    /** The kernel never builds deeper trees (EXT4_MAX_EXTENT_DEPTH). */
    static final int MAX_DEPTH = 5;
    private static final int UNWRITTEN = 32768;

    private final Ext4Metadata fs;
    private final Inode inode;

    ExtentTree(Ext4Metadata fs, Inode inode) {
        this.fs = fs;
        this.inode = inode;
    }

    @Override
    public long maxBlocks() {
        return 1L << 32;
    }

    @Override
    public Run find(long lblk) throws IOException {
        byte[] node = inode.raw;
        int base = Inode.I_BLOCK;
        long nodeOffset = inode.offset + Inode.I_BLOCK;
        int capacity = 4;
        int expectedDepth = -1;
        long limit = maxBlocks();  // the end of the range the current node is responsible for
        for (int step = 0; ; step++) {
            String structure = Inode.structure(inode.number) + (step == 0 ? " extent header" : " extent tree block");
            int magic = u16(node, base);
            int entries = u16(node, base + 2);
            int max = u16(node, base + 4);
            int depth = u16(node, base + 6);
            if (magic != MAGIC) {
                throw new DiskException(ErrorKind.CORRUPT, structure, nodeOffset, String.format("bad magic 0x%04X (want 0x%04X)", magic, MAGIC));
            }
            if (max == 0 || max > capacity || entries > max) {
                throw new DiskException(ErrorKind.CORRUPT, structure, nodeOffset, "eh_entries " + entries + " / eh_max " + max
                        + " do not fit a node of " + capacity + " entries");
            }
            if (depth > MAX_DEPTH || (expectedDepth >= 0 && depth != expectedDepth)) {
                throw new DiskException(ErrorKind.CORRUPT, structure, nodeOffset + 6, "depth " + depth + (expectedDepth >= 0
                        ? " where " + expectedDepth + " was expected (a loop or corrupt tree)"
                        : " exceeds the limit of " + MAX_DEPTH));
            }
            // Pick the last entry whose first block is <= lblk, checking that entries are sorted.
            int chosen = -1;
            long prev = -1;
            long next = limit;
            for (int i = 0; i < entries; i++) {
                int e = base + 12 + 12 * i;
                long first = Integer.toUnsignedLong(u32(node, e));
                if (first <= prev) {
                    throw new DiskException(ErrorKind.CORRUPT, structure, nodeOffset + 12 + 12L * i,
                            "entries are not in increasing logical order (" + first + " after " + prev + ")");
                }
                prev = first;
                if (first <= lblk) {
                    chosen = i;
                } else {
                    next = Math.min(next, first);
                    break;
                }
            }
            if (chosen < 0) {
                return new Run(lblk, -1, Math.max(1, next - lblk));
            }
            int e = base + 12 + 12 * chosen;
            long entryOffset = nodeOffset + 12 + 12L * chosen;
            long first = Integer.toUnsignedLong(u32(node, e));
            if (depth == 0) {
                int rawLen = u16(node, e + 4);
                boolean unwritten = rawLen > UNWRITTEN;
                long len = unwritten ? rawLen - UNWRITTEN : rawLen;
                if (len == 0) {
                    throw new DiskException(ErrorKind.CORRUPT, structure, entryOffset, "extent of length 0");
                }
                long start = Integer.toUnsignedLong(u32(node, e + 8)) | ((long) u16(node, e + 6) << 32);
                fs.checkBlockRange(start, len, Inode.structure(inode.number) + " extent", entryOffset);
                if (lblk >= first + len) {
                    return new Run(lblk, -1, Math.max(1, next - lblk));
                }
                long runLen = Math.min(first + len, next) - lblk;
                return new Run(lblk, unwritten ? -1 : start + (lblk - first), runLen);
            }
            long child = Integer.toUnsignedLong(u32(node, e + 4)) | ((long) u16(node, e + 8) << 32);
            fs.checkBlockRange(child, 1, Inode.structure(inode.number) + " extent index", entryOffset);
            node = fs.metadataBlock(child, Inode.structure(inode.number) + " extent tree block",
                    (blk, off) -> verifyTail(blk, off));
            base = 0;
            nodeOffset = child * fs.blockSize();
            capacity = (fs.blockSize() - 12) / 12;
            expectedDepth = depth - 1;
            limit = next;
        }
    }

    /** The crc32c tail after eh_max entries of a tree block, when metadata_csum is on. */
    private void verifyTail(byte[] blk, long offset) throws DiskException {
        if (!fs.superblock().hasMetadataCsum() || u16(blk, 0) != MAGIC) {
            return;
        }
        int tail = 12 + 12 * u16(blk, 4);
        if (tail + 4 > blk.length) {
            return;  // eh_max is validated (and rejected) when the block is used
        }
        int actual = Checksums.crc32c(inode.checksumSeed(fs.csumSeed()), blk, 0, tail);
        int stored = u32(blk, tail);
        if (actual != stored) {
            fs.damaged(Ext4Metadata.mismatch(Inode.structure(inode.number) + " extent tree block", offset, stored,
                    actual), Inode.structure(inode.number) + " extent tree block");
        }
    }

    static int u16(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8;
    }

    static int u32(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8 | (b[off + 2] & 0xFF) << 16 | (b[off + 3] & 0xFF) << 24;
    }
}
