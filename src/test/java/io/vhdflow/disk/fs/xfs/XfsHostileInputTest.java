package io.vhdflow.disk.fs.xfs;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.Finding;
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
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Targeted corruptions of the real v5 image (patched in an overlay, never on disk): each must be a
 * {@link DiskException} naming the structure and its absolute byte offset, or a finding.
 */
class XfsHostileInputTest {
    @TempDir
    static Path dir;
    static FileByteSource base;
    static XfsFilesystem clean;
    static XfsSuperblock sb;

    @BeforeAll
    static void open() throws IOException {
        base = FileByteSource.open(Fixtures.extract("xfs/v5.img.zst", dir));
        clean = XfsFilesystem.open(base);
        sb = clean.superblock();
    }

    @AfterAll
    static void close() throws IOException {
        base.close();
    }


    /** Opens with CRC failures as findings only: the structural bounds must hold on their own. */
    private static XfsFilesystem tolerant(io.vhdflow.disk.container.ByteSource src) throws IOException {
        return XfsFilesystem.open(src, false);
    }
    static PatchedByteSource patched() {
        return new PatchedByteSource(base);
    }

    static long inodeOffset(String path) throws IOException {
        return clean.inode(clean.inodeNumber(path)).offset;
    }

    static void resignSuperblock(PatchedByteSource src) throws IOException {
        byte[] raw = new byte[sb.sectorSize()];
        src.readFully(0, ByteBuffer.wrap(raw), "test");
        int crc = XfsChecksum.compute(raw, raw.length, XfsSuperblock.CRC_OFFSET);
        src.patch(XfsSuperblock.CRC_OFFSET, (byte) crc, (byte) (crc >>> 8), (byte) (crc >>> 16), (byte) (crc >>> 24));
    }

    @Test
    void badMagicIsNotXfs() throws IOException {
        PatchedByteSource src = patched().patchBE(0, 0x12345678, 4);
        assertFalse(XfsFilesystem.probe(src));
        assertTrue(XfsFilesystem.probe(base));
        DiskException e = assertThrows(DiskException.class, () -> tolerant(src));
        assertEquals("xfs superblock", e.structure());
        assertEquals(0, e.offset());
    }

    @Test
    void absurdAgCount() {
        PatchedByteSource src = patched().patchBE(88, 0x7FFFFFFF, 4);
        DiskException e = assertThrows(DiskException.class, () -> tolerant(src));
        assertEquals(88, e.offset());
        assertTrue(e.getMessage().contains("AG count"), e.getMessage());
    }

    @Test
    void unknownIncompatFeatureIsNamed() throws IOException {
        PatchedByteSource src = patched().patchBE(216, (int) (sb.incompat() | 0x100 | 0x4000), 4);
        DiskException e = assertThrows(DiskException.class, () -> tolerant(src));
        assertEquals(216, e.offset());
        assertTrue(e.getMessage().contains("metadir (0x100)") && e.getMessage().contains("unknown 0x4000"),
                e.getMessage());
    }

    @Test
    void superblockCrcMismatchFailsTheOpenAndNeedsRepairIsAFinding() throws IOException {
        PatchedByteSource src = patched().patch(108, (byte) 'X');
        DiskException bad = assertThrows(DiskException.class, () -> XfsFilesystem.open(src));
        assertEquals("xfs superblock", bad.structure());
        assertEquals(0, bad.offset());
        assertTrue(bad.getMessage().contains("CRC32c"), bad.getMessage());
        PatchedByteSource repair = patched().patchBE(216, (int) (sb.incompat() | 0x10), 4);
        resignSuperblock(repair);
        XfsFilesystem fs2 = XfsFilesystem.open(repair);
        assertEquals("xfs.needs-repair", fs2.findings().get(0).code());
        assertEquals(1, fs2.findings().size());
    }

    @Test
    void inodeCrcMismatchFailsEveryReadOfItAndIsAFinding() throws IOException {
        long off = inodeOffset("/etc/os-release");
        PatchedByteSource src = patched().patch(off + 92, (byte) 0x5A); // di_gen: not used by a reader
        XfsFilesystem fs = XfsFilesystem.open(src);
        for (int i = 0; i < 2; i++) {  // not cached: the second read fails too
            DiskException e = assertThrows(DiskException.class, () -> fs.readString("/etc/os-release", 1000));
            assertEquals(off, e.offset());
            assertTrue(e.structure().startsWith("xfs inode"), e.structure());
        }
        assertEquals(clean.list("/etc").size(), fs.list("/etc").size());
        assertTrue(fs.findings().stream().anyMatch(f -> f.code().equals("xfs.crc-mismatch") && f.offset() == off),
                fs.findings().toString());
    }

