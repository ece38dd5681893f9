package io.vhdflow.disk.fs.xfs;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.container.ByteSource;
import io.vhdflow.disk.container.CountingByteSource;
import io.vhdflow.disk.container.FileByteSource;
import io.vhdflow.testing.Fixtures;
import io.vhdflow.testing.PatchedByteSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * File content read at any position, in any order: {@code /frag-btree} of the v5 fixture has 6000
 * one-block extents with a hole after each (about 12,000 runs) under a two-level block-map B+tree;
 * {@code /frag-small} keeps its 10 extents in the inode. Reads backwards and at random must give
 * the bytes a sequential read gives, and cost one B+tree descent, not a walk of the extents before.
 */
class XfsPositionalReadTest {
    @TempDir
    static Path dir;
    static FileByteSource base;
    static XfsFilesystem fs;

    @BeforeAll
    static void open() throws IOException {
        base = FileByteSource.open(Fixtures.extract("xfs/v5.img.zst", dir));
        fs = XfsFilesystem.open(base);
    }

    @AfterAll
    static void close() throws IOException {
        base.close();
    }

    @Test
    void btreeFileReadBackwardsMatchesSequentialContent() throws IOException {
        byte[] sequential = fs.readAllBytes("/frag-btree", 64L << 20);
        assertEquals(5999L * 8192 + 4096, sequential.length);
        ByteSource file = fs.open("/frag-btree");
        byte[] backwards = new byte[sequential.length];
        // 3000-byte pieces from the end: each straddles extent / hole boundaries somewhere.
        for (int end = backwards.length; end > 0; end -= 3000) {
            int start = Math.max(0, end - 3000);
            file.readFully(start, ByteBuffer.wrap(backwards, start, end - start), "test");
        }
        assertArrayEquals(sequential, backwards);
        for (int i = 0; i < 6000; i++) {
            assertEquals((byte) (i % 251), backwards[i * 8192], "block " + i);
        }
    }

    @Test
    void btreeAndExtentListFilesReadAtRandomMatchSequentialContent() throws IOException {
        Random random = new Random(20261207);
        for (String path : new String[] {"/frag-btree", "/frag-small"}) {
            byte[] sequential = fs.readAllBytes(path, 64L << 20);
            ByteSource file = fs.open(path);
            for (int k = 0; k < 2000; k++) {
                int at = random.nextInt(sequential.length);
                int len = 1 + random.nextInt(Math.min(20_000, sequential.length - at));
                byte[] got = new byte[len];
                file.readFully(at, ByteBuffer.wrap(got), "test");
                assertArrayEquals(Arrays.copyOfRange(sequential, at, at + len), got, path + " at " + at + "+" + len);
            }
        }
    }

    @Test
    void aJumpBackwardsCostsOneDescentNotAWalk() throws IOException {
        CountingByteSource counted = new CountingByteSource(base);
        XfsFilesystem c = XfsFilesystem.open(counted);
        ByteSource file = c.open("/frag-btree");
        long last = file.size() - 1;
        byte[] one = new byte[1];
        file.readFully(last, ByteBuffer.wrap(one), "test");
        for (int k = 0; k < 5; k++) {
            long before = counted.readCount();
            file.readFully(0, ByteBuffer.wrap(one), "test");
            file.readFully(last, ByteBuffer.wrap(one), "test");
            // each jump: the level-1 node, a leaf and the data block; a forward walk would read every leaf
            assertTrue(counted.readCount() - before <= 6, "reads for two jumps: " + (counted.readCount() - before));
        }
    }

    @Test
    void aLeafReachedThroughTheWrongKeyIsRefusedWhereverTheReadStarts() throws IOException {
        XfsSuperblock sb = fs.superblock();
        XfsInode ino = fs.inode(fs.inodeNumber("/frag-btree"));
        long nodeOff = sb.fsbToByte(XfsHostileInputTest.rootPointer(ino)[0], 1, "t", -1);
        int maxrecs = (sb.blockSize() - 72) / 16;
        long ptrAt = nodeOff + 72 + 8L * maxrecs;
        long firstLeaf = base.readBuffer(ptrAt, 8, "t").order(ByteOrder.BIG_ENDIAN).getLong();
        PatchedByteSource src = new PatchedByteSource(base).patchBE(ptrAt + 8, firstLeaf, 8); // child 1 = child 0
        ByteSource file = XfsFilesystem.open(src, false).open("/frag-btree");
        long secondKey = base.readBuffer(nodeOff + 72 + 8, 8, "t").order(ByteOrder.BIG_ENDIAN).getLong();
        long inSecondChild = secondKey * sb.blockSize();
        DiskException e = assertThrows(DiskException.class,
                () -> file.readFully(inSecondChild, ByteBuffer.allocate(16), "test"));
        assertTrue(e.getMessage().contains("looping"), e.getMessage());
        assertEquals(sb.fsbToByte(firstLeaf, 1, "t", -1) + 72, e.offset());
        // the first child is sound and still reads: the piece written at 8192 holds 1 (i % 251)
        byte[] second = new byte[16];
        file.readFully(8192, ByteBuffer.wrap(second), "test");
        assertEquals(1, second[0]);
    }
}
