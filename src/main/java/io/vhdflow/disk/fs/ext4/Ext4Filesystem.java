package io.vhdflow.disk.fs.ext4;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.Finding;
import io.vhdflow.disk.container.ByteSource;
import io.vhdflow.disk.fs.FileAttributes;
import io.vhdflow.disk.fs.FileType;
import io.vhdflow.disk.container.ByteArraySource;
import io.vhdflow.disk.fs.BlockMappedSource;
import io.vhdflow.disk.fs.NodeFilesystem;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * An ext2, ext3 or ext4 filesystem read offline from a {@link ByteSource}, without journal replay.
 *
 * <p>Supports 32- and 64-bit group descriptors, flex_bg and meta_bg layouts, extent trees and
 * indirect block maps, inline data, hashed directories (read linearly), fast and slow symlinks,
 * sparse and huge files. With metadata_csum (or the older gdt_csum) the superblock, group
 * descriptors, inodes, extent tree blocks and directory blocks are verified as they are read: a
 * structure that fails its checksum fails the read that needed it (a superblock, the open) with a
 * {@link DiskException} naming it and its offset, and is listed by {@link #findings()}, so what
 * depends on damaged metadata is never answered from it. An unclean state and a journal needing
 * recovery are findings only, because an image captured from a running VM is still worth reading.
 * Everything read from the image is bounds-checked; corrupt structures fail with a
 * {@link DiskException} naming the structure and its absolute byte offset.
 *
 * <p>The node API over two halves: {@link Ext4Metadata} reads the on-disk structures (group
 * descriptors, inode tables, metadata blocks, in bounded LRU caches, with their checksums) and
 * {@link Ext4Directories} reads directories. File content is streamed through the block map.
 * Instances are safe for concurrent use.
 */
public final class Ext4Filesystem extends NodeFilesystem<Inode> {
    static final long ROOT_INODE = 2;
    /** Longest symbolic link target accepted (the kernel's PATH_MAX). */
    static final int MAX_SYMLINK = 4096;

    private final Ext4Metadata meta;
    private final Superblock sb;

    private Ext4Filesystem(Ext4Metadata meta) {
        super(PathSyntax.POSIX, new Ext4Directories(meta));
        this.meta = meta;
        this.sb = meta.superblock();
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
        return open(source, true);
    }

    /**
     * {@link #open(ByteSource)}, where a structure failing its checksum is only a finding when not
     * {@code failOnDamage}: the structural bounds are tested this way, as a forger who recomputed
     * the checksums would meet them.
     */
    static Ext4Filesystem open(ByteSource source, boolean failOnDamage) throws IOException {
        Superblock sb = Superblock.read(source);
        Ext4Metadata meta = new Ext4Metadata(source, sb, failOnDamage);
        meta.requireIntactSuperblock();
        Ext4Filesystem fs = new Ext4Filesystem(meta);
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
        return meta.findings();
    }

    /** The inode number {@code path} resolves to (following a final symbolic link). */
    public long inodeNumber(String path) throws IOException {
        return resolve(path, true).number;
    }

    // ------------------------------------------------------------------ node API (directories: Ext4Directories)

    @Override
    protected Inode root() throws IOException {
        return meta.inode(ROOT_INODE);
    }

    @Override
    protected FileAttributes attributesOf(Inode i) {
        return new FileAttributes(i.type(), i.size, i.mode, i.uid, i.gid, i.mtime(), i.atime(), i.ctime(),
                i.crtime(), i.number, i.links);
    }

    /** A fast symlink keeps its target in i_block; a slow one in a data block, read like a file. */
    @Override
    protected String linkTarget(Inode link) throws IOException {
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

    /** Whether a symlink keeps its target in i_block (a "fast" symlink). */
    private boolean isFastSymlink(Inode link) {
        if (link.hasFlag(Inode.FLAG_EXTENTS) || link.hasFlag(Inode.FLAG_INLINE_DATA) || link.size >= Inode.I_BLOCK_SIZE) {
            return false;
        }
        long xattrBlocks = link.fileAcl != 0 ? sb.blockSize / 512 : 0;
        return link.blocks512 - xattrBlocks <= 0;
    }

    @Override
    protected ByteSource content(Inode inode, String path) throws IOException {
        if (inode.hasFlag(Inode.FLAG_INLINE_DATA)) {
            return new ByteArraySource(InlineData.content(inode), "ext4:" + path);
        }
        BlockMap map = meta.blockMap(inode);
        long bs = sb.blockSize;
        return new BlockMappedSource(meta.source(), sb.blockSize, inode.size, block -> {
            BlockMap.Run r = map.find(block);
            long end = r.logical() + r.length();
            return r.isHole() ? BlockMappedSource.Run.hole(r.logical(), end)
                    : new BlockMappedSource.Run(r.logical(), end, r.physical() * bs);
        }, "ext4:" + path, Inode.structure(inode.number) + " data");
    }

    // ------------------------------------------------------------------ on-disk structures (diagnostics, tests)

    Inode inode(long number) throws IOException {
        return meta.inode(number);
    }

    GroupDescriptor groupDescriptor(long group) throws IOException {
        return meta.groupDescriptor(group);
    }

    BlockMap blockMap(Inode inode) throws DiskException {
        return meta.blockMap(inode);
    }

    Superblock superblock() {
        return sb;
    }

    int blockSize() {
        return sb.blockSize;
    }

    @Override
    public String toString() {
        return type() + " on " + meta.source().describe();
    }
}
