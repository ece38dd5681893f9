package io.vhdflow.disk.fs.xfs;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.Finding;
import io.vhdflow.disk.container.ByteSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Walks the extents of an inode's data fork in logical order, lazily, whether the fork holds the
 * extent list itself or the root of a block-map B+tree ({@link XfsBmbtBlock}). A file with
 * millions of extents is streamed without holding them all. For reading a file at a position,
 * {@link XfsExtentMap} finds the extent holding a block without walking the ones before it.
 *
 * <p>Hostile trees cannot loop: every child must be exactly one level below its parent, depth is
 * capped, and extents must come out in strictly increasing, non-overlapping logical order, so a
 * block reached twice is detected the moment it repeats an extent.
 */
final class XfsBmap {
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

    /** One B+tree block being walked and where we are in it. */
    private record Frame(XfsBmbtBlock block, int[] index) {
    }

    XfsBmap(XfsSuperblock sb, ByteSource source, XfsInode inode, Consumer<Finding> findings)
            throws DiskException {
        this.sb = sb;
        this.source = source;
        this.inode = inode;
        this.findings = findings;
        this.structure = XfsInode.structure(inode.ino) + " data fork";
        if (inode.format == XfsInode.FMT_EXTENTS) {
            inlineList = inlineExtents(inode);
            inlineCount = (int) inode.nextents;
        } else if (inode.format == XfsInode.FMT_BTREE) {
            stack.push(new Frame(XfsBmbtBlock.root(inode), new int[1]));
        } else {
            inlineCount = 0;
        }
    }

    /** The data fork of an extent-format inode, refusing an extent count it cannot hold. */
    static ByteBuffer inlineExtents(XfsInode inode) throws DiskException {
        ByteBuffer fork = inode.fork();
        if (inode.nextents > fork.capacity() / XfsExtent.SIZE) {
            throw new DiskException(ErrorKind.CORRUPT, XfsInode.structure(inode.ino) + " data fork", inode.forkByteOffset(),
                    inode.nextents + " extents do not fit in the " + fork.capacity() + "-byte data fork");
        }
        return fork;
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
            if (i >= f.block.numrecs()) {
                stack.pop();
                continue;
            }
            f.index[0]++;
            if (f.block.level() == 0) {
                return Optional.of(check(f.block.record(i), f.block.recordAt(i)));
            }
            stack.push(new Frame(f.block.child(i, sb, source, inode, findings), new int[1]));
        }
        return Optional.empty();
    }

    private XfsExtent check(XfsExtent e, long at) throws DiskException {
        e.checkAfter(nextMinOff, sb, structure, at);
        if (++produced > inode.nextents && inode.format == XfsInode.FMT_BTREE) {
            throw new DiskException(ErrorKind.CORRUPT, structure, at, "B+tree holds more extents than the " + inode.nextents
                    + " the inode records");
        }
        sb.fsbToByte(e.startBlock(), e.count(), structure, at);
        nextMinOff = e.endOff();
        return e;
    }
}
