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
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.NotLinkException;
import java.util.ArrayList;
import java.util.Collections;
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
    /** Longest symbolic link target XFS allows. */
    static final int MAX_SYMLINK = 1024;
    private static final int SYMLINK_MAGIC = 0x58534C4D; // "XSLM"
    private static final int SYMLINK_HDR_V5 = 56;
    /** Blocks a 1024-byte target can span with 512-byte blocks and per-buffer headers. */
    private static final int MAX_SYMLINK_BLOCKS = 4;
    private static final int INODE_CACHE = 1024;
    /** Directory entries kept in the lookup cache, over all cached directories. */
    private static final int DIR_CACHE_ENTRIES = 262_144;
    /** Bigger directories are not cached: lookups in them stream their blocks instead. */
    private static final int DIR_CACHE_MAX_DIR = DIR_CACHE_ENTRIES / 4;
    private static final int MAX_FINDINGS = 1000;

    private final ByteSource source;
    private final XfsSuperblock sb;
    private final XfsDirectory directories;
    private final Set<Finding> findings = new LinkedHashSet<>();
    private final Map<Long, XfsInode> inodeCache = lru(INODE_CACHE);
    private final LinkedHashMap<Long, Listing> dirCache = new LinkedHashMap<>(16, 0.75f, true);
    private long dirCacheEntries;

    /** A cached directory: entries in disk order and by name. */
    private record Listing(List<XfsDirectory.Entry> entries, Map<String, XfsDirectory.Entry> byName) {
    }

    private XfsFilesystem(ByteSource source, XfsSuperblock sb) {
        super(PathSyntax.POSIX);
        this.source = source;
        this.sb = sb;
        this.directories = new XfsDirectory(sb, source, this::report);
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

    private List<XfsDirectory.Entry> directoryEntries(XfsInode dir) throws IOException {
        Optional<Listing> cached = listing(dir);
        return cached.isPresent() ? cached.get().entries() : directories.entries(dir);
    }

    /**
     * The directory's entries from the cache, reading them if the directory is small enough to
     * cache; empty for directories too big to cache.
     */
    private Optional<Listing> listing(XfsInode dir) throws IOException {
        synchronized (dirCache) {
            Listing hit = dirCache.get(dir.ino);
            if (hit != null) {
                return Optional.of(hit);
            }
        }
        List<XfsDirectory.Entry> list = new ArrayList<>();
        boolean complete = directories.scan(dir, e -> list.size() < DIR_CACHE_MAX_DIR && list.add(e));
        if (!complete) {
            return Optional.empty();
        }
        Map<String, XfsDirectory.Entry> byName = new java.util.HashMap<>();
        for (XfsDirectory.Entry e : list) {
            byName.putIfAbsent(e.name(), e);
        }
        Listing l = new Listing(Collections.unmodifiableList(list), byName);
        synchronized (dirCache) {
            if (dirCache.put(dir.ino, l) == null) {
                dirCacheEntries += list.size();
            }
            var it = dirCache.entrySet().iterator();
            while (dirCacheEntries > DIR_CACHE_ENTRIES && it.hasNext()) {
                dirCacheEntries -= it.next().getValue().entries().size();
                it.remove();
            }
        }
        return Optional.of(l);
    }

    private Optional<XfsDirectory.Entry> lookup(XfsInode dir, String name) throws IOException {
        Optional<Listing> cached = listing(dir);
        if (cached.isPresent()) {
            return Optional.ofNullable(cached.get().byName().get(name));
        }
        XfsDirectory.Entry[] found = new XfsDirectory.Entry[1];
        directories.scan(dir, e -> {
            if (e.name().equals(name)) {
                found[0] = e;
                return false;
            }
            return true;
        });
        return Optional.ofNullable(found[0]);
    }

    private String symlinkTarget(XfsInode link) throws IOException {
        String s = XfsInode.structure(link.ino) + " symlink";
        if (link.size == 0 || link.size > MAX_SYMLINK) {
            throw new DiskException(ErrorKind.CORRUPT, s, link.offset + 56, "symbolic link length " + link.size
                    + " is outside 1.." + MAX_SYMLINK);
        }
        int len = (int) link.size;
        if (link.format == XfsInode.FMT_LOCAL) {
            if (len > link.forkSize()) {
                throw new DiskException(ErrorKind.CORRUPT, s, link.forkByteOffset(), "inline target of " + len
                        + " bytes exceeds the " + link.forkSize() + "-byte fork");
            }
            byte[] t = new byte[len];
            link.fork().get(0, t);
            return new String(t, StandardCharsets.UTF_8);
        }
        if (link.format != XfsInode.FMT_EXTENTS && link.format != XfsInode.FMT_BTREE) {
            throw new DiskException(ErrorKind.CORRUPT, s, link.offset + 5, "symbolic link with data fork format " + link.format);
        }
        // Remote target: one buffer per extent; on v5 each buffer starts with a 56-byte XSLM header
        // (0 4 magic, 4 4 offset, 8 4 bytes, 12 4 crc over the buffer, 16 16 uuid, 32 8 owner,
        // 40 8 blkno, 48 8 lsn) followed by its part of the target. A target needs at most
        // MAX_SYMLINK_BLOCKS blocks even with 512-byte blocks, which caps each buffer.
        byte[] target = new byte[len];
        int have = 0;
        XfsBmap map = new XfsBmap(sb, source, link, this::report);
        for (Optional<XfsExtent> e = map.next(); e.isPresent() && have < len; e = map.next()) {
            XfsExtent x = e.get();
            if (x.count() > MAX_SYMLINK_BLOCKS) {
                throw new DiskException(ErrorKind.CORRUPT, s, link.forkByteOffset(), "remote symlink extent of " + x.count()
                        + " blocks, more than a " + MAX_SYMLINK + "-byte target needs");
            }
            long off = sb.fsbToByte(x.startBlock(), x.count(), s, link.forkByteOffset());
            byte[] buf = source.readBytes(off, (int) x.count() * sb.blockSize(), s);
            int dataAt = 0;
            int n = Math.min(len - have, buf.length);
            if (sb.isV5()) {
                ByteBuffer h = ByteBuffer.wrap(buf).order(ByteOrder.BIG_ENDIAN);
                if (h.getInt(0) != SYMLINK_MAGIC) {
                    throw new DiskException(ErrorKind.CORRUPT, s, off, "remote symlink block lacks its XSLM magic");
                }
                int at = h.getInt(4);
                int bytes = h.getInt(8);
                if (at != have || bytes <= 0 || bytes > buf.length - SYMLINK_HDR_V5 || bytes > len - have) {
                    throw new DiskException(ErrorKind.CORRUPT, s, off + 4, "remote symlink block claims bytes " + at + "+"
                            + bytes + " of a " + len + "-byte target");
                }
                if (h.getLong(32) != link.ino) {
                    throw new DiskException(ErrorKind.CORRUPT, s, off + 32, "remote symlink block belongs to inode "
                            + h.getLong(32) + ", not " + link.ino);
                }
                if (!XfsChecksum.verify(buf, buf.length, 12)) {
                    report(new Finding("xfs.crc-mismatch", off, "remote symlink block of inode " + link.ino
                            + " fails its CRC32c check"));
                }
                dataAt = SYMLINK_HDR_V5;
                n = bytes;
            }
            System.arraycopy(buf, dataAt, target, have, n);
            have += n;
        }
        if (have < len) {
            throw new DiskException(ErrorKind.CORRUPT, s, link.offset, "remote target has only " + have + " of " + len + " bytes mapped");
        }
        return new String(target, StandardCharsets.UTF_8);
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
        Optional<XfsDirectory.Entry> e = lookup(dir, name);
        return e.isPresent() ? Optional.of(inode(e.get().ino())) : Optional.empty();
    }

    @Override
    protected FileType typeOf(XfsInode node) {
        return node.type();
    }

    @Override
    protected List<DirEntry> entries(XfsInode dir) throws IOException {
        List<DirEntry> out = new ArrayList<>();
        for (XfsDirectory.Entry e : directoryEntries(dir)) {
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
        return symlinkTarget(link);
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
        return new XfsFileSource(this, sb, source, ino, path);
    }

    /** A fresh walk of the file's extent map. */
    XfsBmap blockMap(XfsInode ino) throws IOException {
        return new XfsBmap(sb, source, ino, this::report);
    }

    /** Nothing to release: the {@link ByteSource} belongs to the caller, who closes it. */
    @Override
    public void close() {
    }
}
