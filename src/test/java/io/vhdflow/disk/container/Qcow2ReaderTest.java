package io.vhdflow.disk.container;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** qcow2 images made by qemu-img, read by vhdflow and compared with qemu-img's own raw reading. */
class Qcow2ReaderTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"plain.qcow2", "v2-4k.qcow2", "zlib.qcow2", "zstd.qcow2", "zlib-2m.qcow2", "zero.qcow2",
            "extl2.qcow2", "linux.qcow2"})
    void readsLikeQemu(String name) throws Exception {
        Path img = ContainerFixtures.extract(name, dir);
        Path raw = ContainerFixtures.qemuRaw(img, dir.resolve(name + ".raw"));
        try (DiskImage image = DiskImages.open(img)) {
            assertEquals(DiskFormat.QCOW2, image.format());
            ContainerFixtures.assertSameDisk(image, raw);
        }
    }

    @Test
    void compressedClustersAreCountedAndInflated() throws Exception {
        for (String name : new String[] {"zlib.qcow2", "zstd.qcow2"}) {
            try (DiskImage image = DiskImages.open(ContainerFixtures.extract(name, dir))) {
                Map<String, Object> facts = image.facts().orElseThrow().describe();
                assertEquals(name.startsWith("zstd") ? "zstd" : "deflate", facts.get("compression"));
                assertTrue((Long) facts.get("compressedClusters") > 0, name + ": " + facts);
            }
        }
    }

    @Test
    void zeroClustersAreNotAllocated() throws Exception {
        try (DiskImage image = DiskImages.open(ContainerFixtures.extract("zero.qcow2", dir))) {
            assertTrue((Long) image.facts().orElseThrow().describe().get("zeroClusters") >= 32);
            for (var it = image.allocatedRanges(); it.hasNext(); ) {
                ByteRange r = it.next();
                assertTrue(r.end() <= 5L << 20 || r.offset() >= 7L << 20, "the zeroed 5-7 MiB is not allocated: " + r);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"child.qcow2", "extl2-child.qcow2"})
    void readsABackingChainBesideIt(String name) throws Exception {
        Path img = ContainerFixtures.extract(name, dir);
        ContainerFixtures.extractAs("plain.qcow2", "base.qcow2", dir);
        Path raw = ContainerFixtures.qemuRaw(img, dir.resolve(name + ".raw"));
        try (DiskImage image = DiskImages.open(img)) {
            assertEquals(1, image.chainDepth());
            assertEquals(DiskFormat.QCOW2, image.parent().orElseThrow().format());
            ContainerFixtures.assertSameDisk(image, raw);
        }
    }

    @Test
    void aRawBackingFileIsReadAsRawBecauseTheHeaderSaysSo() throws Exception {
        Path img = ContainerFixtures.extract("child-of-raw.qcow2", dir);
        ContainerFixtures.extractAs("disk.raw", "rawbase", dir);
        Path raw = ContainerFixtures.qemuRaw(img, dir.resolve("out.raw"));
        try (DiskImage image = DiskImages.open(img)) {
            assertEquals(DiskFormat.RAW, image.parent().orElseThrow().format());
            ContainerFixtures.assertSameDisk(image, raw);
        }
    }

    @Test
    void aMissingBackingFileIsNamedWithWhereItWasLookedFor() throws Exception {
        Path img = ContainerFixtures.extract("child.qcow2", dir);
        DiskException e = assertThrows(DiskException.class, () -> DiskImages.open(img));
        assertEquals(ErrorKind.NOT_FOUND, e.kind());
        assertTrue(e.getMessage().contains("base.qcow2") && e.getMessage().contains(dir.toString()), e.getMessage());
    }

    @Test
    void aBackingFileOutsideTheFolderIsNeverOpened() throws Exception {
        Path sub = Files.createDirectories(dir.resolve("drop"));
        Path img = ContainerFixtures.extract("child.qcow2", sub);
        // The recorded name is "base.qcow2"; a file of that name one folder up must not be found.
        ContainerFixtures.extractAs("plain.qcow2", "base.qcow2", dir);
        assertEquals(ErrorKind.NOT_FOUND, assertThrows(DiskException.class, () -> DiskImages.open(img)).kind());
    }

    @Test
    void encryptionIsRefusedAsEncrypted() throws Exception {
        Path img = ContainerFixtures.extract("luks-head.qcow2", dir);
        DiskException e = assertThrows(DiskException.class, () -> DiskImages.open(img));
        assertEquals(ErrorKind.ENCRYPTED, e.kind());
        assertEquals(32, e.offset());
        assertTrue(e.getMessage().contains("LUKS"), e.getMessage());
    }
}
