package io.vhdflow.disk.volume;

import io.vhdflow.disk.container.ByteSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.TreeMap;

/** A source with some bytes replaced, for mutating large fixture images without copying them. */
public final class PatchedByteSource implements ByteSource {
    private final ByteSource base;
    private final TreeMap<Long, Byte> patches;

    public PatchedByteSource(ByteSource base, Map<Long, Byte> patches) {
        this.base = base;
        this.patches = new TreeMap<>(patches);
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
            for (Map.Entry<Long, Byte> p : patches.subMap(offset, offset + n).entrySet()) {
                dst.put(start + (int) (p.getKey() - offset), p.getValue());
            }
        }
        return n;
    }

    @Override
    public String describe() {
        return base.describe() + "(mutated)";
    }
}
