package io.vhdflow.disk.fs.ext4;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.Finding;
import io.vhdflow.disk.container.ByteSource;
import io.vhdflow.disk.fs.DirEntry;
import io.vhdflow.disk.fs.FileAttributes;
import io.vhdflow.disk.fs.FileType;
import io.vhdflow.disk.container.ByteArraySource;
import io.vhdflow.disk.fs.NodeFilesystem;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An ext2, ext3 or ext4 filesystem read offline from a {@link ByteSource}, without journal replay.
 *
 * <p>Supports 32- and 64-bit group descriptors, flex_bg and meta_bg layouts, extent trees and
 * indirect block maps, inline data, hashed directories (read linearly), fast and slow symlinks,
 * sparse and huge files. With metadata_csum (or the older gdt_csum) the superblock, group
 * descriptors, inodes, extent tree blocks and directory blocks are verified as they are read;
 * mismatches, an unclean state and a journal needing recovery are reported by {@link #findings()}
 * rather than failing, because an image captured from a running VM is still worth reading.
 * Everything read from the image is bounds-checked; corrupt structures fail with a
 * {@link DiskException} naming the structure and its absolute byte offset.
 *
 * <p>Metadata (blocks and inodes) is cached in bounded LRU caches; file content is streamed.
 * Instances are safe for concurrent use.
 */
public final class Ext4Filesystem extends NodeFilesystem<Inode> {
    static final long ROOT_INODE = 2;
    /** Longest symbolic link target accepted (the kernel's PATH_MAX). */
    static final int MAX_SYMLINK = 4096;
    /** A directory listing larger than this is treated as corrupt rather than allocated. */
    static final int MAX_DIR_ENTRIES = 10_000_000;
    /**
     * Largest directory accepted: without large_dir the kernel keeps directories under 2 GiB; this
     * bounds the blocks a corrupt extent tree (one block mapped over and over) can make a listing visit.
     */
    static final long MAX_DIR_BYTES = 4L << 30;
    private static final int MAX_FINDINGS = 1000;
    private static final int INODE_CACHE = 4096;
    private static final long BLOCK_CACHE_BYTES = 8L << 20;

    /** Checks a metadata block once, when it is first read from the image. */
    interface BlockVerifier {
        void verify(byte[] block, long offset);
    }

    private final ByteSource source;
    private final Superblock sb;
    private final int csumSeed;
    private final BoundedCache<Long, byte[]> blocks;
    private final BoundedCache<Long, Inode> inodes = new BoundedCache<>(INODE_CACHE);
    private final BoundedCache<Long, GroupDescriptor> groups = new BoundedCache<>(INODE_CACHE);
    private final Map<String, Finding> findings = new LinkedHashMap<>();

    private Ext4Filesystem(ByteSource source, Superblock sb) {
        super(PathSyntax.POSIX);
        this.source = source;
        this.sb = sb;
        this.csumSeed = sb.csumSeed();
        this.blocks = new BoundedCache<>((int) Math.max(16, BLOCK_CACHE_BYTES / sb.blockSize));
        for (Finding f : sb.findings()) {
            addFinding(f);
        }
    }

    /**
     * True when {@code source} holds an ext2/3/4 superblock (magic 0xEF53 at byte 1080, a
     * plausible block size, not an external journal device).
     */
    public static boolean probe(ByteSource source) throws IOException {
        if (source.size() < Superblock.OFFSET + Superblock.SIZE) {
            return false;
        }
        ByteBuffer b = source.readBuffer(Superblock.OFFSET, Superblock.SIZE, "ext4 superblock");
        int magic = b.getShort(0x38) & 0xFFFF;
        int logBlock = b.getInt(0x18);
        int rev = b.getInt(0x4C);
        int incompat = rev >= 1 ? b.getInt(0x60) : 0;
        return magic == Superblock.MAGIC && logBlock >= 0 && logBlock <= 6
                && (incompat & Superblock.INCOMPAT_JOURNAL_DEV) == 0;
    }

    /**
     * Opens the filesystem in {@code source} (which it does not close) after validating the
     * superblock and the root directory's inode.
     *
     * @throws Ext4UnsupportedFeatureException when an incompatible feature is not supported
     * @throws DiskException when the superblock or root inode is corrupt
     */
    public static Ext4Filesystem open(ByteSource source) throws IOException {
        Superblock sb = Superblock.read(source);
        Ext4Filesystem fs = new Ext4Filesystem(source, sb);
        Inode root = fs.inode(ROOT_INODE);
        if (root.type() != FileType.DIRECTORY) {
            throw new DiskException(ErrorKind.CORRUPT, Inode.structure(ROOT_INODE), root.offset,
                    "the root inode is not a directory (mode 0" + Integer.toOctalString(root.mode) + ")");
        }
        return fs;
    }

    // ------------------------------------------------------------------ Filesystem

    @Override
    public String type() {
        return sb.typeName();
    }

    @Override
    public Optional<String> label() {
        return sb.label();
    }

    @Override
    public Optional<String> uuid() {
        return Optional.of(sb.uuidText());
    }

    @Override
    public List<Finding> findings() {
        synchronized (findings) {
            return List.copyOf(findings.values());
        }
    }

    // ------------------------------------------------------------------ node API

    @Override
    protected Inode root() throws IOException {
        return inode(ROOT_INODE);
    }

    @Override
    protected Optional<Inode> child(Inode dir, String name) throws IOException {
        return lookup(dir, name);
    }

    @Override
    protected FileType typeOf(Inode node) {
        return node.type();
    }

    @Override
    protected List<DirEntry> entries(Inode dir) throws IOException {
        List<DirEntry> out = new ArrayList<>();
        visitDirectory(dir, (name, ino, type) -> {
            FileType t = sb.hasFiletype() ? type : inode(ino).type();
            out.add(new DirEntry(name, t, ino));
            return true;
        });
        return out;
    }

    @Override
    protected FileAttributes attributesOf(Inode i) {
        return new FileAttributes(i.type(), i.size, i.mode, i.uid, i.gid, i.mtime(), i.atime(), i.ctime(),
                i.crtime(), i.number, i.links);
    }

    @Override
    protected String linkTarget(Inode link) throws IOException {
        return symlinkTarget(link);
    }

    @Override
    protected ByteSource content(Inode inode, String path) throws IOException {
        if (inode.hasFlag(Inode.FLAG_INLINE_DATA)) {
            return new ByteArraySource(InlineData.content(inode), "ext4:" + path);
        }
        return new Ext4FileSource(this, inode, blockMap(inode), path);
    }

    /** The inode number {@code path} resolves to (following a final symbolic link). */
    public long inodeNumber(String path) throws IOException {
        return resolve(path, true).number;
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
                addFinding(new Finding("ext4.checksum-mismatch", inode.offset,
                        Inode.structure(number) + " checksum mismatch: " + problem));
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
            addFinding(new Finding("ext4.checksum-mismatch", offset, "ext4 group descriptor " + group
                    + " checksum mismatch: " + problem));
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

    void addFinding(Finding f) {
        synchronized (findings) {
            if (findings.size() < MAX_FINDINGS) {
                findings.putIfAbsent(f.code() + "@" + f.offset(), f);
            }
        }
    }

    static Finding mismatch(String structure, long offset, int stored, int actual) {
        return new Finding("ext4.checksum-mismatch", offset, String.format(
                "ext4 %s checksum mismatch: stored 0x%08x, computed 0x%08x; the structure may be corrupt",
                structure.startsWith("ext4 ") ? structure.substring(5) : structure, stored, actual));
    }

    // ------------------------------------------------------------------ content

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

    /** Whether a symlink keeps its target in i_block (a "fast" symlink). */
    private boolean isFastSymlink(Inode link) {
        if (link.hasFlag(Inode.FLAG_EXTENTS) || link.hasFlag(Inode.FLAG_INLINE_DATA) || link.size >= Inode.I_BLOCK_SIZE) {
            return false;
        }
        long xattrBlocks = link.fileAcl != 0 ? sb.blockSize / 512 : 0;
        return link.blocks512 - xattrBlocks <= 0;
    }

    String symlinkTarget(Inode link) throws IOException {
        if (link.size > MAX_SYMLINK || link.size > sb.blockSize) {
            throw new DiskException(ErrorKind.CORRUPT, Inode.structure(link.number), link.offset + 0x04, "symbolic link of "
                    + link.size + " bytes is longer than " + Math.min(MAX_SYMLINK, sb.blockSize));
        }
        byte[] target;
        if (isFastSymlink(link)) {
            target = new byte[(int) link.size];
            System.arraycopy(link.raw, Inode.I_BLOCK, target, 0, target.length);
        } else {
            target = content(link, "inode " + link.number).readBytes(0, (int) link.size,
                    Inode.structure(link.number) + " symbolic link target");
        }
        int n = 0;
        while (n < target.length && target[n] != 0) {
            n++;
        }
        return new String(target, 0, n, StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ directories

    private Optional<Inode> lookup(Inode dir, String name) throws IOException {
        long[] found = {0};
        visitDirectory(dir, (n, ino, type) -> {
            if (n.equals(name)) {
                found[0] = ino;
                return false;
            }
            return true;
        });
        return found[0] == 0 ? Optional.empty() : Optional.of(inode(found[0]));
    }

    /** Visits every live entry of a directory, inline or in blocks, htree or linear. */
    void visitDirectory(Inode dir, DirectoryBlock.Visitor visitor) throws IOException {
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
        BlockMap map = blockMap(dir);
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
                byte[] data = metadataBlock(phys, structure + " block " + logical,
                        (blk, off) -> verifyDirBlock(dir, logical, blk, off));
                if (!DirectoryBlock.visit(data, 0, data.length, phys * sb.blockSize, structure + " block " + logical,
                        sb, counting)) {
                    return;
                }
            }
            lblk += len;
        }
    }

    /** metadata_csum of a directory block: the 12-byte leaf tail, or the dx_tail of an htree node. */
    private void verifyDirBlock(Inode dir, long logical, byte[] blk, long offset) {
        if (!sb.hasMetadataCsum()) {
            return;
        }
        int bs = blk.length;
        String what = "directory inode " + dir.number + " block " + logical;
        int seed = dir.checksumSeed(csumSeed);
        boolean indexed = dir.hasFlag(Inode.FLAG_INDEX);
        boolean dxNode = indexed && logical > 0 && ExtentTree.u32(blk, 0) == 0 && ExtentTree.u16(blk, 4) == bs;
        if (indexed && (logical == 0 || dxNode)) {
            int countOffset = logical == 0 ? 0x18 + (blk[0x1D] & 0xFF) : 8;
            int limit = countOffset + 4 <= bs ? ExtentTree.u16(blk, countOffset) : 0;
            int count = countOffset + 4 <= bs ? ExtentTree.u16(blk, countOffset + 2) : 0;
            int tail = countOffset + limit * 8;
            if (limit == 0 || count > limit || tail + 8 > bs) {
                addFinding(new Finding("ext4.checksum-missing", offset, "ext4 " + what
                        + ": htree node has no room for its checksum (limit " + limit + ", count " + count + ")"));
                return;
            }
            // crc over the header and used entries, then dt_reserved, then a zeroed dt_checksum.
            int c = Checksums.crc32c(seed, blk, 0, countOffset + count * 8);
            c = Checksums.crc32c(c, blk, tail, 4);
            c = Checksums.crc32c(c, new byte[4], 0, 4);
            int stored = ExtentTree.u32(blk, tail + 4);
            if (c != stored) {
                addFinding(mismatch(what + " (htree node)", offset, stored, c));
            }
            return;
        }
        int t = bs - 12;
        boolean hasTail = ExtentTree.u32(blk, t) == 0 && ExtentTree.u16(blk, t + 4) == 12 && blk[t + 6] == 0
                && (blk[t + 7] & 0xFF) == 0xDE;
        if (!hasTail) {
            addFinding(new Finding("ext4.checksum-missing", offset, "ext4 " + what
                    + ": leaf block lacks its checksum tail although metadata_csum is on"));
            return;
        }
        int c = Checksums.crc32c(seed, blk, 0, t);
        int stored = ExtentTree.u32(blk, bs - 4);
        if (c != stored) {
            addFinding(mismatch(what, offset, stored, c));
        }
    }

    @Override
    public String toString() {
        return type() + " on " + source.describe();
    }
}
