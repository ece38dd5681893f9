package io.vhdflow.pipeline.camel;

import com.fasterxml.jackson.databind.JsonNode;
import io.vhdflow.catalog.Catalog;
import io.vhdflow.pipeline.JobJournal;
import io.vhdflow.pipeline.JobRecord;
import io.vhdflow.pipeline.JobState;
import io.vhdflow.pipeline.Json;
import io.vhdflow.pipeline.Stage;
import io.vhdflow.pipeline.StageRecord;
import io.vhdflow.pipeline.StageState;
import io.vhdflow.testing.ExternalTools;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.vhdflow.pipeline.camel.PipelineTestSupport.await;
import static io.vhdflow.pipeline.camel.PipelineTestSupport.drop;
import static io.vhdflow.pipeline.camel.PipelineTestSupport.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The service's routes end to end on real files: drop folder → backup → verify → package → register. */
class PipelineRoutesTest extends ServiceTestBase {

    private Catalog catalog() {
        return context.getRegistry().lookupByNameAndType("catalog", Catalog.class);
    }

    private JsonNode get(String path, int expectedStatus) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(expectedStatus, r.statusCode(), path + " -> " + r.body());
        return Json.mapper().readTree(r.body());
    }

    @Test
    void aValidVhdIsBackedUpVerifiedPackagedAndRegistered() throws Exception {
        Path source = PipelineTestSupport.sampleVhd(scratch.resolve("sample.vhd"));
        String sourceSha = sha256(source);
        drop(source, home.resolve("drop"), "web-server.vhd");

        JobRecord job = PipelineTestSupport.awaitOneFinished(journal(), 1);
        assertEquals(JobState.DONE, job.state(), () -> job.errorJson().orElse(""));
        assertEquals(sourceSha, job.sourceSha256().orElseThrow());
        List<StageRecord> stages = journal().stages(job.id());
        assertEquals(4, stages.size());
        assertTrue(stages.stream().allMatch(s -> s.state() == StageState.DONE), stages.toString());

        Path backup = home.resolve("backup/web-server").resolve(job.id()).resolve("web-server.vhd");
        assertEquals(sourceSha, sha256(backup), "backup is a verified copy");
        Path pkg = home.resolve("packages/vhdflow/web-server/1.0.0");
        Path vhd = pkg.resolve("web-server-1.0.0.vhd");
        assertTrue(Files.isRegularFile(vhd));
        assertEquals(0, (Files.size(vhd) - 512) % (1 << 20), "virtual size is a whole MiB");
        JsonNode manifest = Json.mapper().readTree(pkg.resolve("manifest.json").toFile());
        // By default the integrity record is the data tree digest; the whole-file SHA-256 is a setting.
        JsonNode dtree = manifest.path("integrity").path("dataTree");
        assertEquals(io.vhdflow.testing.ReferenceDataTree.of(Files.readAllBytes(vhd), dtree.path("virtualSize").asInt()),
                dtree.path("digest").asText());
        assertTrue(manifest.path("package").path("sha256").isNull(), manifest.path("package").toString());
        assertEquals("vhdflow.verification/2", manifest.path("verification").path("schema").asText());
        assertTrue(Files.readString(pkg.resolve("SHA256SUMS")).contains("  manifest.json"));
        assertEquals(1, catalog().allVersions().size());
        assertFalse(Files.exists(home.resolve("work").resolve(job.id())), "work folder cleaned once done");

        JsonNode jobs = get("/api/jobs", 200);
        assertEquals(job.id(), jobs.get(0).path("id").asText());
        JsonNode detail = get("/api/jobs/" + job.id(), 200);
        assertEquals(4, detail.path("stages").size());
        assertEquals("done", detail.path("state").asText());
        assertTrue(detail.path("stages").get(0).has("bytesPerSecond"));
        get("/api/jobs/no-such-job", 404);
        get("/api/jobs?state=bogus", 400);
        JsonNode routes = get("/api/routes", 200);
        assertTrue(routes.toString().contains("\"id\":\"pipeline\""), routes.toString());
        assertTrue(routes.toString().contains("\"status\":\"Started\""));
        assertEquals("UP", get("/api/health", 200).path("status").asText());
    }

    @Test
    void aCorruptVhdEndsInFailedWithItsReasonAndTheOriginalIsUnchanged() throws Exception {
        Path source = PipelineTestSupport.sampleVhd(scratch.resolve("sample.vhd"));
        byte[] bytes = Files.readAllBytes(source);
        bytes[bytes.length - 512 + 64] ^= 0x5A; // footer checksum field
        bytes[0 + 64] ^= 0x5A;                  // and its copy at offset 0
        Path corrupt = Files.write(scratch.resolve("corrupt.vhd"), bytes);
        String sha = sha256(corrupt);
        drop(corrupt, home.resolve("drop"), "corrupt.vhd");

        JobRecord job = PipelineTestSupport.awaitOneFinished(journal(), 1);
        assertEquals(JobState.FAILED, job.state());
        Path failed = home.resolve("failed").resolve(job.id());
        JsonNode error = Json.mapper().readTree(failed.resolve("error.json").toFile());
        assertEquals("image.invalid", error.path("code").asText(), error.toString());
        assertEquals("verify", error.path("stage").asText());
        assertTrue(error.path("structure").asText().toLowerCase().contains("footer"), error.toString());
        assertTrue(error.has("offset"), error.toString());
        assertEquals(sha, sha256(failed.resolve("corrupt.vhd")), "the original's bytes are unchanged");
        assertTrue(Files.readString(failed.resolve("error.txt")).contains("What to do:"));
        // A rejection is final: not retried like an I/O error, although its cause (a DiskException) is one.
        assertEquals(1, journal().stages(job.id()).stream().filter(s -> s.stage() == Stage.VERIFY)
                .findFirst().orElseThrow().attempts(), "verify ran once");
    }

    /** Issue 22, item 8: two copies dropped together; the second is known as a duplicate before it is packaged. */
    @Test
    void twoCopiesAtOnceArePackagedOnceAndLeaveNoEmptyFolder() throws Exception {
        Path source = PipelineTestSupport.sampleVhd(scratch.resolve("sample.vhd"));
        drop(source, home.resolve("drop"), "left.vhd");
        drop(source, home.resolve("drop"), "right.vhd");
        await("both jobs", Duration.ofSeconds(90), () -> PipelineTestSupport.finishedJobs(journal()).size() == 2);
        List<JobRecord> jobs = journal().jobs(JobJournal.JobFilter.all());
        assertEquals(java.util.Set.of(JobState.DUPLICATE, JobState.DONE),
                jobs.stream().map(JobRecord::state).collect(java.util.stream.Collectors.toSet()));
        JobRecord duplicate = jobs.stream().filter(j -> j.state() == JobState.DUPLICATE).findFirst().orElseThrow();
        assertTrue(journal().stages(duplicate.id()).stream().noneMatch(st -> st.stage() == Stage.PACKAGE),
                () -> "the duplicate was never packaged: " + journal().stages(duplicate.id()).stream()
                        .map(st -> st.stage() + " " + st.state()).toList());
        assertEquals(1, catalog().allVersions().size());
        try (var tree = Files.walk(home.resolve("packages"))) {
            assertEquals(List.of(), tree.filter(d -> !d.equals(home.resolve("packages")) && Files.isDirectory(d))
                    .filter(d -> {
                        try (var in = Files.list(d)) {
                            return in.findAny().isEmpty();
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }).toList(), "no empty folder in packages/");
        }
    }

    @Test
    void theSameVhdDroppedTwiceIsRegisteredOnce() throws Exception {
        Path source = PipelineTestSupport.sampleVhd(scratch.resolve("sample.vhd"));
        drop(source, home.resolve("drop"), "base.vhd");
        PipelineTestSupport.awaitOneFinished(journal(), 1);
        drop(source, home.resolve("drop"), "base.vhd");
        await("second job", Duration.ofSeconds(60), () -> PipelineTestSupport.finishedJobs(journal()).size() == 2);
        List<JobRecord> jobs = journal().jobs(JobJournal.JobFilter.all());
        assertEquals(List.of(JobState.DUPLICATE, JobState.DONE), jobs.stream().map(JobRecord::state).toList());
        assertTrue(jobs.get(0).errorJson().orElseThrow().contains("already registered"));
        assertEquals(1, catalog().allVersions().size());
        try (var l = Files.list(home.resolve("packages/vhdflow/base"))) {
            assertEquals(1, l.count(), "one package");
        }
    }

    @Test
    void aFileWrittenSlowlyIsNotTakenBeforeItIsComplete() throws Exception {
        byte[] whole = Files.readAllBytes(PipelineTestSupport.sampleVhd(scratch.resolve("sample.vhd")));
        Path target = home.resolve("drop/slow.vhd");
        int chunks = 8;
        try (OutputStream out = Files.newOutputStream(target)) {
            for (int i = 0; i < chunks; i++) {
                int from = whole.length * i / chunks;
                int to = whole.length * (i + 1) / chunks;
                out.write(whole, from, to - from);
                out.flush();
                Thread.sleep(400);
                assertTrue(journal().jobs(JobJournal.JobFilter.all()).isEmpty(),
                        "taken in after " + (i + 1) + " of " + chunks + " chunks");
            }
        }
        JobRecord job = PipelineTestSupport.awaitOneFinished(journal(), 1);
        assertEquals(JobState.DONE, job.state(), () -> job.errorJson().orElse(""));
        assertEquals(whole.length, job.sourceSize());
    }

    @Test
    void symlinksAndFifosInTheDropFolderAreRefusedWithoutBeingFollowed() throws Exception {
        Path source = PipelineTestSupport.sampleVhd(scratch.resolve("sample.vhd"));
        Path link = Files.createSymbolicLink(home.resolve("drop/link.vhd"), source);
        Path fifo = home.resolve("drop/fifo.vhd");
        ExternalTools.require(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0,
                "mkfifo (coreutils) could not make a FIFO in the drop folder");
        Thread.sleep(3000);
        assertTrue(journal().jobs(JobJournal.JobFilter.all()).isEmpty());
        assertTrue(Files.isSymbolicLink(link) && Files.exists(source), "neither the link nor its target moved");
        assertTrue(Files.exists(fifo));
        // A FIFO that was opened would block the consumer: the route must still take real files.
        drop(source, home.resolve("drop"), "real.vhd");
        assertEquals(JobState.DONE, PipelineTestSupport.awaitOneFinished(journal(), 1).state());
    }

    @Test
    void filesFoundInOnePollAreTakenInSmallestFirst() throws Exception {
        // Both files must be in the same poll: stop intake, drop them, start it again.
        context.getRouteController().stopRoute("intake");
        Path small = PipelineTestSupport.sampleVhd(scratch.resolve("small.vhd"));
        Path big = scratch.resolve("big.vhd");
        Files.copy(small, big);
        Files.write(big, new byte[1 << 20], java.nio.file.StandardOpenOption.APPEND);
        Path droppedBig = drop(big, home.resolve("drop"), "big.vhd");
        drop(small, home.resolve("drop"), "small.vhd");
        // The large file is the older one, so taking files in by age would take it first.
        Files.setLastModifiedTime(droppedBig, java.nio.file.attribute.FileTime.from(
                java.time.Instant.now().minusSeconds(600)));
        context.getRouteController().startRoute("intake");
        await("both finished", Duration.ofSeconds(90), () -> PipelineTestSupport.finishedJobs(journal()).size() == 2);
        Map<String, JobRecord> byName = new java.util.HashMap<>();
        journal().jobs(JobJournal.JobFilter.all()).forEach(j -> byName.put(j.sourceName(), j));
        assertTrue(byName.get("small.vhd").createdAt().isBefore(byName.get("big.vhd").createdAt()),
                () -> "small taken in at " + byName.get("small.vhd").createdAt() + ", big at "
                        + byName.get("big.vhd").createdAt());
    }

    @Test
    void aGeneralizedWindowsImageIsRegisteredWithItsDetectedFacts() throws Exception {
        Path vhd = io.vhdflow.testing.Fixtures.extract("windows/generalized.vhd.zst", scratch);
        drop(vhd, home.resolve("drop"), "win2022.vhd");
        JobRecord job = PipelineTestSupport.awaitOneFinished(journal(), 1);
        assertEquals(JobState.DONE, job.state(), () -> job.errorJson().orElse(""));
        assertEquals("ready", job.verdict().orElseThrow());
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + home.resolve("vhdflow.db"));
             var rs = c.createStatement().executeQuery("SELECT os_type, os_state, hyper_v_generation, architecture"
                     + " FROM image_definitions WHERE name = 'win2022'")) {
            assertTrue(rs.next());
            assertEquals(List.of("Windows", "Generalized", "V2", "x64"),
                    List.of(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)));
        }
    }

    @Test
    void anImageThatWasNotGeneralizedFailsWithTheChecksThatSaySo() throws Exception {
        Path vhd = io.vhdflow.testing.Fixtures.extract("windows/specialized.vhd.zst", scratch);
        drop(vhd, home.resolve("drop"), "running.vhd");
        JobRecord job = PipelineTestSupport.awaitOneFinished(journal(), 1);
        assertEquals(JobState.FAILED, job.state());
        JsonNode error = Json.mapper().readTree(job.errorJson().orElseThrow());
        assertEquals("image.not-ready", error.path("code").asText());
        assertTrue(error.path("message").asText().contains("provisioning (W1) block"), error.toString());
        assertTrue(error.path("details").get(0).asText().startsWith("W1 "), error.toString());
        assertTrue(error.path("details").get(0).asText().contains("IMAGE_STATE_COMPLETE"), error.toString());
        assertTrue(error.path("details").get(0).asText().contains("fix: "), error.toString());
        assertTrue(Files.readString(home.resolve("failed").resolve(job.id()).resolve("error.txt"))
                .contains("OSProvisioningTimedOut"));
        assertEquals(0, catalog().allVersions().size());
        assertTrue(journal().stages(job.id()).stream().noneMatch(s -> s.stage() == Stage.PACKAGE),
                "stopped before packaging");
        // The job record keeps the report with its categorized findings, though the stage failed.
        JsonNode report = Json.mapper().readTree(journal().stages(job.id()).stream()
                .filter(s -> s.stage() == Stage.VERIFY).findFirst().orElseThrow().resultJson().orElseThrow());
        assertEquals("not-ready", report.path("verdict").asText());
        assertEquals("provisioning", report.path("blockingCategories").get(0).asText());
        assertEquals("blocks", report.path("categories").get(1).path("state").asText(), report.path("categories").toString());
    }

    @Test
    void stageProgressAndBytesAreJournaled() throws Exception {
        Path source = PipelineTestSupport.sampleVhd(scratch.resolve("sample.vhd"));
        drop(source, home.resolve("drop"), "bytes.vhd");
        JobRecord job = PipelineTestSupport.awaitOneFinished(journal(), 1);
        StageRecord backup = journal().stages(job.id()).stream().filter(s -> s.stage() == Stage.BACKUP)
                .findFirst().orElseThrow();
        assertEquals(Files.size(source), backup.bytesTotal());
        assertEquals(Files.size(source), backup.bytesDone());
        // One read: each byte of the source once, plus the container's footer read while opening it.
        assertTrue(backup.bytesRead() >= Files.size(source) && backup.bytesRead() <= Files.size(source) + 4096,
                "source read once: " + backup.bytesRead());
        // The backup and the staged fixed VHD each write the data only; zero runs are holes.
        assertTrue(backup.bytesWritten() < 2 * Files.size(source), "zero runs are holes, not written");
        StageRecord pack = journal().stages(job.id()).stream().filter(s -> s.stage() == Stage.PACKAGE)
                .findFirst().orElseThrow();
        assertEquals(0, pack.bytesRead(), "packaging linked the staged VHD");
    }
}
