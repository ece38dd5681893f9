package io.vhdflow.disk.fs.xfs;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.Finding;
import io.vhdflow.disk.container.ByteSource;
import io.vhdflow.disk.fs.BlockMappedSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.IntToLongFunction;

/**
 * Finds what a file block of an inode maps to, at any position and in any order: an extent-format
 * fork's list is binary-searched; a B+tree fork is descended from its root by key, one block per
 * level ({@link XfsBmbtBlock}, at most {@link XfsBmbtBlock#MAX_LEVELS}), to the leaf whose key
 * range holds the block. The last leaf is kept, so sequential reads descend once per leaf.
 *
 * <p>The checks of the forward walk ({@link XfsBmap}) apply to every leaf used, with the key
 * ranges standing in for the extents before and after it: a node's keys must increase and lie in
 * the range its parent gives it, a leaf's extents must be non-empty, in order, inside that range
 * and inside the filesystem, and a leaf may not hold more extents than the inode records. A leaf
 * reached through the wrong key (a tree that loops back) is refused by its range.
 *
 * <p>Safe for concurrent use: the cached leaf is immutable and replaced whole.
 */
final class XfsExtentMap implements BlockMappedSource.Mapping {

    /** The checked extents of one leaf (or of the whole in-inode list) and the file blocks [lo, hi) it answers for. */
    private record Leaf(long lo, long hi, XfsExtent[] extents) {
        boolean covers(long blk) {
            return blk >= lo && blk < hi;
        }
    }

    private final XfsSuperblock sb;
    private final ByteSource source;
    private final XfsInode inode;
    private final Consumer<Finding> findings;
    private final String structure;
    private volatile Leaf last;

    XfsExtentMap(XfsSuperblock sb, ByteSource source, XfsInode inode, Consumer<Finding> findings) {
        this.sb = sb;
        this.source = source;
        this.inode = inode;
        this.findings = findings;
        this.structure = XfsInode.structure(inode.ino) + " data fork";
    }

    /** The extent holding file block {@code blk}, or the hole around it (unwritten extents read as holes). */
    @Override
    public BlockMappedSource.Run find(long blk) throws IOException {
        Leaf leaf = last;
        if (leaf == null || !leaf.covers(blk)) {
            leaf = load(blk);
            last = leaf;
        }
        XfsExtent[] x = leaf.extents;
        // the last extent starting at or before blk
        int lo = 0;
        int hi = x.length - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (x[mid].startOff() <= blk) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        if (found >= 0 && blk < x[found].endOff()) {
            XfsExtent e = x[found];
            return e.unwritten() ? BlockMappedSource.Run.hole(e.startOff(), e.endOff())
                    : new BlockMappedSource.Run(e.startOff(), e.endOff(),
                    sb.fsbToByte(e.startBlock(), e.count(), "xfs file extent", -1));
        }
        return BlockMappedSource.Run.hole(found >= 0 ? x[found].endOff() : leaf.lo,
                found + 1 < x.length ? x[found + 1].startOff() : leaf.hi);
    }

    private Leaf load(long blk) throws IOException {
        if (inode.format == XfsInode.FMT_EXTENTS) {
            ByteBuffer list = XfsBmap.inlineExtents(inode);
            return leaf(i -> XfsExtent.decode(list.getLong(i * XfsExtent.SIZE), list.getLong(i * XfsExtent.SIZE + 8)),
                    i -> inode.forkByteOffset() + (long) i * XfsExtent.SIZE, (int) inode.nextents, 0, Long.MAX_VALUE);
        }
        if (inode.format != XfsInode.FMT_BTREE) {
            return new Leaf(0, Long.MAX_VALUE, new XfsExtent[0]);
        }
        XfsBmbtBlock node = XfsBmbtBlock.root(inode);
        long lo = 0;
        long hi = Long.MAX_VALUE;
        while (node.level() > 0) {
            checkKeys(node, lo, hi);
            int i = 0;
            while (i + 1 < node.numrecs() && node.key(i + 1) <= blk) {
                i++;
            }
            // Child i answers for [key i, key i+1); the first child also for what lies below key 0.
            long childLo = i == 0 ? lo : node.key(i);
            long childHi = i + 1 < node.numrecs() ? node.key(i + 1) : hi;
            node = node.child(i, sb, source, inode, findings);
            lo = childLo;
            hi = childHi;
        }
        if (node.numrecs() > inode.nextents) {
            throw new DiskException(ErrorKind.CORRUPT, structure, node.recordAt((int) inode.nextents), "B+tree holds more "
                    + "extents than the " + inode.nextents + " the inode records");
        }
        return leaf(node::record, node::recordAt, node.numrecs(), lo, hi);
    }

    /** A node's keys must increase strictly and lie in [lo, hi), the range its parent gives it. */
    private static void checkKeys(XfsBmbtBlock node, long lo, long hi) throws DiskException {
        long prev = lo - 1;
        for (int i = 0; i < node.numrecs(); i++) {
            long k = node.key(i);
            if (k <= prev || k < lo || k >= hi) {
                throw new DiskException(ErrorKind.CORRUPT, node.structure(), node.keyAt(i), "key " + i + " (logical block "
                        + k + ") is out of order or outside the range " + lo + ".." + hi
                        + " its parent gives it: corrupt or looping extent map");
            }
            prev = k;
        }
    }

    /** Checks the {@code count} records of a leaf (or the in-inode list) as the extents of file blocks [lo, hi). */
    private Leaf leaf(IntFunction<XfsExtent> record, IntToLongFunction recordAt, int count, long lo, long hi)
            throws DiskException {
        XfsExtent[] out = new XfsExtent[count];
        long minOff = lo;
        for (int i = 0; i < count; i++) {
            out[i] = checked(record.apply(i), minOff, hi, recordAt.applyAsLong(i));
            minOff = out[i].endOff();
        }
        return new Leaf(lo, hi, out);
    }

    private XfsExtent checked(XfsExtent e, long minOff, long hi, long at) throws DiskException {
        e.checkAfter(minOff, sb, structure, at);
        if (e.endOff() > hi) {
            throw new DiskException(ErrorKind.CORRUPT, structure, at, "extent at logical block " + e.startOff()
                    + " ends at " + e.endOff() + ", past logical block " + hi
                    + " where the next B+tree key starts: corrupt or looping extent map");
        }
        sb.fsbToByte(e.startBlock(), e.count(), structure, at);
        return e;
    }
}
