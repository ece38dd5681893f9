package io.vhdflow.disk.container;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** VMDKs of every layout qemu-img writes, plus a VMware-layout stream, compared with qemu-img's reading. */
class VmdkReaderTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"sparse.vmdk", "stream.vmdk", "vmware-stream.vmdk", "linux.vmdk"})
    void readsSingleFileVmdksLikeQemu(String name) throws Exception {
        Path img = ContainerFixtures.extract(name, dir);
        Path raw = ContainerFixtures.qemuRaw(img, dir.resolve(name + ".raw"));
        try (DiskImage image = DiskImages.open(img)) {
            assertEquals(DiskFormat.VMDK, image.format());
            ContainerFixtures.assertSameDisk(image, raw);
            Map<String, Object> facts = image.facts().orElseThrow().describe();
            assertEquals(name.equals("sparse.vmdk") ? "monolithicSparse" : "streamOptimized", facts.get("createType"));
        }
    }

    @Test
    void aMonolithicFlatDiskReadsItsExtentBesideTheDescriptor() throws Exception {
        Path img = ContainerFixtures.extract("flat.vmdk", dir);
        ContainerFixtures.extract("flat-flat.vmdk", dir);
        Path raw = ContainerFixtures.qemuRaw(img, dir.resolve("flat.raw"));
        try (DiskImage image = DiskImages.open(img)) {
            ContainerFixtures.assertSameDisk(image, raw);
            assertEquals("separate file", image.facts().orElseThrow().describe().get("descriptor"));
        }
    }

    @Test
    void twoGbSparseExtentsAreReadAsOneDisk() throws Exception {
        Path img = ContainerFixtures.extract("two.vmdk", dir);
        for (int i = 1; i <= 3; i++) {
            ContainerFixtures.extract("two-s00" + i + ".vmdk", dir);
        }
        Path raw = ContainerFixtures.qemuRaw(img, dir.resolve("two.raw"));
        try (DiskImage image = DiskImages.open(img)) {
            assertEquals((4L << 30) + (8L << 20), image.virtualSize());
            assertEquals(3, ((List<?>) image.facts().orElseThrow().describe().get("extents")).size());
            ContainerFixtures.assertSameDisk(image, raw);
            assertTrue(image.allocatedBytes() < 16L << 20, "sparse extents allocate only their grains: "
                    + image.allocatedBytes());
        }
    }

    @Test
    void flatExtentsWithAnOffsetAreReadAsOneDisk() throws Exception {
        Path img = ContainerFixtures.extract("split.vmdk", dir);
        for (int i = 1; i <= 3; i++) {
            ContainerFixtures.extract("split-f00" + i + ".vmdk", dir);
        }
        Path raw = ContainerFixtures.qemuRaw(img, dir.resolve("split.raw"));
        try (DiskImage image = DiskImages.open(img)) {
            assertEquals(24L << 20, image.virtualSize());
            assertEquals("twoGbMaxExtentFlat", image.facts().orElseThrow().describe().get("createType"));
            ContainerFixtures.assertSameDisk(image, raw);
        }
    }

    /** qemu skips ZERO extents (its disk comes out shorter), so this one is checked against the pattern disk. */
    @Test
    void aZeroExtentReadsAsZerosAndIsNotAllocated() throws Exception {
        ContainerFixtures.extract("split-f001.vmdk", dir);
        Path disk = ContainerFixtures.extract("disk.raw", dir);
        Path img = dir.resolve("zero-extent.vmdk");
        Files.writeString(img, "# Disk DescriptorFile\nversion=1\nparentCID=ffffffff\ncreateType=\"custom\"\n"
                + "RW 20480 FLAT \"split-f001.vmdk\" 0\nRW 28672 ZERO\n", StandardCharsets.US_ASCII);
        byte[] expected = Files.readAllBytes(disk);
        java.util.Arrays.fill(expected, 10 << 20, expected.length, (byte) 0);
        try (DiskImage image = DiskImages.open(img)) {
            assertEquals(expected.length, image.virtualSize());
            assertEquals(10L << 20, image.allocatedBytes());
            byte[] got = new byte[expected.length];
            image.virtualDisk().readFully(0, java.nio.ByteBuffer.wrap(got), "test");
            org.junit.jupiter.api.Assertions.assertArrayEquals(expected, got);
        }
    }

    @Test
    void aMissingExtentIsNamed() throws Exception {
        Path img = ContainerFixtures.extract("two.vmdk", dir);
        ContainerFixtures.extract("two-s001.vmdk", dir);
        DiskException e = assertThrows(DiskException.class, () -> DiskImages.open(img));
        assertEquals(ErrorKind.NOT_FOUND, e.kind());
        assertTrue(e.getMessage().contains("two-s002.vmdk"), e.getMessage());
    }

    @Test
    void anExtentOutsideTheDescriptorsFolderIsNeverOpened() throws Exception {
        Path img = dir.resolve("evil.vmdk");
        Files.writeString(img, "# Disk DescriptorFile\nversion=1\nCID=fffffffe\nparentCID=ffffffff\n"
                + "createType=\"monolithicFlat\"\nRW 8 FLAT \"/etc/hostname\" 0\n", StandardCharsets.US_ASCII);
        assertEquals(ErrorKind.NOT_FOUND, assertThrows(DiskException.class, () -> DiskImages.open(img)).kind());
        Files.writeString(img, "# Disk DescriptorFile\nversion=1\nparentCID=ffffffff\ncreateType=\"monolithicFlat\"\n"
                + "RW 8 FLAT \"../outside.raw\" 0\n", StandardCharsets.US_ASCII);
        Files.write(dir.getParent().resolve("outside.raw"), new byte[4096]);
        try {
            assertEquals(ErrorKind.NOT_FOUND, assertThrows(DiskException.class, () -> DiskImages.open(img)).kind());
        } finally {
            Files.deleteIfExists(dir.getParent().resolve("outside.raw"));
        }
    }

    @Test
    void aSnapshotDeltaIsRefusedAsUnsupported() throws Exception {
        Path img = dir.resolve("delta.vmdk");
        Files.writeString(img, "# Disk DescriptorFile\nversion=1\nCID=12345678\nparentCID=9abcdef0\n"
                + "createType=\"monolithicSparse\"\nparentFileNameHint=\"base.vmdk\"\nRW 49152 SPARSE \"delta-s.vmdk\"\n",
                StandardCharsets.US_ASCII);
        DiskException e = assertThrows(DiskException.class, () -> DiskImages.open(img));
        assertEquals(ErrorKind.UNSUPPORTED, e.kind());
        assertTrue(e.getMessage().contains("snapshot") && e.getMessage().contains("base.vmdk"), e.getMessage());
    }

    @Test
    void aStreamCutShortIsTruncated() throws Exception {
        Path img = ContainerFixtures.extract("vmware-stream.vmdk", dir);
        byte[] b = Files.readAllBytes(img);
        Files.write(img, java.util.Arrays.copyOf(b, b.length - 4096));
        DiskException e = assertThrows(DiskException.class, () -> DiskImages.open(img));
        assertEquals(ErrorKind.TRUNCATED, e.kind());
        assertTrue(e.getMessage().contains("cut short"), e.getMessage());
    }

    @Test
    void aTextModeTransferIsRecognised() throws Exception {
        Path img = ContainerFixtures.extract("sparse.vmdk", dir);
        byte[] b = Files.readAllBytes(img);
        b[75] = '\n'; // "\r\n" became "\n\n" the way an ASCII FTP transfer changes it
        Files.write(img, b);
        DiskException e = assertThrows(DiskException.class, () -> DiskImages.open(img));
        assertEquals(ErrorKind.CORRUPT, e.kind());
        assertTrue(e.getMessage().contains("text-mode"), e.getMessage());
    }
}
