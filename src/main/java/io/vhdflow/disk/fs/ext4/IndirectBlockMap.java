package io.vhdflow.disk.fs.ext4;

import java.io.IOException;

/**
 * The ext2/ext3 block map in i_block: twelve direct block numbers (i_block[0..11]), then the
 * numbers of a single- (i_block[12]), double- (i_block[13]) and triple-indirect (i_block[14])
 * block. An indirect block is an array of {@code blockSize / 4} little-endian 32-bit block
 * numbers; 0 means a hole (for the whole subtree below it). The depth is fixed, so no loop is possible.
 */
final class IndirectBlockMap implements BlockMap {
    private static final int DIRECT = 12;

    private final Ext4Metadata fs;
    private final Inode inode;
    private final long perBlock;

    IndirectBlockMap(Ext4Metadata fs, Inode inode) {
        this.fs = fs;
        this.inode = inode;
        this.perBlock = fs.blockSize() / 4;
    }

    @Override
    public long maxBlocks() {
        return DIRECT + perBlock + perBlock * perBlock + perBlock * perBlock * perBlock;
    }

    @Override
    public Run find(long lblk) throws IOException {
        String structure = Inode.structure(inode.number) + " block map";
        if (lblk < DIRECT) {
            long phys = Integer.toUnsignedLong(inode.u32(Inode.I_BLOCK + 4 * (int) lblk));
            long at = inode.offset + Inode.I_BLOCK + 4 * lblk;
            if (phys == 0) {
                return new Run(lblk, -1, 1);
            }
            fs.checkBlockRange(phys, 1, structure, at);
            return new Run(lblk, phys, 1);
        }
        long rel = lblk - DIRECT;
        long span = perBlock;  // logical blocks covered by the subtree at this level
        int level = 1;
        while (level <= 3 && rel >= span) {
            rel -= span;
            span *= perBlock;
            level++;
        }
        if (level > 3) {
            return new Run(lblk, -1, Long.MAX_VALUE / 2);  // beyond the map: the caller clamps to the file size
        }
        int slot = DIRECT + level - 1;
        long block = Integer.toUnsignedLong(inode.u32(Inode.I_BLOCK + 4 * slot));
        long pointerAt = inode.offset + Inode.I_BLOCK + 4L * slot;
        // Walk down: at each level "span" is what the current block's subtree covers.
        while (true) {
            if (block == 0) {
                return new Run(lblk, -1, span - rel);
            }
            fs.checkBlockRange(block, 1, structure, pointerAt);
            byte[] ind = fs.metadataBlock(block, Inode.structure(inode.number) + " indirect block", null);
            long childSpan = span / perBlock;
            int idx = (int) (rel / childSpan);
            long within = rel % childSpan;
            long childAt = block * fs.blockSize() + 4L * idx;
            long child = Integer.toUnsignedLong(ExtentTree.u32(ind, 4 * idx));
            if (childSpan == 1) {
                if (child == 0) {
                    int n = 1;
                    while (idx + n < perBlock && ExtentTree.u32(ind, 4 * (idx + n)) == 0) {
                        n++;
                    }
                    return new Run(lblk, -1, n);
                }
                fs.checkBlockRange(child, 1, structure, childAt);
                // Extend over physically contiguous neighbours so streams read in large pieces.
                int n = 1;
                while (idx + n < perBlock && Integer.toUnsignedLong(ExtentTree.u32(ind, 4 * (idx + n))) == child + n
                        && child + n < fs.superblock().blocksCount) {
                    n++;
                }
                return new Run(lblk, child, n);
            }
            block = child;
            pointerAt = childAt;
            span = childSpan;
            rel = within;
        }
    }
}
