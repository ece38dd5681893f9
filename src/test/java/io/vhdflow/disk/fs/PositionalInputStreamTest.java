package io.vhdflow.disk.fs;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PositionalInputStreamTest {

    /** Content byte i is i; each readAt returns at most 3 bytes and records its arguments. */
    private static final class Counting extends PositionalInputStream {
        final List<long[]> calls = new ArrayList<>();

        Counting(long size) {
            super(size);
        }

        @Override
        protected int readAt(long pos, byte[] b, int off, int len) {
            calls.add(new long[] {pos, len});
            int n = Math.min(len, 3);
            for (int i = 0; i < n; i++) {
                b[off + i] = (byte) (pos + i);
            }
            return n;
        }
    }

    @Test
    void readsThroughToTheEndAndNoFurther() throws IOException {
        Counting in = new Counting(7);
        assertArrayEquals(new byte[] {0, 1, 2, 3, 4, 5, 6}, in.readAllBytes());
        assertEquals(-1, in.read());
        assertEquals(-1, in.read(new byte[4], 0, 4));
        for (long[] c : in.calls) {
            assertEquals(true, c[0] >= 0 && c[1] >= 1 && c[0] + c[1] <= 7, "readAt(" + c[0] + ", " + c[1] + ")");
        }
    }

    @Test
    void singleByteReadsSkipAndAvailableFollowThePosition() throws IOException {
        InputStream in = new Counting(10);
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
        Counting in = new Counting(2);
        assertEquals(0, in.read(new byte[1], 0, 0));
        in.skip(2);
        assertEquals(0, in.read(new byte[1], 0, 0));
        assertEquals(0, in.calls.size());
        assertThrows(IndexOutOfBoundsException.class, () -> in.read(new byte[2], 1, 2));
    }
}
