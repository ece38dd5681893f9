package io.vhdflow.disk.fs.xfs;

import io.vhdflow.disk.container.ByteSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Test decorator over a real image: overlays patched bytes (hostile-input tests, without copying
 * the image) and counts bytes read (to show that opening reads only what it needs).
 */
final class PatchedByteSource implements ByteSource {
    private final ByteSource base;
    private final TreeMap<Long, Byte> patches = new TreeMap<>();
    private final AtomicLong bytesRead = new AtomicLong();
    private final AtomicLong reads = new AtomicLong();

    PatchedByteSource(ByteSource base) {
        this.base = base;
    }

    PatchedByteSource put(long offset, byte... bytes) {
        for (int i = 0; i < bytes.length; i++) {
            patches.put(offset + i, bytes[i]);
        }
        return this;
    }

    PatchedByteSource putInt(long offset, int v) {
        return put(offset, (byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v);
    }

    PatchedByteSource putShort(long offset, int v) {
        return put(offset, (byte) (v >>> 8), (byte) v);
    }

    PatchedByteSource putLong(long offset, long v) {
        putInt(offset, (int) (v >>> 32));
        return putInt(offset + 4, (int) v);
    }

    long bytesRead() {
        return bytesRead.get();
    }

    long reads() {
        return reads.get();
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
            bytesRead.addAndGet(n);
            reads.incrementAndGet();
            for (Map.Entry<Long, Byte> p : patches.subMap(offset, offset + n).entrySet()) {
                dst.put(start + (int) (p.getKey() - offset), p.getValue());
            }
        }
        return n;
    }

    @Override
    public String describe() {
        return "patched " + base.describe();
    }
}
