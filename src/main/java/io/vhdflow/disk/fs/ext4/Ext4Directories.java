package io.vhdflow.disk.fs.ext4;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.Finding;
import io.vhdflow.disk.fs.DirEntry;
import io.vhdflow.disk.fs.FileType;
import io.vhdflow.disk.fs.NodeFilesystem;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads ext2/3/4 directories: inline (in i_block and the {@code system.data} attribute) or in
 * blocks through the directory's block map, hashed (htree) directories read linearly like the
 * others. With metadata_csum every directory block is checked once, when first read: leaf blocks
 * by their 12-byte tail, htree nodes by their {@code dx_tail}; a mismatch fails the read (and is a
 * finding), a missing tail is a finding.
 *
 * <p>Bounded: a directory may hold at most {@value #MAX_DIR_ENTRIES} entries and
 * {@value #MAX_DIR_BYTES} bytes.
 */
final class Ext4Directories implements NodeFilesystem.DirectoryTree<Inode> {
    /** A directory listing larger than this is treated as corrupt rather than allocated. */
    static final int MAX_DIR_ENTRIES = 10_000_000;
    /**
     * Largest directory accepted: without large_dir the kernel keeps directories under 2 GiB; this
     * bounds the blocks a corrupt extent tree (one block mapped over and over) can make a listing visit.
     */
    static final long MAX_DIR_BYTES = 4L << 30;

    private final Ext4Metadata meta;
    private final Superblock sb;

    Ext4Directories(Ext4Metadata meta) {
        this.meta = meta;
        this.sb = meta.superblock();
    }

    @Override
    public FileType typeOf(Inode node) {
        return node.type();
    }

    /** The entry named exactly {@code name} (ext4 names are byte strings: no case folding). */
    @Override
    public Optional<Inode> child(Inode dir, String name) throws IOException {
        long[] found = {0};
        visit(dir, (n, ino, type) -> {
            if (n.equals(name)) {
                found[0] = ino;
                return false;
            }
            return true;
        });
        return found[0] == 0 ? Optional.empty() : Optional.of(meta.inode(found[0]));
    }

    /** All live entries; their types come from the entries when the filetype feature is on, else from the inodes. */
    @Override
    public List<DirEntry> entries(Inode dir) throws IOException {
        List<DirEntry> out = new ArrayList<>();
        visit(dir, (name, ino, type) -> {
            FileType t = sb.hasFiletype() ? type : meta.inode(ino).type();
            out.add(new DirEntry(name, t, ino));
            return true;
        });
        return out;
    }

    /** Visits every live entry of a directory, inline or in blocks, htree or linear. */
    void visit(Inode dir, DirectoryBlock.Visitor visitor) throws IOException {
        int[] count = {0};
        String structure = "ext4 directory inode " + dir.number;
        DirectoryBlock.Visitor counting = (name, ino, type) -> {
            if (++count[0] > MAX_DIR_ENTRIES) {
                throw new DiskException(ErrorKind.LIMIT_EXCEEDED, structure, dir.offset, "more than " + MAX_DIR_ENTRIES + " entries");
            }
            return visitor.entry(name, ino, type);
        };
        if (dir.hasFlag(Inode.FLAG_INLINE_DATA)) {
            // i_block: 4-byte parent inode, then entries to byte 60; then entries in system.data.
            if (!DirectoryBlock.visit(dir.raw, Inode.I_BLOCK + 4, Inode.I_BLOCK + Inode.I_BLOCK_SIZE, dir.offset,
                    structure + " inline data", sb, counting)) {
                return;
            }
            Optional<InlineData.Value> more = InlineData.systemDataValue(dir);
            if (more.isPresent() && more.get().bytes().length > 0) {
                byte[] v = more.get().bytes();
                DirectoryBlock.visit(v, 0, v.length, dir.offset + more.get().offsetInInode(),
                        structure + " inline data (system.data)", sb, counting);
            }
            return;
        }
        if (dir.size > Math.min(MAX_DIR_BYTES, sb.blocksCount * sb.blockSize)) {
            throw new DiskException(ErrorKind.LIMIT_EXCEEDED, structure, dir.offset + 0x04, "directory size " + dir.size
                    + " is larger than the filesystem or the " + MAX_DIR_BYTES + "-byte limit for a directory");
        }
        BlockMap map = meta.blockMap(dir);
        long nblocks = (dir.size + sb.blockSize - 1) / sb.blockSize;
        long lblk = 0;
        while (lblk < nblocks) {
            BlockMap.Run run = map.find(lblk);
            long len = Math.min(run.length(), nblocks - lblk);
            if (run.isHole()) {
                lblk += len;
                continue;
            }
            for (long i = 0; i < len; i++) {
                long logical = lblk + i;
                long phys = run.physical() + i;
                byte[] data = meta.metadataBlock(phys, structure + " block " + logical,
                        (blk, off) -> verifyBlock(dir, logical, blk, off));
                if (!DirectoryBlock.visit(data, 0, data.length, phys * sb.blockSize, structure + " block " + logical,
                        sb, counting)) {
                    return;
                }
            }
            lblk += len;
        }
    }

    /** metadata_csum of a directory block: the 12-byte leaf tail, or the dx_tail of an htree node. */
    private void verifyBlock(Inode dir, long logical, byte[] blk, long offset) throws DiskException {
        if (!sb.hasMetadataCsum()) {
            return;
        }
        int bs = blk.length;
        String what = "directory inode " + dir.number + " block " + logical;
        int seed = dir.checksumSeed(meta.csumSeed());
        boolean indexed = dir.hasFlag(Inode.FLAG_INDEX);
        boolean dxNode = indexed && logical > 0 && ExtentTree.u32(blk, 0) == 0 && ExtentTree.u16(blk, 4) == bs;
        if (indexed && (logical == 0 || dxNode)) {
            int countOffset = logical == 0 ? 0x18 + (blk[0x1D] & 0xFF) : 8;
            int limit = countOffset + 4 <= bs ? ExtentTree.u16(blk, countOffset) : 0;
            int count = countOffset + 4 <= bs ? ExtentTree.u16(blk, countOffset + 2) : 0;
            int tail = countOffset + limit * 8;
            if (limit == 0 || count > limit || tail + 8 > bs) {
                meta.addFinding(new Finding("ext4.checksum-missing", offset, "ext4 " + what
                        + ": htree node has no room for its checksum (limit " + limit + ", count " + count + ")"));
                return;
            }
            // crc over the header and used entries, then dt_reserved, then a zeroed dt_checksum.
            int c = Checksums.crc32c(seed, blk, 0, countOffset + count * 8);
            c = Checksums.crc32c(c, blk, tail, 4);
            c = Checksums.crc32c(c, new byte[4], 0, 4);
            int stored = ExtentTree.u32(blk, tail + 4);
            if (c != stored) {
                meta.damaged(Ext4Metadata.mismatch(what + " (htree node)", offset, stored, c), "ext4 " + what);
            }
            return;
        }
        int t = bs - 12;
        boolean hasTail = ExtentTree.u32(blk, t) == 0 && ExtentTree.u16(blk, t + 4) == 12 && blk[t + 6] == 0
                && (blk[t + 7] & 0xFF) == 0xDE;
        if (!hasTail) {
            meta.addFinding(new Finding("ext4.checksum-missing", offset, "ext4 " + what
                    + ": leaf block lacks its checksum tail although metadata_csum is on"));
            return;
        }
        int c = Checksums.crc32c(seed, blk, 0, t);
        int stored = ExtentTree.u32(blk, bs - 4);
        if (c != stored) {
            meta.damaged(Ext4Metadata.mismatch(what, offset, stored, c), "ext4 " + what);
        }
    }
}
