package io.vhdflow.disk.fs.xfs;

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
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A read-only XFS filesystem (v5, and v4 with version 2 directories) read straight from its bytes.
 *
 * <p>Opening reads one superblock sector and probes the internal log (a few dozen small reads);
 * nothing else is read until a path is looked up, and allocation groups are never scanned: an
 * inode number maps directly to (AG, block, index). Checksum mismatches, a dirty log, an
 * unfinished mkfs or the needs-repair flag are reported through {@link #findings()}; structures
 * too damaged to follow raise {@link DiskException} naming the structure and byte offset.
 */
public final class XfsFilesystem extends NodeFilesystem<XfsInode> {
    private static final int INODE_CACHE = 1024;
    private static final int MAX_FINDINGS = 1000;

    private final ByteSource source;
    private final XfsSuperblock sb;
    private final XfsDirectory directories;
    private final XfsDirectoryCache listings;
    private final Set<Finding> findings = new LinkedHashSet<>();
    private final Map<Long, XfsInode> inodeCache = lru(INODE_CACHE);

    private XfsFilesystem(ByteSource source, XfsSuperblock sb) {
        super(PathSyntax.POSIX);
        this.source = source;
        this.sb = sb;
        this.directories = new XfsDirectory(sb, source, this::report);
        this.listings = new XfsDirectoryCache(directories);
    }

    private static <K, V> Map<K, V> lru(int max) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > max;
            }
        };
    }

    /** True when {@code source} starts with an XFS superblock magic. */
    public static boolean probe(ByteSource source) throws IOException {
        if (source.size() < 512) {
            return false;
        }
        ByteBuffer b = source.readBuffer(0, 4, "xfs superblock").order(ByteOrder.BIG_ENDIAN);
        return b.getInt(0) == XfsSuperblock.MAGIC;
    }

    /**
     * Opens the XFS filesystem in {@code source}: validates the superblock and checks the log.
     *
     * @throws DiskException when the superblock is invalid or uses incompatible features this
     *                             reader does not know (they are named in the message)
     */
    public static XfsFilesystem open(ByteSource source) throws IOException {
        byte[] first = source.readBytes(0, (int) Math.min(512, source.size()), "xfs superblock");
        XfsSuperblock pre = XfsSuperblock.parse(first, 0);
        byte[] raw = pre.sectorSize() > 512 ? source.readBytes(0, pre.sectorSize(), "xfs superblock") : first;
        XfsSuperblock sb = raw == first ? pre : XfsSuperblock.parse(raw, 0);
        XfsFilesystem fs = new XfsFilesystem(source, sb);
        if (!sb.crcValid()) {
            fs.report(new Finding("xfs.crc-mismatch", 0, "the primary superblock fails its CRC32c check"));
        }
        if (sb.inProgress()) {
            fs.report(new Finding("xfs.mkfs-in-progress", 126,
                    "sb_inprogress is set: mkfs.xfs did not finish, the filesystem may be incomplete"));
        }
        if (sb.needsRepair()) {
            fs.report(new Finding("xfs.needs-repair", 216,
                    "the NEEDSREPAIR feature is set: xfs_repair must run before the kernel will mount it"));
        }
        if (sb.logIncompat() != 0) {
            fs.report(new Finding("xfs.log-incompat", 220, "log-incompatible features 0x"
                    + Long.toHexString(sb.logIncompat()) + " are set, which the kernel clears on a clean unmount:"
                    + " the log holds items needing recovery"));
        }
        long fsBytes = sb.dataBlocks() * sb.blockSize();
        if (fsBytes > source.size()) {
            fs.report(new Finding("xfs.truncated", source.size(), "the filesystem claims " + fsBytes
                    + " bytes but " + source.describe() + " holds only " + source.size()));
        }
        try {
            XfsLog.check(sb, source).ifPresent(fs::report);
        } catch (DiskException e) {
            // A log we cannot even inspect does not stop files being read; it cannot be called clean.
            fs.report(new Finding("xfs.log-unreadable", e.offset(), "the internal log could not be checked ("
                    + e.getMessage() + "): treat the filesystem as not cleanly unmounted"));
        }
        return fs;
    }

    private void report(Finding f) {
        synchronized (findings) {
            if (findings.size() < MAX_FINDINGS) {
                findings.add(f);
            }
        }
    }

    @Override
    public List<Finding> findings() {
        synchronized (findings) {
            return List.copyOf(findings);
        }
    }

    @Override
    public String type() {
        return "xfs";
    }

    @Override
    public Optional<String> label() {
        return sb.label().isEmpty() ? Optional.empty() : Optional.of(sb.label());
    }

    @Override
    public Optional<String> uuid() {
        return Optional.of(sb.uuid().toString());
    }

    /** Superblock version: 4 or 5. */
    public int version() {
        return sb.version();
    }

    XfsSuperblock superblock() {
        return sb;
    }

    /** Filesystem block size in bytes. */
    public int blockSize() {
        return sb.blockSize();
    }

    /** The inode number of the file at {@code path}, not following a final link (diagnostics, tests). */
    public long inodeNumber(String path) throws IOException {
        return resolve(path, false).ino;
    }

    /**
     * Which form the directory at {@code path} takes on disk: {@code shortform}, {@code block},
     * {@code leaf} or {@code node}.
     */
    public String directoryLayout(String path) throws IOException {
        XfsInode dir = resolve(path, true);
        if (dir.type() != FileType.DIRECTORY) {
            throw new java.nio.file.NotDirectoryException(path);
        }
        return directories.layout(dir);
    }

    XfsInode inode(long ino) throws IOException {
        synchronized (inodeCache) {
            XfsInode hit = inodeCache.get(ino);
            if (hit != null) {
                return hit;
            }
        }
        String s = XfsInode.structure(ino);
        long off = sb.inodeToByte(ino, s, -1);
        byte[] raw = source.readBytes(off, sb.inodeSize(), s);
        XfsInode parsed = XfsInode.parse(sb, ino, off, raw);
        if (!parsed.crcValid) {
            report(new Finding("xfs.crc-mismatch", off, "inode " + ino + " fails its CRC32c check"));
        }
        synchronized (inodeCache) {
            inodeCache.put(ino, parsed);
        }
        return parsed;
    }

    private static FileType fromFtype(int ftype) {
        return switch (ftype) {
            case 1 -> FileType.REGULAR;
            case 2 -> FileType.DIRECTORY;
            case 3 -> FileType.CHARACTER_DEVICE;
            case 4 -> FileType.BLOCK_DEVICE;
            case 5 -> FileType.FIFO;
            case 6 -> FileType.SOCKET;
            case 7 -> FileType.SYMLINK;
            default -> FileType.UNKNOWN;
        };
    }

    // ------------------------------------------------------------------ node API

    @Override
    protected XfsInode root() throws IOException {
        XfsInode root = inode(sb.rootIno());
        if (root.type() != FileType.DIRECTORY) {
            throw new DiskException(ErrorKind.CORRUPT, "xfs root inode " + sb.rootIno(), root.offset,
                    "root inode is not a directory");
        }
        return root;
    }

    @Override
    protected Optional<XfsInode> child(XfsInode dir, String name) throws IOException {
        Optional<XfsDirectory.Entry> e = listings.lookup(dir, name);
        return e.isPresent() ? Optional.of(inode(e.get().ino())) : Optional.empty();
    }

    @Override
    protected FileType typeOf(XfsInode node) {
        return node.type();
    }

    @Override
    protected List<DirEntry> entries(XfsInode dir) throws IOException {
        List<DirEntry> out = new ArrayList<>();
        for (XfsDirectory.Entry e : listings.entries(dir)) {
            FileType t = fromFtype(e.ftype());
            if (t == FileType.UNKNOWN) {
                t = inode(e.ino()).type();
            }
            out.add(new DirEntry(e.name(), t, e.ino()));
        }
        return out;
    }

    @Override
    protected FileAttributes attributesOf(XfsInode i) {
        return new FileAttributes(i.type(), i.size, i.mode, i.uid, i.gid, Optional.of(i.mtime()), Optional.of(i.atime()),
                Optional.of(i.ctime()), i.crtime(), i.ino, (int) Math.min(Integer.MAX_VALUE, i.nlink));
    }

    @Override
    protected String linkTarget(XfsInode link) throws IOException {
        return XfsSymlink.target(sb, source, link, this::report);
    }

    @Override
    protected ByteSource content(XfsInode ino, String path) throws IOException {
        if (ino.format == XfsInode.FMT_LOCAL) {
            // Not created by Linux for regular files, but the bytes would be inline.
            int n = (int) Math.min(ino.size, ino.forkSize());
            byte[] data = new byte[n];
            ino.fork().get(0, data);
            return new ByteArraySource(data, "xfs:" + path);
        }
        return new XfsFileSource(sb, source, ino, new XfsExtentMap(sb, source, ino, this::report), path);
    }

    /** Nothing to release: the {@link ByteSource} belongs to the caller, who closes it. */
    @Override
    public void close() {
    }
}
