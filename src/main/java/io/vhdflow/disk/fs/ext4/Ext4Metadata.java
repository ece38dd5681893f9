package io.vhdflow.disk.fs.ext4;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.Finding;
import io.vhdflow.disk.container.ByteSource;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The on-disk side of an ext2/3/4 filesystem: the superblock, group descriptors (classic GDT or
 * meta_bg), inode tables and metadata blocks, each read once into a bounded LRU cache and checked
 * against its checksum when metadata_csum (or gdt_csum) is on. A structure that fails its
 * checksum is recorded here as a finding (from every part of the reader, at most
 * {@value #MAX_FINDINGS} of them) and its read fails with a {@link DiskException} naming it and its
 * offset: nothing is built on metadata known to be damaged, so a check that depends on it cannot
 * determine its answer rather than passing silently. The structure is not cached, so every read of
 * it fails the same way.
 *
 * <p>Safe for concurrent use: the caches and the findings are synchronized.
 */
final class Ext4Metadata {
    private static final int MAX_FINDINGS = 1000;
    private static final int INODE_CACHE = 4096;
    private static final long BLOCK_CACHE_BYTES = 8L << 20;

    /** Checks a metadata block once, when it is first read from the image. */
    interface BlockVerifier {
        void verify(byte[] block, long offset) throws DiskException;
    }

    private final ByteSource source;
    private final boolean failOnDamage;
    private final Superblock sb;
    private final int csumSeed;
    private final BoundedCache<Long, byte[]> blocks;
    private final BoundedCache<Long, Inode> inodes = new BoundedCache<>(INODE_CACHE);
    private final BoundedCache<Long, GroupDescriptor> groups = new BoundedCache<>(INODE_CACHE);
    private final Map<String, Finding> findings = new LinkedHashMap<>();

    /**
     * @param failOnDamage whether a structure failing its checksum fails its read (what every
     *                     caller wants) or is only reported (for tests of the structural bounds, which
     *                     must hold even when a forger recomputed the checksums)
     */
    Ext4Metadata(ByteSource source, Superblock sb, boolean failOnDamage) {
        this.source = source;
        this.failOnDamage = failOnDamage;
        this.sb = sb;
        this.csumSeed = sb.csumSeed();
        this.blocks = new BoundedCache<>((int) Math.max(16, BLOCK_CACHE_BYTES / sb.blockSize));
        for (Finding f : sb.findings()) {
            addFinding(f);
        }
    }

    /** Fails when the superblock fails its checksum: every structure is found through it. */
    void requireIntactSuperblock() throws DiskException {
        for (Finding f : sb.findings()) {
            if (failOnDamage && f.code().equals("ext4.checksum-mismatch")) {
                throw new DiskException(ErrorKind.CORRUPT, "ext4 superblock", f.offset(), f.detail());
            }
        }
    }

    ByteSource source() {
        return source;
    }

    Superblock superblock() {
        return sb;
    }

    int blockSize() {
        return sb.blockSize;
    }

    int csumSeed() {
        return csumSeed;
    }

    // ------------------------------------------------------------------ findings

    void addFinding(Finding f) {
        synchronized (findings) {
            if (findings.size() < MAX_FINDINGS) {
                findings.putIfAbsent(f.code() + "@" + f.offset(), f);
            }
        }
    }

    List<Finding> findings() {
        synchronized (findings) {
            return List.copyOf(findings.values());
        }
    }

    /**
     * Records {@code f}, a checksum failure of {@code structure}, and fails the read with an error
     * naming both, unless this reader only reports damage.
     */
    void damaged(Finding f, String structure) throws DiskException {
        addFinding(f);
        if (failOnDamage) {
            throw new DiskException(ErrorKind.CORRUPT, structure, f.offset(), f.detail());
        }
    }

    static Finding mismatch(String structure, long offset, int stored, int actual) {
        return new Finding("ext4.checksum-mismatch", offset, String.format(
                "ext4 %s checksum mismatch: stored 0x%08x, computed 0x%08x; the structure may be corrupt",
                structure.startsWith("ext4 ") ? structure.substring(5) : structure, stored, actual));
    }

    // ------------------------------------------------------------------ inodes

    /** Reads inode {@code number} (1-based) through its group descriptor's inode table. */
    Inode inode(long number) throws IOException {
        if (number < 1 || number > sb.inodesCount) {
            throw new DiskException(ErrorKind.CORRUPT, "ext4 inode " + number, -1,
                    "inode number outside 1.." + sb.inodesCount);
        }
        Inode cached = inodes.get(number);
        if (cached != null) {
            return cached;
        }
        long group = (number - 1) / sb.inodesPerGroup;
        long index = (number - 1) % sb.inodesPerGroup;
        GroupDescriptor gd = groupDescriptor(group);
        long tableBlocks = (sb.inodesPerGroup * sb.inodeSize + sb.blockSize - 1) / sb.blockSize;
        checkBlockRange(gd.inodeTable(), tableBlocks, "ext4 group descriptor " + group + " inode table", gd.offset() + 0x08);
        long byteInTable = index * sb.inodeSize;
        long block = gd.inodeTable() + byteInTable / sb.blockSize;
        int within = (int) (byteInTable % sb.blockSize);
        byte[] data = metadataBlock(block, "ext4 inode table block", null);
        byte[] raw = new byte[sb.inodeSize];
        System.arraycopy(data, within, raw, 0, raw.length);
        Inode inode = Inode.parse(number, block * sb.blockSize + within, raw);
        if (sb.hasMetadataCsum()) {
            String problem = inode.checksumProblem(csumSeed);
            if (problem != null) {
                damaged(new Finding("ext4.checksum-mismatch", inode.offset,
                        Inode.structure(number) + " checksum mismatch: " + problem), Inode.structure(number));
            }
        }
        inodes.put(number, inode);
        return inode;
    }

    /** Group {@code group}'s descriptor, found in the classic GDT or, with meta_bg, in its meta group. */
    GroupDescriptor groupDescriptor(long group) throws IOException {
        GroupDescriptor cached = groups.get(group);
        if (cached != null) {
            return cached;
        }
        if (group < 0 || group >= sb.groupCount) {
            throw new DiskException(ErrorKind.CORRUPT, "ext4 group descriptor " + group, -1, "group outside 0.." + (sb.groupCount - 1));
        }
        long perBlock = sb.blockSize / sb.descSize;
        long descBlockIndex = group / perBlock;
        long superBlockNo = Superblock.OFFSET / sb.blockSize;
        long block;
        if (!sb.hasMetaBg() || descBlockIndex < sb.firstMetaBg) {
            block = superBlockNo + 1 + descBlockIndex;
        } else {
            long firstGroup = descBlockIndex * perBlock;
            long hasSuper = sb.groupHasSuper(firstGroup) ? 1 : 0;
            if (sb.blockSize == 1024 && descBlockIndex == 0 && sb.firstDataBlock == 0) {
                hasSuper++;
            }
            block = sb.firstDataBlock + firstGroup * sb.blocksPerGroup + hasSuper;
        }
        if (block >= sb.blocksCount) {
            throw new DiskException(ErrorKind.CORRUPT, "ext4 group descriptor " + group, -1, "its descriptor block " + block
                    + " lies beyond the " + sb.blocksCount + " blocks of the filesystem");
        }
        byte[] data = metadataBlock(block, "ext4 group descriptor block", null);
        int at = (int) ((group % perBlock) * sb.descSize);
        long offset = block * sb.blockSize + at;
        String problem = GroupDescriptor.checksumProblem(group, data, at, sb);
        if (problem != null) {
            damaged(new Finding("ext4.checksum-mismatch", offset, "ext4 group descriptor " + group
                    + " checksum mismatch: " + problem), "ext4 group descriptor " + group);
        }
        GroupDescriptor gd = GroupDescriptor.parse(group, data, at, offset, sb);
        groups.put(group, gd);
        return gd;
    }

    // ------------------------------------------------------------------ blocks

    /** Fails unless blocks {@code [start, start + count)} lie inside the filesystem's data area. */
    void checkBlockRange(long start, long count, String structure, long referencedAt) throws DiskException {
        if (start <= sb.firstDataBlock || count < 0 || start >= sb.blocksCount || count > sb.blocksCount - start) {
            throw new DiskException(ErrorKind.CORRUPT, structure, referencedAt, "points at block " + start
                    + (count > 1 ? " (+" + count + ")" : "") + ", outside the filesystem's blocks "
                    + (sb.firstDataBlock + 1) + ".." + (sb.blocksCount - 1));
        }
    }

    /** A metadata block, from the cache or the image; {@code verifier} runs once per read from the image. */
    byte[] metadataBlock(long block, String structure, BlockVerifier verifier) throws IOException {
        byte[] cached = blocks.get(block);
        if (cached != null) {
            return cached;
        }
        long offset = block * sb.blockSize;
        byte[] data = source.readBytes(offset, sb.blockSize, structure);
        if (verifier != null) {
            verifier.verify(data, offset);
        }
        blocks.put(block, data);
        return data;
    }

    /** The block map of a regular file, directory or slow symlink, checked against its size. */
    BlockMap blockMap(Inode inode) throws DiskException {
        BlockMap map = inode.hasFlag(Inode.FLAG_EXTENTS) ? new ExtentTree(this, inode) : new IndirectBlockMap(this, inode);
        long blocksNeeded = (inode.size + sb.blockSize - 1) / sb.blockSize;
        if (blocksNeeded > map.maxBlocks()) {
            throw new DiskException(ErrorKind.CORRUPT, Inode.structure(inode.number), inode.offset + 0x04, "size " + inode.size
                    + " is more than its " + (inode.hasFlag(Inode.FLAG_EXTENTS) ? "extent tree" : "block map")
                    + " can address (" + map.maxBlocks() + " blocks)");
        }
        return map;
    }
}
