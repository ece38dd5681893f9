package io.vhdflow.disk.fs.ntfs;

import io.vhdflow.disk.container.ByteSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.TreeMap;

/** A source that reads through to another one with some bytes overwritten: a corrupted image without copying it. */
final class PatchedByteSource implements ByteSource {
    private final ByteSource base;
    private final TreeMap<Long, Byte> patches = new TreeMap<>();

    PatchedByteSource(ByteSource base) {
        this.base = base;
    }

    PatchedByteSource put(long offset, byte... bytes) {
        for (int i = 0; i < bytes.length; i++) {
            patches.put(offset + i, bytes[i]);
        }
        return this;
    }

    PatchedByteSource putLe(long offset, long value, int width) {
        for (int i = 0; i < width; i++) {
            patches.put(offset + i, (byte) (value >>> (8 * i)));
        }
        return this;
    }

    @Override
    public long size() {
        return base.size();
    }

    @Override
    public int read(long offset, ByteBuffer dst) throws IOException {
        int start = dst.position();
        int n = base.read(offset, dst);
        if (n > 0) {
            for (Map.Entry<Long, Byte> e : patches.subMap(offset, offset + n).entrySet()) {
                dst.put(start + (int) (e.getKey() - offset), e.getValue());
            }
        }
        return n;
    }

    @Override
    public String describe() {
        return "patched " + base.describe();
    }
}
