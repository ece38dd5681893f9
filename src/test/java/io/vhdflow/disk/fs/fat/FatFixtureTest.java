package io.vhdflow.disk.fs.fat;

import io.vhdflow.disk.container.FileByteSource;
import io.vhdflow.disk.fs.DirEntry;
import io.vhdflow.disk.fs.FileAttributes;
import io.vhdflow.disk.fs.FileTooLargeException;
import io.vhdflow.testing.Fixtures;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.InputStream;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Our reading of FAT12/16/32 images against mtools' own view (mdir -/ -b, mtype | sha256sum, minfo). */
class FatFixtureTest {

    @TempDir
    Path tmp;

    private FileByteSource open(String name) {
        try {
            return FileByteSource.open(Fixtures.extract("fat/" + name + ".img.zst", tmp));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"fat12", "fat16", "fat32"})
    void typeLabelAndSerialMatchMinfo(String name) throws Exception {
        String minfo = Fixtures.text("fat/" + name + ".minfo.txt");
        try (FileByteSource src = open(name); FatFilesystem fs = FatFilesystem.open(src)) {
            assertTrue(FatFilesystem.probe(src));
            assertEquals(name, fs.type());
            assertTrue(minfo.contains("disk type=\"" + name.toUpperCase(Locale.ROOT)), "mtools agrees on the FAT type");
            String label = field(minfo, "disk label=\"").strip();
            assertEquals(label, fs.label().orElseThrow());
            String serial = field(minfo, "serial number: ");
            assertEquals(serial.substring(0, 4) + "-" + serial.substring(4), fs.uuid().orElseThrow().toLowerCase(Locale.ROOT));
            assertEquals(Integer.parseInt(field(minfo, "cluster size: ").split(" ")[0]) * 512, fs.clusterSize());
            assertEquals(List.of(), fs.findings());
        }
    }

    private static String field(String text, String prefix) {
        int i = text.indexOf(prefix);
        assertTrue(i >= 0, prefix);
        int end = text.indexOf('\n', i);
        String v = text.substring(i + prefix.length(), end);
        return v.endsWith("\"") ? v.substring(0, v.length() - 1) : v;
    }

    @ParameterizedTest
    @ValueSource(strings = {"fat12", "fat16", "fat32"})
    void treeMatchesMdir(String name) throws Exception {
        Set<String> expected = new TreeSet<>();
        for (String line : Fixtures.text("fat/" + name + ".paths.txt").split("\n")) {
            if (!line.isBlank()) {
                expected.add(line.substring(2)); // drop "::"
            }
        }
        try (FileByteSource src = open(name); FatFilesystem fs = FatFilesystem.open(src)) {
            Set<String> ours = new TreeSet<>();
            walk(fs, "/", ours, 0);
            assertEquals(expected, ours);
        }
    }

    private static void walk(FatFilesystem fs, String dir, Set<String> out, int depth) throws Exception {
        assertTrue(depth < 32);
        for (DirEntry e : fs.list(dir)) {
            String p = (dir.equals("/") ? "/" : dir + "/") + e.name();
            if (e.type() == io.vhdflow.disk.fs.FileType.DIRECTORY) {
                out.add(p + "/");
                walk(fs, p, out, depth + 1);
            } else {
                out.add(p);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"fat12", "fat16", "fat32"})
    void contentMatchesMtoolsChecksums(String name) throws Exception {
        List<String> lines = new ArrayList<>(List.of(Fixtures.text("fat/" + name + ".sha256.txt").split("\n")));
        assertTrue(lines.size() > 100);
        try (FileByteSource src = open(name); FatFilesystem fs = FatFilesystem.open(src)) {
            for (String line : lines) {
                String[] p = line.split(" ", 3);
                FileAttributes a = fs.stat(p[2]);
                assertTrue(a.isRegularFile());
                assertEquals(Long.parseLong(p[1]), a.size(), p[2]);
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                try (InputStream in = fs.newInputStream(p[2])) {
                    byte[] buf = new byte[7000]; // not a multiple of the cluster size
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        md.update(buf, 0, n);
                    }
                }
                assertEquals(p[0], HexFormat.of().formatHex(md.digest()), p[2]);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"fat12", "fat16", "fat32"})
    void namesMatchCaseInsensitivelyByLongOrShortName(String name) throws Exception {
        String mdir = Fixtures.text("fat/" + name + ".mdir.txt");
        assertTrue(mdir.contains("MIXEDC~1 TXT"), "mtools gave MixedCase.Txt the short name MIXEDC~1.TXT");
        assertTrue(mdir.contains("big      txt"), "mtools stored big.txt as a lower-case 8.3 name");
        try (FileByteSource src = open(name); FatFilesystem fs = FatFilesystem.open(src)) {
            byte[] a = fs.readAllBytes("/MixedCase.Txt", 100);
            assertArrayEquals(a, fs.readAllBytes("/mixedcase.txt", 100));
            assertArrayEquals(a, fs.readAllBytes("/MIXEDC~1.TXT", 100));
            assertArrayEquals(a, fs.readAllBytes("\\mixedc~1.txt", 100));
            assertArrayEquals(fs.readAllBytes("/EFI/BOOT/BOOTX64.EFI", 100), fs.readAllBytes("\\efi\\boot\\Bootx64.efi", 100));
            assertTrue(fs.exists("/ÜNÏCÖDÉ.TXT"));
            assertTrue(fs.list("/").stream().anyMatch(e -> e.name().equals("big.txt")), "NT lower-case flags honoured");
            assertTrue(fs.isDirectory("/level1/level2/../level2/level3"));
            assertTrue(fs.isRegularFile("/level1/level2/level3/level4/level5/level6/level7/level8/level9/level10/level11/level12/deep file.txt"));
            assertEquals(120, fs.list("/many").size());
            assertTrue(120 * 4 * 32 > fs.clusterSize(), "the directory spans several clusters");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"fat12", "fat32"})
    void errorsAreTyped(String name) throws Exception {
        try (FileByteSource src = open(name); FatFilesystem fs = FatFilesystem.open(src)) {
            assertThrows(NoSuchFileException.class, () -> fs.stat("/EFI/BOOT/missing.efi"));
            assertThrows(NotDirectoryException.class, () -> fs.list("/README.TXT/x"));
            assertThrows(NotDirectoryException.class, () -> fs.list("/README.TXT"));
            assertThrows(FileSystemException.class, () -> fs.newInputStream("/EFI"));
            assertThrows(FileTooLargeException.class, () -> fs.readAllBytes("/big.txt", 1000));
            assertThrows(NotLinkException.class, () -> fs.readlink("/README.TXT"));
            assertFalse(fs.exists("/nope/README.TXT"));
            assertTrue(fs.stat("/README.TXT").modified().isPresent());
        }
    }
}
