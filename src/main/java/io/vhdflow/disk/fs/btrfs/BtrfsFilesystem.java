package io.vhdflow.disk.fs.btrfs;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.Finding;
import io.vhdflow.disk.container.ByteArraySource;
import io.vhdflow.disk.container.ByteSource;
import io.vhdflow.disk.fs.FileAttributes;
import io.vhdflow.disk.fs.FileType;
import io.vhdflow.disk.fs.NodeFilesystem;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A read-only btrfs filesystem, one subvolume of it at a time: {@link #open} gives the default
 * subvolume (what {@code mount} without {@code subvol=} shows), {@link #openSubvolume(String)} and
 * {@link #openSubvolume(long)} the one an fstab line names with {@code subvol=} or
 * {@code subvolid=}. Subvolumes nested inside the one opened appear as directories and are
 * entered, as the kernel shows them. All views of one device share its superblock, chunk map,
 * caches and findings.
 *
 * <p>Opening reads the superblock (a mirror when the primary is damaged), the chunk tree and one
 * root-tree lookup; nothing else is read until a path is looked up. Metadata blocks are checked
 * (checksum of any of the four algorithms, level, generation, key order, key ranges) before use.
 * File data is read as it is asked for, one extent at a time, decompressing zlib, lzo and zstd
 * extents; data checksums are not verified.
 */
public final class BtrfsFilesystem extends NodeFilesystem<BtrfsNode> {
    /** Longest symbolic link target ({@code PATH_MAX} - 1). */
    static final int MAX_SYMLINK = 4095;
    /** Extended attributes read from one inode at most. */
    static final int MAX_XATTRS = 4096;

    private final BtrfsVolume volume;
    private final long tree;
    private final long rootDir;

    private BtrfsFilesystem(BtrfsVolume volume, long tree, long rootDir) {
        super(PathSyntax.POSIX, new BtrfsDirectories(volume));
        this.volume = volume;
        this.tree = tree;
        this.rootDir = rootDir;
    }

    /** True when {@code source} holds a btrfs superblock magic at 64 KiB. */
    public static boolean probe(ByteSource source) throws IOException {
        if (source.size() < BtrfsSuperblock.PRIMARY + BtrfsSuperblock.SIZE) {
            return false;
        }
        return BtrfsSuperblock.hasMagic(source.readBuffer(BtrfsSuperblock.PRIMARY, 0x48, "btrfs superblock"));
    }

    /**
     * Opens the filesystem on {@code source} at its default subvolume.
     *
     * @throws DiskException when the superblock or chunk tree is damaged, or the filesystem uses
     *                       what this reader does not read (several devices, RAID profiles,
     *                       zoned or extent-tree-v2 layouts): {@link ErrorKind#UNSUPPORTED}
     */
    public static BtrfsFilesystem open(ByteSource source) throws IOException {
        BtrfsVolume v = BtrfsVolume.open(source);
        return subvolume(v, v.defaultSubvolume());
    }

    private static BtrfsFilesystem subvolume(BtrfsVolume v, long id) throws IOException {
        if (id != BtrfsKey.FS_TREE_OBJECTID && (Long.compareUnsigned(id, BtrfsKey.FIRST_FREE_OBJECTID) < 0
                || Long.compareUnsigned(id, BtrfsKey.LAST_FREE_OBJECTID) > 0)) {
            throw new DiskException(ErrorKind.NOT_FOUND, "btrfs subvolume " + Long.toUnsignedString(id), -1,
                    "not a subvolume id (5, or 256 and above)");
        }
        RootItem item = v.rootItem(id).orElseThrow(() -> new DiskException(ErrorKind.NOT_FOUND, "btrfs subvolume "
                + Long.toUnsignedString(id), -1, "the root tree has no subvolume with this id"));
        return new BtrfsFilesystem(v, id, item.rootDirId());
    }

    /** The subvolume with id {@code id} ({@code subvolid=}), as its own filesystem. */
    public BtrfsFilesystem openSubvolume(long id) throws IOException {
        return subvolume(volume, id);
    }

    /**
     * The subvolume at {@code path} from the top level ({@code subvol=}, e.g. {@code @},
     * {@code /@/.snapshots/1/snapshot}; empty or {@code /} for the top level), as its own filesystem.
     *
     * @throws DiskException NOT_FOUND when the path does not exist or names a plain directory
     */
    public BtrfsFilesystem openSubvolume(String path) throws IOException {
        BtrfsFilesystem top = subvolume(volume, BtrfsKey.FS_TREE_OBJECTID);
        BtrfsNode n;
        try {
            n = top.resolve(path.isEmpty() ? "/" : path, true);
        } catch (java.nio.file.NoSuchFileException | java.nio.file.NotDirectoryException e) {
            throw new DiskException(ErrorKind.NOT_FOUND, "btrfs subvolume " + path, -1, "no such path from the top level");
        }
        RootItem item = volume.rootItem(n.tree()).orElseThrow();
        if (n.ino() != item.rootDirId()) {
            throw new DiskException(ErrorKind.NOT_FOUND, "btrfs subvolume " + path, -1, "names a directory of subvolume "
                    + Long.toUnsignedString(n.tree()) + ", not a subvolume");
        }
        return new BtrfsFilesystem(volume, n.tree(), n.ino());
    }

    /** Every subvolume and snapshot but the top level, with its path from the top level. */
    public List<Subvolume> subvolumes() throws IOException {
        return volume.subvolumes();
    }

    /** The id of the subvolume this view shows. */
    public long subvolumeId() {
        return tree;
    }

    /** The id of the default subvolume ({@code btrfs subvolume get-default}). */
    public long defaultSubvolumeId() throws IOException {
        return volume.defaultSubvolume();
    }

    /**
     * The extended attributes of the file at {@code path} (following links), name to value, in
     * name order: {@code security.selinux}, {@code user.*}, {@code btrfs.compression}...
     */
    public Map<String, byte[]> xattrs(String path) throws IOException {
        BtrfsNode n = resolve(path, true);
        TreeReader.Cursor c = volume.trees.seek(volume.treeRoot(n.tree()), new BtrfsKey(n.ino(), BtrfsKey.XATTR_ITEM, 0));
        Map<String, byte[]> out = new TreeMap<>();
        for (Optional<TreeReader.Item> i = c.next(); i.isPresent() && i.get().key().sameItem(n.ino(), BtrfsKey.XATTR_ITEM);
                i = c.next()) {
            for (DirItem d : DirItem.parseAll(i.get().data(), i.get().at(), structure(n) + " xattr")) {
                if (out.size() >= MAX_XATTRS) {
                    throw new DiskException(ErrorKind.LIMIT_EXCEEDED, structure(n), i.get().at(), "more than "
                            + MAX_XATTRS + " extended attributes");
                }
                out.put(new String(d.name(), StandardCharsets.UTF_8), d.data());
            }
        }
        return out;
    }

    /**
     * The extents of the regular file at {@code path} as stored (diagnostics and tests): one line
     * each, {@code <file offset>+<length> <inline|regular|prealloc|hole> <compression>}.
     */
    public List<String> extents(String path) throws IOException {
        BtrfsNode n = resolve(path, true);
        List<String> out = new ArrayList<>();
        TreeReader.Cursor c = volume.trees.seek(volume.treeRoot(n.tree()), new BtrfsKey(n.ino(), BtrfsKey.EXTENT_DATA, 0));
        for (Optional<TreeReader.Item> i = c.next(); i.isPresent() && i.get().key().sameItem(n.ino(), BtrfsKey.EXTENT_DATA)
                && out.size() < 100_000; i = c.next()) {
            FileExtent e = FileExtent.parse(n.ino(), i.get().key().offset(), i.get().data(), i.get().at(),
                    volume.sb.sectorSize());
            String kind = e.type() == FileExtent.INLINE ? "inline" : e.type() == FileExtent.PREALLOC ? "prealloc"
                    : e.diskBytenr() == 0 ? "hole" : "regular";
            out.add(e.fileOffset() + "+" + e.length() + " " + kind + " " + Decompressor.name(e.compression()));
        }
        return out;
    }

    @Override
    public String type() {
        return "btrfs";
    }

    @Override
    public Optional<String> label() {
        return volume.sb.label().isEmpty() ? Optional.empty() : Optional.of(volume.sb.label());
    }

    @Override
    public Optional<String> uuid() {
        return Optional.of(volume.sb.fsid().toString());
    }

    @Override
    public List<Finding> findings() {
        return volume.findings();
    }

    /** Which checksum the filesystem's metadata uses: {@code crc32c}, {@code xxhash64}, {@code sha256}, {@code blake2b-256}. */
    public String checksumType() {
        return volume.sb.checksum().label;
    }

    BtrfsVolume volume() {
        return volume;
    }

    static String structure(BtrfsNode n) {
        return "btrfs inode " + n.ino() + " in tree " + Long.toUnsignedString(n.tree());
    }

    // ------------------------------------------------------------------ node API

    @Override
    protected BtrfsNode root() throws IOException {
        BtrfsNode r = new BtrfsNode(tree, rootDir, volume.inode(tree, rootDir));
        if (r.type() != FileType.DIRECTORY) {
            throw new DiskException(ErrorKind.CORRUPT, structure(r), -1, "the subvolume's root is not a directory");
        }
        return r;
    }


    // child, typeOf and entries: BtrfsDirectories

    @Override
    protected FileAttributes attributesOf(BtrfsNode n) {
        InodeItem i = n.inode();
        return new FileAttributes(n.type(), i.size(), i.mode(), i.uid(), i.gid(), Optional.of(i.mtime()),
                Optional.of(i.atime()), Optional.of(i.ctime()), Optional.of(i.otime()), n.ino(),
                (int) Math.min(Integer.MAX_VALUE, i.nlink()));
    }

    @Override
    protected String linkTarget(BtrfsNode link) throws IOException {
        String s = structure(link) + " symlink";
        long size = link.inode().size();
        if (size <= 0 || size > MAX_SYMLINK) {
            throw new DiskException(ErrorKind.CORRUPT, s, -1, "target length " + size + " is outside 1.." + MAX_SYMLINK);
        }
        Optional<TreeReader.Item> item = volume.trees.find(volume.treeRoot(link.tree()),
                new BtrfsKey(link.ino(), BtrfsKey.EXTENT_DATA, 0));
        if (item.isEmpty()) {
            throw new DiskException(ErrorKind.CORRUPT, s, -1, "symbolic link has no inline extent");
        }
        FileExtent e = FileExtent.parse(link.ino(), 0, item.get().data(), item.get().at(), volume.sb.sectorSize());
        if (e.type() != FileExtent.INLINE) {
            throw new DiskException(ErrorKind.CORRUPT, s, e.at(), "symbolic link target is not inline");
        }
        byte[] data = e.inline();
        if (e.compression() != Decompressor.NONE) {
            try (Decompressor d = new Decompressor()) {
                data = d.decompress(e.compression(), e.inline(), (int) e.ramBytes(), volume.sb.sectorSize(), s, e.at());
            }
        }
        if (data.length < size) {
            throw new DiskException(ErrorKind.CORRUPT, s, e.at(), "inline target of " + data.length
                    + " bytes for a " + size + "-byte link");
        }
        return new String(data, 0, (int) size, StandardCharsets.UTF_8);
    }

    @Override
    protected ByteSource content(BtrfsNode file, String path) throws IOException {
        if (file.inode().size() == 0) {
            return new ByteArraySource(new byte[0], "btrfs:" + path);
        }
        return new BtrfsFileSource(volume, file, path);
    }

    /** Nothing to release: the {@link ByteSource} belongs to the caller, who closes it. */
    @Override
    public void close() {
    }
}
