package io.vhdflow.disk.container;

import java.nio.ByteBuffer;

/** Bytes already in memory (a small file read out of an image) presented as a {@link ByteSource}. */
public final class ByteArraySource implements ByteSource {
    private final byte[] data;
    private final String name;

    public ByteArraySource(byte[] data, String name) {
        this.data = data;
        this.name = name;
    }

    @Override
    public long size() {
        return data.length;
    }

    @Override
    public int read(long offset, ByteBuffer dst) {
        int n = ByteSource.readableLength(offset, dst.remaining(), data.length);
        if (n < 0) {
            return -1;
        }
        dst.put(data, (int) offset, n);
        return n;
    }

    @Override
    public String describe() {
        return name;
    }
}
