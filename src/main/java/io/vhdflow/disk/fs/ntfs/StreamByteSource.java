package io.vhdflow.disk.fs.ntfs;

import io.vhdflow.disk.container.ByteSource;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A file's unnamed data stream as a positional {@link ByteSource}, so that parsers needing random
 * access (registry hives, nested images) read it in place instead of copying it into memory.
 * Safe for concurrent reads like the stream it wraps.
 */
final class StreamByteSource implements ByteSource {
    private final StreamData data;
    private final String name;

    StreamByteSource(StreamData data, String name) {
        this.data = data;
        this.name = name;
    }

    @Override
    public long size() {
        return data.size();
    }

    @Override
    public int read(long offset, ByteBuffer dst) throws IOException {
        int want = ByteSource.readableLength(offset, dst.remaining(), data.size());
        if (want <= 0) {
            return want;
        }
        if (dst.hasArray()) {
            int n = data.read(offset, dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
            if (n > 0) {
                dst.position(dst.position() + n);
            }
            return n;
        }
        byte[] tmp = new byte[Math.min(dst.remaining(), 1 << 16)];
        int n = data.read(offset, tmp, 0, tmp.length);
        if (n > 0) {
            dst.put(tmp, 0, n);
        }
        return n;
    }

    @Override
    public String describe() {
        return name;
    }
}
