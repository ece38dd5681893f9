package io.vhdflow.disk.fs.ext4;

import io.vhdflow.disk.container.ByteSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A fixture image with some bytes overridden, so a test can corrupt structures without copying
 * the image; optionally records the (offset, length) of every read so tests can find the metadata.
 */
final class PatchedByteSource implements ByteSource {
    private final ByteSource base;
    private final TreeMap<Long, Byte> patches = new TreeMap<>();
    private final List<long[]> reads = new ArrayList<>();
    private boolean recording;

    PatchedByteSource(ByteSource base) {
        this.base = base;
    }

    PatchedByteSource put(long offset, int value) {
        patches.put(offset, (byte) value);
        return this;
    }

    PatchedByteSource putLe(long offset, long value, int bytes) {
        for (int i = 0; i < bytes; i++) {
            put(offset + i, (int) (value >>> (8 * i)));
        }
        return this;
    }

    PatchedByteSource xor(long offset, int mask) throws IOException {
        byte b = patches.containsKey(offset) ? patches.get(offset) : readOne(offset);
        return put(offset, (b ^ mask) & 0xFF);
    }

    byte readOne(long offset) throws IOException {
        return base.readBytes(offset, 1, "test")[0];
    }

    PatchedByteSource recording(boolean on) {
        recording = on;
        return this;
    }

    synchronized List<long[]> reads() {
        return List.copyOf(reads);
    }

    @Override
    public long size() {
        return base.size();
    }

    @Override
    public int read(long offset, ByteBuffer dst) throws IOException {
        int start = dst.position();
        int n = base.read(offset, dst);
        if (n <= 0) {
            return n;
        }
        if (recording) {
            synchronized (this) {
                reads.add(new long[] {offset, n});
            }
        }
        for (Map.Entry<Long, Byte> p : patches.subMap(offset, offset + n).entrySet()) {
            dst.put(start + (int) (p.getKey() - offset), p.getValue());
        }
        return n;
    }

    @Override
    public String describe() {
        return "patched " + base.describe();
    }
}
