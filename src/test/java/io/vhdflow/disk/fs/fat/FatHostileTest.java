package io.vhdflow.disk.fs.fat;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.container.ByteArraySource;
import io.vhdflow.testing.Fixtures;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The FAT16 fixture with its allocation table damaged in memory. */
class FatHostileTest {
    @TempDir
    Path tmp;
    byte[] d;
    ByteBuffer b;
    long fatOffset;

    @BeforeEach
    void load() throws Exception {
        d = Files.readAllBytes(Fixtures.extract("fat/fat16.img.zst", tmp));
        b = ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN);
        fatOffset = (long) (b.getShort(0x0E) & 0xFFFF) * (b.getShort(0x0B) & 0xFFFF);
    }

    FatFilesystem fs() throws Exception {
        return FatFilesystem.open(new ByteArraySource(d, "fat16.img"), 1_000_000);
    }

    int fat(long cluster) {
        return b.getShort((int) (fatOffset + 2 * cluster)) & 0xFFFF;
    }

    void setFat(long cluster, int value) {
        b.putShort((int) (fatOffset + 2 * cluster), (short) value);
    }

    long firstCluster(String path) throws Exception {
        try (FatFilesystem fs = fs()) {
            return fs.stat(path).inode();
        }
    }

    @Test
    void fileChainLoopIsATypedErrorAtTheFatEntry() throws Exception {
        long c0 = firstCluster("/big.txt");
        long c1 = fat(c0);
        setFat(c1, (int) c0);
        try (FatFilesystem fs = fs()) {
            DiskException e = assertThrows(DiskException.class, () -> fs.readAllBytes("/big.txt", 1 << 20));
            assertTrue(e.getMessage().contains("loops back to cluster " + c0), e.getMessage());
            assertEquals(1_000_000 + fatOffset + 2 * c1, e.offset(), "absolute offset of the looping FAT entry");
        }
    }

    @Test
    void chainLeavingTheVolumeIsATypedError() throws Exception {
        long c0 = firstCluster("/big.txt");
        setFat(c0, 0xFFF0);
        try (FatFilesystem fs = fs()) {
            DiskException e = assertThrows(DiskException.class, () -> fs.readAllBytes("/big.txt", 1 << 20));
            assertTrue(e.getMessage().contains("outside the volume"), e.getMessage());
            assertEquals(1_000_000 + fatOffset + 2 * c0, e.offset());
        }
    }

    @Test
    void chainShorterThanTheFileIsATypedError() throws Exception {
        long c0 = firstCluster("/big.txt");
        setFat(c0, 0xFFFF);
        try (FatFilesystem fs = fs()) {
            DiskException e = assertThrows(DiskException.class, () -> fs.readAllBytes("/big.txt", 1 << 20));
            assertTrue(e.getMessage().contains("ends after 1 clusters"), e.getMessage());
        }
    }

    @Test
    void freeClusterInAChainIsATypedError() throws Exception {
        long c0 = firstCluster("/big.txt");
        setFat(c0, 0);
        try (FatFilesystem fs = fs()) {
            assertThrows(DiskException.class, () -> fs.readAllBytes("/big.txt", 1 << 20));
        }
    }

    @Test
    void directoryChainLoopIsATypedError() throws Exception {
        long first = firstCluster("/many");
        long last = first;
        int guard = 0;
        while (fat(last) < 0xFFF8 && guard++ < 10_000) {
            last = fat(last);
        }
        assertTrue(last != first, "the fixture directory spans several clusters");
        setFat(last, (int) first);
        try (FatFilesystem fs = fs()) {
            DiskException e = assertThrows(DiskException.class, () -> fs.list("/many"));
            assertTrue(e.getMessage().contains("loops back"), e.getMessage());
            assertTrue(fs.exists("/EFI/BOOT/BOOTX64.EFI"), "other directories still read");
        }
    }

    @Test
    void directoryPointingOutsideTheVolumeIsATypedError() throws Exception {
        // Find the short entry of "many" in the root directory and point it at cluster 0xFFF0.
        try (FatFilesystem fs = fs()) {
            long c = fs.stat("/many").inode();
            int rootStart = (int) (fatOffset + 2L * (b.getShort(0x16) & 0xFFFF) * 512);
            boolean patched = false;
            for (int at = rootStart; at < rootStart + 512 * 32; at += 32) {
                if ((b.get(at + 0x0B) & 0x10) != 0 && (b.getShort(at + 0x1A) & 0xFFFF) == c) {
                    b.putShort(at + 0x1A, (short) 0xFFF0);
                    patched = true;
                }
            }
            assertTrue(patched);
        }
        try (FatFilesystem fs = fs()) {
            assertThrows(DiskException.class, () -> fs.list("/many"));
        }
    }

    @Test
    void damagedBootSectorIsNotFat() throws Exception {
        b.putShort(0x0B, (short) 300);
        ByteArraySource src = new ByteArraySource(d, "x");
        assertFalse(FatFilesystem.probe(src));
        DiskException e = assertThrows(DiskException.class, () -> FatFilesystem.open(src, 4096));
        assertEquals(4096 + 0x0B, e.offset());
    }

    @Test
    void truncatedVolumeIsAFindingAndReadsPastItsEndNameTheDiskOffset() throws Exception {
        long bigStart;
        try (FatFilesystem fs = fs()) {
            bigStart = fs.stat("/big.txt").inode();
        }
        // Cut the volume just after big.txt's first cluster: the rest of the file lies beyond the end.
        long dataStart = fatOffset + 2L * (b.getShort(0x16) & 0xFFFF) * 512 + 512 * 32;
        int cs = (b.get(0x0D) & 0xFF) * 512;
        int cut = (int) (dataStart + (bigStart - 1) * cs);
        byte[] part = java.util.Arrays.copyOf(d, cut);
        try (FatFilesystem fs = FatFilesystem.open(new ByteArraySource(part, "part"), 1_000_000)) {
            assertEquals("fat.truncated", fs.findings().get(0).code());
            DiskException e = assertThrows(DiskException.class, () -> fs.readAllBytes("/big.txt", 1 << 20));
            assertTrue(e.getMessage().contains("outside the volume's readable clusters"), e.getMessage());
            assertEquals(1_000_000 + fatOffset + 2 * bigStart, e.offset(), "the FAT entry linking past the end");
            assertTrue(e.getMessage().contains("links to cluster " + (bigStart + 2)), "big.txt skips keep.bin: fragmented");
        }
        // Cut inside the root directory: opening fails at the root directory's absolute offset.
        int rootStart = (int) (fatOffset + 2L * (b.getShort(0x16) & 0xFFFF) * 512);
        byte[] tiny = java.util.Arrays.copyOf(d, rootStart + 100);
        DiskException e = assertThrows(DiskException.class,
                () -> FatFilesystem.open(new ByteArraySource(tiny, "tiny"), 1_000_000));
        assertEquals(1_000_000 + rootStart, e.offset());
        assertEquals("FAT root directory", e.structure());
    }
}
