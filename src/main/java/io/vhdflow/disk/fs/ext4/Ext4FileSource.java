package io.vhdflow.disk.fs.ext4;

import io.vhdflow.disk.container.ByteSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A file's content read through its block map: each read maps the position to a run of blocks and
 * reads at most to the run's end, so memory stays flat whatever the file size, and holes (and
 * unwritten extents) cost nothing but zero-filling the caller's buffer.
 */
final class Ext4FileSource implements ByteSource {
    private final Ext4Metadata fs;
    private final Inode inode;
    private final BlockMap map;
    private final String path;
    private final int blockSize;
    /** The run of the last read: sequential reads map each run once. Immutable, so a stale one is only a miss. */
    private volatile BlockMap.Run last;

    Ext4FileSource(Ext4Metadata fs, Inode inode, BlockMap map, String path) {
        this.fs = fs;
        this.inode = inode;
        this.map = map;
        this.path = path;
        this.blockSize = fs.blockSize();
    }

    @Override
    public long size() {
        return inode.size;
    }

    @Override
    public int read(long pos, ByteBuffer dst) throws IOException {
        int len = ByteSource.readableLength(pos, dst.remaining(), inode.size);
        if (len <= 0) {
            return len;
        }
        long lblk = pos / blockSize;
        BlockMap.Run run = last;
        if (run == null || lblk < run.logical() || lblk >= run.logical() + run.length()) {
            run = map.find(lblk);
            last = run;
        }
        long fileBlocks = (inode.size + blockSize - 1) / blockSize;
        long runEnd = Math.min(inode.size, Math.min(run.logical() + run.length(), fileBlocks) * blockSize);
        int n = (int) Math.min(len, runEnd - pos);
        ByteBuffer part = dst.slice(dst.position(), n);
        if (run.isHole()) {
            if (part.hasArray()) {
                int from = part.arrayOffset() + part.position();
                Arrays.fill(part.array(), from, from + n, (byte) 0);
            } else {
                part.put(new byte[n]);
            }
        } else {
            long at = (run.physical() + (lblk - run.logical())) * blockSize + pos % blockSize;
            fs.source().readFully(at, part, Inode.structure(inode.number) + " data");
        }
        dst.position(dst.position() + n);
        return n;
    }

    @Override
    public String describe() {
        return "ext4:" + path;
    }
}
