package io.vhdflow.disk.container;

import io.vhdflow.disk.DiskException;
import io.vhdflow.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each damaged input gives a typed error naming the structure and offset, quickly. */
class HostileVhdTest {

    /** Opens and reads the whole disk; must throw a DiskException within 5 s. */
    static DiskException rejected(Path p) {
        return assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThrows(DiskException.class,
                (Executable) () -> openAndRead(p)));
    }

    static void openAndRead(Path p) throws IOException {
        try (DiskImage img = DiskImages.open(p)) {
            VhdFixtures.sha256(img.virtualDisk());
            img.allocatedBytes();
        }
    }

    static void patch(Path p, long at, byte... bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(bytes), at);
        }
    }

    static void patchInt(Path p, long at, int v) throws IOException {
        patch(p, at, ByteBuffer.allocate(4).putInt(v).array());
    }

    static void patchLong(Path p, long at, long v) throws IOException {
        patch(p, at, ByteBuffer.allocate(8).putLong(v).array());
    }

    static byte[] read(Path p, long at, int n) throws IOException {
        try (FileChannel ch = FileChannel.open(p)) {
            ByteBuffer b = ByteBuffer.allocate(n);
            ch.read(b, at);
            return b.array();
        }
    }

    /** Recomputes the checksum of the 512-byte footer at {@code at}. */
    static void fixFooter(Path p, long at) throws IOException {
        patchInt(p, at + 64, VhdFooter.checksum(read(p, at, 512), 64));
    }

    /** Recomputes the checksum of the dynamic header at 512. */
    static void fixHeader(Path p) throws IOException {
        patchInt(p, 512 + 36, VhdFooter.checksum(read(p, 512, 1024), 36));
    }

    /** Changes the same footer field in both copies of a dynamic VHD and fixes both checksums. */
    static void patchBothFooters(Path p, long field, long value, int width) throws IOException {
        long tail = Files.size(p) - 512;
        for (long at : new long[] {0, tail}) {
            if (width == 8) {
                patchLong(p, at + field, value);
            } else {
                patchInt(p, at + field, (int) value);
            }
            fixFooter(p, at);
        }
    }

    @Test
    void zeroLengthFile(@TempDir Path dir) throws Exception {
        DiskException e = rejected(Files.createFile(dir.resolve("empty.vhd")));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 100, 511, 512, 4096, 1 << 20})
    void randomBytes(int n, @TempDir Path dir) throws Exception {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        rejected(Files.write(dir.resolve("random.vhd"), b));
    }

    @ParameterizedTest
    @CsvSource({"fixed-force.vhd, 1", "fixed-force.vhd, 511", "dynamic.vhd, 1", "dynamic.vhd, 511",
            "dynamic.vhd, 512", "dynamic.vhd, 1024"})
    void truncatedAtTheEnd(String name, int cut, @TempDir Path dir) throws Exception {
        Path p = VhdFixtures.extract(name, dir);
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - cut);
        }
        DiskException e = rejected(p);
        assertTrue(e.offset() >= 0, e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"fixed-force.vhd", "dynamic.vhd"})
    void truncatedInTheMiddleWithTheFooterKept(String name, @TempDir Path dir) throws Exception {
        Path p = VhdFixtures.extract(name, dir);
        byte[] footer = read(p, Files.size(p) - 512, 512);
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() / 2 / 512 * 512);
            ch.write(ByteBuffer.wrap(footer), ch.size());
        }
        rejected(p);
    }

    @Test
    void badFooterChecksum(@TempDir Path dir) throws Exception {
        Path p = VhdFixtures.extract("fixed-force.vhd", dir);
        long at = Files.size(p) - 512;
        patch(p, at + 40, (byte) 7); // original size changed, checksum left stale
        DiskException e = rejected(p);
        assertEquals("VHD footer", e.structure());
        assertEquals(at + 64, e.offset());
    }

    @Test
    void badHeaderChecksum(@TempDir Path dir) throws Exception {
        Path p = VhdFixtures.extract("dynamic.vhd", dir);
        patch(p, 512 + 60, (byte) 1);
        DiskException e = rejected(p);
        assertEquals("VHD dynamic header", e.structure());
        assertEquals(512 + 36, e.offset());
    }

    @Test
    void footerCopyDiffersFromTrailingFooter(@TempDir Path dir) throws Exception {
        Path p = VhdFixtures.extract("dynamic.vhd", dir);
        patch(p, 40, (byte) 9);
        fixFooter(p, 0);
        DiskException e = rejected(p);
        assertEquals("VHD footer copy", e.structure());
        assertEquals(0, e.offset());
    }

    @Test
    void batEntryBeyondEndOfFile(@TempDir Path dir) throws Exception {
        Path p = VhdFixtures.extract("dynamic.vhd", dir);
        long bat = 1536;
        patchInt(p, bat + 4 * 2, 0x7000_0000);
        DiskException e = rejected(p);
        assertEquals("VHD block allocation table", e.structure());
        assertEquals(bat + 8, e.offset());
    }

    @Test
    void overlappingBatEntries(@TempDir Path dir) throws Exception {
        Path p = VhdFixtures.extract("dynamic.vhd", dir);
        long bat = 1536;
        patch(p, bat + 4, read(p, bat, 4)); // block 1 at block 0's place
        DiskException e = rejected(p);
        assertTrue(e.getMessage().contains("overlap"), e.getMessage());
    }

    @Test
    void batEntryIntoMetadata(@TempDir Path dir) throws Exception {
        Path p = VhdFixtures.extract("dynamic.vhd", dir);
        patchInt(p, 1536 + 4 * 5, 1); // sector 1: the dynamic header
        DiskException e = rejected(p);
        assertTrue(e.getMessage().contains("metadata"), e.getMessage());
    }

    @Test
    void batOverTheDynamicHeader(@TempDir Path dir) throws Exception {
        Path p = VhdFixtures.extract("dynamic.vhd", dir);
        patchLong(p, 512 + 16, 1024);
        fixHeader(p);
        assertEquals(512 + 16, rejected(p).offset());
    }

    @Test
    void maxTableEntriesAllOnes(@TempDir Path dir) throws Exception {
        Path p = VhdFixtures.extract("dynamic.vhd", dir);
        patchInt(p, 512 + 28, 0xFFFF_FFFF);
        fixHeader(p);
        DiskException e = rejected(p);
        assertEquals(512 + 16, e.offset(), e.getMessage());
    }

    @Test
    void maxTableEntriesTooFewForTheSize(@TempDir Path dir) throws Exception {
        Path p = VhdFixtures.extract("dynamic.vhd", dir);
        patchInt(p, 512 + 28, 3);
        fixHeader(p);
        assertEquals(512 + 28, rejected(p).offset());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 3_000_000, 1 << 30})
    void badBlockSize(int blockSize, @TempDir Path dir) throws Exception {
        Path p = VhdFixtures.extract("dynamic.vhd", dir);
        patchInt(p, 512 + 32, blockSize);
        fixHeader(p);
        DiskException e = rejected(p);
        assertEquals(512 + 32, e.offset(), e.getMessage());
    }

    @Test
    void twoPebibyteDynamicDisk(@TempDir Path dir) throws Exception {
        Path p = VhdFixtures.extract("dynamic.vhd", dir);
        patchBothFooters(p, 48, 2L << 50, 8);
        DiskException e = rejected(p);
        assertEquals("VHD footer", e.structure());
    }

    @Test
    void twoPebibyteFixedDisk(@TempDir Path dir) throws Exception {
        Path p = VhdFixtures.extract("fixed-force.vhd", dir);
        long at = Files.size(p) - 512;
        patchLong(p, at + 48, 2L << 50);
        fixFooter(p, at);
        assertEquals(at + 48, rejected(p).offset());
    }

    @Test
    void fixedCurrentSizeSmallerThanTheFile(@TempDir Path dir) throws Exception {
        Path p = VhdFixtures.extract("fixed-force.vhd", dir);
        long at = Files.size(p) - 512;
        patchLong(p, at + 48, 1 << 20);
        fixFooter(p, at);
        assertEquals(at + 48, rejected(p).offset());
    }

    @Test
    void unknownDiskType(@TempDir Path dir) throws Exception {
        Path p = VhdFixtures.extract("fixed-force.vhd", dir);
        long at = Files.size(p) - 512;
        patchInt(p, at + 60, 5);
        fixFooter(p, at);
        rejected(p);
    }

    @Test
    void dataOffsetOutsideTheFile(@TempDir Path dir) throws Exception {
        Path p = VhdFixtures.extract("dynamic.vhd", dir);
        patchBothFooters(p, 16, Long.MAX_VALUE - 5, 8);
        DiskException e = rejected(p);
        assertEquals(Files.size(p) - 512 + 16, e.offset());
    }

    @Test
    void missingParent(@TempDir Path dir) throws Exception {
        Path p = VhdFixtures.extract("diff-rel.vhd", dir);
        DiskException e = rejected(p);
        assertTrue(e.getMessage().contains("missing parent"), e.getMessage());
        assertTrue(e.getMessage().contains("W2ru"), e.getMessage());
    }

    @Test
    void parentWithAnotherUniqueId(@TempDir Path dir) throws Exception {
        Path parent = VhdFixtures.extract("dynamic.vhd", dir);
        patchBothFooters(parent, 68, 0x1234_5678_9abc_def0L, 8);
        DiskException e = rejected(VhdFixtures.extract("diff-rel.vhd", dir));
        assertTrue(e.getMessage().contains("unique id"), e.getMessage());
        assertEquals(512 + 40, e.offset());
    }

    @Test
    void differencingDiskThatIsItsOwnParent(@TempDir Path dir) throws Exception {
        // The grandchild renamed to its parent's name: its locator then points at itself.
        Path p = VhdFixtures.extract("diff-grandchild.vhd", dir);
        Files.move(p, dir.resolve("diff-rel.vhd"));
        rejected(dir.resolve("diff-rel.vhd"));
    }

    @Test
    void parentLocatorBeyondTheFile(@TempDir Path dir) throws Exception {
        VhdFixtures.extract("dynamic.vhd", dir);
        Path p = VhdFixtures.extract("diff-rel.vhd", dir);
        patchLong(p, 512 + 576 + 16, 1L << 40);
        fixHeader(p);
        assertEquals(512 + 576, rejected(p).offset());
    }

    @ParameterizedTest
    @CsvSource({"tiny.qcow2, QCOW2", "tiny.vhdx, VHDX"})
    void otherFormatsRenamedVhdAreReadByTheirMagic(String name, DiskFormat format, @TempDir Path dir) throws Exception {
        Path p = VhdFixtures.extract(name, dir);
        Path renamed = Files.move(p, dir.resolve("disk.vhd"));
        assertEquals(format, DiskImages.detect(renamed));
        try (DiskImage img = DiskImages.open(renamed)) {
            assertEquals(format, img.format(), "the magic decides, never the name");
            assertEquals(20L << 20, img.virtualSize());
        }
        assertTrue(VhdFixtures.text(name + ".qemu-info.json").contains("\"" + format.name().toLowerCase() + "\""));
        io.vhdflow.inspect.VerificationService.Readiness v = new io.vhdflow.inspect.VerificationService().readiness(renamed, io.vhdflow.inspect.Policy.AZURE_PLATFORM.id());
        assertTrue(!v.ready(), "not a fixed VHD: Azure refuses it as it is");
        assertEquals("G2", v.checks().get(1).id());
        assertEquals(io.vhdflow.inspect.CheckStatus.FAIL, v.checks().get(1).status());
        assertEquals("G5", v.checks().get(4).id());
        assertEquals(io.vhdflow.inspect.CheckStatus.PASS, v.checks().get(4).status(), "vhdflow reads it and packages it");
    }

    @Test
    void aFormatRecognisedButNotReadIsNamed(@TempDir Path dir) throws Exception {
        Path renamed = Files.move(Fixtures.extract("containers/tiny.vdi.zst", dir), dir.resolve("disk.vhd"));
        assertEquals(DiskFormat.VDI, DiskImages.detect(renamed));
        DiskException e = rejected(renamed);
        UnsupportedDiskFormatException u = assertInstanceOf(UnsupportedDiskFormatException.class, e);
        assertEquals(DiskFormat.VDI, u.format());
        assertTrue(e.getMessage().contains("VDI"), e.getMessage());
        io.vhdflow.inspect.VerificationService.Readiness v = new io.vhdflow.inspect.VerificationService().readiness(renamed, io.vhdflow.inspect.Policy.AZURE_PLATFORM.id());
        assertTrue(!v.ready());
        assertEquals("G5", v.checks().get(4).id());
        assertEquals(io.vhdflow.inspect.CheckStatus.FAIL, v.checks().get(4).status());
    }

    @Test
    void damagedImagesFailG1InTheVerdictInsteadOfThrowing(@TempDir Path dir) throws Exception {
        Path p = VhdFixtures.extract("fixed-force.vhd", dir);
        patch(p, Files.size(p) - 512 + 40, (byte) 7);
        io.vhdflow.inspect.VerificationService.Readiness v = new io.vhdflow.inspect.VerificationService().readiness(p, io.vhdflow.inspect.Policy.AZURE_PLATFORM.id());
        assertTrue(!v.ready());
        assertEquals("G1", v.checks().get(0).id());
        assertEquals(io.vhdflow.inspect.CheckStatus.FAIL, v.checks().get(0).status());
        assertTrue(v.checks().get(0).evidence().get(0).contains("checksum"));
    }
}
