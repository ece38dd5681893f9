package io.vhdflow.disk.fs.xfs;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.Finding;
import io.vhdflow.disk.container.ByteSource;
import io.vhdflow.disk.fs.BlockMappedSource;
import io.vhdflow.disk.fs.FileAttributes;
import io.vhdflow.disk.fs.FileType;
import io.vhdflow.disk.container.ByteArraySource;
import io.vhdflow.disk.fs.NodeFilesystem;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Optional;

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
    private final ByteSource source;
    private final XfsSuperblock sb;
    private final XfsFindings findings;
    private final XfsInodes inodes;
    private final XfsDirectory directories;

    private XfsFilesystem(ByteSource source, XfsSuperblock sb, XfsFindings findings, XfsInodes inodes,
                          XfsDirectory directories) {
        super(PathSyntax.POSIX, new XfsDirectoryTree(directories, inodes));
        this.source = source;
        this.sb = sb;
        this.findings = findings;
        this.inodes = inodes;
        this.directories = directories;
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
        return open(source, true);
    }

    /**
     * {@link #open(ByteSource)}, where a structure failing its CRC is only a finding when not
     * {@code failOnDamage}: the structural bounds are tested this way, as a forger who recomputed
     * the CRCs would meet them.
     */
    static XfsFilesystem open(ByteSource source, boolean failOnDamage) throws IOException {
        byte[] first = source.readBytes(0, (int) Math.min(512, source.size()), "xfs superblock");
        XfsSuperblock pre = XfsSuperblock.parse(first, 0);
        byte[] raw = pre.sectorSize() > 512 ? source.readBytes(0, pre.sectorSize(), "xfs superblock") : first;
        XfsSuperblock sb = raw == first ? pre : XfsSuperblock.parse(raw, 0);
        XfsFindings findings = new XfsFindings(failOnDamage);
        XfsFilesystem fs = new XfsFilesystem(source, sb, findings, new XfsInodes(sb, source, findings),
                new XfsDirectory(sb, source, findings));
        if (!sb.crcValid()) {
            // Every structure is found through the superblock's geometry: nothing is read past it.
            XfsFindings.damaged(findings, new Finding("xfs.crc-mismatch", 0, "the primary superblock fails its CRC32c check"),
                    "xfs superblock");
        }
        if (sb.inProgress()) {
            findings.accept(new Finding("xfs.mkfs-in-progress", 126,
                    "sb_inprogress is set: mkfs.xfs did not finish, the filesystem may be incomplete"));
        }
        if (sb.needsRepair()) {
            findings.accept(new Finding("xfs.needs-repair", 216,
                    "the NEEDSREPAIR feature is set: xfs_repair must run before the kernel will mount it"));
        }
        if (sb.logIncompat() != 0) {
            findings.accept(new Finding("xfs.log-incompat", 220, "log-incompatible features 0x"
                    + Long.toHexString(sb.logIncompat()) + " are set, which the kernel clears on a clean unmount:"
                    + " the log holds items needing recovery"));
        }
        long fsBytes = sb.dataBlocks() * sb.blockSize();
        if (fsBytes > source.size()) {
            findings.accept(new Finding("xfs.truncated", source.size(), "the filesystem claims " + fsBytes
                    + " bytes but " + source.describe() + " holds only " + source.size()));
        }
        try {
            XfsLog.check(sb, source).ifPresent(findings);
        } catch (DiskException e) {
            // A log we cannot even inspect does not stop files being read; it cannot be called clean.
            findings.accept(new Finding("xfs.log-unreadable", e.offset(), "the internal log could not be checked ("
                    + e.getMessage() + "): treat the filesystem as not cleanly unmounted"));
        }
        return fs;
    }

    @Override
    public List<Finding> findings() {
        return findings.list();
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
        return inodes.inode(ino);
    }

    // ------------------------------------------------------------------ node API (directories: XfsDirectoryTree)

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
    protected FileAttributes attributesOf(XfsInode i) {
        return new FileAttributes(i.type(), i.size, i.mode, i.uid, i.gid, Optional.of(i.mtime()), Optional.of(i.atime()),
                Optional.of(i.ctime()), i.crtime(), i.ino, (int) Math.min(Integer.MAX_VALUE, i.nlink));
    }

    @Override
    protected String linkTarget(XfsInode link) throws IOException {
        return XfsSymlink.target(sb, source, link, findings);
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
        return new BlockMappedSource(source, sb.blockSize(), ino.size, new XfsExtentMap(sb, source, ino, findings),
                "xfs:" + path, XfsInode.structure(ino.ino) + " data");
    }

    /** Nothing to release: the {@link ByteSource} belongs to the caller, who closes it. */
    @Override
    public void close() {
    }
}
