package io.vhdflow.disk.container;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/** Several sources one after another as one (the extents of a VMDK). Thread-safe if the parts are. */
final class ConcatByteSource implements ByteSource {
    private final ByteSource[] parts;
    private final long[] starts;
    private final long size;
    private final String name;

    ConcatByteSource(List<ByteSource> parts, String name) {
        this.parts = parts.toArray(new ByteSource[0]);
        this.starts = new long[this.parts.length];
        long at = 0;
        for (int i = 0; i < this.parts.length; i++) {
            starts[i] = at;
            at += this.parts[i].size();
        }
        this.size = at;
        this.name = name;
    }

    /** Where part {@code i} starts. */
    long start(int i) {
        return starts[i];
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int read(long offset, ByteBuffer dst) throws IOException {
        int total = ByteSource.readableLength(offset, dst.remaining(), size);
        if (total < 0) {
            return -1;
        }
        int i = Arrays.binarySearch(starts, offset);
        if (i < 0) {
            i = -i - 2;
        }
        long pos = offset;
        long end = offset + total;
        while (pos < end) {
            while (i < parts.length - 1 && starts[i + 1] <= pos) {
                i++;
            }
            int n = (int) Math.min(end - pos, starts[i] + parts[i].size() - pos);
            ByteBuffer view = dst.duplicate();
            view.limit(view.position() + n);
            parts[i].readFully(pos - starts[i], view, name);
            dst.position(dst.position() + n);
            pos += n;
        }
        return total;
    }

    @Override
    public String describe() {
        return name;
    }
}
