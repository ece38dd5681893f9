package io.vhdflow.disk.fs.ntfs;

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
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reads the mkntfs/ntfs-3g fixture and compares with what the tools recorded when it was made. */
class NtfsFilesystemTest {

    @TempDir
    static Path tmp;
    static FileByteSource src;
    static NtfsFilesystem fs;

    @BeforeAll
    static void open() throws IOException {
        src = FileByteSource.open(Fixtures.extract("ntfs/ntfs-main.img.zst", tmp));
        fs = NtfsFilesystem.open(src);
    }

    @AfterAll
    static void close() throws IOException {
        src.close();
    }

    static String sha256(InputStream in) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[7777]; // odd size: reads straddle clusters and compression units
        for (int n; (n = in.read(buf)) > 0; ) {
            md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static Map<String, String> hashes(String fixture) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : Fixtures.text(fixture).split("\n")) {
            if (!line.isBlank()) {
                m.put(line.substring(66), line.substring(0, 64));
            }
        }
        return m;
    }

    @Test
    void probeAndVolumeFacts() throws IOException {
        assertTrue(NtfsFilesystem.probe(src));
        assertEquals("ntfs", fs.type());
        assertEquals("VHDFLOW-NTFS", fs.label().orElseThrow());
        String info = Fixtures.text("ntfs/ntfs-main.ntfsinfo.txt");
        assertTrue(info.contains("Volume Name: " + fs.label().orElseThrow()));
        assertTrue(info.contains("Cluster Size: " + fs.bootSector().clusterSize()));
        assertTrue(info.contains("MFT Record Size: " + fs.bootSector().mftRecordSize()));
        assertTrue(info.contains("Volume Size in Clusters: " + fs.bootSector().totalClusters()));
        assertTrue(info.contains("LCN of Data Attribute for FILE_MFT: " + fs.bootSector().mftLcn()));
        assertTrue(info.contains("Volume Flags: 0x0000"));
        assertFalse(fs.dirty());
        assertEquals(HibernationState.CLEARED, fs.hibernation());
        assertEquals(List.of(), fs.findings());
        NtfsVolumeFacts facts = WindowsVolumeProbe.inspect(src);
        assertEquals(NtfsVolumeFacts.Kind.NTFS, facts.kind());
        assertTrue(facts.cleanlyShutDown());
    }

    /** Every regular file hashed through the ntfs-3g mount at creation reads back identically. */
    @Test
    void everyFileMatchesTheMountHashes() throws Exception {
        Map<String, String> expected = hashes("ntfs/ntfs-main.sha256");
        assertTrue(expected.size() > 700);
        for (Map.Entry<String, String> e : expected.entrySet()) {
            try (InputStream in = fs.newInputStream(e.getKey())) {
                assertEquals(e.getValue(), sha256(in), e.getKey());
            }
            assertEquals(FileType.REGULAR, fs.stat(e.getKey()).type(), e.getKey());
        }
    }

    @Test
    void filesAsRandomAccessSources() throws Exception {
        Map<String, String> expected = hashes("ntfs/ntfs-main.sha256");
        for (String f : List.of("/Windows/System32/config/SOFTWARE", "/compressed/mixed.bin", "/frag/a.bin",
                "/sparse.bin", "/names/MiXeD-CaSe.TXT")) {
            io.vhdflow.disk.container.ByteSource bs = fs.open(f);
            assertEquals(fs.stat(f).size(), bs.size());
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            // read backwards in odd-sized pieces, then hash in order: positional reads must not depend on history
            int piece = 10007;
            long pieces = (bs.size() + piece - 1) / piece;
            byte[][] parts = new byte[(int) Math.min(pieces, 4000)][];
            assertTrue(pieces <= 4000);
            {
                for (long i = pieces - 1; i >= 0; i--) {
                    long off = i * piece;
                    parts[(int) i] = bs.readBytes(off, (int) Math.min(piece, bs.size() - off), "test");
                }
                for (byte[] p : parts) {
                    md.update(p);
                }
                assertEquals(expected.get(f), HexFormat.of().formatHex(md.digest()), f);
            }
            int tail = (int) Math.min(100, bs.size());
            java.nio.ByteBuffer direct = java.nio.ByteBuffer.allocateDirect(tail);
            bs.readFully(bs.size() - tail, direct, "test");
            assertEquals(java.nio.ByteBuffer.wrap(bs.readBytes(bs.size() - tail, tail, "test")), direct.flip());
        }
        assertThrows(NtfsUnsupportedException.class, () -> fs.open("/wof.dat"));
    }

    @Test
    void ntfscatHashesMatch() throws Exception {
        for (Map.Entry<String, String> e : hashes("ntfs/ntfs-main.ntfscat.sha256").entrySet()) {
            try (InputStream in = fs.newInputStream(e.getKey())) {
                assertEquals(e.getValue(), sha256(in), e.getKey());
            }
        }
    }

    /** ntfsls -R -l -i output: "inode size Mon dd HH:mm yyyy name" per entry, "/dir:" headers. */
    static Map<String, List<String[]>> ntfsls() {
        Map<String, List<String[]>> dirs = new LinkedHashMap<>();
        List<String[]> current = null;
        for (String line : Fixtures.text("ntfs/ntfs-main.ntfsls.txt").split("\n")) {
            if (line.endsWith(":") && line.startsWith("/")) {
                current = new ArrayList<>();
                dirs.put(line.substring(0, line.length() - 1), current);
            } else if (current != null && line.matches("\\s*\\d+\\s+\\d+ .*")) {
                String t = line.trim();
                String[] p = t.split("\\s+", 7);
                current.add(p); // inode, size, Mon, dd, HH:mm, yyyy, name
            }
        }
        return dirs;
    }

    @Test
    void listingsMatchNtfsls() throws IOException {
        Map<String, List<String[]>> dirs = ntfsls();
        DateTimeFormatter fmt = DateTimeFormatter.ofPattern("MMM dd HH:mm yyyy", Locale.ROOT).withZone(ZoneOffset.UTC);
        int compared = 0;
        for (String dir : List.of("/", "/names", "/links", "/compressed", "/Windows")) {
            List<String[]> want = dirs.get(dir);
            assertTrue(want != null && !want.isEmpty(), dir);
            Set<String> expectedNames = new TreeSet<>();
            for (String[] p : want) {
                String name = p[6];
                if (name.equals(".") || name.equals("..") || (dir.equals("/") && name.startsWith("$"))) {
                    continue;
                }
                expectedNames.add(name);
                String path = (dir.equals("/") ? "" : dir) + "/" + name;
                FileAttributes a = fs.lstat(path);
                assertEquals(Long.parseLong(p[0]), a.inode(), path);
                if (a.type() == FileType.REGULAR) {
                    assertEquals(Long.parseLong(p[1]), a.size(), path);
                }
                assertEquals(p[2] + " " + p[3] + " " + p[4] + " " + p[5], fmt.format(a.modified().orElseThrow()), path);
                compared++;
            }
            Set<String> got = fs.list(dir).stream().map(DirEntry::name).collect(Collectors.toCollection(TreeSet::new));
            assertEquals(expectedNames, got, dir);
        }
        assertTrue(compared > 20);
    }

    @Test
    void bigDirectoryIsANonResidentBTree() throws IOException {
        List<DirEntry> entries = fs.list("/bigdir");
        assertEquals(701, entries.size());
        Set<String> names = entries.stream().map(DirEntry::name).collect(Collectors.toSet());
        for (int i = 0; i < 700; i++) {
            assertTrue(names.contains(String.format("f%04d.txt", i)));
        }
        // listing order is NTFS collation order
        List<String> order = entries.stream().map(DirEntry::name).toList();
        assertEquals(order.stream().sorted(String.CASE_INSENSITIVE_ORDER).toList(), order);
        NtfsFile dir = fs.record(fs.stat("/bigdir").inode());
        assertTrue(dir.has(AttributeRecord.INDEX_ALLOCATION, "$I30"), "index should be non-resident");
        // lookups descend the tree for every name, in any case
        for (int i = 0; i < 700; i += 37) {
            String n = String.format("F%04d.TXT", i);
            assertEquals(String.format("file %04d\n", i), fs.readString("/BIGDIR/" + n, 100));
        }
        assertThrows(NoSuchFileException.class, () -> fs.stat("/bigdir/f0700.txt"));
        assertThrows(NoSuchFileException.class, () -> fs.stat("/bigdir/a"));
        assertThrows(NoSuchFileException.class, () -> fs.stat("/bigdir/zzzz"));
    }

    @Test
    void caseInsensitivePathsAndBackslashes() throws IOException {
        String a = new String(fs.readAllBytes("/Windows/Setup/State/State.ini", 1000));
        assertTrue(a.contains("IMAGE_STATE_GENERALIZE_RESEAL_TO_OOBE"));
        assertEquals(a, new String(fs.readAllBytes("\\WINDOWS\\setup\\STATE\\state.INI", 1000)));
        assertTrue(fs.isDirectory("/windows/system32/CONFIG"));
        assertEquals(fs.stat("/Windows/System32/config/SOFTWARE").inode(),
                fs.stat("/windows/SYSTEM32/config/software").inode());
        assertTrue(fs.exists("/names/mixed-case.txt"));
        assertTrue(fs.exists("/names/ünïcødé-日本語-ФАЙЛ.txt"), "$UpCase maps Cyrillic and Latin-1");
        assertThrows(NotDirectoryException.class, () -> fs.list("/hiberfil.sys"));
        assertThrows(NoSuchFileException.class, () -> fs.stat("/Windows/nope"));
    }

    @Test
    void namesLongUnicodeAndDos() throws IOException {
        List<String> names = fs.list("/names").stream().map(DirEntry::name).toList();
        assertTrue(names.contains("emoji-😀.txt"));
        assertTrue(names.contains("Ünïcødé-日本語-файл.txt"));
        String longName = names.stream().filter(n -> n.length() > 200).findFirst().orElseThrow();
        assertEquals(252, longName.length());
        assertFalse(names.contains("PROGRA~1.TXT"), "DOS 8.3 duplicates are not listed");
        assertFalse(names.contains("LOOOOO~1.TXT"));
        // but resolve, as in Windows, to the same record
        assertEquals(fs.stat("/names/Program Files Data.txt").inode(), fs.stat("/names/progra~1.txt").inode());
        assertEquals("program files\n", fs.readString("/names/PROGRA~1.TXT", 100));
        NtfsFile f = fs.record(fs.stat("/names/Program Files Data.txt").inode());
        assertTrue(f.fileNames().stream().anyMatch(FileName::dosOnly));
        assertEquals(1, fs.stat("/names/Program Files Data.txt").linkCount());
    }

    @Test
    void hardLinks() throws IOException {
        FileAttributes a = fs.stat("/links/original.txt");
        FileAttributes b = fs.stat("/links/hardlink.txt");
        assertEquals(a.inode(), b.inode());
        assertEquals(2, a.linkCount());
        assertEquals(0, a.mode(), "NTFS has no POSIX mode");
        assertTrue(a.created().isPresent() && a.accessed().isPresent() && a.changed().isPresent());
        assertEquals("original content\n", fs.readString("/links/hardlink.txt", 100));
    }

    @Test
    void symlinksAndJunctionsStayInsideTheVolume() throws IOException {
        assertEquals(FileType.SYMLINK, fs.lstat("/links/rel-sym").type());
        assertEquals("original.txt", fs.readlink("/links/rel-sym"));
        assertEquals("original content\n", fs.readString("/links/rel-sym", 100));

        assertEquals("\\??\\C:\\Windows\\System32\\config", fs.readlink("/links/abs-sym"));
        assertTrue(fs.list("/links/abs-sym").stream().anyMatch(e -> e.name().equals("SOFTWARE")));
        assertEquals(ReparsePoint.TAG_SYMLINK, fs.reparseTag("/links/abs-sym").orElseThrow());

        assertEquals(ReparsePoint.TAG_MOUNT_POINT, fs.reparseTag("/links/junction").orElseThrow());
        assertTrue(fs.isDirectory("/links/junction/System32/config"));
        assertEquals(fs.stat("/Windows/Setup/State/State.ini").inode(),
                fs.stat("/links/JUNCTION/Setup/State/State.ini").inode());

        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> fs.stat("/links/outside"));
        assertTrue(e.getMessage().contains("D:"), e.getMessage());

        // ntfs-3g's own ln -s: an Interix symlink (no reparse point was recorded for it)
        assertTrue(Fixtures.text("ntfs/ntfs-main.posix-sym.txt").contains("No such attribute"));
        assertEquals("original.txt", fs.readlink("/links/posix-sym"));
        assertEquals("original content\n", fs.readString("/links/posix-sym", 100));

        Map<String, FileType> types = fs.list("/links").stream().collect(Collectors.toMap(DirEntry::name, DirEntry::type));
        assertEquals(FileType.SYMLINK, types.get("rel-sym"));
        assertEquals(FileType.SYMLINK, types.get("junction"));
        assertEquals(FileType.SYMLINK, types.get("posix-sym"));
        assertEquals(FileType.REGULAR, types.get("original.txt"));
    }

    @Test
    void fragmentedSparseAndCompressedLayouts() throws IOException {
        NonResidentData a = (NonResidentData) fs.data(fs.record(fs.stat("/frag/a.bin").inode()), "/frag/a.bin");
        assertTrue(a.runCount() > 5, "a.bin should be fragmented, has " + a.runCount() + " runs");

        NonResidentData sp = (NonResidentData) fs.data(fs.record(fs.stat("/sparse.bin").inode()), "/sparse.bin");
        assertTrue(sp.runs().stream().anyMatch(DataRun::sparse));
        assertEquals(16L << 20, fs.stat("/sparse.bin").size());
        try (InputStream in = fs.newInputStream("/sparse.bin")) {
            assertEquals("head of sparse file\n", new String(in.readNBytes(20)));
            assertEquals((5L << 20) - 20, in.skip((5L << 20) - 20));
        }

        for (String f : List.of("/compressed/text.txt", "/compressed/mixed.bin")) {
            NtfsFile file = fs.record(fs.stat(f).inode());
            AttributeRecord d = file.first(AttributeRecord.DATA).orElseThrow();
            assertTrue(d.compressed() && d.compressionUnit() == 4, f + " should be LZNT1-compressed");
            // compressed units are stored clusters followed by a hole in the unit
            assertTrue(d.runs().stream().anyMatch(DataRun::sparse), f + " has no compressed unit");
        }
        assertEquals(6000 * 57, fs.stat("/compressed/text.txt").size());
        String text = fs.readString("/compressed/text.txt", 1 << 20);
        assertTrue(text.startsWith("line 000000: the quick brown fox"));
        assertTrue(text.endsWith("line 005999: the quick brown fox jumps over the lazy dog\n"));
    }

    @Test
    void wofCompressedFileIsReportedNotMisread() throws IOException {
        assertEquals(ReparsePoint.TAG_WOF, fs.reparseTag("/wof.dat").orElseThrow());
        assertEquals(FileType.REGULAR, fs.stat("/wof.dat").type());
        assertEquals(12345, fs.stat("/wof.dat").size());
        NtfsUnsupportedException e = assertThrows(NtfsUnsupportedException.class, () -> fs.newInputStream("/wof.dat"));
        assertTrue(e.getMessage().contains("XPRESS4K") && e.getMessage().contains("200 bytes"), e.getMessage());
    }

    @Test
    void alternateDataStreamsAreIgnored() throws IOException {
        assertEquals("main stream\n", fs.readString("/ads.txt", 100));
        assertEquals(12, fs.stat("/ads.txt").size());
    }

    @Test
    void hibernatedAndDirtyVolume(@TempDir Path dir) throws IOException {
        try (FileByteSource s = FileByteSource.open(Fixtures.extract("ntfs/ntfs-hiber.img.zst", dir));
             NtfsFilesystem h = NtfsFilesystem.open(s)) {
            assertTrue(Fixtures.text("ntfs/ntfs-hiber.ntfsfix.txt").contains("Windows is hibernated"));
            assertTrue(Fixtures.text("ntfs/ntfs-hiber.ntfsinfo.txt").contains("Volume Flags: 0x0001 DIRTY"));
            assertTrue(h.dirty());
            assertEquals(HibernationState.HIBERNATED, h.hibernation());
            Set<String> codes = h.findings().stream().map(Finding::code).collect(Collectors.toSet());
            assertEquals(Set.of("ntfs.dirty", "windows.hibernated"), codes);
            NtfsVolumeFacts facts = WindowsVolumeProbe.inspect(s);
            assertFalse(facts.cleanlyShutDown());
            assertEquals("HIBER", facts.label().orElseThrow());
            long off = h.findings().stream().filter(f -> f.code().equals("ntfs.dirty")).findFirst().orElseThrow().offset();
            // the offset names the $VOLUME_INFORMATION attribute inside record 3 of the MFT
            long rec3 = h.bootSector().mftLcn() * h.bootSector().clusterSize() + 3L * h.bootSector().mftRecordSize();
            assertTrue(off > rec3 && off < rec3 + h.bootSector().mftRecordSize(), "offset " + off);
        }
    }

    @Test
    void bitLockerIsDetectedNotCrashedOn(@TempDir Path dir) throws IOException {
        try (FileByteSource s = FileByteSource.open(Fixtures.extract("ntfs/ntfs-bitlocker.img.zst", dir))) {
            assertFalse(NtfsFilesystem.probe(s));
            NtfsVolumeFacts facts = WindowsVolumeProbe.inspect(s);
            assertTrue(facts.encrypted());
            assertEquals("windows.bitlocker", facts.findings().get(0).code());
            EncryptedVolumeException e = assertThrows(EncryptedVolumeException.class, () -> NtfsFilesystem.open(s));
            assertEquals(3, e.offset());
            assertTrue(e.getMessage().contains("BitLocker"));
        }
    }

    @Test
    void hiberfilSignatures() {
        assertEquals(HibernationState.HIBERNATED, HibernationState.classify("HIBRxxxx".getBytes()));
        assertEquals(HibernationState.HIBERNATED, HibernationState.classify("hibr\0\0\0\0".getBytes()));
        assertEquals(HibernationState.HIBERNATED, HibernationState.classify("RSTR\0\0\0\0".getBytes()));
        assertEquals(HibernationState.RESUMED, HibernationState.classify("wake\0\0\0\0".getBytes()));
        assertEquals(HibernationState.CLEARED, HibernationState.classify(new byte[4096]));
        assertEquals(HibernationState.UNKNOWN, HibernationState.classify("junkjunk".getBytes()));
    }

    @Test
    void linkTargetMapping() throws IOException {
        assertEquals("\\Windows", NtfsFilesystem.mapTarget("\\??\\C:\\Windows", "x"));
        assertEquals("\\Windows", NtfsFilesystem.mapTarget("c:\\Windows", "x"));
        assertEquals("\\", NtfsFilesystem.mapTarget("\\??\\C:", "x"));
        assertEquals("..\\a", NtfsFilesystem.mapTarget("..\\a", "x"));
        assertThrows(NoSuchFileException.class, () -> NtfsFilesystem.mapTarget("\\??\\D:\\x", "x"));
        assertThrows(NoSuchFileException.class,
                () -> NtfsFilesystem.mapTarget("\\??\\Volume{01234567-89ab-cdef-0123-456789abcdef}\\x", "x"));
        assertThrows(NoSuchFileException.class, () -> NtfsFilesystem.mapTarget("\\??\\UNC\\server\\share", "x"));
    }
}
