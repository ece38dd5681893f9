package io.vhdflow.disk.fs.xfs;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.Finding;
import io.vhdflow.disk.container.ByteSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Walks the extents of an inode's data fork in logical order, lazily, whether the fork holds the
 * extent list itself or the root of a block-map B+tree ({@code xfs_bmdr_block} in the inode,
 * {@code BMAP}/{@code BMA3} blocks below). A file with millions of extents is streamed without
 * holding them all.
 *
 * <p>B+tree block layout ({@code struct xfs_btree_block}, long form, big-endian):
 * <pre>
 *   0 4 bb_magic     "BMAP" (v4) / "BMA3" (v5)
 *   4 2 bb_level     0 = leaf
 *   6 2 bb_numrecs
 *   8 8 bb_leftsib  16 8 bb_rightsib
 * v5: 24 8 bb_blkno (512-byte units)  32 8 bb_lsn  40 16 bb_uuid  56 8 bb_owner  64 4 bb_crc  68 4 pad
 * header 24 (v4) / 72 (v5) bytes; leaves: records of 16 bytes; nodes: maxrecs keys of 8 bytes then
 * maxrecs pointers of 8 bytes, maxrecs = (blocksize - header) / 16.
 * </pre>
 * In-inode root ({@code xfs_bmdr_block}): 0 2 level, 2 2 numrecs, keys from 4, pointers from
 * 4 + 8 * maxrecs with maxrecs = (fork size - 4) / 16.
 *
 * <p>Hostile trees cannot loop: every child must be exactly one level below its parent, depth is
 * capped, and extents must come out in strictly increasing, non-overlapping logical order, so a
 * block reached twice is detected the moment it repeats an extent.
 */
final class XfsBmap {
    /** XFS itself never builds a block-map tree deeper than 9 levels for 64-bit extent counts. */
    static final int MAX_LEVELS = 10;
    private static final int MAGIC_V4 = 0x424D4150; // "BMAP"
    private static final int MAGIC_V5 = 0x424D4133; // "BMA3"
    private static final long MAX_FILE_BLOCKS = 1L << 54;

    private final XfsSuperblock sb;
    private final ByteSource source;
    private final XfsInode inode;
    private final Consumer<Finding> findings;
    private final Deque<Frame> stack = new ArrayDeque<>();
    private final String structure;
    private long produced;
    private long nextMinOff;
    private ByteBuffer inlineList;
    private int inlineIndex;
    private int inlineCount;

    /** One B+tree block being walked: its records/pointers and where we are in them. */
    private record Frame(ByteBuffer block, long blockOffset, int level, int numrecs, int ptrBase, int[] index) {
    }

    XfsBmap(XfsSuperblock sb, ByteSource source, XfsInode inode, Consumer<Finding> findings)
            throws DiskException {
        this.sb = sb;
        this.source = source;
        this.inode = inode;
        this.findings = findings;
        this.structure = XfsInode.structure(inode.ino) + " data fork";
        ByteBuffer fork = inode.fork();
        if (inode.format == XfsInode.FMT_EXTENTS) {
            if (inode.nextents > fork.capacity() / XfsExtent.SIZE) {
                throw new DiskException(ErrorKind.CORRUPT, structure, inode.forkByteOffset(), inode.nextents
                        + " extents do not fit in the " + fork.capacity() + "-byte data fork");
            }
            inlineList = fork;
            inlineCount = (int) inode.nextents;
        } else if (inode.format == XfsInode.FMT_BTREE) {
            int level = fork.getShort(0) & 0xFFFF;
            int numrecs = fork.getShort(2) & 0xFFFF;
            int maxrecs = (fork.capacity() - 4) / 16;
            String s = XfsInode.structure(inode.ino) + " bmbt root";
            if (level < 1 || level >= MAX_LEVELS) {
                throw new DiskException(ErrorKind.CORRUPT, s, inode.forkByteOffset(), "B+tree root level " + level
                        + " is outside 1.." + (MAX_LEVELS - 1));
            }
            if (numrecs < 1 || numrecs > maxrecs) {
                throw new DiskException(ErrorKind.CORRUPT, s, inode.forkByteOffset() + 2, "root holds " + numrecs
                        + " pointers, room for 1.." + maxrecs);
            }
            stack.push(new Frame(fork, inode.forkByteOffset(), level, numrecs, 4 + 8 * maxrecs, new int[1]));
        } else {
            inlineCount = 0;
        }
    }

