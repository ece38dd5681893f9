package io.vhdflow.pipeline;

import io.vhdflow.catalog.ImageMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackupServiceTest {
    @TempDir
    Path home;

    private Settings settings(String retention, String minFree) {
        Properties p = new Properties();
        p.setProperty("vhdflow.home", home.toString());
        p.setProperty("vhdflow.backup.retention", retention);
        p.setProperty("vhdflow.health.min-free-bytes", minFree);
        return Settings.from(p);
    }

    private static JobRecord job(String id, String name, long size) {
        ImageMetadata m = ImageMetadata.EMPTY.withDefaults("g", "p", name);
        return new JobRecord(id, Optional.empty(), name, size, m, JobState.RUNNING, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Instant.now(), Instant.now(), Optional.empty(), Optional.empty());
    }

    /** A 64 MiB file with data only at its start and near its end. */
    private static Path sparseSource(Path dir) throws Exception {
        Path f = dir.resolve("src.vhd");
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap("head".repeat(1000).getBytes()), 0);
            ch.write(ByteBuffer.wrap("tail".repeat(100).getBytes()), (64L << 20) - 4096);
        }
        return f;
    }

    @Test
    void copyIsIdenticalVerifiedAndSparse() throws Exception {
        Settings s = settings("3", "0");
        s.home().create();
        Path src = sparseSource(home);
        BackupService backup = new BackupService(s, Json.mapper());
        BackupService.BackupResult r = backup.backup(job("20260101-000000-aaaaaaaaaaaa", "src.vhd", Files.size(src)),
                src, Progress.NONE);
        assertEquals(BackupService.sha256(src, new Throttle(0)), r.sha256());
        assertEquals(Files.size(src), Files.size(r.path()));
        assertEquals(-1, Files.mismatch(src, r.path()));
        long allocated = io.vhdflow.testing.Fixtures.allocatedBytes(r.path());
        assertTrue(allocated < (1 << 20), "backup of a 64 MiB file with 8 KiB of data allocates " + allocated);
        // The first 64 KiB block, and the last (partial) block from 64 MiB - 64 KiB to the end of file.
        assertEquals(65536 + (Files.size(src) - ((64L << 20) - 65536)), r.outcome().bytesWritten());
        assertFalse(Files.list(r.path().getParent()).anyMatch(p -> p.getFileName().toString().endsWith(".partial")));
    }

    @Test
    void notEnoughSpaceRejectsTheJobBeforeCopying() throws Exception {
        Settings s = settings("3", String.valueOf(Long.MAX_VALUE / 2));
        s.home().create();
        Path src = sparseSource(home);
        JobRejectedException e = assertThrows(JobRejectedException.class, () -> new BackupService(s, Json.mapper())
                .backup(job("20260101-000000-000000000001", "src.vhd", Files.size(src)), src, Progress.NONE));
        assertEquals("disk.full", e.error().code());
        assertTrue(Files.exists(src));
    }
}