    @Test
    void extentPointingOutsideTheFilesystem() throws IOException {
        XfsInode ino = clean.inode(clean.inodeNumber("/frag-small"));
        assertEquals(XfsInode.FMT_EXTENTS, ino.format);
        long rec = ino.forkByteOffset() + 16 * 3; // fourth extent record
        // startblock: AG 3, block 0x7FFF (beyond the 19200-block AG)
        long fsb = (3L << sb.agBlockLog()) | ((1L << sb.agBlockLog()) - 1);
        ByteBuffer b = base.readBuffer(rec, 16, "t").order(ByteOrder.BIG_ENDIAN);
        long l0 = (b.getLong(0) & ~0x1FFL) | (fsb >>> 43);
        long l1 = (b.getLong(8) & 0x1FFFFFL) | (fsb << 21);
        PatchedByteSource src = patched().patchBE(rec, l0, 8).patchBE(rec + 8, l1, 8);
        XfsFilesystem fs = tolerant(src);
        DiskException e = assertThrows(DiskException.class, () -> fs.readAllBytes("/frag-small", 1 << 20));
        assertEquals("xfs inode " + ino.ino + " data fork", e.structure());
        assertEquals(rec, e.offset());
    }

    @Test
    void overlappingExtentsAreRefused() throws IOException {
        XfsInode ino = clean.inode(clean.inodeNumber("/frag-small"));
        long rec = ino.forkByteOffset();
        // copy extent 0 over extent 1: same logical range twice
        PatchedByteSource src = patched().patch(rec + 16, base.readBytes(rec, 16, "t"));
        DiskException e = assertThrows(DiskException.class,
                () -> tolerant(src).readAllBytes("/frag-small", 1 << 20));
        assertEquals(rec + 16, e.offset());
        assertTrue(e.getMessage().contains("overlaps"), e.getMessage());
    }

    @Test
    void absurdExtentCountInInode() throws IOException {
        XfsInode ino = clean.inode(clean.inodeNumber("/frag-small"));
        PatchedByteSource src = patched().patchBE(ino.offset + 76, 0x7FFFFFF0, 4);
        DiskException e = assertThrows(DiskException.class,
                () -> tolerant(src).readAllBytes("/frag-small", 1 << 20));
        assertEquals(ino.forkByteOffset(), e.offset());
    }

    /** The first pointer of the in-inode B+tree root and where it is stored. */
    static long[] rootPointer(XfsInode ino) {
        int maxrecs = (ino.forkSize() - 4) / 16;
        int at = 4 + 8 * maxrecs;
        return new long[] {ino.fork().getLong(at), ino.forkByteOffset() + at};
    }

    @Test
    void btreeDepthBeyondLimit() throws IOException {
        XfsInode ino = clean.inode(clean.inodeNumber("/frag-btree"));
        assertEquals(XfsInode.FMT_BTREE, ino.format);
        PatchedByteSource src = patched().patchBE(ino.forkByteOffset(), 50, 2);
        DiskException e = assertThrows(DiskException.class,
                () -> tolerant(src).readAllBytes("/frag-btree", 64 << 20));
        assertEquals("xfs inode " + ino.ino + " bmbt root", e.structure());
        assertEquals(ino.forkByteOffset(), e.offset());
    }

    @Test
    void btreeBlockPointingAtItselfIsALevelMismatch() throws IOException {
        XfsInode ino = clean.inode(clean.inodeNumber("/frag-btree"));
        long node = rootPointer(ino)[0];
        long nodeOff = sb.fsbToByte(node, 1, "t", -1);
        ByteBuffer nb = base.readBuffer(nodeOff, sb.blockSize(), "t").order(ByteOrder.BIG_ENDIAN);
        assertEquals(1, nb.getShort(4)); // the root is level 2, its child a level-1 node
        int maxrecs = (sb.blockSize() - 72) / 16;
        long ptrAt = nodeOff + 72 + 8L * maxrecs;
        PatchedByteSource src = patched().patchBE(ptrAt, node, 8); // child pointer loops to the node itself
        DiskException e = assertThrows(DiskException.class,
                () -> tolerant(src).readAllBytes("/frag-btree", 64 << 20));
        assertEquals("xfs inode " + ino.ino + " bmbt block", e.structure());
        assertEquals(nodeOff + 4, e.offset());
    }

