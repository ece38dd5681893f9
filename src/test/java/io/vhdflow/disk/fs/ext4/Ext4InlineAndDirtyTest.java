package io.vhdflow.disk.fs.ext4;

import io.vhdflow.disk.Finding;
import io.vhdflow.disk.container.ByteSource;
import io.vhdflow.disk.container.FileByteSource;
import io.vhdflow.disk.fs.DirEntry;
import io.vhdflow.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The inline_data image, and an image copied while the kernel had it mounted. */
class Ext4InlineAndDirtyTest {
    @TempDir
    Path tmp;

    @Test
    void inlineDataFilesAndDirectories() throws Exception {
        try (ByteSource src = FileByteSource.open(Fixtures.extract("ext4/ext4-inline.img.zst", tmp))) {
            Ext4Filesystem fs = Ext4Filesystem.open(src);
            assertEquals("ext4", fs.type());
            Ext4FixtureTest.assertMatchesLs(fs, "ext4-inline");
            Ext4FixtureTest.assertMatchesStat(fs, "ext4-inline");
            Map<String, String> sums = DebugfsView.parseSha(Fixtures.text("ext4/inline-tree.sha256"));
            assertTrue(sums.size() >= 10);
            for (Map.Entry<String, String> e : sums.entrySet()) {
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                try (InputStream in = fs.newInputStream(e.getKey())) {
                    md.update(in.readAllBytes());
                }
                assertEquals(e.getValue(), HexFormat.of().formatHex(md.digest()), e.getKey());
            }
            // Which storage each file really uses, as the recorded stat flags also show.
            assertTrue(inode(fs, "/in-iblock").hasFlag(Inode.FLAG_INLINE_DATA));
            assertTrue(inode(fs, "/in-xattr").hasFlag(Inode.FLAG_INLINE_DATA));
            assertTrue(InlineData.systemData(inode(fs, "/in-xattr")).orElseThrow().length == 40);
            assertFalse(inode(fs, "/not-inline").hasFlag(Inode.FLAG_INLINE_DATA));
            assertTrue(inode(fs, "/tiny-dir").hasFlag(Inode.FLAG_INLINE_DATA), "a small directory is inline");
            assertEquals(List.of("f1", "f2", "f3"), fs.list("/tiny-dir").stream().map(DirEntry::name).sorted().toList());
            assertEquals("nested\n", fs.readString("/link", 100));
            assertEquals(List.of(), fs.findings());
        }
    }

    @Test
    void filesystemCopiedWhileMountedNeedsRecovery() throws IOException {
        try (ByteSource src = FileByteSource.open(Fixtures.extract("ext4/ext4-dirty.img.zst", tmp))) {
            String dumpe2fs = Fixtures.text("ext4/ext4-dirty.dumpe2fs.txt");
            assertTrue(dumpe2fs.contains("needs_recovery"), "the tool saw needs_recovery too");
            Ext4Filesystem fs = Ext4Filesystem.open(src);
            List<String> codes = fs.findings().stream().map(Finding::code).toList();
            assertTrue(codes.contains("ext4.needs-recovery"), codes.toString());
            assertEquals(1024 + 0x60, fs.findings().stream().filter(f -> f.code().equals("ext4.needs-recovery"))
                    .findFirst().orElseThrow().offset());
            // Still readable without journal replay.
            assertEquals("before mount\n", fs.readString("/etc/hostname", 100));
        }
    }

    private static Inode inode(Ext4Filesystem fs, String path) throws IOException {
        return fs.inode(fs.inodeNumber(path));
    }
}
