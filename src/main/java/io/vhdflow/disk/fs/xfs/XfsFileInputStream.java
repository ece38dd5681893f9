package io.vhdflow.disk.fs.xfs;

import io.vhdflow.disk.container.ByteSource;
import io.vhdflow.disk.fs.PositionalInputStream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;

/**
 * Streams a regular file's bytes by walking its extents lazily: holes and unwritten extents read
 * as zeros, nothing beyond the current extent is held, so memory stays flat in file size.
 *
 * <p>The extent walk is driven by the position alone, so a skip just moves it: the extents
 * passed over are still read in order (and checked) by the next read.
 */
final class XfsFileInputStream extends PositionalInputStream {
    private final XfsSuperblock sb;
    private final ByteSource source;
    private final XfsBmap map;
    private final long size;
    private final long blockSize;
    private XfsExtent current;
    private boolean mapDone;

    XfsFileInputStream(XfsSuperblock sb, ByteSource source, XfsBmap map, long size) {
        super(size);
        this.sb = sb;
        this.source = source;
        this.map = map;
        this.size = size;
        this.blockSize = sb.blockSize();
    }

    @Override
    protected int readAt(long pos, byte[] b, int off, int len) throws IOException {
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
        int n;
        if (current == null || blk < current.startOff()) {
            // A hole, up to the next extent or the end of the file.
            long holeEnd = current == null ? size : Math.min(size, current.startOff() * blockSize);
            n = (int) Math.min(len, holeEnd - pos);
            Arrays.fill(b, off, off + n, (byte) 0);
        } else {
            long extentEnd = current.endOff() * blockSize;
            n = (int) Math.min(len, extentEnd - pos);
            if (current.unwritten()) {
                Arrays.fill(b, off, off + n, (byte) 0);
            } else {
                long phys = sb.fsbToByte(current.startBlock(), current.count(), "xfs file extent", -1)
                        + (pos - current.startOff() * blockSize);
                source.readFully(phys, ByteBuffer.wrap(b, off, n), "xfs file data");
            }
        }
        return n;
    }
}
