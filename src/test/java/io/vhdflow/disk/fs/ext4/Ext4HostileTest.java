package io.vhdflow.disk.fs.ext4;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.Finding;
import io.vhdflow.disk.container.ByteSource;
import io.vhdflow.disk.container.FileByteSource;
import io.vhdflow.disk.fs.FileTooLargeException;
import io.vhdflow.testing.Fixtures;
import io.vhdflow.testing.PatchedByteSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hand-made corruptions of valid fixtures: each must fail with a typed error naming the structure and offset. */
class Ext4HostileTest {
    private static final long SB = 1024;

    @TempDir
    static Path tmp;
    private static ByteSource ext4;
    private static ByteSource ext2;
    private static ByteSource ext432;

    @BeforeAll
    static void unpack() throws IOException {
        ext4 = FileByteSource.open(Fixtures.extract("ext4/ext4.img.zst", tmp));
        ext2 = FileByteSource.open(Fixtures.extract("ext4/ext2.img.zst", tmp));
        ext432 = FileByteSource.open(Fixtures.extract("ext4/ext4-32.img.zst", tmp));
    }

    @AfterAll
    static void close() throws IOException {
        ext4.close();
        ext2.close();
        ext432.close();
    }

    @Test
    void groupDescriptorChecksumsCrc32cAndCrc16() throws IOException {
        for (ByteSource base : List.of(ext4, ext432)) {
            Ext4Filesystem clean = Ext4Filesystem.open(base);
            GroupDescriptor g0 = clean.groupDescriptor(0);
            // bg_block_bitmap_lo is not used for reading, so only the checksum notices.
            PatchedByteSource damaged = new PatchedByteSource(base).xor(g0.offset() + 0x00, 0x40);
            DiskException e = assertThrows(DiskException.class, () -> Ext4Filesystem.open(damaged));
            assertEquals(g0.offset(), e.offset());
            assertEquals("ext4 group descriptor 0", e.structure());
            Ext4Filesystem fs = tolerant(damaged);
            assertEquals("deep\n", fs.readString("/a/b/c/d/e/deep.txt", 10));
            assertEquals(List.of(g0.offset()), fs.findings().stream().map(Finding::offset).toList(), fs.findings().toString());
            assertTrue(fs.findings().get(0).detail().contains("group descriptor 0"));
        }
        assertTrue(Fixtures.text("ext4/ext4-32.dumpe2fs.txt").contains("uninit_bg"), "ext4-32 uses crc16 gdt_csum");
    }

    @Test
    void extentBlockChecksumMismatchFailsTheReadAndIsAFinding() throws IOException {
        Ext4Filesystem clean = Ext4Filesystem.open(ext4);
        Inode frag = clean.inode(clean.inodeNumber("/fragmented.bin"));
        long childAt = Integer.toUnsignedLong(frag.u32(Inode.I_BLOCK + 12 + 4)) * 4096;
        PatchedByteSource damaged = new PatchedByteSource(ext4).xor(childAt + 8, 0x01);  // eh_generation
        Ext4Filesystem strict = Ext4Filesystem.open(damaged);
        DiskException e = assertThrows(DiskException.class, () -> strict.readAllBytes("/fragmented.bin", 16 << 20));
        assertEquals(childAt, e.offset());
        assertTrue(e.structure().endsWith("extent tree block"), e.structure());
        Ext4Filesystem fs = tolerant(damaged);
        assertEquals(clean.readAllBytes("/fragmented.bin", 16 << 20).length, fs.readAllBytes("/fragmented.bin", 16 << 20).length);
        assertEquals(List.of(childAt), fs.findings().stream().map(Finding::offset).toList(), fs.findings().toString());
    }


    /** Opens with checksum failures as findings only: the structural bounds must hold on their own. */
    private static Ext4Filesystem tolerant(ByteSource src) throws IOException {
        return Ext4Filesystem.open(src, false);
    }
    /** Patches a superblock field and fixes the superblock checksum so only the intended fault remains. */
    private static PatchedByteSource superblockPatch(ByteSource base, int field, long value, int bytes) throws IOException {
        PatchedByteSource p = new PatchedByteSource(base).patchLE(SB + field, value, bytes);
        byte[] sb = p.readBytes(SB, 1024, "test");
        p.patchLE(SB + 0x3FC, Checksums.crc32c(~0, sb, 0, 0x3FC), 4);
        return p;
    }

