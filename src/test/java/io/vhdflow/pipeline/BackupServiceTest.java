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
import java.util.List;
import java.util.Optional;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackupServiceTest {
    @TempDir
    Path home;

    private Settings settings(String retention, String reserve) {
        Properties p = new Properties();
        p.setProperty("vhdflow.home", home.toString());
        p.setProperty("vhdflow.backup.retention", retention);
        p.setProperty("vhdflow.backup.reserve-bytes", reserve);
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

    /** A backup service on a disk whose free space {@code free} says. */
    private static BackupService onDisk(Settings s, BackupService.FreeSpace free) {
        return new BackupService(s, Json.mapper(), new DataPassBudget(s.dataPath()), free);
    }

    /**
     * Issue 22, item 4: a 64 MiB sparse fixed VHD holding 1 MiB was refused because its apparent size was taken as the
     * need. With 100 MiB free and a 64 MiB reserve, apparent size plus reserve (128 MiB) does not fit, the data does.
     */
    @Test
    void sparseFixedImageIsTakenWhenItsDataFitsBesideTheReserve() throws Exception {
        Settings s = settings("3", String.valueOf(64L << 20));
        s.home().create();
        Path src = home.resolve("sparse-fixed.vhd");
        long virtual = 64L << 20;
        try (FileChannel ch = FileChannel.open(src, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            byte[] data = new byte[1 << 20];
            new java.util.Random(22).nextBytes(data);
            ch.write(ByteBuffer.wrap(data), 0);
            ch.write(ByteBuffer.wrap(io.vhdflow.disk.container.VhdFooter.newFixed(virtual, java.util.UUID.randomUUID(),
                    Instant.now()).encode()), virtual);
        }
        assertEquals(0, BackupService.knownNeed(src, Files.size(src)), "a fixed image has no map: nothing known");
        BackupService.BackupResult r = onDisk(s, dir -> 100L << 20).backup(
                job("20260101-000000-000000000022", "sparse-fixed.vhd", Files.size(src)), src, home.resolve("staged"),
                Progress.NONE);
        assertEquals(-1, Files.mismatch(src, r.path()));
        assertTrue(r.outcome().bytesWritten() < (3L << 20), "wrote " + r.outcome().bytesWritten());
    }

    /** A dynamic VHD's need is its file plus its allocated blocks (the staged fixed VHD), far below its virtual size. */
    @Test
    void sparseContainerNeedsItsAllocatedDataAndTheReserve() throws Exception {
        long reserve = 64L << 20;
        Settings s = settings("3", String.valueOf(reserve));
        s.home().create();
        Path src = io.vhdflow.testing.Fixtures.extract("vhd/dynamic.vhd.zst", home);
        long file = Files.size(src);
        long allocated;
        long virtual;
        try (io.vhdflow.disk.container.DiskImage in = io.vhdflow.disk.container.DiskImages.open(src)) {
            allocated = in.allocatedBytes();
            virtual = in.virtualSize();
        }
        long need = BackupService.knownNeed(src, file);
        assertEquals(file + allocated + 512, need);
        assertTrue(allocated < virtual, allocated + " of " + virtual);

        JobRejectedException e = assertThrows(JobRejectedException.class, () -> onDisk(s, dir -> need + reserve - 1)
                .backup(job("20260101-000000-000000000001", "dynamic.vhd", file), src, home.resolve("staged"),
                        Progress.NONE));
        assertEquals("disk.full", e.error().code());
        String detail = String.join("; ", e.error().details());
        assertTrue(detail.contains("needed " + need + " bytes"), detail);
        assertTrue(detail.contains("free " + (need + reserve - 1) + " bytes"), detail);
        assertTrue(detail.contains("reserve " + reserve + " bytes (vhdflow.backup.reserve-bytes)"), detail);
        assertTrue(detail.contains("free " + (need + reserve - 1) + " bytes (" + ByteSizes.binary(need + reserve - 1) + ")"), detail);
        assertTrue(Files.exists(src));

        BackupService.BackupResult r = onDisk(s, dir -> need + reserve).backup(
                job("20260101-000000-000000000002", "dynamic.vhd", file), src, home.resolve("staged"), Progress.NONE);
        assertEquals(-1, Files.mismatch(src, r.path()));
    }

    /** An image whose data is known only as it is read (raw, fixed, no image at all): the reserve is kept while copying. */
    @Test
    void copyStopsWhenFreeSpaceReachesTheReserve() throws Exception {
        long reserve = 16L << 20;
        Settings s = settings("3", String.valueOf(reserve));
        s.home().create();
        Path src = home.resolve("dense.img");
        byte[] data = new byte[48 << 20];
        new java.util.Random(4).nextBytes(data);
        Files.write(src, data);
        JobRecord job = job("20260101-000000-000000000003", "dense.img", data.length);
        BackupService service = onDisk(s, dir -> (40L << 20) - bytesUnder(dir));
        Path staged = home.resolve("staged");
        JobRejectedException e = assertThrows(JobRejectedException.class,
                () -> service.backup(job, src, staged, Progress.NONE));
        assertEquals("disk.full", e.error().code());
        String detail = String.join("; ", e.error().details());
        assertTrue(detail.contains("needed more than") && detail.contains("reserve " + reserve), detail);
        try (var left = Files.list(service.backupFile(job).getParent())) {
            assertEquals(List.of(), left.toList(), "nothing left of the copy");
        }
        assertFalse(Files.exists(staged));
        assertTrue(java.util.Arrays.equals(data, Files.readAllBytes(src)), "the original is untouched");
    }

    private static long bytesUnder(Path dir) throws java.io.IOException {
        try (var files = Files.list(dir)) {
            long n = 0;
            for (Path p : files.toList()) {
                n += Files.size(p);
            }
            return n;
        }
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
