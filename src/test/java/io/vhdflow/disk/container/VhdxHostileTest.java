package io.vhdflow.disk.container;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Damaged and crafted VHDX files (checksums re-sealed where the damage is meant to reach deeper
 * structures): each fails with a typed error naming the structure and byte, or is read from the
 * intact copy of what was damaged.
 */
class VhdxHostileTest {
    static final int H1 = 64 * 1024;
    static final int H2 = 128 * 1024;
    static final int RT1 = 192 * 1024;
    static final int RT2 = 256 * 1024;

    @TempDir
    Path dir;

    private byte[] pristine() throws IOException {
        return Files.readAllBytes(ContainerFixtures.extract("dynamic.vhdx", dir));
    }

    private Path write(byte[] image, String name) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, image);
        return p;
    }

    private DiskException rejected(byte[] image, String name) throws IOException {
        Path p = write(image, name);
        return ContainerFixtures.rejected(p);
    }

    static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Re-seals both headers and both region tables after an edit. */
    static byte[] seal(byte[] b) {
        for (int[] s : new int[][] {{H1, 4096}, {H2, 4096}, {RT1, 65536}, {RT2, 65536}}) {
            le(b).putInt(s[0] + 4, VhdxHeader.crc32c(b, s[0], s[1], 4));
        }
        return b;
    }

    /** The current header's offset (the higher sequence number). */
    static int current(byte[] b) {
        return Long.compareUnsigned(le(b).getLong(H1 + 8), le(b).getLong(H2 + 8)) >= 0 ? H1 : H2;
    }

    /** The offset of a region table entry's file offset field, by region GUID prefix byte. */
    static long region(byte[] b, java.util.UUID guid) {
        int n = le(b).getInt(RT1 + 8);
        for (int i = 0; i < n; i++) {
            int e = RT1 + 16 + 32 * i;
            if (VhdxHeader.guid(b, e).equals(guid)) {
                return le(b).getLong(e + 16);
            }
        }
        throw new AssertionError("no region " + guid);
    }

    @Test
    void aDamagedHeaderFallsBackToTheOtherAndBothDamagedIsCorrupt() throws Exception {
        byte[] b = pristine();
        int cur = current(b);
        b[cur + 200] ^= 1;
        Path p = write(b, "one.vhdx");
        try (DiskImage img = DiskImages.open(p)) {
            assertTrue(img.findings().stream().anyMatch(f -> f.code().equals("vhdx.header-damaged")));
        }
        b[(cur == H1 ? H2 : H1) + 200] ^= 1;
        DiskException e = rejected(b, "both.vhdx");
        assertEquals(ErrorKind.CORRUPT, e.kind());
        assertEquals("VHDX headers", e.structure());
    }

    @Test
    void anotherFormatVersionIsUnsupported() throws Exception {
        byte[] b = pristine();
        le(b).putShort(H1 + 66, (short) 2);
        le(b).putShort(H2 + 66, (short) 2);
        DiskException e = rejected(seal(b), "v2.vhdx");
        assertEquals(ErrorKind.UNSUPPORTED, e.kind());
    }

    @Test
    void aDamagedRegionTableIsReadFromItsCopy() throws Exception {
        byte[] b = pristine();
        b[RT1 + 20] ^= 0x40;
        try (DiskImage img = DiskImages.open(write(b, "rt.vhdx"))) {
            assertTrue(img.findings().stream().anyMatch(f -> f.code().equals("vhdx.region-table-damaged")));
        }
        b[RT2 + 20] ^= 0x40;
        DiskException e = rejected(b, "rt2.vhdx");
        assertEquals(ErrorKind.CORRUPT, e.kind());
        assertEquals(RT1 + 4, e.offset());
    }

    @Test
    void anUnknownRequiredRegionIsUnsupported() throws Exception {
        byte[] b = pristine();
        int n = le(b).getInt(RT1 + 8);
        for (int t : new int[] {RT1, RT2}) {
            int e = t + 16 + 32 * n;
            System.arraycopy(java.util.UUID.randomUUID().toString().getBytes(), 0, b, e, 16);
            le(b).putLong(e + 16, 100L << 20).putInt(e + 24, 1 << 20).putInt(e + 28, 1);
            le(b).putInt(t + 8, n + 1);
        }
        byte[] grown = java.util.Arrays.copyOf(seal(b), 101 << 20);
        DiskException e = rejected(seal(grown), "region.vhdx");
        assertEquals(ErrorKind.UNSUPPORTED, e.kind());
    }

    @Test
    void aBlockSizeThatIsNoPowerOfTwoIsCorrupt() throws Exception {
        byte[] b = pristine();
        int meta = (int) region(b, VhdxRegionTable.METADATA);
        int n = le(b).getShort(meta + 10);
        for (int i = 0; i < n; i++) {
            int e = meta + 32 + 32 * i;
            if (VhdxHeader.guid(b, e).equals(VhdxMetadata.FILE_PARAMETERS)) {
                le(b).putInt(meta + le(b).getInt(e + 16), 3 << 20);
            }
        }
        DiskException e = rejected(b, "bs.vhdx");
        assertEquals(ErrorKind.CORRUPT, e.kind());
        assertTrue(e.getMessage().contains("power of 2"), e.getMessage());
    }

    @Test
    void batEntriesOutsideTheFileOrInAReservedStateNameTheirOffset() throws Exception {
        byte[] b = pristine();
        int bat = (int) region(b, VhdxRegionTable.BAT);
        le(b).putLong(bat + 8 * 7, (100_000L << 20) | 6);
        DiskException e = rejected(b, "far.vhdx");
        assertEquals(ErrorKind.CORRUPT, e.kind());
        assertEquals(bat + 8 * 7, e.offset());
        b = pristine();
        le(b).putLong(bat + 8 * 11, 4);
        e = rejected(b, "state.vhdx");
        assertEquals(ErrorKind.CORRUPT, e.kind());
        assertEquals(bat + 8 * 11, e.offset());
        b = pristine();
        le(b).putLong(bat + 8 * 12, (le(b).getLong(bat) & ~7L) | 7);
        assertTrue(rejected(b, "partial.vhdx").getMessage().contains("only a differencing disk"));
    }

    @Test
    void aLogLargerThanTheReplayLimitIsRefusedWithTheWayOut() throws Exception {
        byte[] b = Files.readAllBytes(ContainerFixtures.extract("log.vhdx", dir));
        int cur = current(b);
        le(b).putInt(cur + 68, 64 << 20);
        byte[] grown = java.util.Arrays.copyOf(b, (int) (le(b).getLong(cur + 72) + (64 << 20)));
        le(grown).putInt(cur + 4, VhdxHeader.crc32c(grown, cur, 4096, 4));
        DiskException e = rejected(grown, "biglog.vhdx");
        assertEquals(ErrorKind.LIMIT_EXCEEDED, e.kind());
        assertTrue(e.getMessage().contains("Hyper-V"), e.getMessage());
    }

    @Test
    void aLogWhoseFileWasTruncatedIsRefused() throws Exception {
        byte[] b = Files.readAllBytes(ContainerFixtures.extract("log.vhdx", dir));
        DiskException e = rejected(java.util.Arrays.copyOf(b, b.length - (1 << 20)), "cut.vhdx");
        assertTrue(e.kind() == ErrorKind.TRUNCATED, e.toString());
    }
}