    @Test
    void btreeLeafReachedTwiceIsDetected() throws IOException {
        XfsInode ino = clean.inode(clean.inodeNumber("/frag-btree"));
        long nodeOff = sb.fsbToByte(rootPointer(ino)[0], 1, "t", -1);
        int maxrecs = (sb.blockSize() - 72) / 16;
        long ptrAt = nodeOff + 72 + 8L * maxrecs;
        long firstLeaf = base.readBuffer(ptrAt, 8, "t").order(ByteOrder.BIG_ENDIAN).getLong();
        PatchedByteSource src = patched().patchBE(ptrAt + 8, firstLeaf, 8); // second child = first child
        DiskException e = assertThrows(DiskException.class,
                () -> tolerant(src).readAllBytes("/frag-btree", 64 << 20));
        assertTrue(e.getMessage().contains("looping"), e.getMessage());
        assertEquals(sb.fsbToByte(firstLeaf, 1, "t", -1) + 72, e.offset());
    }

    @Test
    void btreeBlockWithBadMagic() throws IOException {
        XfsInode ino = clean.inode(clean.inodeNumber("/frag-btree"));
        long nodeOff = sb.fsbToByte(rootPointer(ino)[0], 1, "t", -1);
        PatchedByteSource src = patched().patchBE(nodeOff, 0x41414141, 4);
        DiskException e = assertThrows(DiskException.class,
                () -> tolerant(src).readAllBytes("/frag-btree", 64 << 20));
        assertEquals(nodeOff, e.offset());
        assertTrue(e.getMessage().contains("BMA3"));
    }

    static long firstDirBlock(String path) throws IOException {
        XfsInode d = clean.inode(clean.inodeNumber(path));
        XfsBmap map = new XfsBmap(sb, base, d, f -> { });
        Optional<XfsExtent> e = map.next();
        return sb.fsbToByte(e.orElseThrow().startBlock(), 1, "t", -1);
    }

    @Test
    void corruptDirectoryBlockEntryLength() throws IOException {
        long blk = firstDirBlock("/dir40");
        // entries start at 64: "." (16 bytes), ".." (16 bytes), then the first real entry's namelen
        PatchedByteSource src = patched().patch(blk + 64 + 32 + 8, (byte) 0); // name length 0
        DiskException e = assertThrows(DiskException.class, () -> tolerant(src).list("/dir40"));
        assertEquals(blk + 96, e.offset());
        assertTrue(e.structure().endsWith("directory block"), e.structure());
    }

    @Test
    void directoryBlockWithBadMagicAndCrc() throws IOException {
        long blk = firstDirBlock("/dir400");
        DiskException e = assertThrows(DiskException.class,
                () -> tolerant(patched().patchBE(blk, 0, 4)).list("/dir400"));
        assertEquals(blk, e.offset());
        // A changed name keeps the structure valid, but the CRC fails: not listed from damaged metadata.
        XfsFilesystem fs = XfsFilesystem.open(patched().patch(blk + 64 + 32 + 9, (byte) 'Z'));
        DiskException crc = assertThrows(DiskException.class, () -> fs.list("/dir400"));
        assertEquals(blk, crc.offset());
        assertTrue(fs.findings().stream().anyMatch(f -> f.code().equals("xfs.crc-mismatch") && f.offset() == blk));
    }

    @Test
    void shortFormDirectoryRunningPastItsFork() throws IOException {
        XfsInode d = clean.inode(clean.inodeNumber("/dir3"));
        PatchedByteSource src = patched().patch(d.forkByteOffset(), (byte) 200); // count = 200 entries
        DiskException e = assertThrows(DiskException.class, () -> tolerant(src).list("/dir3"));
        assertTrue(e.structure().contains("short-form"), e.structure());
        assertTrue(e.offset() > d.forkByteOffset() && e.offset() < d.forkByteOffset() + d.forkSize());
    }

    @Test
    void entryPointingAtAnInodeOutsideTheFilesystem() throws IOException {
        XfsInode d = clean.inode(clean.inodeNumber("/dir3"));
        // dir3 short-form: header 6 bytes (4-byte parent), first entry: namelen 1, offset 2, "file1" 5, ftype 1, ino 4
        long inoAt = d.forkByteOffset() + 6 + 3 + 5 + 1;
        PatchedByteSource src = patched().patchBE(inoAt, 0x7FFFFFFF, 4);
        DiskException e = assertThrows(DiskException.class,
                () -> tolerant(src).stat("/dir3/file1"));
        assertEquals("xfs inode " + 0x7FFFFFFFL, e.structure());
    }

