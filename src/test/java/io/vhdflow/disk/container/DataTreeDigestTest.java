package io.vhdflow.disk.container;

import io.vhdflow.testing.ReferenceDataTree;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class DataTreeDigestTest {
    private static final int MiB = 1 << 20;

    /** A 12 MiB disk: data runs crossing 4 MiB boundaries, single sectors, runs touching, a zero tail. */
    private static byte[] disk() {
        byte[] d = new byte[12 * MiB];
        Random r = new Random(23);
        fill(d, r, 0, 512);
        fill(d, r, 4 * MiB - 3 * 512, 7 * 512);        // crosses the first piece boundary
        fill(d, r, 5 * MiB, 2 * MiB + 1000);            // partial last sector
        fill(d, r, 8 * MiB - 512, 512);                 // ends exactly at a boundary
        fill(d, r, 8 * MiB, 512);                       // and the next starts there: one run, two pieces
        d[10 * MiB + 77] = 1;                           // one byte makes a sector data
        return d;
    }

    private static void fill(byte[] d, Random r, int at, int len) {
        for (int i = at; i < at + len; i++) {
            d[i] = (byte) (1 + r.nextInt(255));
        }
    }

    /** Feeds the data runs the way a converter would: sector scan per chunk of {@code chunk} bytes. */
    private static DataTreeDigest.Result stream(byte[] d, int chunk) {
        DataTreeDigest t = new DataTreeDigest(d.length);
        for (int base = 0; base < d.length; base += chunk) {
            int n = Math.min(chunk, d.length - base);
            byte[] part = java.util.Arrays.copyOfRange(d, base, base + n);
            int b = base;
            ZeroSectors.scan(part, n, base, (off, len) -> t.data(off, part, (int) (off - b), (int) len));
        }
        return t.finish();
    }

    @Test
    void matchesTheConstructionWhateverTheChunking() throws Exception {
        byte[] d = disk();
        String expected = ReferenceDataTree.of(d, d.length);
        for (int chunk : new int[] {512, 4096, 65536, MiB, 3 * MiB + 512, 12 * MiB}) {
            DataTreeDigest.Result r = stream(d, chunk);
            assertEquals(expected, r.hex(), "chunk " + chunk);
        }
        DataTreeDigest.Result r = stream(d, MiB);
        // Pieces: [0,512), [4M-1536,4M), [4M,4M+2048), [5M,7M+1024), [8M-512,8M), [8M,8M+512), [10M+0,10M+512)
        assertEquals(7, r.leaves());
        assertEquals(512 + 7 * 512 + 2 * MiB + 1024 + 512 + 512 + 512, r.dataBytes());
    }

    @Test
    void coversTheZeroMapTheBytesAndTheSize() {
        byte[] d = disk();
        String base = stream(d, MiB).hex();
        byte[] inZero = d.clone();
        inZero[11 * MiB] = 1; // a non-zero byte where the map says zero
        assertNotEquals(base, stream(inZero, MiB).hex());
        byte[] changed = d.clone();
        changed[5 * MiB + 100] ^= 0x40;
        assertNotEquals(base, stream(changed, MiB).hex());
        byte[] moved = new byte[d.length]; // the same bytes one sector later
        System.arraycopy(d, 0, moved, 512, d.length - 512);
        assertNotEquals(base, stream(moved, MiB).hex());
        byte[] longer = java.util.Arrays.copyOf(d, d.length + MiB);
        assertNotEquals(base, stream(longer, MiB).hex());
    }

    @Test
    void anEmptyDiskHasADigestToo() throws Exception {
        byte[] d = new byte[2 * MiB];
        assertEquals(ReferenceDataTree.of(d, d.length), new DataTreeDigest(d.length).finish().hex());
        assertEquals(0, new DataTreeDigest(d.length).finish().leaves());
    }
}
