package io.vhdflow.disk.fs;

import io.vhdflow.disk.container.ByteArraySource;
import io.vhdflow.disk.container.ByteSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Content through a block map, on a made-up disk of 16 blocks of 8 bytes (disk byte i holds
 * i + 1) and a 10-block file: blocks 0-2 from disk block 5, 3-5 a hole, 6-9 from disk block 1,
 * the file ending 3 bytes into block 9.
 */
class BlockMappedSourceTest {
    private static final int BS = 8;
    private static final long SIZE = 9 * BS + 3;

    private final byte[] disk = new byte[16 * BS];
    private final List<Long> lookups = new ArrayList<>();
    private final BlockMappedSource.Mapping map = block -> {
        lookups.add(block);
        if (block < 3) {
            return new BlockMappedSource.Run(0, 3, 5L * BS);
        }
        if (block < 6) {
            return BlockMappedSource.Run.hole(3, 6);
        }
        return new BlockMappedSource.Run(6, 10, 1L * BS);
    };

    BlockMappedSourceTest() {
        for (int i = 0; i < disk.length; i++) {
            disk[i] = (byte) (i + 1);
        }
    }

    private byte[] expected() {
        byte[] out = new byte[(int) SIZE];
        System.arraycopy(disk, 5 * BS, out, 0, 3 * BS);
        System.arraycopy(disk, BS, out, 6 * BS, (int) SIZE - 6 * BS);
        return out;
    }

    private BlockMappedSource file() {
        return new BlockMappedSource(new ByteArraySource(disk, "disk"), BS, SIZE, map, "test:/f", "test inode data");
    }

    @Test
    void everyRangeReadsTheMappedBytesAndZerosInHoles() throws IOException {
        byte[] want = expected();
        ByteSource f = file();
        for (int at = 0; at < SIZE; at++) {
            for (int len = 1; at + len <= SIZE; len++) {
                byte[] got = new byte[len];
                f.readFully(at, ByteBuffer.wrap(got), "t");
                assertArrayEquals(Arrays.copyOfRange(want, at, at + len), got, at + "+" + len);
            }
        }
        assertEquals(-1, f.read(SIZE, ByteBuffer.allocate(1)));
    }

    @Test
    void aReadStopsAtTheEndOfItsRunAndSequentialReadsLookEachRunUpOnce() throws IOException {
        ByteSource f = file();
        ByteBuffer big = ByteBuffer.allocate(100);
        assertEquals(3 * BS - 4, f.read(4, big), "stops where blocks 0-2 end");
        assertEquals(3 * BS, f.read(3 * BS, big.clear()), "the hole, to its end");
        assertEquals(SIZE - 6 * BS, f.read(6 * BS, big.clear()), "the last run, to the end of the file");
        lookups.clear();
        byte[] all = new byte[(int) SIZE];
        f.readFully(0, ByteBuffer.wrap(all), "t");
        assertEquals(List.of(0L, 3L, 6L), lookups);
        // backwards byte by byte: the last run is still kept, then one lookup per run entered
        lookups.clear();
        for (long at = SIZE - 1; at >= 0; at--) {
            f.readFully(at, ByteBuffer.allocate(1), "t");
        }
        assertEquals(List.of(5L, 2L), lookups);
    }

    @Test
    void aMapAnsweringWithTheWrongRunIsAnError() {
        BlockMappedSource f = new BlockMappedSource(new ByteArraySource(disk, "disk"), BS, SIZE,
                block -> BlockMappedSource.Run.hole(block + 1, block + 2), "test:/f", "t");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> f.read(0, ByteBuffer.allocate(4)));
        assertTrue(e.getMessage().contains("test:/f"), e.getMessage());
    }
}
