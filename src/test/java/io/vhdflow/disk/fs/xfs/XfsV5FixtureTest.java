package io.vhdflow.disk.fs.xfs;

import com.github.luben.zstd.ZstdInputStream;
import io.vhdflow.disk.Finding;
import io.vhdflow.disk.container.FileByteSource;
import io.vhdflow.disk.fs.DirEntry;
import io.vhdflow.disk.fs.FileAttributes;
import io.vhdflow.disk.fs.FileType;
import io.vhdflow.testing.Fixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The v5 fixture made by {@code fixtures/make-xfs.sh} on a loop mount, compared with what the
 * kernel and xfs_db reported at creation: {@code find -printf} (inode, type, mode, owner, links,
 * size, times), {@code sha256sum}, {@code readlink} and xfs_db's directory forms and superblock.
 */
class XfsV5FixtureTest {
    @TempDir
    static Path dir;
    static FileByteSource source;
    static XfsFilesystem fs;
    static List<String[]> tree;

    @BeforeAll
    static void open() throws IOException {
        source = FileByteSource.open(Fixtures.extract("xfs/v5.img.zst", dir));
        fs = XfsFilesystem.open(source);
        tree = zstText("xfs/v5.tree.txt.zst").lines().map(l -> l.split("\t")).toList();
    }

    @AfterAll
    static void close() throws IOException {
        source.close();
    }

    static String zstText(String name) {
        try (InputStream in = new ZstdInputStream(XfsV5FixtureTest.class.getResourceAsStream("/fixtures/" + name))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String path(String findPath) {
        return findPath.equals(".") ? "/" : findPath.substring(1);
    }

    static FileType type(String findType) {
        return switch (findType) {
            case "f" -> FileType.REGULAR;
            case "d" -> FileType.DIRECTORY;
            case "l" -> FileType.SYMLINK;
            case "c" -> FileType.CHARACTER_DEVICE;
            case "b" -> FileType.BLOCK_DEVICE;
            case "p" -> FileType.FIFO;
            case "s" -> FileType.SOCKET;
            default -> throw new IllegalArgumentException(findType);
        };
    }

    static void assertTime(String expected, Instant actual, String what) {
        BigDecimal want = new BigDecimal(expected);
        BigDecimal got = BigDecimal.valueOf(actual.getEpochSecond()).add(BigDecimal.valueOf(actual.getNano(), 9));
        assertEquals(0, want.compareTo(got), what + ": expected " + want + " got " + got);
    }

    @Test
    void superblockMatchesXfsDb() {
        Map<String, String> sb = Fixtures.text("xfs/v5.sb.txt").lines().filter(l -> l.contains(" = "))
                .collect(Collectors.toMap(l -> l.substring(0, l.indexOf(" = ")), l -> l.substring(l.indexOf(" = ") + 3),
                        (a, b) -> a));
        assertEquals("xfs", fs.type());
        assertEquals(5, fs.version());
        assertEquals(Integer.parseInt(sb.get("blocksize")), fs.blockSize());
        assertEquals(sb.get("uuid"), fs.uuid().orElseThrow());
        assertEquals("vf-v5", fs.label().orElseThrow());
        assertTrue(sb.get("crc").endsWith("(correct)"));
    }

    @Test
    void cleanFilesystemHasNoFindings() {
        assertEquals(List.of(), fs.findings());
    }

    @Test
    void everyPathMatchesFindOutput() throws IOException {
        assertTrue(tree.size() > 5400, "tree view holds " + tree.size() + " paths");
        for (String[] t : tree) {
            String p = path(t[10]);
            FileAttributes a = fs.lstat(p);
            assertEquals(Long.parseLong(t[0]), a.inode(), p);
            assertEquals(type(t[1]), a.type(), p);
            assertEquals(Integer.parseInt(t[2], 8), a.permissions(), p);
            assertEquals(Long.parseLong(t[3]), a.uid(), p);
            assertEquals(Long.parseLong(t[4]), a.gid(), p);
            assertEquals(Integer.parseInt(t[5]), a.linkCount(), p);
            if (a.type() != FileType.DIRECTORY) {
                // find reports st_size; for directories that is the fork size, compare only files/links
                assertEquals(Long.parseLong(t[6]), a.size(), p);
            }
            assertTime(t[7], a.modified().orElseThrow(), p + " mtime");
            assertTime(t[8], a.accessed().orElseThrow(), p + " atime");
            assertTime(t[9], a.changed().orElseThrow(), p + " ctime");
        }
    }

    @Test
    void directoryListingsMatchFindOutput() throws IOException {
        Map<String, Set<String>> expected = new HashMap<>();
        Map<String, String[]> byPath = new HashMap<>();
        for (String[] t : tree) {
            byPath.put(path(t[10]), t);
            if (!t[10].equals(".")) {
                String p = path(t[10]);
                String parent = p.lastIndexOf('/') == 0 ? "/" : p.substring(0, p.lastIndexOf('/'));
                expected.computeIfAbsent(parent, k -> new TreeSet<>()).add(p.substring(p.lastIndexOf('/') + 1));
            }
        }
        for (String[] t : tree) {
            if (!t[1].equals("d")) {
                continue;
            }
            String d = path(t[10]);
            List<DirEntry> entries = fs.list(d);
            Set<String> names = entries.stream().map(DirEntry::name).collect(Collectors.toCollection(TreeSet::new));
            assertEquals(expected.getOrDefault(d, Set.of()), names, d);
            assertEquals(names.size(), entries.size(), d + " has duplicate entries");
            for (DirEntry e : entries) {
                String child = (d.equals("/") ? "" : d) + "/" + e.name();
                String[] c = byPath.get(child);
                assertEquals(Long.parseLong(c[0]), e.inode(), child);
                assertEquals(type(c[1]), e.type(), child);
            }
        }
    }

    @Test
    void fileContentsMatchSha256sum() throws Exception {
        int checked = 0;
        for (String line : zstText("xfs/v5.sha256.txt.zst").lines().toList()) {
            String want = line.substring(0, 64);
            String p = path(line.substring(66));
            if (p.equals("/huge-sparse.bin")) {
                continue; // 5 GiB of hole: its tail is checked in sparseFilesReadZerosInHoles
            }
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            long total = 0;
            try (InputStream in = fs.newInputStream(p)) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; ) {
                    md.update(buf, 0, n);
                    total += n;
                }
            }
            assertEquals(fs.stat(p).size(), total, p);
            assertEquals(want, HexFormat.of().formatHex(md.digest()), p);
            checked++;
        }
        assertTrue(checked > 5400, "checked " + checked);
    }

