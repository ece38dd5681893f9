package io.vhdflow.disk.fs.xfs;

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
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * v5 with 1 KiB blocks, 8 KiB directory blocks and 64-bit extent counters (nrext64), compared with
 * xfs_db and sha256sum recorded when {@code fixtures/make-xfs.sh} made it.
 */
class XfsVariantFixtureTest {
    @TempDir
    Path dir;

    @Test
    void readsUnusualGeometry() throws Exception {
        String sb = Fixtures.text("xfs/variant.sb.txt");
        assertEquals("1024", XfsDirtyLogTest.value(sb, "blocksize"));
        assertEquals("3", XfsDirtyLogTest.value(sb, "dirblklog"));
        String inodes = Fixtures.text("xfs/variant.inodes.txt");
        assertTrue(inodes.contains("v3.nrext64 = 1"));
        try (FileByteSource src = FileByteSource.open(Fixtures.extract("xfs/variant.img.zst", dir))) {
            XfsFilesystem fs = XfsFilesystem.open(src);
            assertEquals(1024, fs.blockSize());
            for (String listed : List.of("/", "/big")) {
                Map<String, Long> db = XfsV4FixtureTest.xfsDbListings("xfs/variant.ls.txt").get(listed).entrySet()
                        .stream().collect(Collectors.toMap(Map.Entry::getKey, e -> Long.parseLong(e.getValue()[0])));
                Map<String, Long> ours = fs.list(listed).stream()
                        .collect(Collectors.toMap(DirEntry::name, DirEntry::inode));
                assertEquals(db, ours, listed);
            }
            assertEquals(300, fs.list("/big").size());
            for (String line : Fixtures.text("xfs/variant.sha256.txt").lines().toList()) {
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                try (InputStream in = fs.newInputStream("/" + line.substring(66))) {
                    md.update(in.readAllBytes());
                }
                assertEquals(line.substring(0, 64), HexFormat.of().formatHex(md.digest()), line);
            }
            String longTarget = Fixtures.text("xfs/variant.long-link.txt").strip();
            assertEquals(998, longTarget.length());
            assertEquals(longTarget, fs.readlink("/long-link"));
            assertEquals(fs.readString("/os-release", 100), fs.readString("/short-link", 100));
            assertEquals(0640, fs.stat("/numbers.txt").permissions());
            assertEquals(7, fs.stat("/numbers.txt").uid());
            assertEquals(8, fs.stat("/numbers.txt").gid());
            assertEquals(List.of(), fs.findings());
        }
    }
}
