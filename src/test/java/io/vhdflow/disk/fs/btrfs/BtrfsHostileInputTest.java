package io.vhdflow.disk.fs.btrfs;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.container.FileByteSource;
import io.vhdflow.testing.Fixtures;
import io.vhdflow.testing.PatchedByteSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Targeted corruptions of the kernel-made image (patched in an overlay, re-signed so the checksum is
 * not what catches them): each is a {@link DiskException} of the right kind naming the structure
 * and its absolute byte offset, or a finding when reading can go on.
 */
class BtrfsHostileInputTest {
    static final long SB = BtrfsSuperblock.PRIMARY;
    @TempDir
    static Path dir;
    static FileByteSource base;
    static BtrfsFilesystem clean;
    static FileByteSource rootdirBase;
    static BtrfsFilesystem rootdir;

    @BeforeAll
    static void open() throws IOException {
        base = FileByteSource.open(Fixtures.extract("btrfs/subvol.img.zst", dir));
        clean = BtrfsFilesystem.open(base);
        rootdirBase = FileByteSource.open(Fixtures.extract("btrfs/rootdir.img.zst", dir));
        rootdir = BtrfsFilesystem.open(rootdirBase);
    }

    @AfterAll
    static void close() throws IOException {
        base.close();
        rootdirBase.close();
    }

    static BtrfsPatcher patcher() {
        return new BtrfsPatcher(new PatchedByteSource(base), clean);
    }

    static DiskException refused(PatchedByteSource src, ErrorKind kind) {
        DiskException e = assertThrows(DiskException.class, () -> BtrfsFilesystem.open(src));
        assertEquals(kind, e.kind(), e.getMessage());
        return e;
    }

    static long ino(String path) throws IOException {
        return clean.stat(path).inode();
    }

    // ------------------------------------------------------------------ superblock

    @Test
    void aDamagedPrimarySuperblockIsReadFromItsMirror() throws IOException {
        PatchedByteSource src = new PatchedByteSource(base).xor(SB + 0x200, 0x01);
        BtrfsFilesystem fs = BtrfsFilesystem.open(src);
        assertEquals(clean.readString("/etc/os-release", 1000), fs.readString("/etc/os-release", 1000));
        assertTrue(fs.findings().stream().anyMatch(f -> f.code().equals("btrfs.superblock-mirror-used")
                && f.detail().contains("mirror at 67108864")), fs.findings().toString());
    }

    @Test
    void noMagicAnywhereIsNotBtrfs() throws IOException {
        PatchedByteSource src = new PatchedByteSource(base).patch(SB + 0x40, (byte) 'X')
                .patch(BtrfsSuperblock.mirrorOffset(1) + 0x40, (byte) 'X');
        assertFalse(BtrfsFilesystem.probe(src));
        assertTrue(BtrfsFilesystem.probe(base));
        DiskException e = refused(src, ErrorKind.CORRUPT);
        assertEquals("btrfs superblock", e.structure());
        assertEquals(SB + 0x40, e.offset());
    }

    @Test
    void unknownChecksumTypeIsUnsupported() throws IOException {
        DiskException e = refused(patcher().superblockLE(0xC4, 7, 2).source(), ErrorKind.UNSUPPORTED);
        assertEquals(SB + 0xC4, e.offset());
        assertTrue(e.getMessage().contains("checksum type 7"), e.getMessage());
    }

    @Test
    void incompatibleFeaturesNotReadAreNamed() throws IOException {
        long incompat = clean.volume().sb.incompat() | BtrfsSuperblock.EXTENT_TREE_V2 | BtrfsSuperblock.ZONED;
        DiskException e = refused(patcher().superblockLE(0xBC, incompat, 8).source(), ErrorKind.UNSUPPORTED);
        assertEquals(SB + 0xBC, e.offset());
        assertTrue(e.getMessage().contains("zoned (0x1000)") && e.getMessage().contains("extent_tree_v2 (0x2000)"),
                e.getMessage());
    }

    @Test
    void severalDevicesAreUnsupported() throws IOException {
        DiskException e = refused(patcher().superblockLE(0x88, 2, 8).source(), ErrorKind.UNSUPPORTED);
        assertEquals(SB + 0x88, e.offset());
        assertTrue(e.getMessage().contains("spans 2 devices"), e.getMessage());
    }

