package io.vhdflow.disk.fs.ext4;

import io.vhdflow.disk.fs.PositionalInputStream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Streams a file's content through its block map: each read maps the current position to a run
 * of blocks and reads at most to the run's end, so memory stays flat whatever the file size and
 * holes (and unwritten extents) cost nothing but zero-filling the caller's buffer.
 */
final class Ext4InputStream extends PositionalInputStream {
    private final Ext4Filesystem fs;
    private final Inode inode;
    private final BlockMap map;
    private final long size;
    private final int blockSize;
    private BlockMap.Run run;

    Ext4InputStream(Ext4Filesystem fs, Inode inode, BlockMap map) {
        super(inode.size);
        this.fs = fs;
        this.inode = inode;
        this.map = map;
        this.size = inode.size;
        this.blockSize = fs.blockSize();
    }

    @Override
    protected int readAt(long pos, byte[] b, int off, int len) throws IOException {
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
        return n;
    }
}
