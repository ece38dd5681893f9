package io.vhdflow.disk.fs;

import io.vhdflow.disk.container.ByteSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A file's content read through its block map, for formats that map file blocks to runs of disk
 * bytes (ext4 extent trees and indirect blocks, XFS extent lists and B+trees): each read asks the
 * map for the run holding its first block and reads at most to the run's end. So a read anywhere
 * costs one lookup, backwards as cheaply as forwards; memory stays flat whatever the file size;
 * holes and unwritten extents cost nothing but zero-filling the caller's buffer.
 *
 * <p>The run of the last read is kept, so sequential reads look each run up once. Safe for
 * concurrent reads when the map is: the kept run is immutable and only ever a cache hit or miss.
 */
public final class BlockMappedSource implements ByteSource {

    /**
     * File blocks {@code [start, end)}: stored consecutively from disk byte {@code physical}, or a
     * hole (also an unwritten extent) when {@code physical} is negative.
     */
    public record Run(long start, long end, long physical) {
        public static Run hole(long start, long end) {
            return new Run(start, end, -1);
        }

        boolean isHole() {
            return physical < 0;
        }

        boolean covers(long block) {
            return block >= start && block < end;
        }
    }

    /** A format's block map. */
    public interface Mapping {
        /** The run holding file block {@code block}; it must cover the block. */
        Run find(long block) throws IOException;
    }

    private final ByteSource disk;
    private final long blockSize;
    private final long size;
    private final Mapping map;
    private final String name;
    private final String structure;
    private volatile Run last;

    /**
     * @param disk      where the runs' bytes are
     * @param size      the file's length in bytes
     * @param name      {@link #describe()}, e.g. {@code ext4:/etc/passwd}
     * @param structure what a failed read names, e.g. {@code ext4 inode 12 data}
     */
    public BlockMappedSource(ByteSource disk, int blockSize, long size, Mapping map, String name, String structure) {
        this.disk = disk;
        this.blockSize = blockSize;
        this.size = size;
        this.map = map;
        this.name = name;
        this.structure = structure;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public String describe() {
        return name;
    }

    @Override
    public int read(long pos, ByteBuffer dst) throws IOException {
        int len = ByteSource.readableLength(pos, dst.remaining(), size);
        if (len <= 0) {
            return len;
        }
        long block = pos / blockSize;
        Run run = last;
        if (run == null || !run.covers(block)) {
            run = map.find(block);
            if (!run.covers(block)) {
                throw new IllegalStateException("block map of " + name + " answered " + run + " for block " + block);
            }
            last = run;
        }
        long runEnd = run.end() > Long.MAX_VALUE / blockSize ? Long.MAX_VALUE : run.end() * blockSize;
        int n = (int) Math.min(len, Math.min(size, runEnd) - pos);
        ByteBuffer part = dst.slice(dst.position(), n);
        if (run.isHole()) {
            if (part.hasArray()) {
                int from = part.arrayOffset() + part.position();
                Arrays.fill(part.array(), from, from + n, (byte) 0);
            } else {
                part.put(new byte[n]);
            }
        } else {
            disk.readFully(run.physical() + (pos - run.start() * blockSize), part, structure);
        }
        dst.position(dst.position() + n);
        return n;
    }
}
