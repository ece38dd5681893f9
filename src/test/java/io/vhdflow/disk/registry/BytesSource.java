package io.vhdflow.disk.registry;

import io.vhdflow.disk.container.ByteSource;

import java.nio.ByteBuffer;

/** An in-memory {@link ByteSource}, for tests that damage hives byte by byte. */
final class BytesSource implements ByteSource {
    private final byte[] data;
    private final String name;

    BytesSource(byte[] data, String name) {
        this.data = data;
        this.name = name;
    }

    @Override
    public long size() {
        return data.length;
    }

    @Override
    public int read(long offset, ByteBuffer dst) {
        if (offset >= data.length) {
            return -1;
        }
        int n = (int) Math.min(dst.remaining(), data.length - offset);
        dst.put(data, (int) offset, n);
        return n;
    }

    @Override
    public String describe() {
        return name;
    }
}