    /** The next extent in logical order, or empty at the end of the fork. */
    Optional<XfsExtent> next() throws IOException {
        if (inlineList != null) {
            if (inlineIndex >= inlineCount) {
                return Optional.empty();
            }
            int at = inlineIndex++ * XfsExtent.SIZE;
            return Optional.of(check(XfsExtent.decode(inlineList.getLong(at), inlineList.getLong(at + 8)),
                    inode.forkByteOffset() + at));
        }
        while (!stack.isEmpty()) {
            Frame f = stack.peek();
            int i = f.index[0];
            if (i >= f.numrecs) {
                stack.pop();
                continue;
            }
            f.index[0]++;
            if (f.level == 0) {
                int at = headerSize() + i * XfsExtent.SIZE;
                return Optional.of(check(XfsExtent.decode(f.block.getLong(at), f.block.getLong(at + 8)),
                        f.blockOffset + at));
            }
            long ptr = f.block.getLong(f.ptrBase + i * 8);
            stack.push(readBlock(ptr, f.level - 1, f.blockOffset + f.ptrBase + i * 8L));
        }
        return Optional.empty();
    }

    private int headerSize() {
        return sb.isV5() ? 72 : 24;
    }

    private Frame readBlock(long fsbno, int level, long ptrAt) throws IOException {
        String s = XfsInode.structure(inode.ino) + " bmbt block";
        long off = sb.fsbToByte(fsbno, 1, s, ptrAt);
        ByteBuffer b = source.readBuffer(off, sb.blockSize(), s).order(ByteOrder.BIG_ENDIAN);
        int magic = b.getInt(0);
        if (magic != (sb.isV5() ? MAGIC_V5 : MAGIC_V4)) {
            throw new DiskException(ErrorKind.CORRUPT, s, off, "bad magic 0x" + Integer.toHexString(magic) + ", expected "
                    + (sb.isV5() ? "BMA3" : "BMAP"));
        }
        int lvl = b.getShort(4) & 0xFFFF;
        if (lvl != level) {
            throw new DiskException(ErrorKind.CORRUPT, s, off + 4, "level " + lvl + " where the parent requires " + level);
        }
        int numrecs = b.getShort(6) & 0xFFFF;
        int maxrecs = (sb.blockSize() - headerSize()) / 16;
        if (numrecs < 1 || numrecs > maxrecs) {
            throw new DiskException(ErrorKind.CORRUPT, s, off + 6, numrecs + " records, room for 1.." + maxrecs);
        }
        if (sb.isV5()) {
            long owner = b.getLong(56);
            if (owner != inode.ino) {
                throw new DiskException(ErrorKind.CORRUPT, s, off + 56, "block belongs to inode " + owner + ", not " + inode.ino);
            }
            long blkno = b.getLong(24);
            if (blkno != off / 512) {
                throw new DiskException(ErrorKind.CORRUPT, s, off + 24, "block records its address as sector " + blkno
                        + ", but lies at sector " + off / 512);
            }
            if (!XfsChecksum.verify(b.array(), sb.blockSize(), 64)) {
                findings.accept(new Finding("xfs.crc-mismatch", off,
                        "bmbt block of inode " + inode.ino + " fails its CRC32c check"));
            }
        }
        int ptrBase = headerSize() + 8 * maxrecs;
        return new Frame(b, off, level, numrecs, ptrBase, new int[1]);
    }

    private XfsExtent check(XfsExtent e, long at) throws DiskException {
        if (e.count() == 0) {
            throw new DiskException(ErrorKind.CORRUPT, structure, at, "extent of zero blocks");
        }
        if (e.startOff() < nextMinOff) {
            throw new DiskException(ErrorKind.CORRUPT, structure, at, "extent at logical block " + e.startOff()
                    + " overlaps or precedes the previous one (ending at " + nextMinOff + "): corrupt or looping extent map");
        }
        if (e.endOff() > MAX_FILE_BLOCKS || e.endOff() > Long.MAX_VALUE / sb.blockSize()) {
            throw new DiskException(ErrorKind.CORRUPT, structure, at, "extent ends at logical block " + e.endOff() + ", beyond any file");
        }
        if (++produced > inode.nextents && inode.format == XfsInode.FMT_BTREE) {
            throw new DiskException(ErrorKind.CORRUPT, structure, at, "B+tree holds more extents than the " + inode.nextents
                    + " the inode records");
        }
        sb.fsbToByte(e.startBlock(), e.count(), structure, at);
        nextMinOff = e.endOff();
        return e;
    }
}
