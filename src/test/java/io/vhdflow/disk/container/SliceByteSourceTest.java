package io.vhdflow.disk.container;

import io.vhdflow.disk.DiskException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SliceByteSourceTest {

    @Test
    void sliceReadsOnlyItsWindowAndStopsAtItsEnd(@TempDir Path dir) throws Exception {
        byte[] data = new byte[1000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        Path f = Files.write(dir.resolve("d.bin"), data);
        try (FileByteSource file = FileByteSource.open(f)) {
            ByteSource slice = file.slice(100, 50, "p1");
            assertEquals(50, slice.size());
            ByteBuffer buf = ByteBuffer.allocate(80);
            int n = slice.read(40, buf);
            assertEquals(10, n);
            assertEquals((byte) 140, buf.get(0));
            assertEquals(-1, slice.read(50, ByteBuffer.allocate(1)));
            assertArrayEquals(new byte[] {(byte) 100, (byte) 101}, slice.readBytes(0, 2, "test"));
            assertTrue(slice.describe().endsWith("d.bin/p1"));
        }
    }

    @Test
    void outOfRangeReadsAreTypedErrorsNamingTheStructure(@TempDir Path dir) throws Exception {
        Path f = Files.write(dir.resolve("d.bin"), new byte[100]);
        try (FileByteSource file = FileByteSource.open(f)) {
            DiskException e = assertThrows(DiskException.class, () -> file.slice(90, 20, "p9"));
            assertEquals(90, e.offset());
            DiskException e2 = assertThrows(DiskException.class,
                    () -> file.readBytes(60, 50, "superblock"));
            assertEquals("superblock", e2.structure());
            assertThrows(DiskException.class, () -> file.readBuffer(10, Integer.MAX_VALUE, "table"));
        }
    }
}