    @Test
    void impossibleGeometryIsCorrupt() throws IOException {
        // With the mirror at 64 MiB intact, each of these is read from the mirror instead.
        BtrfsFilesystem fromMirror = BtrfsFilesystem.open(patcher().superblockLE(0x90, 3000, 4).source());
        assertTrue(fromMirror.findings().stream().anyMatch(f -> f.detail().contains("sector size 3000")),
                fromMirror.findings().toString());
        assertEquals(SB + 0x90, refused(noMirror(patcher().superblockLE(0x90, 3000, 4)), ErrorKind.CORRUPT).offset());
        assertEquals(SB + 0x94, refused(noMirror(patcher().superblockLE(0x94, 1 << 20, 4)), ErrorKind.CORRUPT).offset());
        assertEquals(SB + 0x50, refused(noMirror(patcher().superblockLE(0xC6, 9, 1)), ErrorKind.CORRUPT).offset());
        assertEquals(SB + 0xA0, refused(noMirror(patcher().superblockLE(0xA0, 5000, 4)), ErrorKind.CORRUPT).offset());
    }

    static PatchedByteSource noMirror(BtrfsPatcher p) {
        return p.source().patch(BtrfsSuperblock.mirrorOffset(1) + 0x40, (byte) 'X');
    }

    @Test
    void aTreeLogLeftBehindIsAFinding() throws IOException {
        BtrfsFilesystem fs = BtrfsFilesystem.open(patcher().superblockLE(0x60, 30408704L + 16384 * 7, 8).source());
        assertTrue(fs.findings().stream().anyMatch(f -> f.code().equals("btrfs.log-tree") && f.offset() == SB + 0x60),
                fs.findings().toString());
    }

    // ------------------------------------------------------------------ chunks

    @Test
    void raidProfilesAreRefusedClearly() throws IOException {
        // The system chunk in the superblock's array: SYSTEM|DUP (0x22) made SYSTEM|RAID1 (0x12).
        int typeAt = BtrfsSuperblock.SYS_CHUNK_ARRAY + BtrfsKey.SIZE + 24;
        DiskException e = refused(patcher().superblockLE(typeAt, 0x12, 8).source(), ErrorKind.UNSUPPORTED);
        assertEquals(SB + typeAt, e.offset());
        assertTrue(e.getMessage().contains("RAID1 profile") && e.getMessage().contains("only single and DUP"),
                e.getMessage());
        // A data chunk in the chunk tree: DATA (0x1) made DATA|RAID0 (0x9).
        BtrfsVolume v = clean.volume();
        TreeReader.Root chunkTree = new TreeReader.Root("chunk", v.sb.chunkRoot(), v.sb.chunkRootLevel(),
                v.sb.chunkRootGeneration());
        TreeReader.Item data = v.trees.find(chunkTree, new BtrfsKey(256, BtrfsKey.CHUNK_ITEM, 13631488)).orElseThrow();
        BtrfsPatcher p = patcher().itemLE(data, 24, 0x9, 8);
        DiskException d = refused(p.source(), ErrorKind.UNSUPPORTED);
        assertEquals(data.at() + 24, d.offset());
        assertTrue(d.getMessage().contains("RAID0 profile"), d.getMessage());
    }

    @Test
    void overlappingChunksAndStripesOnOtherDevicesAreCorrupt() throws IOException {
        BtrfsVolume v = clean.volume();
        TreeReader.Root chunkTree = new TreeReader.Root("chunk", v.sb.chunkRoot(), v.sb.chunkRootLevel(),
                v.sb.chunkRootGeneration());
        TreeReader.Item data = v.trees.find(chunkTree, new BtrfsKey(256, BtrfsKey.CHUNK_ITEM, 13631488)).orElseThrow();
        // length 8 MiB -> 512 MiB: runs into the system chunk at 22020096.
        DiskException e = refused(patcher().itemLE(data, 0, 512L << 20, 8).source(), ErrorKind.CORRUPT);
        assertTrue(e.getMessage().contains("overlaps another chunk"), e.getMessage());
        DiskException dev = refused(patcher().itemLE(data, 48, 9, 8).source(), ErrorKind.CORRUPT);
        assertEquals(data.at() + 48, dev.offset());
        assertTrue(dev.getMessage().contains("device 9"), dev.getMessage());
    }

    @Test
    void aRootOutsideEveryChunkIsCorrupt() throws IOException {
        DiskException e = refused(patcher().superblockLE(0x50, 1L << 40, 8).source(), ErrorKind.CORRUPT);
        assertTrue(e.getMessage().contains("is in no chunk"), e.getMessage());
        assertEquals("btrfs tree block 1099511627776", e.structure());
    }

    // ------------------------------------------------------------------ tree blocks

