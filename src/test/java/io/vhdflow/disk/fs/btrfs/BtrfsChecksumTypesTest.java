package io.vhdflow.disk.fs.btrfs;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.container.FileByteSource;
import io.vhdflow.testing.Fixtures;
import io.vhdflow.testing.PatchedByteSource;
import io.vhdflow.testing.TreeFilesystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * All four metadata checksum algorithms, verified on images {@code mkfs.btrfs --csum} made, and
 * the algorithms themselves against published values (BLAKE2b-256 from Python's hashlib, XXH64
 * from the xxHash specification's sanity values, the name hash from btrfs-progs' dump).
 */
class BtrfsChecksumTypesTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"xxhash, xxhash64, 1", "sha256, sha256, 2", "blake2, blake2b-256, 3"})
    void imagesWithEachChecksumTypeAreReadAndVerified(String image, String label, int type) throws IOException {
        try (FileByteSource src = FileByteSource.open(Fixtures.extract("btrfs/csum-" + image + ".img.zst", dir))) {
            BtrfsFilesystem fs = BtrfsFilesystem.open(src);
            assertEquals(label, fs.checksumType());
            assertTrue(BtrfsTrees.text("btrfs/csum-" + image + ".super.txt").contains("csum_type\t\t" + type));
            BtrfsTrees.assertSameTree(TreeFilesystem.fromResource("/fixtures/btrfs/small.tree.tar.zst"), "/", fs, "/");
            assertTrue(fs.findings().isEmpty(), fs.findings().toString());
            ChunkMap.Mapping root = fs.volume().chunks.map(fs.volume().sb.root(), "t");
            if (root.copies().length == 2) {
                // One flipped byte in the root tree's block is caught by that algorithm and the DUP copy is read.
                PatchedByteSource bad = new PatchedByteSource(src).xor(root.copies()[0] + 200, 0x40);
                BtrfsFilesystem again = BtrfsFilesystem.open(bad);
                BtrfsTrees.assertSameTree(TreeFilesystem.fromResource("/fixtures/btrfs/small.tree.tar.zst"), "/", again, "/");
                assertTrue(again.findings().stream().anyMatch(f -> f.code().equals("btrfs.metadata-copy-used")
                        && f.detail().contains(label + " checksum mismatch")), again.findings().toString());
            }
        }
    }

    @Test
    void aDamagedLeafWithoutASecondCopyIsRefused() throws IOException {
        // csum-xxhash was made with -m single: metadata has one copy.
        try (FileByteSource src = FileByteSource.open(Fixtures.extract("btrfs/csum-xxhash.img.zst", dir))) {
            BtrfsFilesystem fs = BtrfsFilesystem.open(src);
            ChunkMap.Mapping m = fs.volume().chunks.map(fs.volume().sb.root(), "t");
            assertEquals(1, m.copies().length);
            PatchedByteSource bad = new PatchedByteSource(src).xor(m.copies()[0] + 200, 0x40);
            DiskException e = assertThrows(DiskException.class, () -> BtrfsFilesystem.open(bad));
            assertEquals(ErrorKind.CORRUPT, e.kind());
            assertEquals(m.copies()[0], e.offset());
            assertTrue(e.getMessage().contains("xxhash64 checksum mismatch"), e.getMessage());
        }
    }

    @Test
    void blake2bMatchesPublishedDigests() {
        HexFormat hex = HexFormat.of();
        assertEquals("bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319",
                hex.formatHex(Blake2b.digest256("abc".getBytes(StandardCharsets.US_ASCII), 0, 3)));
        assertEquals("0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8",
                hex.formatHex(Blake2b.digest256(new byte[0], 0, 0)));
        byte[] b = new byte[768];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) i;
        }
        // 768 bytes: six full blocks, the last one final (not an extra empty block).
        assertEquals("b8007121274217790e2923e0ad7027986e5a99d5531ef6ae7d294140fc81615d",
                hex.formatHex(Blake2b.digest256(b, 0, b.length)));
    }

    @Test
    void xxhash64MatchesTheSpecificationsValues() {
        assertEquals(0xEF46DB3751D8E999L, XxHash64.hash(new byte[0], 0, 0));
        assertEquals(0x44BC2CF5AD770999L, XxHash64.hash("abc".getBytes(StandardCharsets.US_ASCII), 0, 3));
    }

    @Test
    void nameHashIsTheOneInTheRootTreesDefaultEntry() {
        // btrfs-progs printed "key (ROOT_TREE_DIR DIR_ITEM 2378154706) ... name: default" for subvol.img.
        assertEquals(2378154706L, BtrfsChecksum.nameHash("default".getBytes(StandardCharsets.US_ASCII)));
        assertTrue(BtrfsTrees.zstText("btrfs/subvol.trees.txt.zst").contains("key (ROOT_TREE_DIR DIR_ITEM 2378154706)"));
    }
}
