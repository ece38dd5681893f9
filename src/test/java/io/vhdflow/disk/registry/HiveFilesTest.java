package io.vhdflow.disk.registry;

import io.vhdflow.disk.fs.DirEntry;
import io.vhdflow.disk.fs.FileAttributes;
import io.vhdflow.disk.fs.FileTooLargeException;
import io.vhdflow.disk.fs.FileType;
import io.vhdflow.disk.fs.Filesystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HiveFilesTest {
    private static final String CONFIG = "/Windows/System32/config/";

    /** A case-insensitive, in-memory filesystem holding a few regular files, like NTFS would. */
    private static Filesystem fs(Map<String, byte[]> files) {
        Map<String, byte[]> byName = new HashMap<>();
        files.forEach((k, v) -> byName.put(k.toLowerCase(Locale.ROOT), v));
        return new Filesystem() {
            public String type() {
                return "test";
            }

            public Optional<String> label() {
                return Optional.empty();
            }

            public Optional<String> uuid() {
                return Optional.empty();
            }

            public FileAttributes attributes(String path) throws IOException {
                byte[] b = byName.get(path.toLowerCase(Locale.ROOT));
                if (b == null) {
                    throw new NoSuchFileException(path);
                }
                return new FileAttributes(FileType.REGULAR, b.length, 0, 0, 0, Optional.empty(), Optional.empty(),
                        Optional.empty(), Optional.empty(), 0, 1);
            }

            public FileAttributes linkAttributes(String path) throws IOException {
                return attributes(path);
            }

            public List<DirEntry> list(String path) {
                throw new UnsupportedOperationException();
            }

            public InputStream newInputStream(String path) throws IOException {
                attributes(path);
                return new ByteArrayInputStream(byName.get(path.toLowerCase(Locale.ROOT)));
            }

            public String readSymbolicLink(String path) {
                throw new UnsupportedOperationException();
            }
        };
    }

    @Test
    void opensAHiveWithItsLogsFromAFilesystemAndCleansUp(@TempDir Path spool) throws IOException {
        Filesystem fs = fs(Map.of(
                CONFIG + "SYSTEM", HiveFixtures.bytes("system-dirty"),
                CONFIG + "system.LOG1", HiveFixtures.bytes("system-dirty.LOG1"),
                CONFIG + "SYSTEM.log2", HiveFixtures.bytes("system-dirty.LOG2"),
                CONFIG + "SYSTEM.LOG", new byte[0]));
        try (HiveFiles files = HiveFiles.open(fs, CONFIG + "SYSTEM", spool, 64L << 20)) {
            assertEquals(List.of(CONFIG + "SYSTEM.LOG1", CONFIG + "SYSTEM.LOG2"), files.logPaths());
            Hive h = files.hive();
            assertTrue(h.recovered(), h.findings().toString());
            assertEquals("ControlSet002", h.currentControlSetName().orElseThrow());
        }
        try (var left = Files.list(spool)) {
            assertFalse(left.findAny().isPresent(), "temporary copies are deleted on close");
        }
    }

    @Test
    void hiveWithoutLogs(@TempDir Path spool) throws IOException {
        Filesystem fs = fs(Map.of(CONFIG + "SOFTWARE", HiveFixtures.bytes("software.hive")));
        try (HiveFiles files = HiveFiles.open(fs, CONFIG + "software", spool, 64L << 20)) {
            assertTrue(files.logPaths().isEmpty());
            assertEquals("IMAGE_STATE_GENERALIZE_RESEAL_TO_OOBE", files.hive()
                    .key("Microsoft\\Windows\\CurrentVersion\\Setup\\State").orElseThrow()
                    .value("ImageState").orElseThrow().asString());
        }
    }

    @Test
    void oversizedHiveIsRefusedAndNothingIsLeftBehind(@TempDir Path spool) throws IOException {
        Filesystem fs = fs(Map.of(CONFIG + "SOFTWARE", HiveFixtures.bytes("software.hive")));
        assertThrows(FileTooLargeException.class, () -> HiveFiles.open(fs, CONFIG + "SOFTWARE", spool, 4096));
        assertThrows(NoSuchFileException.class, () -> HiveFiles.open(fs, CONFIG + "SAM", spool, 1 << 20));
        try (var left = Files.list(spool)) {
            assertFalse(left.findAny().isPresent());
        }
    }
}
