package io.vhdflow.disk.fs.ext4;

import io.vhdflow.disk.container.ByteSource;
import io.vhdflow.disk.container.FileByteSource;
import io.vhdflow.disk.fs.DirEntry;
import io.vhdflow.disk.fs.FileAttributes;
import io.vhdflow.disk.fs.FileType;
import io.vhdflow.testing.Fixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reads the images made by {@code fixtures/make-ext4.sh} (mke2fs -d of one source tree) and
 * compares every listing, attribute and file digest with what debugfs and sha256sum recorded.
 */
class Ext4FixtureTest {
    @TempDir
    static Path tmp;
    private static final Map<String, ByteSource> sources = new HashMap<>();

    @BeforeAll
    static void unpack() throws IOException {
        for (String name : List.of("ext2", "ext3", "ext4", "ext4-32", "ext4-metabg")) {
            sources.put(name, FileByteSource.open(Fixtures.extract("ext4/" + name + ".img.zst", tmp)));
        }
    }

    @AfterAll
    static void close() throws IOException {
        for (ByteSource s : sources.values()) {
            s.close();
        }
    }

    private Ext4Filesystem open(String name) throws IOException {
        ByteSource src = sources.get(name);
        assertTrue(Ext4Filesystem.probe(src));
        return Ext4Filesystem.open(src);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ext2", "ext3", "ext4", "ext4-32", "ext4-metabg"})
    void identityAndCleanState(String name) throws IOException {
        Ext4Filesystem fs = open(name);
        assertEquals(name.startsWith("ext4") ? "ext4" : name, fs.type());
        assertEquals(Optional.of(name), fs.label());
        assertEquals(Optional.of("3b7c0d1e-0000-4000-8000-00000000e4f5"), fs.uuid());
        String dumpe2fs = Fixtures.text("ext4/" + name + ".dumpe2fs.txt");
        assertTrue(dumpe2fs.contains("Filesystem UUID:          3b7c0d1e-0000-4000-8000-00000000e4f5"));
        // Walk everything first so every checksum on the way is verified, then expect no finding.
        walk(fs, "/");
        assertEquals(List.of(), fs.findings(), "a clean image made by mke2fs has no findings");
    }

    private void walk(Ext4Filesystem fs, String dir) throws IOException {
        for (DirEntry e : fs.list(dir)) {
            String p = (dir.equals("/") ? "" : dir) + "/" + e.name();
            if (e.type() == FileType.DIRECTORY) {
                walk(fs, p);
            } else if (e.type() == FileType.REGULAR && fs.lstat(p).size() < (1 << 20)) {
                fs.readAllBytes(p, 1 << 20);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ext2", "ext3", "ext4", "ext4-32", "ext4-metabg"})
    void listingsMatchDebugfsLs(String name) throws IOException {
        Ext4Filesystem fs = open(name);
        assertMatchesLs(fs, name);
        assertEquals(500, fs.list("/big").size());
    }

    /** Every directory recorded by debugfs 'ls -l' lists the same names, inodes, modes, owners and sizes. */
    static void assertMatchesLs(Ext4Filesystem fs, String name) throws IOException {
        Map<String, List<DebugfsView.LsEntry>> expected = DebugfsView.parseLs(Fixtures.text("ext4/" + name + ".ls.txt"));
        assertTrue(expected.size() >= 3, "recorded listings present");
        for (Map.Entry<String, List<DebugfsView.LsEntry>> dir : expected.entrySet()) {
            Map<String, DirEntry> ours = fs.list(dir.getKey()).stream()
                    .collect(Collectors.toMap(DirEntry::name, e -> e, (a, b) -> a, TreeMap::new));
            assertEquals(dir.getValue().stream().map(DebugfsView.LsEntry::name).sorted().toList(),
                    List.copyOf(ours.keySet()), "names in " + dir.getKey());
            for (DebugfsView.LsEntry e : dir.getValue()) {
                String p = (dir.getKey().equals("/") ? "" : dir.getKey()) + "/" + e.name();
                DirEntry d = ours.get(e.name());
                assertEquals(e.inode(), d.inode(), p);
                FileAttributes a = fs.lstat(p);
                assertEquals(e.mode(), a.mode(), p + " mode");
                assertEquals(FileType.fromPosixMode(e.mode()), d.type(), p + " type from the entry");
                assertEquals(e.uid(), a.uid(), p + " uid");
                assertEquals(e.gid(), a.gid(), p + " gid");
                assertEquals(e.size(), a.size(), p + " size");
                assertEquals(e.inode(), a.inode(), p + " inode");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ext2", "ext3", "ext4", "ext4-32", "ext4-metabg"})
    void attributesMatchDebugfsStat(String name) throws IOException {
        assertMatchesStat(open(name), name);
    }

    /** Every file recorded by debugfs 'stat' has the same attributes, flags, times and fast-link target. */
    static void assertMatchesStat(Ext4Filesystem fs, String name) throws IOException {
        Map<String, DebugfsView.Stat> stats = DebugfsView.parseStat(Fixtures.text("ext4/" + name + ".stat.txt"));
        assertTrue(stats.size() >= 8, "recorded stats present");
        for (Map.Entry<String, DebugfsView.Stat> s : stats.entrySet()) {
            String p = s.getKey();
            DebugfsView.Stat st = s.getValue();
            FileAttributes a = fs.lstat(p);
            assertEquals(st.inode(), a.inode(), p);
            assertEquals(st.permissions(), a.permissions(), p + " permissions");
            assertEquals(st.uid(), a.uid(), p + " uid");
            assertEquals(st.gid(), a.gid(), p + " gid");
            assertEquals(st.size(), a.size(), p + " size");
            assertEquals(st.links(), a.linkCount(), p + " links");
            assertEquals(st.flags(), fs.inode(a.inode()).flags, p + " flags");
            assertEquals(expectedTime(st.times().get("mtime")), a.modified(), p + " mtime");
            assertEquals(expectedTime(st.times().get("atime")), a.accessed(), p + " atime");
            assertEquals(expectedTime(st.times().get("ctime")), a.changed(), p + " ctime");
            assertEquals(expectedTime(st.times().get("crtime")), a.created(), p + " crtime");
            if (st.fastLinkDest() != null) {
                assertEquals(st.fastLinkDest(), fs.readlink(p), p + " fast symlink");
            }
        }
    }

    /** debugfs prints the raw seconds and "_extra" words; decode them per the on-disk format. */
    private static Optional<Instant> expectedTime(long[] raw) {
        if (raw == null) {
            return Optional.empty();
        }
        long seconds = (int) raw[0];
        long nanos = 0;
        if (raw[1] >= 0) {
            seconds += (raw[1] & 3) << 32;
            nanos = raw[1] >>> 2;
        }
        return Optional.of(Instant.ofEpochSecond(seconds, nanos));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ext3", "ext4", "ext4-metabg"})
    void timestampsWithNanosecondsAndEpochBits(String name) throws IOException {
        Ext4Filesystem fs = open(name);
        assertEquals(Optional.of(Instant.parse("1960-05-04T03:02:01.123456789Z")), fs.stat("/etc/os-release").modified());
        assertEquals(Optional.of(Instant.parse("2100-01-02T03:04:05.987654321Z")), fs.stat("/etc/ssh/sshd_config").modified());
        assertEquals(Optional.of(Instant.parse("2023-11-14T22:13:20.000000001Z")), fs.stat("/etc/shadow").created());
        assertEquals(500_000_000, fs.stat("/etc/shadow").accessed().orElseThrow().getNano());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ext2", "ext3", "ext4", "ext4-32", "ext4-metabg"})
    void contentMatchesSha256(String name) throws Exception {
        Ext4Filesystem fs = open(name);
        Map<String, String> sums = DebugfsView.parseSha(Fixtures.text("ext4/tree.sha256"));
        assertTrue(sums.size() > 500);
        for (Map.Entry<String, String> e : sums.entrySet()) {
            if (e.getKey().equals("/huge.bin")) {
                continue;  // 5 GiB of mostly holes: checked by hugeSparseFile without hashing it all
            }
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (InputStream in = fs.newInputStream(e.getKey())) {
                byte[] buf = new byte[7001];  // odd size: reads straddle blocks and runs
                int n;
                while ((n = in.read(buf)) > 0) {
                    md.update(buf, 0, n);
                }
            }
            assertEquals(e.getValue(), HexFormat.of().formatHex(md.digest()), e.getKey());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ext2", "ext3", "ext4", "ext4-32", "ext4-metabg"})
    void hugeSparseFile(String name) throws IOException {
        Ext4Filesystem fs = open(name);
        long size = 5L << 30;
        assertEquals(size, fs.stat("/huge.bin").size());
        try (InputStream in = fs.newInputStream("/huge.bin")) {
            assertArrayEquals("head-of-huge".getBytes(StandardCharsets.US_ASCII), in.readNBytes(12));
            assertEquals(size / 2 - 12, in.skip(size / 2 - 12));
            assertArrayEquals(new byte[65536], in.readNBytes(65536), "the middle is a hole");
            assertEquals(size / 2 - 65536 - 12, in.skip(size - 12 - (size / 2 + 65536)));
            assertArrayEquals("tail-of-huge".getBytes(StandardCharsets.US_ASCII), in.readNBytes(12));
            assertEquals(-1, in.read());
        }
        byte[] sparse = fs.readAllBytes("/sparse.bin", 2 << 20);
        assertEquals(1024 * 1024 + 13, sparse.length);
        assertEquals("start", new String(sparse, 0, 5, StandardCharsets.US_ASCII));
        assertEquals("end-of-sparse", new String(sparse, 1024 * 1024, 13, StandardCharsets.US_ASCII));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ext2", "ext3", "ext4", "ext4-32", "ext4-metabg"})
    void symlinksResolveInsideTheImage(String name) throws IOException {
        Ext4Filesystem fs = open(name);
        assertEquals("../etc/os-release", fs.readlink("/short-link"));
        assertEquals("/a/b/c/d/e/../../../../../a/b/c/d/e/../../../../../a/b/c/d/e/../e/./deep.txt",
                fs.readlink("/long-link"));
        assertEquals("deep\n", fs.readString("/long-link", 100));
        assertTrue(fs.readString("/short-link", 100).startsWith("NAME=\"Fixture Linux\""));
        assertTrue(fs.lstat("/long-link").isSymbolicLink());
        assertTrue(fs.stat("/long-link").isRegularFile());
        assertEquals(125, fs.readlink("/long-link-dangling").length());
        assertThrows(NoSuchFileException.class, () -> fs.stat("/long-link-dangling"));
        assertThrows(FileSystemLoopException.class, () -> fs.stat("/loop-a"));
        assertThrows(NotDirectoryException.class, () -> fs.list("/etc/os-release"));
        assertThrows(NoSuchFileException.class, () -> fs.stat("/etc/nope"));
        assertFalse(fs.exists("/etc/nope/deeper"));
        assertTrue(fs.isDirectory("/a/b/c/d/e"));
        assertEquals("deep\n", fs.readString("/a/b/../b/c/d/e/deep.txt", 100));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ext2", "ext3", "ext4", "ext4-32", "ext4-metabg"})
    void specialFilesAndOwners(String name) throws IOException {
        Ext4Filesystem fs = open(name);
        assertEquals(FileType.FIFO, fs.stat("/fifo").type());
        assertEquals(FileType.CHARACTER_DEVICE, fs.stat("/null").type());
        assertEquals(FileType.BLOCK_DEVICE, fs.stat("/loopdev").type());
        assertEquals(04755, fs.stat("/setuid-prog").permissions());
        assertEquals(01777, fs.stat("/tmp").permissions());
        assertEquals(100000, fs.stat("/owned-high").uid());
        assertEquals(200000, fs.stat("/owned-high").gid());
        assertEquals(1000, fs.stat("/home/alice/.ssh/authorized_keys").uid());
        assertEquals(0600, fs.stat("/home/alice/.ssh/authorized_keys").permissions());
        assertEquals(0, fs.readAllBytes("/empty", 10).length);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ext3", "ext4", "ext4-32", "ext4-metabg"})
    void htreeDirectoryIsIndexed(String name) throws IOException {
        Ext4Filesystem fs = open(name);
        assertTrue(fs.inode(fs.inodeNumber("/big")).hasFlag(Inode.FLAG_INDEX), "mke2fs indexed /big");
        assertEquals("042\n", fs.readString(
                "/big/file-with-a-rather-long-name-so-that-the-directory-needs-many-blocks-and-an-index-042", 10));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ext4", "ext4-32", "ext4-metabg"})
    void fragmentedFileHasAMultiLevelExtentTree(String name) throws IOException {
        Ext4Filesystem fs = open(name);
        Inode inode = fs.inode(fs.inodeNumber("/fragmented.bin"));
        assertTrue(inode.hasFlag(Inode.FLAG_EXTENTS));
        int depth = inode.u16(Inode.I_BLOCK + 6);
        assertTrue(depth >= (fs.blockSize() == 1024 ? 2 : 1), "extent tree depth " + depth);
        byte[] data = fs.readAllBytes("/fragmented.bin", 16 << 20);
        for (int i = 0; i < 1200; i += 97) {
            assertEquals(String.format("island %05d\n", i), new String(data, i * 8192, 13, StandardCharsets.US_ASCII));
            assertEquals(0, data[i * 8192 + 4096], "hole after island " + i);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ext2", "ext3"})
    void blockMapsUseIndirectBlocks(String name) throws IOException {
        Ext4Filesystem fs = open(name);
        Inode medium = fs.inode(fs.inodeNumber("/medium.bin"));
        assertFalse(medium.hasFlag(Inode.FLAG_EXTENTS));
        int slot = fs.blockSize() == 1024 ? 13 : 12;
        assertTrue(medium.u32(Inode.I_BLOCK + slot * 4) != 0, "1.2 MB needs an indirect block of level " + (slot - 11));
        Inode huge = fs.inode(fs.inodeNumber("/huge.bin"));
        assertTrue(huge.u32(Inode.I_BLOCK + 14 * 4) != 0, "5 GiB needs the triple-indirect block");
    }

    @org.junit.jupiter.api.Test
    void metaBgDescriptorsLiveInTheirMetaGroup() throws IOException {
        Ext4Filesystem fs = open("ext4-metabg");
        Superblock sb = fs.superblock();
        assertEquals(1024, sb.blockSize);
        assertEquals(16, sb.blockSize / sb.descSize);
        assertTrue(sb.groupCount > 16, "groups: " + sb.groupCount);
        // Meta group 1 starts at group 16, which has no superblock backup: descriptors in its first block.
        assertEquals((1 + 16L * sb.blocksPerGroup) * 1024, fs.groupDescriptor(16).offset());
        assertTrue(Fixtures.text("ext4/ext4-metabg.dumpe2fs.txt").contains("meta_bg"));
        long ino = 16 * sb.inodesPerGroup + 1;
        assertTrue(ino < sb.inodesCount);
        assertTrue(fs.inode(ino).mode != 0, "the tree's inodes reach group 16, found via meta group 1");
    }

    @org.junit.jupiter.api.Test
    void readsOnlyWhatItNeeds() throws IOException {
        io.vhdflow.disk.container.CountingByteSource counted = new io.vhdflow.disk.container.CountingByteSource(sources.get("ext4"));
        Ext4Filesystem fs = Ext4Filesystem.open(counted);
        assertTrue(counted.bytesRead() <= 3 * 4096, "open read " + counted.bytesRead() + " bytes");
        for (String p : List.of("/etc/os-release", "/etc/shadow", "/etc/ssh/sshd_config", "/home/alice/.ssh/authorized_keys")) {
            fs.readAllBytes(p, 4096);
        }
        // Superblock, descriptors, a few inode-table and directory blocks, four one-block files.
        assertTrue(counted.bytesRead() <= 24 * 4096, "read " + counted.bytesRead() + " bytes");
        assertTrue(counted.readCount() > 0);
    }
}
