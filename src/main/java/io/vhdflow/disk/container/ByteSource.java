package io.vhdflow.disk.container;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A positional, thread-safe, read-only view of bytes: a file, a virtual disk presented as flat
 * bytes, a partition, a logical volume. Every layer of the disk reader reads through this, so a
 * partition of a dynamic VHD and a file on a raw image look the same to a filesystem parser.
 *
 * <p>Implementations must be safe for concurrent {@link #read} calls (no shared position).
 */
public interface ByteSource extends Closeable {

    /** Size in bytes. Reads at or beyond it return -1. */
    long size();

    /**
     * Reads up to {@code dst.remaining()} bytes starting at {@code offset} into {@code dst}.
     *
     * @return the number of bytes read, or -1 when {@code offset >= size()}
     */
    int read(long offset, ByteBuffer dst) throws IOException;

    /**
     * The bounds check every {@link #read} starts with, in one place: how many of {@code wanted}
     * bytes a read at {@code offset} may return from a source of {@code size} bytes.
     *
     * @return {@code min(wanted, size - offset)}, or -1 when {@code offset >= size}
     * @throws IllegalArgumentException when {@code offset} is negative
     */
    static int readableLength(long offset, int wanted, long size) {
        if (offset < 0) {
            throw new IllegalArgumentException("negative offset " + offset);
        }
        if (offset >= size) {
            return -1;
        }
        return (int) Math.min(wanted, size - offset);
    }

    /** A short human-readable name used in errors and evidence, e.g. {@code "gpt:p2"}. */
    String describe();

    /**
     * Fills {@code dst} completely from {@code offset}.
     *
     * @throws DiskException naming {@code structure} when the source ends first
     */
    default void readFully(long offset, ByteBuffer dst, String structure) throws IOException {
        if (offset < 0 || offset > size() || dst.remaining() > size() - offset) {
            throw new DiskException(ErrorKind.TRUNCATED, structure, offset,
                    dst.remaining() + " bytes needed but " + describe() + " is only " + size() + " bytes long");
        }
        long pos = offset;
        while (dst.hasRemaining()) {
            int n = read(pos, dst);
            if (n < 0) {
                throw new DiskException(ErrorKind.TRUNCATED, structure, pos, "unexpected end of " + describe());
            }
            pos += n;
        }
    }

    /**
     * Reads {@code length} bytes at {@code offset} into a new little-endian buffer, bounds-checked.
     * The length is capped by the caller's knowledge of the structure; this refuses anything that
     * does not fit in the source, so a hostile length never allocates more than the source holds.
     */
    default ByteBuffer readBuffer(long offset, int length, String structure) throws IOException {
        if (length < 0 || offset < 0 || offset > size() || length > size() - offset) {
            throw new DiskException(ErrorKind.TRUNCATED, structure, offset,
                    "needs " + length + " bytes, beyond the end of " + describe() + " (" + size() + " bytes)");
        }
        ByteBuffer buf = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        readFully(offset, buf, structure);
        return buf.flip();
    }

    /** Same as {@link #readBuffer} but returns the bytes as an array. */
    default byte[] readBytes(long offset, int length, String structure) throws IOException {
        ByteBuffer b = readBuffer(offset, length, structure);
        byte[] out = new byte[length];
        b.get(out);
        return out;
    }

    /**
     * A view of {@code length} bytes starting at {@code offset}. Closing the slice does not close
     * this source.
     */
    default ByteSource slice(long offset, long length, String name) throws DiskException {
        return new SliceByteSource(this, offset, length, name);
    }

    @Override
    default void close() throws IOException {
    }
}
