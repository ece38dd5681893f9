package io.vhdflow.disk.fs.xfs;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.Finding;
import io.vhdflow.disk.container.ByteSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Reads the entries of an XFS (v2/v3 format) directory, whatever its form:
 * <ul>
 *   <li>short-form, inside the inode ({@code xfs_dir2_sf_hdr}: 0 1 count, 1 1 i8count, 2 4|8 parent;
 *       then per entry: 1 namelen, 2 offset, namelen name, 1 ftype (if the ftype feature), 4|8 inumber);</li>
 *   <li>block, leaf and node forms: the entries all live in the data blocks below the leaf offset
 *       (32 GiB), so they are read linearly there and the hash leaf / node blocks above it are not
 *       needed to list or look up.</li>
 * </ul>
 * Data / block header: v4 {@code XD2B}/{@code XD2D}: 0 4 magic, 4 12 bestfree[3] (16 bytes);
 * v5 {@code XDB3}/{@code XDD3}: 0 4 magic, 4 4 crc, 8 8 blkno, 16 8 lsn, 24 16 uuid, 40 8 owner,
 * 48 12 bestfree[3], 60 4 pad (64 bytes). A block-form block ends with its leaf entries (8 bytes each)
 * and an 8-byte tail (0 4 count, 4 4 stale). Data entries: 0 8 inumber, 8 1 namelen, 9 name,
 * [1 ftype], padding to 8, last 2 bytes tag; unused space: 0 2 0xffff, 2 2 length.
 */
final class XfsDirectory {
    /** A directory entry as stored. {@code ftype} is 0 when the filesystem does not store it. */
    record Entry(String name, long ino, int ftype) {
    }

    /** Listing a directory bigger than this is refused rather than held in memory (about 100 MiB). */
    static final int MAX_ENTRIES = 1_000_000;

    /** Receives entries in on-disk order; returns false to stop the scan early. */
    interface Visitor {
        boolean accept(Entry e);
    }

