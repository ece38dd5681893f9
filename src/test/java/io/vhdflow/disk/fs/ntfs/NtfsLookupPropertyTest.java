package io.vhdflow.disk.fs.ntfs;

import io.vhdflow.disk.container.FileByteSource;
import io.vhdflow.testing.Fixtures;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Case-insensitive B-tree lookups: any mix of upper and lower case, and '\' separators, reaches
 * the same record as the name recorded through the ntfs-3g mount; a name with a character more or less does not.
 */
class NtfsLookupPropertyTest {
    static Path dir;
    static FileByteSource src;
    static NtfsFilesystem fs;
    static final List<String> PATHS = new ArrayList<>();

    @BeforeContainer
    static void setUp() throws IOException {
        dir = Files.createTempDirectory("ntfs-lookup");
        src = FileByteSource.open(Fixtures.extract("ntfs/ntfs-main.img.zst", dir));
        fs = NtfsFilesystem.open(src);
        PATHS.addAll(NtfsFilesystemTest.hashes("ntfs/ntfs-main.sha256").keySet());
    }

    @AfterContainer
    static void tearDown() throws IOException {
        src.close();
        Path img = dir.resolve("ntfs-main.img");
        Files.deleteIfExists(img);
        Files.deleteIfExists(dir);
    }

    @Property(tries = 500)
    void anyCaseFindsTheSameRecord(@ForAll @IntRange(min = 0, max = 100_000) int which, @ForAll long seed)
            throws IOException {
        String path = PATHS.get(which % PATHS.size());
        Random r = new Random(seed);
        StringBuilder b = new StringBuilder();
        path.codePoints().forEach(cp -> {
            String s = new String(Character.toChars(cp));
            if (cp == '/' && r.nextBoolean()) {
                b.append('\\');
            } else {
                b.append(r.nextBoolean() ? s.toUpperCase(java.util.Locale.ROOT) : s.toLowerCase(java.util.Locale.ROOT));
            }
        });
        String variant = b.toString();
        if (variant.length() != path.length()) {
            return; // a case mapping that changes length (e.g. German sharp s) is not an NTFS case variant
        }
        assertEquals(fs.stat(path).inode(), fs.stat(variant).inode(), variant);
        assertThrows(NoSuchFileException.class, () -> fs.stat(variant + "-nope"));
        assertThrows(NoSuchFileException.class, () -> fs.stat(variant.substring(0, variant.length() - 1)));
    }
}
