package io.vhdflow.disk.fs.ntfs;

import java.io.IOException;

/** The bytes of one attribute value (a data stream, an index allocation, an attribute list). */
interface StreamData {

    /** Logical size in bytes. */
    long size();

    /**
     * Reads up to {@code len} bytes at {@code pos}; returns the number read, or -1 at or past the
     * end. Implementations may return fewer bytes than asked (at most one compression unit / run).
     */
    int read(long pos, byte[] b, int off, int len) throws IOException;

    /** Fills {@code b[off, off+len)} from {@code pos}, failing if the stream ends first. */
    default void readFully(long pos, byte[] b, int off, int len, String structure) throws IOException {
        int done = 0;
        while (done < len) {
            int n = read(pos + done, b, off + done, len - done);
            if (n <= 0) {
                throw new io.vhdflow.disk.DiskException(io.vhdflow.disk.ErrorKind.TRUNCATED, structure, -1, "stream ends at " + (pos + done)
                        + " before " + len + " bytes could be read at " + pos);
            }
            done += n;
        }
    }

    /** A resident value. */
    record Resident(byte[] value) implements StreamData {
        @Override
        public long size() {
            return value.length;
        }

        @Override
        public int read(long pos, byte[] b, int off, int len) {
            if (pos >= value.length) {
                return -1;
            }
            int n = (int) Math.min(len, value.length - pos);
            System.arraycopy(value, (int) pos, b, off, n);
            return n;
        }
    }
}