    @Test
    void aMisdirectedBlockIsCorrupt() throws IOException {
        long root = clean.volume().sb.root();
        DiskException e = refused(patcher().blockLE(root, 48, root + 16384, 8).source(), ErrorKind.CORRUPT);
        assertEquals(clean.volume().chunks.map(root, "t").copies()[0] + 48, e.offset());
        assertTrue(e.getMessage().contains("misdirected or stale"), e.getMessage());
    }

    @Test
    void aStaleGenerationIsCorrupt() throws IOException {
        long root = clean.volume().sb.root();
        DiskException e = refused(patcher().blockLE(root, 80, 3, 8).source(), ErrorKind.CORRUPT);
        assertTrue(e.getMessage().contains("generation 3 where its parent expects"), e.getMessage());
    }

    @Test
    void keysOutOfOrderAndItemsOutsideTheLeafAreCorrupt() throws IOException {
        TreeReader.Item os = BtrfsPatcherItems.inode(clean, "/etc/os-release");
        BtrfsPatcher p = patcher();
        int idx = BtrfsPatcher.indexIn(clean.volume(), os);
        int header = TreeBlock.HEADER + idx * TreeBlock.ITEM;
        // The item's key object id set to 1: below the keys before it.
        p.blockLE(os.leaf(), header, 1, 8);
        BtrfsFilesystem fs = BtrfsFilesystem.open(p.source());
        DiskException e = assertThrows(DiskException.class, () -> fs.readString("/etc/os-release", 1000));
        assertEquals(ErrorKind.CORRUPT, e.kind());
        assertTrue(e.getMessage().contains("does not sort after"), e.getMessage());

        BtrfsPatcher q = patcher().blockLE(os.leaf(), header + 17, 16_200, 4);
        BtrfsFilesystem fs2 = BtrfsFilesystem.open(q.source());
        DiskException f = assertThrows(DiskException.class, () -> fs2.readString("/etc/os-release", 1000));
        assertTrue(f.getMessage().contains("outside the leaf's data area"), f.getMessage());

        BtrfsPatcher r = patcher().blockLE(os.leaf(), 96, 100_000, 4);
        BtrfsFilesystem fs3 = BtrfsFilesystem.open(r.source());
        DiskException g = assertThrows(DiskException.class, () -> fs3.readString("/etc/os-release", 1000));
        assertTrue(g.getMessage().contains("100000 items in a leaf"), g.getMessage());
    }

    @Test
    void aNodePointingAtItselfIsCaughtByItsLevel() throws IOException {
        // rootdir.img's FS tree has a node level (the 2000-entry directory).
        BtrfsVolume v = rootdir.volume();
        RootItem fsTree = v.rootItem(5).orElseThrow();
        assertTrue(fsTree.level() > 0, "the fixture's FS tree has internal nodes");
        PatchedByteSource src = new PatchedByteSource(rootdirBase);
        BtrfsPatcher p = new BtrfsPatcher(src, rootdir);
        p.blockLE(fsTree.bytenr(), TreeBlock.HEADER + 17, fsTree.bytenr(), 8);
        BtrfsFilesystem fs = BtrfsFilesystem.open(src);
        DiskException e = assertThrows(DiskException.class, () -> fs.list("/dir2000"));
        assertEquals(ErrorKind.CORRUPT, e.kind());
        assertTrue(e.getMessage().contains("level " + fsTree.level() + " where level " + (fsTree.level() - 1)), e.getMessage());
    }

    // ------------------------------------------------------------------ items and extents

    @Test
    void aCompressedExtentThatDoesNotDecompressIsCorrupt() throws IOException {
        for (String path : new String[] {"/usr/share/doc/zstd-text-400k.txt", "/zlib/zlib-text-150k.txt", "/lzo/lzo-text-150k.txt"}) {
            TreeReader.Item x = BtrfsPatcherItems.extent(clean, path, 0);
            long disk = x.data().getLong(21);
            long phys = clean.volume().chunks.map(disk, "t").copies()[0];
            PatchedByteSource src = new PatchedByteSource(base);
            for (int i = 8; i < 40; i++) {
                src.patch(phys + i, (byte) 0xA5);
            }
            BtrfsFilesystem fs = BtrfsFilesystem.open(src);
            DiskException e = assertThrows(DiskException.class, () -> fs.readAllBytes(path, 1 << 20), path);
            assertEquals(ErrorKind.CORRUPT, e.kind(), path);
            assertTrue(e.getMessage().contains("damaged") || e.getMessage().contains("lzo"), e.getMessage());
            assertTrue(e.offset() >= phys || e.offset() == x.at(), e.getMessage());
        }
    }