    @Test
    void badMagicIsNotExt4() throws IOException {
        PatchedByteSource p = new PatchedByteSource(ext4).patch(SB + 0x38, (byte) 0x54);
        assertFalse(Ext4Filesystem.probe(p));
        DiskException e = assertThrows(DiskException.class, () -> tolerant(p));
        assertEquals(SB + 0x38, e.offset());
        assertTrue(e.structure().startsWith("ext4 superblock"));
    }

    @Test
    void absurdBlockSize() throws IOException {
        DiskException e = assertThrows(DiskException.class,
                () -> tolerant(superblockPatch(ext4, 0x18, 9, 4)));
        assertEquals(SB + 0x18, e.offset());
    }

    @Test
    void blockCountBeyondTheDevice() throws IOException {
        DiskException e = assertThrows(DiskException.class,
                () -> tolerant(superblockPatch(ext4, 0x04, 0x7FFFFFFFL, 4)));
        assertEquals(SB + 0x04, e.offset());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void absurdInodeCounts() throws IOException {
        assertThrows(DiskException.class, () -> tolerant(superblockPatch(ext4, 0x28, 0xFFFFFFFFL, 4)));
        assertThrows(DiskException.class, () -> tolerant(superblockPatch(ext4, 0x00, 0xFFFFFFF0L, 4)));
        assertThrows(DiskException.class, () -> tolerant(superblockPatch(ext4, 0x58, 100, 2)));
        assertThrows(DiskException.class, () -> tolerant(superblockPatch(ext4, 0x20, 0, 4)));
    }

    @Test
    void unsupportedIncompatFeaturesAreNamed() throws IOException {
        int incompat = ext4.readBuffer(SB + 0x60, 4, "t").getInt();
        Ext4UnsupportedFeatureException e = assertThrows(Ext4UnsupportedFeatureException.class,
                () -> tolerant(superblockPatch(ext4, 0x60, incompat | 0x10000 | 0x80000000, 4)));
        assertEquals(List.of("encrypt", "incompat_0x80000000"), e.features());
        assertEquals(SB + 0x60, e.offset());
    }

    @Test
    void unknownReadOnlyCompatFeaturesAreFine() throws IOException {
        int ro = ext4.readBuffer(SB + 0x64, 4, "t").getInt();
        Ext4Filesystem fs = tolerant(superblockPatch(ext4, 0x64, ro | 0x40000000, 4));
        assertEquals("deep\n", fs.readString("/a/b/c/d/e/deep.txt", 10));
        assertEquals(List.of(), fs.findings());
    }

    @Test
    void uncleanStateIsAFindingAndASuperblockChecksumMismatchFailsTheOpen() throws IOException {
        Ext4Filesystem fs = Ext4Filesystem.open(superblockPatch(ext4, 0x3A, 0, 2));
        assertEquals(List.of("ext4.not-clean"), fs.findings().stream().map(Finding::code).toList());
        assertEquals(SB + 0x3A, fs.findings().get(0).offset());
        DiskException bad = assertThrows(DiskException.class,
                () -> Ext4Filesystem.open(new PatchedByteSource(ext4).xor(SB + 0x78, 0x20)));
        assertEquals("ext4 superblock", bad.structure());
        assertEquals(SB, bad.offset());
        assertTrue(bad.getMessage().contains("checksum mismatch"), bad.getMessage());
    }

    @Test
    void inodeChecksumMismatchFailsEveryReadOfTheInodeAndIsAFinding() throws IOException {
        Ext4Filesystem clean = Ext4Filesystem.open(ext4);
        Inode shadow = clean.inode(clean.inodeNumber("/etc/shadow"));
        Ext4Filesystem fs = Ext4Filesystem.open(new PatchedByteSource(ext4).patch(shadow.offset + 0x02, (byte) 42));
        for (int i = 0; i < 2; i++) {  // not cached: the uid 42 is never answered
            DiskException e = assertThrows(DiskException.class, () -> fs.stat("/etc/shadow"));
            assertEquals(shadow.offset, e.offset());
            assertTrue(e.structure().startsWith("ext4 inode"), e.structure());
        }
        assertEquals(clean.list("/etc").size(), fs.list("/etc").size());
        assertEquals(List.of("ext4.checksum-mismatch"), fs.findings().stream().map(Finding::code).toList());
        assertEquals(shadow.offset, fs.findings().get(0).offset());
    }

    @Test
    void directoryBlockChecksumMismatchFailsTheListingAndIsAFinding() throws IOException {
        Ext4Filesystem clean = Ext4Filesystem.open(ext4);
        Inode etc = clean.inode(clean.inodeNumber("/etc"));
        long block = clean.blockMap(etc).find(0).physical();
        // Change a name's last letter: still a valid entry, but the block checksum no longer matches.
        long at = block * 4096;
        PatchedByteSource p = new PatchedByteSource(ext4);
        byte[] data = ext4.readBytes(at, 4096, "t");
        int off = 12 + 12;  // ".", "..", then the first real entry
        p.xor(at + off + 8, 0x01);
        Ext4Filesystem fs = Ext4Filesystem.open(p);
        assertEquals(at, assertThrows(DiskException.class, () -> fs.list("/etc")).offset());
        assertTrue(fs.findings().stream().anyMatch(f -> f.code().equals("ext4.checksum-mismatch") && f.offset() == at),
                fs.findings().toString());
        assertTrue(data[off + 8] != 0);
    }

    @Test
    void extentPointingOutsideTheFilesystem() throws IOException {
        Ext4Filesystem clean = Ext4Filesystem.open(ext4);
        Inode osr = clean.inode(clean.inodeNumber("/etc/os-release"));
        long entry = osr.offset + Inode.I_BLOCK + 12;
        Ext4Filesystem fs = tolerant(new PatchedByteSource(ext4).patchLE(entry + 8, 0xFFFFFF00L, 4));
        DiskException e = assertThrows(DiskException.class, () -> fs.readAllBytes("/etc/os-release", 100));
        assertEquals(entry, e.offset());
        assertEquals("ext4 inode " + osr.number + " extent", e.structure());
    }

    @Test
    void extentTreeLoopIsRefused() throws IOException {
        Ext4Filesystem clean = Ext4Filesystem.open(ext4);
        Inode frag = clean.inode(clean.inodeNumber("/fragmented.bin"));
        int depth = frag.u16(Inode.I_BLOCK + 6);
        assertEquals(1, depth);
        long child = Integer.toUnsignedLong(frag.u32(Inode.I_BLOCK + 12 + 4));
        long childAt = child * 4096;
        // Make the child an index node pointing at itself, and the root one level deeper to match.
        PatchedByteSource p = new PatchedByteSource(ext4)
                .patchLE(frag.offset + Inode.I_BLOCK + 6, 2, 2)
                .patchLE(childAt + 6, 1, 2)
                .patchLE(childAt + 12 + 4, child, 4)
                .patchLE(childAt + 12 + 8, 0, 2);
        Ext4Filesystem fs = tolerant(p);
        DiskException e = assertThrows(DiskException.class, () -> fs.readAllBytes("/fragmented.bin", 16 << 20));
        assertEquals(childAt + 6, e.offset());
        assertTrue(e.getMessage().contains("loop"), e.getMessage());
    }

    @Test
    void extentDepthBombIsRefused() throws IOException {
        Ext4Filesystem clean = Ext4Filesystem.open(ext4);
        Inode frag = clean.inode(clean.inodeNumber("/fragmented.bin"));
        Ext4Filesystem fs = tolerant(new PatchedByteSource(ext4).patchLE(frag.offset + Inode.I_BLOCK + 6, 60000, 2));
        DiskException e = assertThrows(DiskException.class, () -> fs.newInputStream("/fragmented.bin").read());
        assertEquals(frag.offset + Inode.I_BLOCK + 6, e.offset());
        assertTrue(e.getMessage().contains("exceeds the limit"), e.getMessage());
    }

    @Test
    void extentEntriesOverflowingTheNode() throws IOException {
        Ext4Filesystem clean = Ext4Filesystem.open(ext4);
        Inode osr = clean.inode(clean.inodeNumber("/etc/os-release"));
        Ext4Filesystem fs = tolerant(new PatchedByteSource(ext4).patchLE(osr.offset + Inode.I_BLOCK + 2, 9, 2));
        DiskException e = assertThrows(DiskException.class, () -> fs.readAllBytes("/etc/os-release", 100));
        assertEquals(osr.offset + Inode.I_BLOCK, e.offset());
    }

    @Test
    void directoryRecLenZero() throws IOException {
        Ext4Filesystem clean = Ext4Filesystem.open(ext4);
        Inode etc = clean.inode(clean.inodeNumber("/etc"));
        long at = clean.blockMap(etc).find(0).physical() * 4096;
        Ext4Filesystem fs = tolerant(new PatchedByteSource(ext4).patchLE(at + 24 + 4, 0, 2));
        DiskException e = assertThrows(DiskException.class, () -> fs.list("/etc"));
        assertEquals(at + 24, e.offset());
        assertTrue(e.structure().startsWith("ext4 directory inode " + etc.number), e.structure());
        assertThrows(DiskException.class, () -> fs.stat("/etc/shadow"));
    }

    @Test
    void directoryEntryNamingAnImpossibleInode() throws IOException {
        Ext4Filesystem clean = Ext4Filesystem.open(ext4);
        Inode etc = clean.inode(clean.inodeNumber("/etc"));
        long at = clean.blockMap(etc).find(0).physical() * 4096;
        Ext4Filesystem fs = tolerant(new PatchedByteSource(ext4).patchLE(at + 24, 0xFFFFFFF0L, 4));
        DiskException e = assertThrows(DiskException.class, () -> fs.list("/etc"));
        assertEquals(at + 24, e.offset());
    }

    @Test
    void absurdSizes() throws IOException {
        Ext4Filesystem clean = Ext4Filesystem.open(ext4);
        Inode osr = clean.inode(clean.inodeNumber("/etc/os-release"));
        Inode etc = clean.inode(clean.inodeNumber("/etc"));
        Ext4Filesystem fs = tolerant(new PatchedByteSource(ext4).patchLE(osr.offset + 0x6C, 0x7FFFFFFFL, 4));
        assertThrows(FileTooLargeException.class, () -> fs.readAllBytes("/etc/os-release", 1 << 20));
        DiskException e = assertThrows(DiskException.class, () -> fs.newInputStream("/etc/os-release"));
        assertEquals(osr.offset + 0x04, e.offset());
        Ext4Filesystem bigDir = tolerant(new PatchedByteSource(ext4).patchLE(etc.offset + 0x6C, 0x100, 4));
        DiskException d = assertThrows(DiskException.class, () -> bigDir.list("/etc"));
        assertEquals(etc.offset + 0x04, d.offset());
        Ext4Filesystem neg = tolerant(new PatchedByteSource(ext4).patchLE(osr.offset + 0x6C, 0x80000000L, 4));
        DiskException n = assertThrows(DiskException.class, () -> neg.stat("/etc/os-release"));
        assertEquals(osr.offset + 0x6C, n.offset());
    }

    @Test
    void longSymlinkSizeIsCapped() throws IOException {
        Ext4Filesystem clean = Ext4Filesystem.open(ext4);
        Inode link = clean.inode(clean.lstat("/long-link").inode());
        Ext4Filesystem fs = tolerant(new PatchedByteSource(ext4).patchLE(link.offset + 0x04, 1 << 20, 4));
        DiskException e = assertThrows(DiskException.class, () -> fs.readlink("/long-link"));
        assertEquals(link.offset + 0x04, e.offset());
    }

    @Test
    void indirectBlockPointingOutside() throws IOException {
        Ext4Filesystem clean = Ext4Filesystem.open(ext2);
        Inode medium = clean.inode(clean.inodeNumber("/medium.bin"));
        long dind = Integer.toUnsignedLong(medium.u32(Inode.I_BLOCK + 13 * 4));
        // The first pointer in the double-indirect block now leads outside the filesystem.
        Ext4Filesystem fs = tolerant(new PatchedByteSource(ext2).patchLE(dind * 1024, 0x7FFFFFF0L, 4));
        DiskException e = assertThrows(DiskException.class, () -> {
            try (InputStream in = fs.newInputStream("/medium.bin")) {
                in.readAllBytes();
            }
        });
        assertEquals(dind * 1024, e.offset());
        Ext4Filesystem direct = tolerant(new PatchedByteSource(ext2).patchLE(medium.offset + Inode.I_BLOCK, 1, 4));
        DiskException d = assertThrows(DiskException.class, () -> direct.newInputStream("/medium.bin").read());
        assertEquals(medium.offset + Inode.I_BLOCK, d.offset());
    }

    @Test
    void inodeTableOutsideTheFilesystem() throws IOException {
        Ext4Filesystem clean = Ext4Filesystem.open(ext4);
        GroupDescriptor g0 = clean.groupDescriptor(0);
        PatchedByteSource p = new PatchedByteSource(ext4).patchLE(g0.offset() + 0x08, 0xFFFFFF00L, 4);
        DiskException e = assertThrows(DiskException.class, () -> tolerant(p));
        assertEquals(g0.offset() + 0x08, e.offset());
    }
}
