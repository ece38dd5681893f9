package io.vhdflow.disk.fs.btrfs;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.container.FileByteSource;
import io.vhdflow.testing.Fixtures;
import io.vhdflow.testing.TreeFilesystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The image the kernel wrote on a loop mount (fixtures/make-btrfs.sh): subvolumes {@code @} (the
 * default), {@code @home}, {@code @/var/lib/machines} nested in {@code @}, a read-only snapshot,
 * files compressed with zstd (levels 3 and 15), zlib and lzo, incompressible data, inline
 * compressed files, prealloc extents, holes and xattrs. Every file is compared byte for byte with
 * the source tree, and every extent with btrfs-progs' dump of the trees.
 */
class BtrfsSubvolumeFixtureTest {
    @TempDir
    static Path dir;
    static FileByteSource source;
    static BtrfsFilesystem fs;
    static TreeFilesystem src;

    @BeforeAll
    static void open() throws IOException {
        source = FileByteSource.open(Fixtures.extract("btrfs/subvol.img.zst", dir));
        fs = BtrfsFilesystem.open(source);
        src = TreeFilesystem.fromResource("/fixtures/btrfs/subvol.tree.tar.zst");
    }

    @AfterAll
    static void close() throws IOException {
        source.close();
    }

    @Test
    void theDefaultSubvolumeIsAtAndMatchesItsSourceByteForByte() throws IOException {
        assertEquals(256, fs.defaultSubvolumeId());
        assertEquals(256, fs.subvolumeId());
        // @ as the source tree has it, the nested subvolume var/lib/machines entered as the kernel shows it.
        int n = BtrfsTrees.assertSameTreeWithin(src, "/@", fs, "/", List.of(".snapshots"));
        assertTrue(n >= 20, n + " files");
        assertTrue(fs.findings().isEmpty(), fs.findings().toString());
        assertTrue(fs.readString("/etc/os-release", 1000).contains("ID=\"sles\""));
    }

    @Test
    void atHomeBySubvolAndBySubvolid() throws IOException {
        BtrfsFilesystem home = fs.openSubvolume("@home");
        BtrfsFilesystem byId = fs.openSubvolume(257);
        BtrfsFilesystem slash = fs.openSubvolume("/@home");
        assertEquals(257, home.subvolumeId());
        assertEquals(257, slash.subvolumeId());
        BtrfsTrees.assertSameTree(src, "/@home", home, "/");
        BtrfsTrees.assertSameTree(src, "/@home", byId, "/");
        assertEquals("/etc/os-release", home.readlink("/alice/os-release-link"));
    }

    @Test
    void theTopLevelShowsTheSubvolumesAsDirectories() throws IOException {
        BtrfsFilesystem top = fs.openSubvolume(5);
        assertEquals(List.of("@", "@home"), top.list("/").stream().map(e -> e.name()).sorted().toList());
        assertTrue(top.list("/").stream().allMatch(e -> e.type() == io.vhdflow.disk.fs.FileType.DIRECTORY));
        assertArrayEquals(fs.readAllBytes("/usr/share/doc/zstd-text-400k.txt", 1 << 20),
                top.readAllBytes("/@/usr/share/doc/zstd-text-400k.txt", 1 << 20));
        assertEquals(5, fs.openSubvolume("/").subvolumeId());
        assertEquals(5, fs.openSubvolume("").subvolumeId());
    }

    @Test
    void subvolumesAsBtrfsSubvolumeListShowsThem() throws IOException {
        String listing = BtrfsTrees.text("btrfs/subvol.txt");
        Matcher m = Pattern.compile("ID (\\d+) gen \\d+ parent (\\d+) top level \\d+ parent_uuid (\\S+)\\s+received_uuid \\S+"
                + "\\s+uuid (\\S+) path (?:<FS_TREE>/)?(\\S+)").matcher(listing);
        Map<Long, String> want = new TreeMap<>();
        Map<Long, String> wantUuid = new HashMap<>();
        while (m.find()) {
            want.put(Long.parseLong(m.group(1)), m.group(2) + " " + m.group(5));
            wantUuid.put(Long.parseLong(m.group(1)), m.group(4) + " " + m.group(3));
        }
        assertEquals(4, want.size());
        Map<Long, String> got = new TreeMap<>();
        for (Subvolume s : fs.subvolumes()) {
            got.put(s.id(), s.parentId() + " " + s.path());
            assertEquals(wantUuid.get(s.id()), s.uuid().orElseThrow() + " " + s.parentUuid().map(Object::toString).orElse("-"));
            assertEquals(s.id() == 259, s.readOnly(), s.path());
        }
        assertEquals(want, got);
    }

    @Test
    void theSnapshotKeepsTheFileAsItWasWhenTaken() throws IOException {
        BtrfsFilesystem snap = fs.openSubvolume("@/.snapshots/1/snapshot");
        assertEquals(259, snap.subvolumeId());
        String now = fs.readString("/etc/inline-plain.txt", 10_000);
        String then = snap.readString("/etc/inline-plain.txt", 10_000);
        assertEquals(now, then + "changed after the snapshot\n");
        assertArrayEquals(fs.readAllBytes("/zlib/zlib-text-150k.txt", 1 << 20), snap.readAllBytes("/zlib/zlib-text-150k.txt", 1 << 20));
        // A snapshot does not descend into subvolumes nested in its source: an empty directory stands in.
        assertEquals(List.of(), snap.list("/var/lib/machines"));
        // @/.snapshots/1 is a plain directory, not a subvolume.
        DiskException e = assertThrows(DiskException.class, () -> fs.openSubvolume("@/.snapshots/1"));
        assertEquals(ErrorKind.NOT_FOUND, e.kind());
        assertEquals(ErrorKind.NOT_FOUND, assertThrows(DiskException.class, () -> fs.openSubvolume("@nope")).kind());
        assertEquals(ErrorKind.NOT_FOUND, assertThrows(DiskException.class, () -> fs.openSubvolume(4711)).kind());
    }

