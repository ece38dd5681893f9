package io.vhdflow.disk.fs.btrfs;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * LZO1X streams written by hand from the instruction table in the kernel's lzo.rst (synthetic:
 * the kernel-written streams are read in BtrfsSubvolumeFixtureTest), each damaged way refused.
 */
class Lzo1xTest {
    static final byte[] END = {0x11, 0, 0};

    static byte[] cat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    static String run(byte[] in, int cap) throws Lzo1x.Failure {
        byte[] out = new byte[cap];
        int n = Lzo1x.decompress(in, 0, in.length, out, 0, cap);
        return new String(out, 0, n, StandardCharsets.ISO_8859_1);
    }

    @Test
    void aLiteralRunThenTheEndMarker() throws Lzo1x.Failure {
        assertEquals("hello", run(cat(new byte[] {17 + 5}, "hello".getBytes(StandardCharsets.US_ASCII), END), 100));
    }

    @Test
    void aMatchCopiesOverlappingBytes() throws Lzo1x.Failure {
        // 3 literals (first byte 17 + 3), then a 32..63 match: length 2 + 4 = 6, distance (LE16 >> 2) + 1 = 3.
        byte[] in = cat(new byte[] {20, 'a', 'b', 'c', 36, (byte) (2 << 2), 0}, END);
        assertEquals("abcabcabc", run(in, 100));
    }

    @Test
    void aLongLiteralRunCountsZeroBytes() throws Lzo1x.Failure {
        byte[] lit = new byte[15 + 255 + 5 + 3];
        Arrays.fill(lit, (byte) 'z');
        byte[] in = cat(new byte[] {0, 0, 5}, lit, END);
        assertEquals(lit.length, run(in, 1000).length());
    }

    @Test
    void damagedStreamsAreRefused() {
        byte[] abc = {20, 'a', 'b', 'c'};
        Lzo1x.Failure far = assertThrows(Lzo1x.Failure.class, () -> run(cat(abc, new byte[] {36, (byte) (9 << 2), 0}, END), 100));
        assertTrue(far.getMessage().contains("reaches before the start"), far.getMessage());
        Lzo1x.Failure cut = assertThrows(Lzo1x.Failure.class, () -> run(cat(abc, new byte[] {36, 8}), 100));
        assertTrue(cut.getMessage().contains("ends before its end marker"), cut.getMessage());
        Lzo1x.Failure after = assertThrows(Lzo1x.Failure.class, () -> run(cat(abc, END, new byte[] {1}), 100));
        assertTrue(after.getMessage().contains("after the end marker"), after.getMessage());
        Lzo1x.Failure big = assertThrows(Lzo1x.Failure.class, () -> run(cat(abc, new byte[] {36, 8, 0}, END), 5));
        assertTrue(big.getMessage().contains("output larger"), big.getMessage());
        Lzo1x.Failure lits = assertThrows(Lzo1x.Failure.class, () -> run(new byte[] {30, 'a', 'b'}, 100));
        assertTrue(lits.getMessage().contains("literal bytes but"), lits.getMessage());
        Lzo1x.Failure rle = assertThrows(Lzo1x.Failure.class, () -> run(cat(new byte[] {17, 1}, abc, END), 100));
        assertTrue(rle.getMessage().contains("LZO-RLE"), rle.getMessage());
        byte[] zeros = new byte[5000];
        Lzo1x.Failure run = assertThrows(Lzo1x.Failure.class, () -> run(cat(new byte[] {0}, zeros), 100));
        assertTrue(run.getMessage().contains("longer than the output"), run.getMessage());
    }
}
