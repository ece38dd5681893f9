package io.vhdflow.disk.container;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Damaged and crafted qcow2 images: each fails with a typed error naming the structure and byte, quickly. */
class Qcow2HostileTest {
    @TempDir
    Path dir;

    private byte[] pristine(String name) throws IOException {
        return Files.readAllBytes(ContainerFixtures.extract(name, dir));
    }

    private DiskException rejected(byte[] image, String name) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, image);
        return ContainerFixtures.rejected(p);
    }

    private static byte[] putInt(byte[] b, int at, int v) {
        ByteBuffer.wrap(b).putInt(at, v);
        return b;
    }

    private static byte[] putLong(byte[] b, int at, long v) {
        ByteBuffer.wrap(b).putLong(at, v);
        return b;
    }

    /** File offset of the first L2 table (from L1 entry 0) of a pristine image. */
    private static int firstL2(byte[] b) {
        long l1 = ByteBuffer.wrap(b).getLong(40);
        return (int) (ByteBuffer.wrap(b).getLong((int) l1) & Qcow2DiskSource.OFFSET_MASK);
    }

    @Test
    void aHeaderCutShortIsTruncated() throws Exception {
        DiskException e = rejected(java.util.Arrays.copyOf(pristine("plain.qcow2"), 60), "short.qcow2");
        assertEquals(ErrorKind.TRUNCATED, e.kind());
        assertEquals("qcow2 header", e.structure());
    }

    @Test
    void versionOneIsUnsupported() throws Exception {
        DiskException e = rejected(putInt(pristine("plain.qcow2"), 4, 1), "v1.qcow2");
        assertEquals(ErrorKind.UNSUPPORTED, e.kind());
        assertEquals(4, e.offset());
    }

    @Test
    void anImpossibleClusterSizeIsCorrupt() throws Exception {
        DiskException e = rejected(putInt(pristine("plain.qcow2"), 20, 30), "cb.qcow2");
        assertEquals(ErrorKind.CORRUPT, e.kind());
        assertEquals(20, e.offset());
    }

    @Test
    void aHugeVirtualSizeIsRefusedBeforeAnyTableIsRead() throws Exception {
        DiskException e = rejected(putLong(pristine("plain.qcow2"), 24, 1L << 60), "huge.qcow2");
        assertEquals(ErrorKind.LIMIT_EXCEEDED, e.kind());
    }

    @Test
    void anUnknownIncompatibleFeatureIsUnsupportedAndNamed() throws Exception {
        DiskException e = rejected(putLong(pristine("plain.qcow2"), 72, 1L << 9), "feature.qcow2");
        assertEquals(ErrorKind.UNSUPPORTED, e.kind());
        assertTrue(e.getMessage().contains("bit(s) 9"), e.getMessage());
    }

    @Test
    void theCorruptBitAndExternalDataAreRefused() throws Exception {
        assertEquals(ErrorKind.CORRUPT, rejected(putLong(pristine("plain.qcow2"), 72, 2), "c.qcow2").kind());
        assertEquals(ErrorKind.UNSUPPORTED, rejected(putLong(pristine("plain.qcow2"), 72, 4), "x.qcow2").kind());
    }

    @Test
    void anL1TableOutsideTheFileIsCorrupt() throws Exception {
        byte[] b = pristine("plain.qcow2");
        DiskException e = rejected(putLong(b, 40, (long) b.length * 2 / 65536 * 65536 + 65536), "l1.qcow2");
        assertEquals(ErrorKind.CORRUPT, e.kind());
        assertEquals(40, e.offset());
    }

    @Test
    void anL2EntryPointingPastTheEndNamesItsOwnOffset() throws Exception {
        byte[] b = pristine("plain.qcow2");
        int l2 = firstL2(b);
        DiskException e = rejected(putLong(b, l2, 1L << 40), "l2.qcow2");
        assertEquals(ErrorKind.CORRUPT, e.kind());
        assertEquals(l2, e.offset());
        assertEquals("qcow2 L2 entry", e.structure());
    }

    @Test
    void l2TablesSharedManyTimesOverAreRefusedNotReadForever() throws Exception {
        // A 64 TiB disk whose every L1 entry points at the one L2 table.
        byte[] b = pristine("plain.qcow2");
        ByteBuffer bb = ByteBuffer.wrap(b);
        long l1 = bb.getLong(40);
        long l2 = bb.getLong((int) l1);
        putLong(b, 24, 1L << 40);
        int entries = (int) ((1L << 40) / (65536L * 8192));
        putInt(b, 36, entries);
        byte[] grown = java.util.Arrays.copyOf(b, Math.max(b.length, (int) l1 + entries * 8));
        for (int i = 0; i < entries; i++) {
            ByteBuffer.wrap(grown).putLong((int) l1 + 8 * i, l2);
        }
        DiskException e = rejected(grown, "shared.qcow2");
        assertEquals(ErrorKind.CORRUPT, e.kind());
        assertTrue(e.getMessage().contains("shared or repeated"), e.getMessage());
    }

    @Test
    void damagedCompressedClustersFailWhenRead() throws Exception {
        for (String name : new String[] {"zlib.qcow2", "zstd.qcow2"}) {
            byte[] b = pristine(name);
            long entry = ByteBuffer.wrap(b).getLong(firstL2(b));
            assertTrue((entry & Qcow2DiskSource.COMPRESSED) != 0, "cluster 0 of " + name + " is compressed");
            int at = (int) (entry & ((1L << 54) - 1));
            for (int i = 0; i < 64; i++) {
                b[at + i] = (byte) 0xA5;
            }
            DiskException e = rejected(b, "bad-" + name);
            assertEquals(ErrorKind.CORRUPT, e.kind());
            assertEquals("qcow2 compressed cluster", e.structure());
            assertEquals(at, e.offset());
        }
    }

    @Test
    void subclustersBothAllocatedAndZeroAreCorrupt() throws Exception {
        byte[] b = pristine("extl2.qcow2");
        int l2 = firstL2(b);
        putLong(b, l2 + 8, 0x0000_0001_0000_0001L);
        DiskException e = rejected(b, "sub.qcow2");
        assertEquals(ErrorKind.CORRUPT, e.kind());
        assertEquals(l2 + 8, e.offset());
    }

    @Test
    void aBackingFileNamedByAbsolutePathOrProtocolIsNeverOpened() throws Exception {
        byte[] child = pristine("child.qcow2");
        ByteBuffer bb = ByteBuffer.wrap(child);
        int at = (int) bb.getLong(8);
        int len = bb.getInt(16);
        for (String name : new String[] {"/etc/hostname", "nbd://evil:10809", "json:{\"driver\":\"raw\"}"}) {
            byte[] b = child.clone();
            byte[] n = name.getBytes(StandardCharsets.UTF_8);
            putInt(b, 16, n.length);
            System.arraycopy(n, 0, b, at, n.length);
            java.util.Arrays.fill(b, at + n.length, at + Math.max(len, n.length), (byte) 0);
            DiskException e = rejected(b, "c.qcow2");
            assertTrue(e.kind() == ErrorKind.NOT_FOUND || e.kind() == ErrorKind.UNSUPPORTED, name + ": " + e);
            assertTrue(!name.startsWith("/") || e.kind() == ErrorKind.NOT_FOUND, name + ": " + e);
        }
    }

    @Test
    void aBackingChainThatLoopsIsRefused() throws Exception {
        byte[] b = pristine("child.qcow2");
        ByteBuffer bb = ByteBuffer.wrap(b);
        int at = (int) bb.getLong(8);
        byte[] self = "loop.qcow2".getBytes(StandardCharsets.UTF_8);
        putInt(b, 16, self.length);
        System.arraycopy(self, 0, b, at, self.length);
        DiskException e = rejected(b, "loop.qcow2");
        assertEquals(ErrorKind.CORRUPT, e.kind());
        assertTrue(e.getMessage().contains("loops"), e.getMessage());
    }
}