    @Test
    void everyCompressionTheKernelWroteIsDecoded() throws IOException {
        assertEquals(List.of("0+131072 regular zstd", "131072+131072 regular zstd", "262144+131072 regular zstd",
                "393216+16384 regular zstd"), fs.extents("/usr/share/doc/zstd-text-400k.txt"));
        assertTrue(fs.extents("/zlib/zlib-text-150k.txt").stream().allMatch(x -> x.endsWith(" zlib")));
        assertTrue(fs.extents("/lzo/lzo-text-150k.txt").stream().allMatch(x -> x.endsWith(" lzo")));
        assertTrue(fs.extents("/zstd15/zstd15-text-150k.txt").stream().allMatch(x -> x.endsWith(" zstd")));
        assertEquals(List.of("0+40960 regular none"), fs.extents("/usr/share/doc/random-40k.bin"));
        assertEquals(List.of("0+3000 inline zstd"), fs.extents("/etc/inline-compressed.txt"));
        assertEquals(List.of("0+65536 regular none", "65536+983040 prealloc none"), fs.extents("/usr/share/doc/prealloc.bin"));
        List<String> holes = fs.extents("/usr/share/doc/holes.bin");
        assertEquals(2, holes.size(), holes.toString());
        assertTrue(holes.get(1).startsWith("2097152+"), holes.toString());
        byte[] h = fs.readAllBytes("/usr/share/doc/holes.bin", 4 << 20);
        assertEquals("head", new String(h, 0, 4, StandardCharsets.US_ASCII));
        for (int i = 4; i < 2 << 20; i++) {
            if (h[i] != 0) {
                throw new AssertionError("hole byte " + i + " is " + h[i]);
            }
        }
    }

    @Test
    void extentsAgreeWithBtrfsProgsDumpOfEveryTree() throws IOException {
        Map<String, List<String>> dumped = BtrfsTrees.dumpedExtents(BtrfsTrees.zstText("btrfs/subvol.trees.txt.zst"));
        int files = 0;
        for (String[] sv : List.of(new String[] {"256", "@"}, new String[] {"257", "@home"}, new String[] {"258", "@/var/lib/machines"},
                new String[] {"259", "@/.snapshots/1/snapshot"})) {
            BtrfsFilesystem v = fs.openSubvolume(sv[1]);
            for (String path : regularFiles(v, "/")) {
                long ino = v.stat(path).inode();
                assertEquals(dumped.getOrDefault(sv[0] + ":" + ino, List.of()), v.extents(path), sv[1] + path);
                files++;
            }
        }
        assertTrue(files >= 26, files + " files");
        assertTrue(dumped.values().stream().flatMap(List::stream).anyMatch(x -> x.endsWith("regular lzo")));
        assertTrue(dumped.values().stream().flatMap(List::stream).anyMatch(x -> x.endsWith("regular zlib")));
        assertTrue(dumped.values().stream().flatMap(List::stream).anyMatch(x -> x.endsWith("inline zstd")));
        assertTrue(dumped.values().stream().flatMap(List::stream).anyMatch(x -> x.contains("prealloc")));
    }

    @Test
    void extendedAttributes() throws IOException {
        Map<String, byte[]> x = fs.xattrs("/etc/os-release");
        assertEquals(List.of("security.selinux", "user.vhdflow.origin"), new ArrayList<>(x.keySet()));
        assertEquals("make-btrfs.sh", new String(x.get("user.vhdflow.origin"), StandardCharsets.UTF_8));
        assertEquals("system_u:object_r:etc_t:s0\0", new String(x.get("security.selinux"), StandardCharsets.UTF_8));
        assertEquals("lzo", new String(fs.xattrs("/lzo").get("btrfs.compression"), StandardCharsets.UTF_8));
        assertFalse(fs.xattrs("/usr").containsKey("btrfs.compression"));
    }

    @Test
    void readsAtRandomPositionsMatchAWholeRead() throws IOException {
        byte[] whole = fs.readAllBytes("/lzo/lzo-text-150k.txt", 1 << 20);
        try (var s = fs.open("/lzo/lzo-text-150k.txt")) {
            java.util.Random r = new java.util.Random(17);
            for (int i = 0; i < 200; i++) {
                int at = r.nextInt(whole.length);
                int len = Math.min(whole.length - at, 1 + r.nextInt(20_000));
                byte[] got = s.readBytes(at, len, "test");
                assertArrayEquals(java.util.Arrays.copyOfRange(whole, at, at + len), got, "at " + at);
            }
        }
    }

    static List<String> regularFiles(BtrfsFilesystem v, String dir) throws IOException {
        List<String> out = new ArrayList<>();
        for (var e : v.list(dir)) {
            String p = BtrfsTrees.child(dir, e.name());
            var a = v.lstat(p);
            if (a.isDirectory() && a.inode() != BtrfsKey.FIRST_FREE_OBJECTID) { // not into nested subvolumes
                out.addAll(regularFiles(v, p));
            } else if (a.isRegularFile()) {
                out.add(p);
            }
        }
        return out;
    }
}
