package io.vhdflow.disk.fs.xfs;

import io.vhdflow.disk.container.ByteSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;

/**
 * A regular file's bytes read through its extents: holes and unwritten extents read as zeros, and
 * only the current extent is held, so memory stays flat in file size.
 *
 * <p>The extent map is walked forward ({@link XfsBmap} checks the extents in order as it goes); a
 * read before the current extent starts the walk again. Reads are serialised because the walk has
 * a position.
 */
final class XfsFileSource implements ByteSource {
    private final XfsFilesystem fs;
    private final XfsSuperblock sb;
    private final ByteSource source;
    private final XfsInode inode;
    private final String path;
    private final long blockSize;
    private XfsBmap map;
    private XfsExtent current;
    private boolean mapDone;

    XfsFileSource(XfsFilesystem fs, XfsSuperblock sb, ByteSource source, XfsInode inode, String path) {
        this.fs = fs;
        this.sb = sb;
        this.source = source;
        this.inode = inode;
        this.path = path;
        this.blockSize = sb.blockSize();
    }

    @Override
    public long size() {
        return inode.size;
    }

    @Override
    public String describe() {
        return "xfs:" + path;
    }

    @Override
    public synchronized int read(long pos, ByteBuffer dst) throws IOException {
        int len = ByteSource.readableLength(pos, dst.remaining(), inode.size);
        if (len <= 0) {
            return len;
        }
        long blk = pos / blockSize;
        if (map == null || (current != null && blk < current.startOff()) || (current == null && mapDone)) {
            map = fs.blockMap(inode);
            current = null;
            mapDone = false;
        }
        while (!mapDone && (current == null || current.endOff() <= blk)) {
            Optional<XfsExtent> e = map.next();
            if (e.isEmpty()) {
                mapDone = true;
                current = null;
            } else {
                current = e.get();
            }
        }
        int n;
        if (current == null || blk < current.startOff()) {
            // A hole, up to the next extent or the end of the file.
            long holeEnd = current == null ? inode.size : Math.min(inode.size, current.startOff() * blockSize);
            n = (int) Math.min(len, holeEnd - pos);
            zero(dst, n);
        } else {
            long extentEnd = current.endOff() * blockSize;
            n = (int) Math.min(len, extentEnd - pos);
            if (current.unwritten()) {
                zero(dst, n);
            } else {
                long phys = sb.fsbToByte(current.startBlock(), current.count(), "xfs file extent", -1)
                        + (pos - current.startOff() * blockSize);
                source.readFully(phys, dst.slice(dst.position(), n), XfsInode.structure(inode.ino) + " data");
            }
        }
        dst.position(dst.position() + n);
        return n;
    }

    private static void zero(ByteBuffer dst, int n) {
        if (dst.hasArray()) {
            int from = dst.arrayOffset() + dst.position();
            Arrays.fill(dst.array(), from, from + n, (byte) 0);
        } else {
            dst.slice(dst.position(), n).put(new byte[n]);
        }
    }
}
