package io.vhdflow.disk.container;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Damaged and crafted VMDKs: typed errors naming the structure and byte, never a hang or a huge allocation. */
class VmdkHostileTest {
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

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Sector of the first grain table, and of grain 0 in it (sparse.vmdk / stream.vmdk have data in grain 0). */
    private static long[] firstGrain(byte[] b) {
        long gd = le(b).getLong(56) * 512;
        long gt = Integer.toUnsignedLong(le(b).getInt((int) gd)) * 512;
        return new long[] {gt, Integer.toUnsignedLong(le(b).getInt((int) gt))};
    }

    @Test
    void anUnknownVersionIsUnsupported() throws Exception {
        DiskException e = rejected(le(pristine("sparse.vmdk")).putInt(4, 9).array(), "v9.vmdk");
        assertEquals(ErrorKind.UNSUPPORTED, e.kind());
        assertEquals(4, e.offset());
    }

    @Test
    void aGrainSizeThatIsNoPowerOfTwoIsCorrupt() throws Exception {
        DiskException e = rejected(le(pristine("sparse.vmdk")).putLong(20, 100).array(), "g.vmdk");
        assertEquals(ErrorKind.CORRUPT, e.kind());
        assertEquals(20, e.offset());
    }

    @Test
    void aCapacityBeyondTheLimitIsRefusedBeforeAnyAllocation() throws Exception {
        DiskException e = rejected(le(pristine("sparse.vmdk")).putLong(12, 1L << 50).array(), "cap.vmdk");
        assertEquals(ErrorKind.LIMIT_EXCEEDED, e.kind());
    }

    @Test
    void aGrainDirectoryOutsideTheFileIsCorrupt() throws Exception {
        DiskException e = rejected(le(pristine("sparse.vmdk")).putLong(56, 1L << 30).array(), "gd.vmdk");
        assertEquals(ErrorKind.CORRUPT, e.kind());
        assertEquals(56, e.offset());
    }

    @Test
    void aGrainPastTheEndNamesItsGrainTableEntry() throws Exception {
        byte[] b = pristine("sparse.vmdk");
        long gt = firstGrain(b)[0];
        le(b).putInt((int) gt + 4, 0x7FFF_0000);
        DiskException e = rejected(b, "gt.vmdk");
        assertEquals(ErrorKind.CORRUPT, e.kind());
        assertEquals(gt + 4, e.offset());
    }

    @Test
    void aGrainMarkerForAnotherSectorIsCorrupt() throws Exception {
        byte[] b = pristine("stream.vmdk");
        long at = firstGrain(b)[1] * 512;
        le(b).putLong((int) at, 12345);
        DiskException e = rejected(b, "marker.vmdk");
        assertEquals(ErrorKind.CORRUPT, e.kind());
        assertEquals(at, e.offset());
    }

    @Test
    void aDamagedCompressedGrainIsCorrupt() throws Exception {
        byte[] b = pristine("stream.vmdk");
        int at = (int) (firstGrain(b)[1] * 512) + 12;
        for (int i = 2; i < 40; i++) {
            b[at + i] = (byte) 0x5A;
        }
        DiskException e = rejected(b, "zlib.vmdk");
        assertEquals(ErrorKind.CORRUPT, e.kind());
        assertTrue(e.getMessage().contains("zlib"), e.getMessage());
    }

    @Test
    void descriptorsNamingUnreadableExtentsAreRefused() throws Exception {
        String head = "# Disk DescriptorFile\nversion=1\nparentCID=ffffffff\ncreateType=\"vmfs\"\n";
        Files.write(dir.resolve("x-flat.vmdk"), new byte[4096]);
        for (String[] c : new String[][] {
                {"RW 8 VMFSSPARSE \"x-flat.vmdk\"", "UNSUPPORTED"},
                {"RW 8 VMFSRDM \"x-flat.vmdk\"", "UNSUPPORTED"},
                {"NOACCESS 8 FLAT \"x-flat.vmdk\" 0", "UNSUPPORTED"},
                {"RW 16 FLAT \"x-flat.vmdk\" 0", "TRUNCATED"},
                {"RW 0 FLAT \"x-flat.vmdk\" 0", "CORRUPT"},
                {"RW 999999999999999999 FLAT \"x-flat.vmdk\" 0", "LIMIT_EXCEEDED"},
                {"RW 8 FLAT", "CORRUPT"},
                {"garbage line", "CORRUPT"}}) {
            DiskException e = rejected((head + c[0] + "\n").getBytes(StandardCharsets.US_ASCII), "d.vmdk");
            assertEquals(ErrorKind.valueOf(c[1]), e.kind(), c[0] + ": " + e.getMessage());
        }
    }

    @Test
    void aDescriptorOfGigabytesIsNotRead() throws Exception {
        byte[] b = new byte[2 << 20];
        byte[] h = "# Disk DescriptorFile\n".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(h, 0, b, 0, h.length);
        java.util.Arrays.fill(b, h.length, b.length, (byte) '#');
        assertEquals(ErrorKind.LIMIT_EXCEEDED, rejected(b, "big.vmdk").kind());
    }
}
