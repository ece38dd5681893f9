package io.vhdflow.disk.fs;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.container.ByteSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PositionalInputStreamTest {

    /** Content byte i is i; each read returns at most 3 bytes and records its arguments. */
    private static final class Counting implements ByteSource {
        final List<long[]> calls = new ArrayList<>();
        final long size;
        final long endsAt;

        /** @param endsAt where the content really ends: reads there return -1, even below {@code size} */
        Counting(long size, long endsAt) {
            this.size = size;
            this.endsAt = endsAt;
        }

        Counting(long size) {
            this(size, size);
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public int read(long pos, ByteBuffer dst) {
            calls.add(new long[] {pos, dst.remaining()});
            if (pos >= endsAt) {
                return -1;
            }
            int n = (int) Math.min(Math.min(dst.remaining(), 3), endsAt - pos);
            for (int i = 0; i < n; i++) {
                dst.put((byte) (pos + i));
            }
            return n;
        }

        @Override
        public String describe() {
            return "counting";
        }
    }

    @Test
    void readsThroughToTheEndAndNoFurther() throws IOException {
        Counting src = new Counting(7);
        InputStream in = PositionalInputStream.of(src);
        assertArrayEquals(new byte[] {0, 1, 2, 3, 4, 5, 6}, in.readAllBytes());
        assertEquals(-1, in.read());
        assertEquals(-1, in.read(new byte[4], 0, 4));
        for (long[] c : src.calls) {
            assertEquals(true, c[0] >= 0 && c[1] >= 1 && c[0] + c[1] <= 7, "read(" + c[0] + ", " + c[1] + ")");
        }
    }

    @Test
    void singleByteReadsSkipAndAvailableFollowThePosition() throws IOException {
        InputStream in = PositionalInputStream.of(new Counting(10));
        assertEquals(10, in.available());
        assertEquals(0, in.read());
        assertEquals(4, in.skip(4));
        assertEquals(5, in.read());
        assertEquals(0, in.skip(-3));
        assertEquals(4, in.skip(100));
        assertEquals(0, in.available());
        assertEquals(0, in.skip(1));
        assertEquals(-1, in.read());
    }

    @Test
    void zeroLengthReadReturnsZeroAndBadRangesAreRefused() throws IOException {
        Counting src = new Counting(2);
        InputStream in = PositionalInputStream.of(src);
        assertEquals(0, in.read(new byte[1], 0, 0));
        in.skip(2);
        assertEquals(0, in.read(new byte[1], 0, 0));
        assertEquals(0, src.calls.size());
        assertThrows(IndexOutOfBoundsException.class, () -> in.read(new byte[2], 1, 2));
    }

    @Test
    void contentEndingBeforeItsSizeIsATruncationNotAShortStream() throws IOException {
        InputStream in = PositionalInputStream.of(new Counting(10, 4));
        assertArrayEquals(new byte[] {0, 1, 2}, in.readNBytes(3));
        assertEquals(3, in.read());
        DiskException e = assertThrows(DiskException.class, in::read);
        assertEquals(ErrorKind.TRUNCATED, e.kind());
        assertEquals(4, e.offset());
    }
}
