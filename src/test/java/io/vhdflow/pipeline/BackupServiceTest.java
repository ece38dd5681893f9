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
            // A file that is no disk image: backed up all the same, not converted.
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
                src, home.resolve("staged"), Progress.NONE);
        assertEquals(BackupService.sha256(src, new Throttle(0)), r.sha256());
        assertEquals(Files.size(src), Files.size(r.path()));
        assertEquals(-1, Files.mismatch(src, r.path()));
        long allocated = io.vhdflow.testing.Fixtures.allocatedBytes(r.path());
        assertTrue(allocated < (1 << 20), "backup of a 64 MiB file with 8 KiB of data allocates " + allocated);
        // The first 4 KiB block and the last, partial block (400 bytes): the rest are holes.
        assertEquals(4096 + 400, r.outcome().bytesWritten());
        // Read once; the container detection's peek at the head and tail (1 KiB) is all that is read twice.
        assertEquals(Files.size(src) + 1024, r.outcome().bytesRead(), "read once");
        assertFalse(Files.list(r.path().getParent()).anyMatch(p -> p.getFileName().toString().endsWith(".partial")));
    }

    @Test
    void notEnoughSpaceRejectsTheJobBeforeCopying() throws Exception {
        Settings s = settings("3", String.valueOf(Long.MAX_VALUE / 2));
        s.home().create();
        Path src = sparseSource(home);
        JobRejectedException e = assertThrows(JobRejectedException.class, () -> new BackupService(s, Json.mapper())
                .backup(job("20260101-000000-000000000001", "src.vhd", Files.size(src)), src, home.resolve("staged"), Progress.NONE));
        assertEquals("disk.full", e.error().code());
        assertTrue(Files.exists(src));
    }

    /**
     * The original is read once: its bytes make the backup, its SHA-256 and the staged fixed VHD;
     * the package stage links that VHD without reading the original again. Without a staged
     * conversion (a job resumed from an older release) packaging converts again and gets the same disk.
     */
    @Test
    void oneReadMakesTheBackupAndTheStagedConversionThatPackagingLinks() throws Exception {
        Settings s = settings("3", "0");
        s.home().create();
        Path src = io.vhdflow.testing.Fixtures.extract("vhd/dynamic.vhd.zst", home);
        JobRecord job = job("20260101-000000-00000000000a", "dynamic.vhd", Files.size(src));
        Path staged = home.resolve("work-staged");
        BackupService.BackupResult r = new BackupService(s, Json.mapper()).backup(job, src, staged, Progress.NONE);

        assertEquals(-1, Files.mismatch(src, r.path()), "the backup is the original");
        assertEquals(BackupService.sha256(src, new Throttle(0)), r.sha256());
        long size = Files.size(src);
        // Each byte once, plus the container metadata read while opening it (footer, header, BAT).
        assertTrue(r.outcome().bytesRead() >= size && r.outcome().bytesRead() < size + 64 * 1024,
                "read " + r.outcome().bytesRead() + " bytes of a " + size + "-byte original");
        var result = Json.mapper().readTree(r.outcome().resultJson().orElseThrow());
        assertTrue(result.path("conversion").isObject(), result.toString());

        Path stagedVhd = staged.resolve(BackupService.STAGED_VHD);
        byte[] fixed = Files.readAllBytes(stagedVhd);
        long virtual = result.path("conversion").path("virtualSize").asLong();
        try (io.vhdflow.disk.container.DiskImage in = io.vhdflow.disk.container.DiskImages.open(src)) {
            byte[] disk = new byte[(int) in.virtualSize()];
            in.virtualDisk().readFully(0, ByteBuffer.wrap(disk), "test");
            assertEquals(-1, java.util.Arrays.mismatch(disk, 0, disk.length, fixed, 0, disk.length),
                    "the staged VHD holds the original's virtual disk");
        }
        assertEquals(io.vhdflow.testing.ReferenceDataTree.of(fixed, (int) virtual),
                result.path("conversion").path("integrity").path("hex").asText());

        // Packaging links the staged VHD: nothing read from the original.
        io.vhdflow.inspect.VerificationReport report = new io.vhdflow.inspect.VerificationService()
                .verify(src, "azure-platform");
        PackagingService packaging = new PackagingService(s, Json.mapper());
        PackagingService.PackageResult p = packaging.build(job, src, Optional.of(staged),
                new io.vhdflow.catalog.SemanticVersion(1, 0, 0), report, Progress.NONE);
        Path packaged = Path.of(p.directory()).resolve(p.vhd());
        assertEquals(0, p.bytesRead());
        assertEquals(Files.getAttribute(stagedVhd, "unix:ino"), Files.getAttribute(packaged, "unix:ino"),
                "the package's VHD is the staged file, linked");
        assertEquals(result.path("conversion").path("integrity").path("hex").asText(), p.integrity().orElseThrow());

        // No staged conversion: converted again from the original, same disk, same digest.
        JobRecord other = job("20260101-000000-00000000000b", "dynamic.vhd", size);
        PackagingService.PackageResult again = packaging.build(other, src, Optional.of(home.resolve("none")),
                new io.vhdflow.catalog.SemanticVersion(1, 0, 1), report, Progress.NONE);
        assertTrue(again.bytesRead() > 0);
        assertEquals(p.integrity(), again.integrity());
    }
}