    @Test
    void inodeWithWrongSelfNumber() throws IOException {
        long off = inodeOffset("/etc/os-release");
        PatchedByteSource src = patched().patchBE(off + 152, 999, 8);
        DiskException e = assertThrows(DiskException.class,
                () -> tolerant(src).readString("/etc/os-release", 100));
        assertEquals(off + 152, e.offset());
    }

    @Test
    void oversizedSymlink() throws IOException {
        long off = inodeOffset("/link-remote");
        PatchedByteSource src = patched().patchBE(off + 56, 1L << 40, 8);
        DiskException e = assertThrows(DiskException.class,
                () -> tolerant(src).readlink("/link-remote"));
        assertEquals(off + 56, e.offset());
    }

    @Test
    void btreeRootWithTooManyRecords() throws IOException {
        XfsInode ino = clean.inode(clean.inodeNumber("/frag-btree"));
        PatchedByteSource src = patched().patchBE(ino.forkByteOffset() + 2, 5000, 2);
        DiskException e = assertThrows(DiskException.class,
                () -> tolerant(src).readAllBytes("/frag-btree", 64 << 20));
        assertEquals(ino.forkByteOffset() + 2, e.offset());
    }

    @Test
    void remoteSymlinkWithoutHeader() throws IOException {
        XfsInode link = clean.inode(clean.inodeNumber("/link-remote"));
        assertEquals(XfsInode.FMT_EXTENTS, link.format);
        XfsExtent x = new XfsBmap(sb, base, link, f -> { }).next().orElseThrow();
        long blk = sb.fsbToByte(x.startBlock(), 1, "t", -1);
        // what mkfs.xfs 6.1 -p writes for a v5 remote symlink: the target with no XSLM header
        PatchedByteSource src = patched().patch(blk, "../../".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        DiskException e = assertThrows(DiskException.class,
                () -> tolerant(src).readlink("/link-remote"));
        assertEquals(blk, e.offset());
        assertTrue(e.getMessage().contains("XSLM"), e.getMessage());
        // a flipped target byte keeps the structure but fails the CRC: the target is not trusted
        XfsFilesystem fs = XfsFilesystem.open(patched().patch(blk + 56, (byte) 'Q'));
        assertEquals(blk, assertThrows(DiskException.class, () -> fs.readlink("/link-remote")).offset());
        assertTrue(fs.findings().stream().anyMatch(f -> f.code().equals("xfs.crc-mismatch") && f.offset() == blk),
                fs.findings().toString());
    }

    @Test
    void bmbtBlockCrcMismatchFailsTheReadAndIsAFinding() throws IOException {
        XfsInode ino = clean.inode(clean.inodeNumber("/frag-btree"));
        long nodeOff = sb.fsbToByte(rootPointer(ino)[0], 1, "t", -1);
        PatchedByteSource src = patched().patch(nodeOff + 68, (byte) 1); // bb_pad
        XfsFilesystem fs = XfsFilesystem.open(src);
        DiskException e = assertThrows(DiskException.class, () -> fs.readAllBytes("/frag-btree", 64 << 20));
        assertEquals(nodeOff, e.offset());
        assertEquals(clean.stat("/frag-btree").size(), fs.stat("/frag-btree").size());
        assertTrue(fs.findings().stream().anyMatch(f -> f.code().equals("xfs.crc-mismatch") && f.offset() == nodeOff),
                fs.findings().toString());
    }

    @Test
    void tinySourceIsNotXfs() throws IOException {
        io.vhdflow.disk.container.ByteSource tiny = base.slice(0, 100, "tiny");
        assertFalse(XfsFilesystem.probe(tiny));
        assertThrows(DiskException.class, () -> XfsFilesystem.open(tiny));
    }

    @Test
    void logOutsideTheImageIsAFindingNotAFailure() throws IOException {
        // sb_logstart pointing past the last AG: the log cannot be inspected, files still can
        PatchedByteSource src = patched().patchBE(48, (sb.agCount() + 5) << sb.agBlockLog(), 8);
        resignSuperblock(src);
        XfsFilesystem fs = tolerant(src);
        assertEquals(1, fs.findings().size(), fs.findings().toString());
        assertEquals("xfs.log-unreadable", fs.findings().get(0).code());
        assertEquals(48, fs.findings().get(0).offset());
        assertEquals(clean.readString("/etc/os-release", 100), fs.readString("/etc/os-release", 100));
    }
}
