package io.vhdflow.disk.fs.xfs;

import io.vhdflow.disk.container.ByteSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A regular file's bytes read through its extents: holes and unwritten extents read as zeros.
 * Each read maps its position through {@link XfsExtentMap} and reads at most to the end of the
 * extent or hole there, so a read anywhere in the file costs one lookup (a B+tree descent at
 * worst), backwards as cheaply as forwards, and memory stays flat in file size.
 *
 * <p>Safe for concurrent reads: nothing here has a position.
 */
final class XfsFileSource implements ByteSource {
    private final XfsSuperblock sb;
    private final ByteSource source;
    private final XfsInode inode;
    private final XfsExtentMap map;
    private final String path;
    private final long blockSize;

    XfsFileSource(XfsSuperblock sb, ByteSource source, XfsInode inode, XfsExtentMap map, String path) {
        this.sb = sb;
        this.source = source;
        this.inode = inode;
        this.map = map;
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
    public int read(long pos, ByteBuffer dst) throws IOException {
        int len = ByteSource.readableLength(pos, dst.remaining(), inode.size);
        if (len <= 0) {
            return len;
        }
        XfsExtentMap.Mapping m = map.find(pos / blockSize);
        long end = m.end() > Long.MAX_VALUE / blockSize ? Long.MAX_VALUE : m.end() * blockSize;
        int n = (int) Math.min(len, Math.min(inode.size, end) - pos);
        if (m.extent().isEmpty() || m.extent().get().unwritten()) {
            zero(dst, n);
        } else {
            XfsExtent x = m.extent().get();
            long phys = sb.fsbToByte(x.startBlock(), x.count(), "xfs file extent", -1) + (pos - x.startOff() * blockSize);
            source.readFully(phys, dst.slice(dst.position(), n), XfsInode.structure(inode.ino) + " data");
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
