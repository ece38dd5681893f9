package io.vhdflow.disk.container;

/**
 * A half-open range of bytes {@code [offset, offset + length)}.
 *
 * @param offset first byte
 * @param length number of bytes, never negative
 */
public record ByteRange(long offset, long length) {

    public ByteRange {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("bad range " + offset + "+" + length);
        }
    }

    /** One past the last byte. */
    public long end() {
        return offset + length;
    }
}
