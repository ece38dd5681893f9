package io.vhdflow.disk.fs.btrfs;

import io.vhdflow.disk.container.FileByteSource;
import io.vhdflow.disk.detect.Filesystems;
import io.vhdflow.disk.fs.FileAttributes;
import io.vhdflow.disk.fs.FileType;
import io.vhdflow.testing.Fixtures;
import io.vhdflow.testing.TreeFilesystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The image {@code mkfs.btrfs --rootdir} made (fixtures/make-btrfs.sh): read back and compared with
 * the source tree byte for byte, with what {@code find} recorded of that tree, and with
 * btrfs-progs' own dump of the superblock and chunk tree.
 */
class BtrfsRootdirFixtureTest {
    @TempDir
    static Path dir;
    static FileByteSource source;
    static BtrfsFilesystem fs;

    @BeforeAll
    static void open() throws IOException {
        source = FileByteSource.open(Fixtures.extract("btrfs/rootdir.img.zst", dir));
        fs = BtrfsFilesystem.open(source);
    }

    @AfterAll
    static void close() throws IOException {
        source.close();
    }

    @Test
    void everyFileMatchesTheSourceTreeByteForByte() throws IOException {
        TreeFilesystem src = TreeFilesystem.fromResource("/fixtures/btrfs/rootdir.tree.tar.zst");
        int n = BtrfsTrees.assertSameTree(src, "/", fs, "/");
        assertTrue(n > 2000, n + " files compared");
        assertTrue(fs.findings().isEmpty(), fs.findings().toString());
    }

    @Test
    void findsViewOfTheSourceTreeAgrees() throws IOException {
        int checked = 0;
        for (String line : BtrfsTrees.zstText("btrfs/rootdir.files.txt.zst").split("\n")) {
            String[] f = line.split("\t", -1);
            String path = f[5].substring(1);
            FileAttributes a = fs.lstat(path);
            String type = switch (f[0]) {
                case "f" -> "REGULAR";
                case "d" -> "DIRECTORY";
                case "l" -> "SYMLINK";
                case "p" -> "FIFO";
                case "c" -> "CHARACTER_DEVICE";
                case "b" -> "BLOCK_DEVICE";
                default -> f[0];
            };
            assertEquals(type, a.type().name(), path);
            assertEquals(Integer.parseInt(f[1], 8), a.permissions(), path);
            assertEquals(Long.parseLong(f[2]), a.uid(), path);
            assertEquals(Long.parseLong(f[3]), a.gid(), path);
            if (a.type() == FileType.REGULAR || a.type() == FileType.SYMLINK) {
                assertEquals(Long.parseLong(f[4]), a.size(), path);
            }
            if (a.type() == FileType.SYMLINK) {
                assertEquals(f[6], fs.readlink(path), path);
            }
            checked++;
        }
        assertTrue(checked > 2000);
    }

    @Test
    void superblockAsBtrfsProgsPrintsIt() {
        String dump = BtrfsTrees.text("btrfs/rootdir.super.txt");
        assertEquals(field(dump, "label"), fs.label().orElseThrow());
        assertEquals(field(dump, "fsid"), fs.uuid().orElseThrow());
        assertEquals("crc32c", fs.checksumType());
        assertEquals(Long.parseLong(field(dump, "generation")), fs.volume().sb.generation());
        assertEquals(Integer.parseInt(field(dump, "nodesize")), fs.volume().sb.nodeSize());
        assertEquals(5, fs.subvolumeId());
        assertEquals("btrfs", fs.type());
    }

    @Test
    void chunkMapAsTheChunkTreeHoldsIt() throws IOException {
        String dump = BtrfsTrees.text("btrfs/rootdir.chunk.txt");
        Matcher m = Pattern.compile("CHUNK_ITEM (\\d+)\\).*?\\n\\s+length (\\d+) owner \\d+ stripe_len \\d+ type (\\S+)"
                + ".*?num_stripes (\\d+).*?stripe 0 devid 1 offset (\\d+)", Pattern.DOTALL).matcher(dump);
        int chunks = 0;
        boolean dup = false;
        while (m.find()) {
            long logical = Long.parseLong(m.group(1));
            ChunkMap.Mapping map = fs.volume().chunks.map(logical + 4096, "test");
            assertEquals(Long.parseLong(m.group(5)) + 4096, map.copies()[0], m.group());
            assertEquals(Long.parseLong(m.group(2)) - 4096, map.contiguous());
            assertEquals(Integer.parseInt(m.group(4)), map.copies().length);
            dup |= m.group(3).endsWith("DUP");
            chunks++;
        }
        assertEquals(4, chunks);
        assertEquals(4, fs.volume().chunks.size());
        assertTrue(dup, "mkfs's defaults put metadata in DUP chunks");
    }

    @Test
    void bigDirectoryHardLinksSparseFilesAndDeepLinks() throws IOException {
        assertEquals(2000, fs.list("/dir2000").size());
        assertEquals("1999\n", fs.readString("/dir2000/entry-with-a-longer-name-1999", 100));
        assertEquals(fs.stat("/regular-3000.txt").inode(), fs.stat("/hard-link-3000.txt").inode());
        assertEquals(2, fs.stat("/regular-3000.txt").linkCount());
        byte[] sparse = fs.readAllBytes("/sparse.bin", 8 << 20);
        assertEquals(4 << 20, sparse.length);
        assertEquals("middle-of-sparse", new String(sparse, 1 << 20, 16, java.nio.charset.StandardCharsets.US_ASCII));
        // mkfs.btrfs --rootdir copies a sparse file whole (holes are the kernel image's case).
        assertEquals(List.of("0+1048576 regular none", "1048576+1048576 regular none", "2097152+1048576 regular none",
                "3145728+1048576 regular none"), fs.extents("/sparse.bin"));
        assertEquals("hello from the deep\n", fs.readString("/deep/a/b/c/d/e/f/g/h/leaf.txt", 100));
        assertEquals(1000, fs.readlink("/link-1000").length());
        assertTrue(fs.extents("/inline-2000.txt").get(0).contains("inline"));
    }

    @Test
    void detectedByMagicAndOpenedThroughTheRegistry() throws IOException {
        assertEquals("btrfs", Filesystems.detect(source).orElseThrow());
        assertEquals("btrfs", Filesystems.open(source).orElseThrow().type());
    }

    private static String field(String dump, String name) {
        for (String l : dump.split("\n")) {
            String[] kv = l.split("\t+", 2);
            if (kv.length == 2 && kv[0].equals(name)) {
                return kv[1].strip();
            }
        }
        throw new AssertionError("no " + name + " in dump");
    }
}