    @Test
    void compressedSizesBeyond128KiBAreCorrupt() throws IOException {
        TreeReader.Item x = BtrfsPatcherItems.extent(clean, "/usr/share/doc/zstd-text-400k.txt", 0);
        BtrfsFilesystem fs = BtrfsFilesystem.open(patcher().itemLE(x, 8, 1L << 30, 8).source());
        DiskException e = assertThrows(DiskException.class, () -> fs.readAllBytes("/usr/share/doc/zstd-text-400k.txt", 1 << 20));
        assertEquals(ErrorKind.CORRUPT, e.kind());
        assertEquals(x.at() + 8, e.offset());
        assertTrue(e.getMessage().contains("at most 131072"), e.getMessage());
    }

    @Test
    void anExtentOutsideEveryChunkIsCorruptAndAnUnknownCompressionUnsupported() throws IOException {
        TreeReader.Item x = BtrfsPatcherItems.extent(clean, "/usr/share/doc/random-40k.bin", 0);
        BtrfsFilesystem fs = BtrfsFilesystem.open(patcher().itemLE(x, 21, 1L << 50, 8).source());
        DiskException e = assertThrows(DiskException.class, () -> fs.readAllBytes("/usr/share/doc/random-40k.bin", 1 << 20));
        assertEquals(ErrorKind.CORRUPT, e.kind());
        assertTrue(e.getMessage().contains("is in no chunk"), e.getMessage());
        BtrfsFilesystem fs2 = BtrfsFilesystem.open(patcher().itemLE(x, 16, 9, 1).source());
        DiskException u = assertThrows(DiskException.class, () -> fs2.readAllBytes("/usr/share/doc/random-40k.bin", 1 << 20));
        assertEquals(ErrorKind.UNSUPPORTED, u.kind());
        assertEquals(x.at() + 16, u.offset());
    }

    @Test
    void symlinkAndNameLengthsAreBounded() throws IOException {
        TreeReader.Item link = BtrfsPatcherItems.inode(clean, "/etc/doc-link");
        BtrfsFilesystem fs = BtrfsFilesystem.open(patcher().itemLE(link, 16, 1 << 20, 8).source());
        DiskException e = assertThrows(DiskException.class, () -> fs.readlink("/etc/doc-link"));
        assertTrue(e.getMessage().contains("outside 1..4095"), e.getMessage());

        long etc = ino("/etc");
        byte[] name = "os-release".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        TreeReader.Item d = new BtrfsPatcher(new PatchedByteSource(base), clean).item(256, etc, BtrfsKey.DIR_ITEM,
                BtrfsChecksum.nameHash(name));
        BtrfsFilesystem fs2 = BtrfsFilesystem.open(patcher().itemLE(d, 27, 4000, 2).source());
        DiskException n = assertThrows(DiskException.class, () -> fs2.readString("/etc/os-release", 1000));
        assertEquals(ErrorKind.CORRUPT, n.kind());
        assertEquals(d.at() + 25, n.offset());
    }

    @Test
    void aTruncatedImageIsTruncatedAndAFinding() throws IOException {
        // Cut after the metadata chunk's second copy: the second data chunk (physical 105906176) is gone.
        var cut = base.slice(0, 100L << 20, "cut");
        BtrfsFilesystem fs = BtrfsFilesystem.open(cut);
        assertTrue(fs.findings().stream().anyMatch(f -> f.code().equals("btrfs.truncated")), fs.findings().toString());
        boolean truncated = false;
        for (String p : BtrfsSubvolumeFixtureTest.regularFiles(fs, "/")) {
            try {
                fs.readAllBytes(p, 1 << 22);
            } catch (DiskException e) {
                assertEquals(ErrorKind.TRUNCATED, e.kind(), e.getMessage());
                truncated = true;
            }
        }
        assertTrue(truncated, "some file lies in the cut-off chunk");
    }

    @Test
    void aSubvolumeEntryNamingItsOwnTreeIsCorrupt() throws IOException {
        // @home's entry in the top level made to name subvolume 5, the top level itself.
        byte[] name = "@home".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        BtrfsFilesystem top = clean.openSubvolume(5);
        TreeReader.Item d = new BtrfsPatcher(new PatchedByteSource(base), clean).item(5, 256, BtrfsKey.DIR_ITEM,
                BtrfsChecksum.nameHash(name));
        BtrfsPatcher p = patcher().itemLE(d, 0, 5, 8);
        BtrfsFilesystem fs = BtrfsFilesystem.open(p.source()).openSubvolume(5);
        DiskException e = assertThrows(DiskException.class, () -> fs.list("/@home"));
        assertEquals(ErrorKind.CORRUPT, e.kind());
        assertTrue(e.getMessage().contains("from inside it"), e.getMessage());
        assertEquals(2, top.list("/").size());
    }
}
