package io.vhdflow.disk.fs.ext4;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Streams a file's content through its block map: each read maps the current position to a run
 * of blocks and reads at most to the run's end, so memory stays flat whatever the file size and
 * holes (and unwritten extents) cost nothing but zero-filling the caller's buffer.
 */
final class Ext4InputStream extends InputStream {
    private final Ext4Filesystem fs;
    private final Inode inode;
    private final BlockMap map;
    private final long size;
    private final int blockSize;
    private long pos;
    private BlockMap.Run run;

    Ext4InputStream(Ext4Filesystem fs, Inode inode, BlockMap map) {
        this.fs = fs;
        this.inode = inode;
        this.map = map;
        this.size = inode.size;
        this.blockSize = fs.blockSize();
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
        if (pos >= size) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        long lblk = pos / blockSize;
        if (run == null || lblk < run.logical() || lblk >= run.logical() + run.length()) {
            run = map.find(lblk);
        }
        long fileBlocks = (size + blockSize - 1) / blockSize;
        long runEnd = Math.min(size, Math.min(run.logical() + run.length(), fileBlocks) * blockSize);
        int n = (int) Math.min(len, runEnd - pos);
        if (run.isHole()) {
            Arrays.fill(b, off, off + n, (byte) 0);
        } else {
            long at = (run.physical() + (lblk - run.logical())) * blockSize + pos % blockSize;
            fs.source().readFully(at, ByteBuffer.wrap(b, off, n), Inode.structure(inode.number) + " data");
        }
        pos += n;
        return n;
    }

    @Override
    public long skip(long n) {
        long k = Math.max(0, Math.min(n, size - pos));
        pos += k;
        return k;
    }
}