    @Test
    void symlinkTargetsMatchReadlink() throws IOException {
        List<String> lines = Fixtures.text("xfs/v5.symlinks.txt").lines().toList();
        assertTrue(lines.size() >= 9);
        for (String line : lines) {
            String[] t = line.split("\t", 2);
            assertEquals(t[1], fs.readlink(path(t[0])), t[0]);
        }
    }

    @Test
    void directoryFormsMatchXfsDb() throws IOException {
        List<String> seen = new ArrayList<>();
        for (String line : Fixtures.text("xfs/v5.dirformats.txt").lines().toList()) {
            String[] t = line.split("\t");
            assertEquals(t[3], fs.directoryLayout("/" + t[0]), t[0]);
            assertEquals(Long.parseLong(t[1]), fs.inodeNumber("/" + t[0]));
            seen.add(t[3]);
        }
        assertEquals(List.of("shortform", "block", "leaf", "node"), seen);
    }

    @Test
    void btreeFileIsMultiLevelAndReadsBack() throws IOException {
        String inodes = Fixtures.text("xfs/v5.inodes.txt");
        String frag = inodes.substring(inodes.indexOf("### ./frag-btree"));
        frag = frag.substring(0, frag.indexOf("###", 3));
        assertTrue(frag.contains("core.format = 3 (btree)"), "fixture file must have a B+tree fork");
        assertTrue(frag.contains("u3.bmbt.level = 2"), "fixture B+tree must have a node level");
        // Every other 4 KiB block holds (i % 251), the others are holes.
        byte[] all = fs.readAllBytes("/frag-btree", 64L << 20);
        assertEquals(5999L * 8192 + 4096, all.length);
        for (int i = 0; i < 6000; i++) {
            assertEquals((byte) (i % 251), all[i * 8192], "block " + i);
            assertEquals((byte) (i % 251), all[i * 8192 + 4095], "block " + i);
            if (i < 5999) {
                assertEquals(0, all[i * 8192 + 4096], "hole after block " + i);
            }
        }
    }

    @Test
    void sparseFilesReadZerosInHoles() throws IOException {
        byte[] sparse = fs.readAllBytes("/sparse.bin", 200L << 20);
        assertEquals(100 << 20, sparse.length);
        assertEquals("middle", new String(sparse, 50 << 20, 6, StandardCharsets.US_ASCII));
        assertEquals(0, sparse[0]);
        assertEquals(0, sparse[(50 << 20) - 1]);
        try (InputStream in = fs.newInputStream("/huge-sparse.bin")) {
            long skip = 5L * 1024 * 1024 * 1024 - 16;
            assertEquals(skip, in.skip(skip));
            assertArrayEquals("tail-beyond-4GiB".getBytes(StandardCharsets.US_ASCII), in.readAllBytes());
        }
    }

