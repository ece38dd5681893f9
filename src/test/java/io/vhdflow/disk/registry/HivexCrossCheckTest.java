package io.vhdflow.disk.registry;

import io.vhdflow.disk.container.FileByteSource;
import io.vhdflow.testing.ExternalTools;
import io.vhdflow.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where hivex is installed, also compares with a live {@code hivexregedit --export} of the fixture
 * files as extracted (through {@link FileByteSource}, the way the pipeline reads files). Skipped
 * elsewhere outside CI ({@link ExternalTools}); the recorded exports in the other tests need no tool.
 */
class HivexCrossCheckTest {

    @ParameterizedTest
    @ValueSource(strings = {"test.hive", "software.hive", "system.hive", "amcache.hve"})
    void liveHivexExportMatches(String name, @TempDir Path dir) throws Exception {
        ExternalTools.require("hivexregedit", "libwin-hivex-perl");
        Path hive = Fixtures.extract("registry/" + name + ".zst", dir);
        ProcessBuilder pb = new ProcessBuilder("hivexregedit", "--export", "--prefix", "X", hive.toString(), "\\");
        pb.environment().put("PERL_UNICODE", "SAO");
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, "hivexregedit failed");
        try (FileByteSource src = FileByteSource.open(hive)) {
            assertEquals(RegExport.parse(out, "X"), RegExport.walk(Hive.open(src)));
        }
    }

    @Test
    void fileBackedHiveWithFileBackedLogs(@TempDir Path dir) throws IOException {
        Path hive = Fixtures.extract("registry/system-dirty.zst", dir);
        Path log1 = Fixtures.extract("registry/system-dirty.LOG1.zst", dir);
        Path log2 = Fixtures.extract("registry/system-dirty.LOG2.zst", dir);
        try (FileByteSource h = FileByteSource.open(hive); FileByteSource l1 = FileByteSource.open(log1);
             FileByteSource l2 = FileByteSource.open(log2)) {
            Hive recovered = Hive.open(h, java.util.List.of(l1, l2));
            assertEquals(HiveFixtures.export("system-dirty.after.export.reg", "HKEY_LOCAL_MACHINE\\SYSTEM"),
                    RegExport.walk(recovered));
        }
    }
}
