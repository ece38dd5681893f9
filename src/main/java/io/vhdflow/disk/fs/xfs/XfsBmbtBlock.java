package io.vhdflow.disk.fs.xfs;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.Finding;
import io.vhdflow.disk.container.ByteSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Consumer;

/**
 * One node of an inode's block-map B+tree, checked as it is read: the root in the inode's data
 * fork ({@code xfs_bmdr_block}) or a {@code BMAP}/{@code BMA3} block below it. Both the forward
 * walk ({@link XfsBmap}) and the lookup by file block ({@link XfsExtentMap}) read nodes only here.
 *
 * <p>B+tree block layout ({@code struct xfs_btree_block}, long form, big-endian):
 * <pre>
 *   0 4 bb_magic     "BMAP" (v4) / "BMA3" (v5)
 *   4 2 bb_level     0 = leaf
 *   6 2 bb_numrecs
 *   8 8 bb_leftsib  16 8 bb_rightsib
 * v5: 24 8 bb_blkno (512-byte units)  32 8 bb_lsn  40 16 bb_uuid  56 8 bb_owner  64 4 bb_crc  68 4 pad
 * header 24 (v4) / 72 (v5) bytes; leaves: records of 16 bytes; nodes: maxrecs keys of 8 bytes
 * (the first logical block of the child, {@code br_startoff}) then maxrecs pointers of 8 bytes,
 * maxrecs = (blocksize - header) / 16.
 * </pre>
 * In-inode root ({@code xfs_bmdr_block}): 0 2 level, 2 2 numrecs, keys from 4, pointers from
 * 4 + 8 * maxrecs with maxrecs = (fork size - 4) / 16.
 *
 * <p>Every child must be exactly one level below its parent and the root's level is capped, so no
 * path through a hostile tree is longer than {@link #MAX_LEVELS} blocks.
 */
final class XfsBmbtBlock {
    /** XFS itself never builds a block-map tree deeper than 9 levels for 64-bit extent counts. */
    static final int MAX_LEVELS = 10;
    private static final int MAGIC_V4 = 0x424D4150; // "BMAP"
    private static final int MAGIC_V5 = 0x424D4133; // "BMA3"

    private final ByteBuffer bytes;
    private final long offset;
    private final String structure;
    private final int level;
    private final int numrecs;
    /** Where keys (node) or records (leaf) start. */
    private final int entryBase;
    private final int ptrBase;

    private XfsBmbtBlock(ByteBuffer bytes, long offset, String structure, int level, int numrecs, int entryBase,
                         int ptrBase) {
        this.bytes = bytes;
        this.offset = offset;
        this.structure = structure;
        this.level = level;
        this.numrecs = numrecs;
        this.entryBase = entryBase;
        this.ptrBase = ptrBase;
    }

    /** The root held in {@code inode}'s data fork, which must be in B+tree format. */
    static XfsBmbtBlock root(XfsInode inode) throws DiskException {
        ByteBuffer fork = inode.fork();
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
        return new XfsBmbtBlock(fork, inode.forkByteOffset(), s, level, numrecs, 4, 4 + 8 * maxrecs);
    }

    /**
     * Child {@code i} of this node, read from {@code source} and checked: magic, level one below
     * this one, record count, and on v5 the owner, the self-address and the CRC (a mismatch is a
     * finding, not a failure).
     */
    XfsBmbtBlock child(int i, XfsSuperblock sb, ByteSource source, XfsInode inode, Consumer<Finding> findings)
            throws IOException {
        int expected = level - 1;
        String s = XfsInode.structure(inode.ino) + " bmbt block";
        long off = sb.fsbToByte(pointer(i), 1, s, pointerAt(i));
        ByteBuffer b = source.readBuffer(off, sb.blockSize(), s).order(ByteOrder.BIG_ENDIAN);
        int magic = b.getInt(0);
        if (magic != (sb.isV5() ? MAGIC_V5 : MAGIC_V4)) {
            throw new DiskException(ErrorKind.CORRUPT, s, off, "bad magic 0x" + Integer.toHexString(magic) + ", expected "
                    + (sb.isV5() ? "BMA3" : "BMAP"));
        }
        int lvl = b.getShort(4) & 0xFFFF;
        if (lvl != expected) {
            throw new DiskException(ErrorKind.CORRUPT, s, off + 4, "level " + lvl + " where the parent requires " + expected);
        }
        int n = b.getShort(6) & 0xFFFF;
        int header = headerSize(sb);
        int maxrecs = (sb.blockSize() - header) / 16;
        if (n < 1 || n > maxrecs) {
            throw new DiskException(ErrorKind.CORRUPT, s, off + 6, n + " records, room for 1.." + maxrecs);
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
                XfsFindings.damaged(findings, new Finding("xfs.crc-mismatch", off,
                        "bmbt block of inode " + inode.ino + " fails its CRC32c check"), s);
            }
        }
        return new XfsBmbtBlock(b, off, s, expected, n, header, header + 8 * maxrecs);
    }

    private static int headerSize(XfsSuperblock sb) {
        return sb.isV5() ? 72 : 24;
    }

    /** 0 for a leaf. */
    int level() {
        return level;
    }

    /** Records in a leaf, keys and pointers in a node. */
    int numrecs() {
        return numrecs;
    }

    /** How errors name this node: {@code xfs inode 131 bmbt root} or {@code ... bmbt block}. */
    String structure() {
        return structure;
    }

    /** Node key {@code i}: the first logical block of child {@code i}. */
    long key(int i) {
        return bytes.getLong(entryBase + 8 * i);
    }

    /** Absolute byte offset of key {@code i}. */
    long keyAt(int i) {
        return offset + entryBase + 8L * i;
    }

    private long pointer(int i) {
        return bytes.getLong(ptrBase + 8 * i);
    }

    private long pointerAt(int i) {
        return offset + ptrBase + 8L * i;
    }

    /** Leaf record {@code i}, decoded but not checked. */
    XfsExtent record(int i) {
        int at = entryBase + i * XfsExtent.SIZE;
        return XfsExtent.decode(bytes.getLong(at), bytes.getLong(at + 8));
    }

    /** Absolute byte offset of leaf record {@code i}. */
    long recordAt(int i) {
        return offset + entryBase + (long) i * XfsExtent.SIZE;
    }
}
