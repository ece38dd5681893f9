package io.vhdflow.disk.container;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;

import java.io.IOException;
import java.nio.ByteBuffer;

/** A window of another source: a partition, an LVM extent run. Does not own its parent. */
public final class SliceByteSource implements ByteSource {
    private final ByteSource parent;
    private final long start;
    private final long length;
    private final String name;

    public SliceByteSource(ByteSource parent, long start, long length, String name) throws DiskException {
        if (start < 0 || length < 0 || start > parent.size() || length > parent.size() - start) {
            throw new DiskException(ErrorKind.TRUNCATED, name, start, "range of " + length + " bytes lies beyond the end of "
                    + parent.describe() + " (" + parent.size() + " bytes)");
        }
        this.parent = parent;
        this.start = start;
        this.length = length;
        this.name = name;
    }

    @Override
    public long size() {
        return length;
    }

    @Override
    public int read(long offset, ByteBuffer dst) throws IOException {
        int want = ByteSource.readableLength(offset, dst.remaining(), length);
        if (want < 0) {
            return -1;
        }
        ByteBuffer view = dst.duplicate();
        view.limit(view.position() + want);
        int n = parent.read(start + offset, view);
        if (n > 0) {
            dst.position(dst.position() + n);
        }
        return n;
    }

    /** Offset of this slice inside its parent. */
    public long start() {
        return start;
    }

    public ByteSource parent() {
        return parent;
    }

    @Override
    public String describe() {
        return parent.describe() + "/" + name;
    }
}
