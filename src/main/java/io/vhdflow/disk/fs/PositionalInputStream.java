package io.vhdflow.disk.fs;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * An {@link InputStream} over a file whose bytes can be read at any position: the stream keeps
 * only the position, and each read asks {@link #readAt} for the bytes there.
 *
 * <p>Why it exists: every filesystem's file-content stream needs the same {@code InputStream}
 * plumbing (argument checks, end of file, the one-byte read, a {@code skip} that just moves the
 * position, {@code available}), and it was repeated in each of them. Here it is written once, and
 * a filesystem supplies only what is its own in {@link #readAt}: how a position maps to extents,
 * runs or holes, and which structure an error names.
 *
 * <p>Only for contents where a read depends on nothing but the position: {@code skip} moves the
 * position without reading the bytes passed over.
 */
public abstract class PositionalInputStream extends InputStream {
    private final long size;
    private long pos;

    /** A stream over the whole of {@code source}. */
    public static PositionalInputStream of(io.vhdflow.disk.container.ByteSource source) {
        return new PositionalInputStream(source.size()) {
            @Override
            protected int readAt(long pos, byte[] b, int off, int len) throws IOException {
                int n = source.read(pos, java.nio.ByteBuffer.wrap(b, off, len));
                if (n <= 0) {
                    throw new io.vhdflow.disk.DiskException(io.vhdflow.disk.ErrorKind.TRUNCATED, source.describe(), pos,
                            "content ends at byte " + pos + " before its stated size " + source.size());
                }
                return n;
            }
        };
    }

    /** @param size the file's length in bytes; reads at or past it return -1 */
    protected PositionalInputStream(long size) {
        this.size = size;
    }

    /**
     * Reads up to {@code len} bytes of the file at {@code pos} into {@code b[off, off+len)}.
     * Called only with {@code 0 <= pos < size} and {@code 1 <= len <= size - pos}.
     *
     * @return the number of bytes read, at least one unless the content ends early
     */
    protected abstract int readAt(long pos, byte[] b, int off, int len) throws IOException;

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
        int n = readAt(pos, b, off, (int) Math.min(len, size - pos));
        if (n > 0) {
            pos += n;
        }
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