    @Test
    void timesIncludingBigtimeAndCreation() throws IOException {
        assertEquals(Instant.parse("2200-02-03T04:05:06.123456789Z"), fs.stat("/future.txt").modified().orElseThrow());
        assertEquals(Instant.parse("1960-05-01T12:00:00Z"), fs.stat("/old.txt").modified().orElseThrow());
        assertEquals(Instant.parse("2001-09-09T01:46:40.5Z"), fs.stat("/etc/os-release").modified().orElseThrow());
        FileAttributes a = fs.stat("/future.txt");
        assertTrue(a.created().isPresent());
        assertFalse(a.created().get().isAfter(a.changed().get()));
    }

    @Test
    void pathsFollowLinksInsideTheImage() throws IOException {
        assertEquals(fs.readString("/etc/os-release", 4096), fs.readString("/link-inline", 4096));
        assertEquals(fs.readString("/etc/os-release", 4096), fs.readString("/link-absolute", 4096));
        assertEquals("hello from the deep\n", fs.readString("/link-remote", 4096));
        assertEquals("hello from the deep\n", fs.readString("/link-remote-abs", 4096));
        assertEquals("hello from the deep\n", fs.readString("/link-to-leaf", 4096));
        assertTrue(fs.isDirectory("/deep/a/b/c/d/e/f/g/../g"));
        assertThrows(FileSystemLoopException.class, () -> fs.stat("/loop-a"));
        assertThrows(NoSuchFileException.class, () -> fs.stat("/dangling"));
        assertFalse(fs.exists("/nope"));
        assertTrue(fs.exists("/dir5000/node-directory-entry-with-a-long-name-4999"));
        assertEquals(FileType.SYMLINK, fs.lstat("/link-remote").type());
        assertEquals(0400 | 0200 | 0100 | 040 | 010 | 04 | 01 | 04000,
                fs.stat("/setuid.bin").permissions());
        assertEquals(01777, fs.stat("/sticky").permissions());
        assertEquals(0, fs.stat("/etc/shadow").permissions());
        assertEquals(2, fs.stat("/hard1").linkCount());
        assertEquals(fs.stat("/hard1").inode(), fs.stat("/hard2").inode());
    }

    @Test
    void findingsStayEmptyAfterReadingEverything() throws IOException {
        // A fresh instance, so that every CRC (superblock, inodes, directory, bmbt and remote
        // symlink blocks) is checked here whatever order the other tests ran in.
        XfsFilesystem fresh = XfsFilesystem.open(source);
        int links = 0;
        for (String[] t : tree) {
            String p = path(t[10]);
            fresh.lstat(p);
            if (t[1].equals("d")) {
                fresh.list(p);
            } else if (t[1].equals("l")) {
                fresh.readlink(p);
                links++;
            }
        }
        fresh.readAllBytes("/frag-btree", 64L << 20);
        assertTrue(links >= 9);
        assertEquals(List.<Finding>of(), fresh.findings());
    }

    @Test
    void creationTimesAndInodeFieldsMatchXfsDb() throws IOException {
        // xfs_db prints times like ctime(3) in the creating machine's zone (UTC in the script's runs).
        java.time.format.DateTimeFormatter f = java.time.format.DateTimeFormatter
                .ofPattern("EEE MMM d HH:mm:ss yyyy", java.util.Locale.ROOT).withZone(java.time.ZoneOffset.UTC);
        int checked = 0;
        for (String section : Fixtures.text("xfs/v5.inodes.txt").split("### ")) {
            if (section.isBlank()) {
                continue;
            }
            String path = path(section.substring(0, section.indexOf(" inode ")));
            Map<String, String> v = section.lines().filter(l -> l.contains(" = "))
                    .collect(Collectors.toMap(l -> l.substring(0, l.indexOf(" = ")),
                            l -> l.substring(l.indexOf(" = ") + 3), (a, b) -> a));
            FileAttributes a = fs.lstat(path);
            Instant crtime = Instant.from(f.parse(v.get("v3.crtime.sec").replaceAll("\\s+", " ")))
                    .plusNanos(Long.parseLong(v.get("v3.crtime.nsec")));
            assertEquals(crtime, a.created().orElseThrow(), path);
            assertEquals(Integer.parseInt(v.get("core.mode"), 8), a.mode(), path);
            assertEquals(Long.parseLong(v.get("core.size")), a.size(), path);
            assertEquals(Long.parseLong(v.get("v3.inumber")), a.inode(), path);
            assertEquals(Integer.parseInt(v.get("core.nlinkv2")), a.linkCount(), path);
            checked++;
        }
        assertEquals(13, checked);
    }
}
