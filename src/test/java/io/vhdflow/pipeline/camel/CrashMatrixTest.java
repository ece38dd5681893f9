package io.vhdflow.pipeline.camel;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.specialized.PageBlobClient;
import io.vhdflow.catalog.upload.Azurite;
import io.vhdflow.catalog.upload.AzuriteForClass;
import io.vhdflow.pipeline.CrashPoints;
import io.vhdflow.testing.ExternalTools;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.RandomAccessFile;
import java.security.MessageDigest;
import java.util.Arrays;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.vhdflow.pipeline.camel.PipelineTestSupport.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The crash matrix (issue 22): the service, a child JVM, is stopped at one journal transition of
 * one job (a {@link CrashPoints} pause, so the kill lands exactly there, not after a guessed sleep)
 * and killed with SIGKILL, then restarted until idle. Whatever the point: the job ends done with one
 * catalog version, no stage is left RUNNING, no package folder is partial or doubled, no work folder
 * or read-lock marker is orphaned, and the input is kept (its backup holds the source's bytes).
 * A second matrix does the same for the stages the first one's jobs do not pass: fetching a page
 * blob named by a job file, and uploading the package as a page blob inside register (Azurite).
 */
class CrashMatrixTest {
    @RegisterExtension
    static final AzuriteForClass AZURITE = new AzuriteForClass();

    @TempDir
    Path home;
    @TempDir
    Path scratch;

    private Process start(List<String> jvm, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                // A short-lived service: the quick compiler starts it sooner, the matrix starts eleven.
                "-XX:TieredStopAtLevel=1"));
        cmd.addAll(jvm);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.vhdflow.cli.VhdflowCommand", "run",
                "--home", home.toString(),
                "--set", "vhdflow.http.enabled=false",
                "--set", "vhdflow.intake.poll-ms=200",
                "--set", "vhdflow.intake.settle-ms=300",
                "--set", "vhdflow.health.min-free-bytes=1048576",
                "--set", "vhdflow.routes=" + Path.of("routes").toAbsolutePath()));
        cmd.addAll(List.of(extra));
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(scratch.resolve("service-" + System.nanoTime() + ".log").toFile()).start();
    }

    private long count(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("vhdflow.db"));
             ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Every committed transition of a job's journal, in the order a job passes them. */
    static final List<String> POINTS = List.of("BACKUP.started", "BACKUP.done", "VERIFY.started", "VERIFY.done",
            "PACKAGE.started", "PACKAGE.done", "REGISTER.started", "REGISTER.registered", "REGISTER.done", "job.DONE");

    /** Puts job {@code i}'s input where the service takes it in. */
    @FunctionalInterface
    private interface Input {
        void drop(int i) throws Exception;
    }

    /**
     * Kills a service at each of {@code points} in turn, one new job per point, each next service
     * also finishing the job the previous one was killed in; then a last one runs until idle.
     */
    private void matrix(List<String> points, Input input, List<String> settings) throws Exception {
        Files.createDirectories(home.resolve("drop"));
        Path marker = home.resolve(CrashPoints.MARKER);
        // Each service process finishes the job the previous one was killed in (resumed jobs pass the
        // pause freely) and is itself killed at the next point in a new job: one JVM per point.
        for (int i = 0; i < points.size(); i++) {
            String point = points.get(i);
            List<String> args = new ArrayList<>(List.of("-D" + CrashPoints.PROPERTY + "=" + point));
            Process p = start(args, settings.toArray(String[]::new));
            try {
                if (i > 0) {
                    String previous = "crash-" + (i - 1) + ".vhd";
                    await(previous + " resumed to done", Duration.ofSeconds(120),
                            () -> state(previous).equals("DONE") || !p.isAlive());
                    assertResumed(i - 1, points.get(i - 1));
                }
                input.drop(i);
                await(point + " reached", Duration.ofSeconds(120), () -> Files.exists(marker) || !p.isAlive());
                assertTrue(p.isAlive(), () -> "the service ended before " + point + ":\n" + logs());
                assertEquals(point, Files.readString(marker));
            } finally {
                p.destroyForcibly();  // SIGKILL: no shutdown hooks, no cleanup
                p.waitFor(30, TimeUnit.SECONDS);
            }
            Files.delete(marker);
        }
        List<String> last = new ArrayList<>(settings);
        last.add("--until-idle");
        Process p = start(List.of(), last.toArray(String[]::new));
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "the restarted service finished the last job");
        assertEquals(0, p.exitValue(), this::logs);
        assertResumed(points.size() - 1, points.get(points.size() - 1));

        assertEquals(points.size(), count("SELECT COUNT(*) FROM jobs"), this::logs);
        assertEquals(points.size(), count("SELECT COUNT(*) FROM jobs WHERE state = 'DONE'"), this::logs);
        assertEquals(points.size(), count("SELECT COUNT(*) FROM image_versions"));
        try (Stream<Path> all = Files.walk(home.resolve("packages"))) {
            assertTrue(all.noneMatch(f -> f.getFileName().toString().contains("partial")), "no partial package");
        }
        try (Stream<Path> work = Files.list(home.resolve("work"))) {
            assertEquals(List.of(), work.toList(), "no orphan work folder");
        }
        try (Stream<Path> drop = Files.list(home.resolve("drop"))) {
            assertEquals(List.of(), drop.toList(), "every input taken in, no read lock left in drop/");
        }
    }

    @Test
    void aKillAtEveryTransitionResumesToExactlyOneRegisteredVersion() throws Exception {
        Path sample = PipelineTestSupport.sampleVhd(scratch.resolve("sample.vhd"));
        matrix(POINTS, i -> PipelineTestSupport.drop(distinctCopy(sample, i), home.resolve("drop"), "crash-" + i + ".vhd"),
                List.of());
    }

    /** The transitions of a job that fetches its disk from a blob and uploads its package. */
    static final List<String> FETCH_AND_UPLOAD_POINTS = List.of("FETCH.started", "FETCH.done", "REGISTER.registered",
            "REGISTER.blob-partial", "REGISTER.blob-written", "REGISTER.upload-recorded", "REGISTER.done");

    @Test
    void aKillAtEveryFetchAndUploadTransitionResumesToOneUploadedVersion() throws Exception {
        ExternalTools.require(AZURITE.running(), Azurite.MISSING);
        Path sample = PipelineTestSupport.sampleVhd(scratch.resolve("sample.vhd"));
        BlobContainerClient exports = AZURITE.get().container("exports");
        exports.create();
        String sas = exports.generateSas(new com.azure.storage.blob.sas.BlobServiceSasSignatureValues(
                java.time.OffsetDateTime.now().plusHours(2),
                new com.azure.storage.blob.sas.BlobContainerSasPermission().setReadPermission(true)));
        Path sasFile = Files.writeString(scratch.resolve("exports.sas"), sas);
        matrix(FETCH_AND_UPLOAD_POINTS, i -> {
            byte[] disk = Files.readAllBytes(distinctCopy(sample, i));
            PageBlobClient blob = exports.getBlobClient("disks/crash-" + i + ".vhd").getPageBlobClient();
            blob.create(disk.length);
            for (int at = 0; at < disk.length; at += 1 << 20) {
                int n = Math.min(1 << 20, disk.length - at);
                if (!Arrays.equals(disk, at, at + n, new byte[n], 0, n)) {
                    blob.uploadPages(new com.azure.storage.blob.models.PageRange().setStart(at).setEnd(at + n - 1L),
                            new ByteArrayInputStream(disk, at, n));
                }
            }
            Path job = Files.writeString(scratch.resolve("crash-" + i + ".blob.json"), "{\"url\": \""
                    + AZURITE.get().blobEndpoint() + "/exports/disks/crash-" + i + ".vhd\", \"sasTokenFile\": \""
                    + sasFile + "\"}\n");
            PipelineTestSupport.drop(job, home.resolve("drop"), "crash-" + i + ".blob.json");
        }, List.of("--set", "vhdflow.upload.enabled=true",
                "--set", "vhdflow.upload.connection-string=" + AZURITE.connectionString(),
                "--set", "vhdflow.upload.container=vhds",
                "--set", "vhdflow.upload.resource-group=images-rg",
                // One put at a time: a kill after the first put leaves the rest to the resumed upload.
                "--set", "vhdflow.upload.parallelism=1"));

        // Every version's package is on its page blob, whole, once: same bytes as the package.
        BlobContainerClient vhds = AZURITE.get().container("vhds");
        for (int i = 0; i < FETCH_AND_UPLOAD_POINTS.size(); i++) {
            String name = "crash-" + i;
            String where = " (killed at " + FETCH_AND_UPLOAD_POINTS.get(i) + ")";
            assertEquals(1, count("SELECT COUNT(*) FROM image_versions WHERE image = '" + name
                    + "' AND blob_uri IS NOT NULL AND uploaded_at IS NOT NULL"), "upload recorded for " + name + where);
            Path pkg;
            try (Stream<Path> files = Files.list(home.resolve("packages/vhdflow/" + name + "/1.0.0"))) {
                pkg = files.filter(f -> f.toString().endsWith(".vhd")).findFirst().orElseThrow();
            }
            PageBlobClient blob = vhds.getBlobClient("vhdflow/" + name + "/1.0.0/" + pkg.getFileName())
                    .getPageBlobClient();
            BlobProperties props = blob.getProperties();
            assertEquals(Files.size(pkg), props.getBlobSize(), name + where);
            java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
            blob.downloadStream(got);
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            assertArrayEquals(sha.digest(Files.readAllBytes(pkg)),
                    MessageDigest.getInstance("SHA-256").digest(got.toByteArray()), "blob = package for " + name + where);
        }
    }

    /** What must hold for the job of crash-{@code i}.vhd, killed at {@code point}, once resumed. */
    private void assertResumed(int i, String point) throws Exception {
        String name = "crash-" + i;
        String where = " (killed at " + point + ")";
        assertEquals(1, count("SELECT COUNT(*) FROM jobs WHERE source_name = '" + name + ".vhd'"), name + where);
        assertEquals("DONE", state(name + ".vhd"), name + where + "\n" + logs());
        assertEquals(1, count("SELECT COUNT(*) FROM image_versions WHERE image = '" + name + "'"), name + where);
        assertEquals(0, count("SELECT COUNT(*) FROM stages s JOIN jobs j ON s.job_id = j.id WHERE j.source_name = '"
                + name + ".vhd' AND s.state = 'RUNNING'"), "no stage left RUNNING for " + name + where);
        try (Stream<Path> versions = Files.list(home.resolve("packages/vhdflow/" + name))) {
            assertEquals(List.of("1.0.0"), versions.map(p -> p.getFileName().toString()).toList(), name + where);
        }
        long size = Files.size(scratch.resolve(name + ".vhd"));
        try (Stream<Path> backups = Files.walk(home.resolve("backup"))) {
            assertTrue(backups.anyMatch(p -> p.getFileName().toString().startsWith(name) && sizeOf(p) == size),
                    "the input of " + name + " is kept as its backup" + where);
        }
    }

    /** The sample with one byte of the unpartitioned gap before p1 changed: same verdict, new content. */
    private Path distinctCopy(Path sample, int i) throws Exception {
        Path copy = scratch.resolve("crash-" + i + ".vhd");
        Files.copy(sample, copy, StandardCopyOption.REPLACE_EXISTING);
        try (RandomAccessFile f = new RandomAccessFile(copy.toFile(), "rw")) {
            f.seek(100 * 512);
            f.write(i + 1);
        }
        return copy;
    }

    private String state(String sourceName) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("vhdflow.db"));
             ResultSet rs = c.createStatement().executeQuery("SELECT state FROM jobs WHERE source_name = '"
                     + sourceName + "'")) {
            return rs.next() ? rs.getString(1) : "";
        } catch (Exception e) {
            return "";
        }
    }

    private static long sizeOf(Path p) {
        try {
            return Files.isRegularFile(p) ? Files.size(p) : -1;
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    private String logs() {
        StringBuilder b = new StringBuilder();
        try (var l = Files.list(scratch)) {
            for (Path p : l.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
                b.append("== ").append(p.getFileName()).append('\n').append(Files.readString(p));
            }
        } catch (Exception e) {
            b.append(e);
        }
        return b.toString();
    }
}
