package io.vhdflow.disk.fs;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.container.ByteSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * An {@link InputStream} over a file's content as every filesystem gives it, a positional
 * {@link ByteSource}: the stream keeps only the position, and each read asks the source for the
 * bytes there. So {@code skip} moves the position without reading what it passes over, and a
 * stream costs no more memory than the caller's buffer.
 *
 * <p>A source that ends before its stated size is a {@link DiskException} ({@code TRUNCATED}), not
 * a silently short stream.
 */
public final class PositionalInputStream extends InputStream {
    private final ByteSource source;
    private final long size;
    private long pos;

    private PositionalInputStream(ByteSource source) {
        this.source = source;
        this.size = source.size();
    }

    /** A stream over the whole of {@code source}, from its first byte. */
    public static PositionalInputStream of(ByteSource source) {
        return new PositionalInputStream(source);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n <= 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        if (pos >= size) {
            return -1;
        }
        int n = source.read(pos, ByteBuffer.wrap(b, off, (int) Math.min(len, size - pos)));
        if (n <= 0) {
            throw new DiskException(ErrorKind.TRUNCATED, source.describe(), pos,
                    "content ends at byte " + pos + " before its stated size " + size);
        }
        pos += n;
        return n;
    }

    @Override
    public long skip(long n) {
        long k = Math.max(0, Math.min(n, size - pos));
        pos += k;
        return k;
    }

    @Override
    public int available() {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(0, size - pos));
    }
}
