package io.vhdflow.disk.fs.xfs;

import io.vhdflow.disk.container.ByteSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;

/**
 * Streams a regular file's bytes by walking its extents lazily: holes and unwritten extents read
 * as zeros, nothing beyond the current extent is held, so memory stays flat in file size.
 */
final class XfsFileInputStream extends InputStream {
    private final XfsSuperblock sb;
    private final ByteSource source;
    private final XfsBmap map;
    private final long size;
    private final long blockSize;
    private long pos;
    private XfsExtent current;
    private boolean mapDone;

    XfsFileInputStream(XfsSuperblock sb, ByteSource source, XfsBmap map, long size) {
        this.sb = sb;
        this.source = source;
        this.map = map;
        this.size = size;
        this.blockSize = sb.blockSize();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        if (pos >= size) {
            return -1;
        }
        long blk = pos / blockSize;
        while (!mapDone && (current == null || current.endOff() <= blk)) {
            Optional<XfsExtent> e = map.next();
            if (e.isEmpty()) {
                mapDone = true;
                current = null;
            } else {
                current = e.get();
            }
        }
        long avail = size - pos;
        int n;
        if (current == null || blk < current.startOff()) {
            // A hole, up to the next extent or the end of the file.
            long holeEnd = current == null ? size : Math.min(size, current.startOff() * blockSize);
            n = (int) Math.min(len, Math.min(avail, holeEnd - pos));
            Arrays.fill(b, off, off + n, (byte) 0);
        } else {
            long extentEnd = current.endOff() * blockSize;
            n = (int) Math.min(len, Math.min(avail, extentEnd - pos));
            if (current.unwritten()) {
                Arrays.fill(b, off, off + n, (byte) 0);
            } else {
                long phys = sb.fsbToByte(current.startBlock(), current.count(), "xfs file extent", -1)
                        + (pos - current.startOff() * blockSize);
                source.readFully(phys, ByteBuffer.wrap(b, off, n), "xfs file data");
            }
        }
        pos += n;
        return n;
    }

    @Override
    public long skip(long n) {
        // The extent walk is driven by the position alone, so skipping is just moving it: the
        // extents passed over are still read in order (and checked) by the next read.
        if (n <= 0) {
            return 0;
        }
        long k = Math.min(n, Math.max(0, size - pos));
        pos += k;
        return k;
    }
}