    /** Thrown inside a scan to stop it early; never escapes this class. */
    private static final class Stop extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stop() {
            super(null, null, false, false);
        }
    }
    /** Directory data extents held while listing; real directories of millions of entries need far fewer. */
    static final int MAX_DIR_EXTENTS = 262_144;
    /**
     * Directory blocks read for one listing: 2 GiB of 4 KiB blocks, far beyond any real directory
     * (4 million long names fill about 300 MiB), so a hostile map cannot make a listing read the
     * 32 GiB data range block by block.
     */
    static final int MAX_DIR_BLOCKS = 1 << 19;
    /** Where the leaf/node blocks start: 32 GiB into the directory's data fork. */
    static final long LEAF_OFFSET_BYTES = 32L << 30;

    private static final int XD2B = 0x58443242;
    private static final int XD2D = 0x58443244;
    private static final int XDB3 = 0x58444233;
    private static final int XDD3 = 0x58444433;
    /** Leaf1 / da-node magics at byte 8 (v4) or 8 (v5 da3_blkinfo), used to tell leaf from node form. */
    static final int LEAF1_V4 = 0xD2F1;
    static final int LEAF1_V5 = 0x3DF1;
    static final int DANODE_V4 = 0xFEBE;
    static final int DANODE_V5 = 0x3EBE;

    private final XfsSuperblock sb;
    private final ByteSource source;
    private final Consumer<Finding> findings;

    XfsDirectory(XfsSuperblock sb, ByteSource source, Consumer<Finding> findings) {
        this.sb = sb;
        this.source = source;
        this.findings = findings;
    }

    /** All entries except "." and "..", refusing directories of more than {@link #MAX_ENTRIES}. */
    List<Entry> entries(XfsInode dir) throws IOException {
        List<Entry> out = new ArrayList<>();
        scan(dir, e -> {
            if (out.size() >= MAX_ENTRIES) {
                return false;
            }
            out.add(e);
            return true;
        });
        if (out.size() >= MAX_ENTRIES) {
            throw new DiskException(ErrorKind.LIMIT_EXCEEDED, XfsInode.structure(dir.ino) + " directory", dir.offset,
                    "more than " + MAX_ENTRIES + " entries: too many to list at once");
        }
        return out;
    }

    /**
     * Visits the entries except "." and ".." in on-disk order without holding them, so a lookup
     * in a huge directory needs no memory for the listing.
     *
     * @return false when the visitor stopped the scan
     */
    boolean scan(XfsInode dir, Visitor visitor) throws IOException {
        Visitor v = e -> {
            if (!visitor.accept(e)) {
                throw new Stop();
            }
            return true;
        };
        try {
            if (dir.format == XfsInode.FMT_LOCAL) {
                shortForm(dir, v);
            } else if (dir.format == XfsInode.FMT_EXTENTS || dir.format == XfsInode.FMT_BTREE) {
                blocks(dir, v);
            } else {
                throw new DiskException(ErrorKind.CORRUPT, XfsInode.structure(dir.ino), dir.offset + 5,
                        "directory with data fork format " + dir.format);
            }
            return true;
        } catch (Stop stop) {
            return false;
        }
    }

    private void shortForm(XfsInode dir, Visitor out) throws DiskException {
        String s = XfsInode.structure(dir.ino) + " short-form directory";
        ByteBuffer f = dir.fork();
        long base = dir.forkByteOffset();
        int limit = (int) Math.min(f.capacity(), dir.size);
        if (limit < 6) {
            throw new DiskException(ErrorKind.CORRUPT, s, base, "short-form directory of " + dir.size + " bytes is too small");
        }
        int count = f.get(0) & 0xFF;
        int i8 = f.get(1) & 0xFF;
        int inoSize = i8 != 0 ? 8 : 4;
        int p = 2 + inoSize;
        for (int n = 0; n < count; n++) {
            if (p + 3 > limit) {
                throw new DiskException(ErrorKind.CORRUPT, s, base + p, "entry " + n + " of " + count + " runs past the end");
            }
            int namelen = f.get(p) & 0xFF;
            int end = p + 3 + namelen + (sb.hasFtype() ? 1 : 0) + inoSize;
            if (namelen == 0 || end > limit) {
                throw new DiskException(ErrorKind.CORRUPT, s, base + p, "entry " + n + " name length " + namelen
                        + " runs past the " + limit + "-byte directory");
            }
            String name = name(f, p + 3, namelen);
            int ftype = sb.hasFtype() ? f.get(p + 3 + namelen) & 0xFF : 0;
            int ip = end - inoSize;
            long ino = inoSize == 8 ? f.getLong(ip) : f.getInt(ip) & 0xFFFFFFFFL;
            out.accept(new Entry(name, ino, ftype));
            p = end;
        }
    }

    private void blocks(XfsInode dir, Visitor out) throws IOException {
        String s = XfsInode.structure(dir.ino) + " directory block";
        int dirBlockFsbs = 1 << sb.dirBlockLog();
        int dbs = sb.dirBlockSize();
        long leafBlock = LEAF_OFFSET_BYTES / sb.blockSize();
        List<XfsExtent> extents = new ArrayList<>();
        XfsBmap map = new XfsBmap(sb, source, dir, findings);
        for (Optional<XfsExtent> e = map.next(); e.isPresent() && e.get().startOff() < leafBlock; e = map.next()) {
            if (e.get().unwritten()) {
                continue; // never written: holds no entries
            }
            extents.add(e.get());
            if (extents.size() > MAX_DIR_EXTENTS) {
                throw new DiskException(ErrorKind.LIMIT_EXCEEDED, s, dir.offset, "more than " + MAX_DIR_EXTENTS + " data extents");
            }
        }
        long lastDone = -1;
        long blocksRead = 0;
        for (XfsExtent e : extents) {
            long end = Math.min(e.endOff(), leafBlock);
            for (long lb = e.startOff() - e.startOff() % dirBlockFsbs; lb < end; lb += dirBlockFsbs) {
                if (lb <= lastDone) {
                    continue;
                }
                lastDone = lb;
                if (++blocksRead > MAX_DIR_BLOCKS) {
                    throw new DiskException(ErrorKind.LIMIT_EXCEEDED, s, dir.offset, "directory of inode " + dir.ino + " maps more than "
                            + MAX_DIR_BLOCKS + " data blocks");
                }
                Optional<byte[]> block = readDirBlock(extents, lb, dirBlockFsbs, dbs, s);
                if (block.isPresent()) {
                    parseDataBlock(dir, block.get(), physical(extents, lb), s, out);
                }
            }
        }
    }

    /** The directory block at logical block {@code lb}, or empty when any of it is a hole. */
    private Optional<byte[]> readDirBlock(List<XfsExtent> extents, long lb, int fsbs, int dbs, String s)
            throws IOException {
        byte[] out = new byte[dbs];
        for (int k = 0; k < fsbs; k++) {
            XfsExtent e = find(extents, lb + k);
            if (e == null || e.unwritten()) {
                return Optional.empty();
            }
            long off = sb.fsbToByte(e.startBlock() + (lb + k - e.startOff()), 1, s, -1);
            source.readFully(off, ByteBuffer.wrap(out, k * sb.blockSize(), sb.blockSize()), s);
        }
        return Optional.of(out);
    }

    private long physical(List<XfsExtent> extents, long lb) throws DiskException {
        XfsExtent e = find(extents, lb);
        return e == null ? -1 : sb.fsbToByte(e.startBlock() + (lb - e.startOff()), 1, "xfs directory", -1);
    }

    private static XfsExtent find(List<XfsExtent> extents, long lb) {
        int lo = 0;
        int hi = extents.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            XfsExtent e = extents.get(mid);
            if (lb < e.startOff()) {
                hi = mid - 1;
            } else if (lb >= e.endOff()) {
                lo = mid + 1;
            } else {
                return e;
            }
        }
        return null;
    }

    private void parseDataBlock(XfsInode dir, byte[] raw, long off, String s, Visitor out)
            throws DiskException {
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.BIG_ENDIAN);
        int magic = b.getInt(0);
        boolean v5 = sb.isV5();
        boolean blockForm;
        if (magic == (v5 ? XDB3 : XD2B)) {
            blockForm = true;
        } else if (magic == (v5 ? XDD3 : XD2D)) {
            blockForm = false;
        } else {
            throw new DiskException(ErrorKind.CORRUPT, s, off, "bad magic 0x" + Integer.toHexString(magic)
                    + " for a directory data block of inode " + dir.ino);
        }
        int hdr = v5 ? 64 : 16;
        if (v5) {
            long owner = b.getLong(40);
            if (owner != dir.ino) {
                throw new DiskException(ErrorKind.CORRUPT, s, off + 40, "block belongs to inode " + owner + ", not " + dir.ino);
            }
            if (!XfsChecksum.verify(raw, raw.length, 4)) {
                XfsFindings.damaged(findings, new Finding("xfs.crc-mismatch", off,
                        "directory block of inode " + dir.ino + " fails its CRC32c check"), s);
            }
        }
        int end = raw.length;
        if (blockForm) {
            long count = b.getInt(raw.length - 8) & 0xFFFFFFFFL;
            if (count > (raw.length - hdr - 8) / 8) {
                throw new DiskException(ErrorKind.CORRUPT, s, off + raw.length - 8, "block tail claims " + count
                        + " leaf entries, more than the block holds");
            }
            end = raw.length - 8 - (int) count * 8;
        }
        int p = hdr;
        while (p < end) {
            if (p + 4 > end) {
                throw new DiskException(ErrorKind.CORRUPT, s, off + p, "truncated entry at the end of the data area");
            }
            if ((b.getShort(p) & 0xFFFF) == 0xFFFF) {
                int len = b.getShort(p + 2) & 0xFFFF;
                if (len < 8 || len % 8 != 0 || p + len > end) {
                    throw new DiskException(ErrorKind.CORRUPT, s, off + p, "free space of " + len + " bytes is invalid");
                }
                p += len;
                continue;
            }
            if (p + 12 > end) {
                throw new DiskException(ErrorKind.CORRUPT, s, off + p, "truncated entry at the end of the data area");
            }
            long ino = b.getLong(p);
            int namelen = raw[p + 8] & 0xFF;
            int ftypeLen = sb.hasFtype() ? 1 : 0;
            int size = (8 + 1 + namelen + ftypeLen + 2 + 7) & ~7;
            if (namelen == 0 || p + size > end) {
                throw new DiskException(ErrorKind.CORRUPT, s, off + p, "entry name length " + namelen
                        + " runs past the data area");
            }
            String name = name(b, p + 9, namelen);
            int ftype = ftypeLen == 1 ? raw[p + 9 + namelen] & 0xFF : 0;
            if (!name.equals(".") && !name.equals("..")) {
                out.accept(new Entry(name, ino, ftype));
            }
            p += size;
        }
    }

    /** Which of the four forms the directory takes (diagnostics and tests). */
    String layout(XfsInode dir) throws IOException {
        if (dir.format == XfsInode.FMT_LOCAL) {
            return "shortform";
        }
        long leafBlock = LEAF_OFFSET_BYTES / sb.blockSize();
        XfsBmap map = new XfsBmap(sb, source, dir, findings);
        for (Optional<XfsExtent> e = map.next(); e.isPresent(); e = map.next()) {
            XfsExtent x = e.get();
            if (x.endOff() > leafBlock && x.startOff() <= leafBlock) {
                long off = sb.fsbToByte(x.startBlock() + (leafBlock - x.startOff()), 1, "xfs directory leaf", -1);
                int magic = source.readBuffer(off + 8, 2, "xfs directory leaf").order(ByteOrder.BIG_ENDIAN)
                        .getShort() & 0xFFFF;
                return switch (magic) {
                    case LEAF1_V4, LEAF1_V5 -> "leaf";
                    case DANODE_V4, DANODE_V5 -> "node";
                    default -> "unknown";
                };
            }
        }
        return "block";
    }

    private static String name(ByteBuffer b, int at, int len) {
        byte[] n = new byte[len];
        b.get(at, n);
        return new String(n, StandardCharsets.UTF_8);
    }
}
