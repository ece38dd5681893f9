package io.vhdflow.ops;

import com.fasterxml.jackson.databind.JsonNode;
import io.vhdflow.pipeline.JobRecord;
import io.vhdflow.pipeline.JobState;
import io.vhdflow.pipeline.camel.PipelineTestSupport;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every API endpoint over real HTTP against the running service, with a configured token. */
class OpsApiTest extends OpsTestBase {
    private static final String TOKEN = "test-token-4f1c9a";
    private static final String AUTH = "Bearer " + TOKEN;

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("vhdflow.api.token", TOKEN);
    }

    @Test
    void routesAreControlledOnlyWithTheToken() throws Exception {
        call("POST", "/api/routes/intake/stop", null, 401);
        call("POST", "/api/routes/intake/stop", "Bearer wrong-token", 401);
        call("POST", "/api/routes/intake/stop", "Basic " + TOKEN, 401);
        call("POST", "/api/routes/intake/stop?authorization=" + AUTH.replace(" ", "%20"), null, 400);
        // Camel decodes a parameter's name into a header: an encoded name must not smuggle the token in.
        call("POST", "/api/routes/intake/stop?%41uthorization=" + AUTH.replace(" ", "%20"), null, 400);
        assertEquals("Started", context.getRouteController().getRouteStatus("intake").name(), "refused calls change nothing");

        HttpResponse<String> suspended = send("POST", "/api/routes/intake/suspend", AUTH);
        assertEquals(200, suspended.statusCode(), suspended.body());
        assertTrue(suspended.headers().firstValue("Authorization").isEmpty(), "the token is not echoed back");
        assertFalse(suspended.body().contains(TOKEN));
        assertEquals("Suspended", context.getRouteController().getRouteStatus("intake").name());
        assertEquals("Started", call("POST", "/api/routes/intake/resume", AUTH, 200).path("status").asText());
        assertEquals("Stopped", call("POST", "/api/routes/intake/stop", AUTH, 200).path("status").asText());
        JsonNode routes = get("/api/routes", 200);
        JsonNode intake = find(routes, "id", "intake");
        assertEquals("Stopped", intake.path("status").asText());
        // A stopped intake takes nothing in.
        dropSample("waiting.vhd", false, null);
        Thread.sleep(1500);
        assertTrue(journal().jobs(io.vhdflow.pipeline.JobJournal.JobFilter.all()).isEmpty());
        assertEquals("Started", call("POST", "/api/routes/INTAKE/start".replace("INTAKE", "intake"), AUTH, 200)
                .path("status").asText());
        awaitJob("waiting.vhd", JobState.DONE);
        assertEquals("Started", call("POST", "/api/routes/intake/start", AUTH, 200).path("status").asText(),
                "starting a started route is a no-op");

        call("POST", "/api/routes/no-such-route/stop", AUTH, 404);
        call("POST", "/api/routes/intake/explode", AUTH, 400);
        call("POST", "/api/routes/api-jobs/stop", AUTH, 409);
        assertEquals("Started", context.getRouteController().getRouteStatus("api-jobs").name());
    }

    @Test
    void onlyTheApiTheDashboardAndMetricsAreServed() throws Exception {
        HttpResponse<String> index = send("GET", "/", null);
        assertEquals(200, index.statusCode());
        assertTrue(index.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(index.body().contains("<html") || index.body().contains("<!doctype"), index.body());
        HttpResponse<String> script = send("GET", "/dashboard.js", null);
        assertEquals(200, script.statusCode());
        assertTrue(script.headers().firstValue("Content-Type").orElse("").startsWith("text/javascript"));
        assertEquals(200, send("GET", "/job.html?id=none", null).statusCode());
        assertEquals(200, send("GET", "/api/metrics", null).statusCode());
        // What the jar, the class path and the working directory hold is not served (issue 22, item 5).
        for (String path : List.of("/io/vhdflow/cli/RunCommand.class", "/vhdflow-defaults.properties",
                "/META-INF/maven/io.vhdflow/vhdflow/pom.xml", "/META-INF/resources/index.html", "/routes/api.yaml",
                "/db/migration", "/pom.xml", "/etc/passwd", "/..%2fpom.xml", "/%2e%2e/pom.xml", "/INDEX.HTML",
                "/samples/sample.vhd.zst")) {
            HttpResponse<String> r = send("GET", path, null);
            assertEquals(404, r.statusCode(), path + " answered " + r.statusCode());
            assertFalse(r.body().contains("<project") || r.body().contains("root:x:0:0"), path);
        }
    }

    @Test
    void aFailedJobIsRetriedFromItsFirstUnfinishedStageOrFromIntake() throws Exception {
        // Failed at intake: an invalid sidecar. Retried once the operator corrects it in failed/<job>/.
        dropSample("app.vhd", false, "{\"gallery\": \"not a gallery!\"}");
        JobRecord bad = awaitJob("app.vhd", JobState.FAILED);
        Path failed = home.resolve("failed").resolve(bad.id());
        assertTrue(Files.isRegularFile(failed.resolve("app.vhd")));
        Thread.sleep(500);
        JsonNode pipeline = find(get("/api/routes", 200), "id", "pipeline");
        assertEquals(0, pipeline.path("exchangesTotal").asLong(), "a job failed at intake never reaches the pipeline: "
                + pipeline);
        call("POST", "/api/jobs/" + bad.id() + "/retry", null, 401);
        JsonNode invalid = call("POST", "/api/jobs/" + bad.id() + "/retry", AUTH, 422);
        assertTrue(invalid.path("problems").toString().contains("not a gallery!"), invalid.toString());
        assertTrue(Files.isRegularFile(failed.resolve("app.vhd")), "an invalid retry moves nothing");

        Files.writeString(failed.resolve("app.vhd.json"), "{\"gallery\": \"ops.gallery\", \"imageDefinition\": \"app-server\"}");
        JsonNode queued = call("POST", "/api/jobs/" + bad.id() + "/retry", AUTH, 202);
        assertEquals("backup", queued.path("resumesAt").asText());
        // The same retry again: the job is no longer failed, nothing is queued twice.
        JsonNode again = send("POST", "/api/jobs/" + bad.id() + "/retry", AUTH).statusCode() == 409
                ? null : get("/api/jobs/" + bad.id(), 200);
        assertEquals(null, again, "a repeated retry answers 409");
        PipelineTestSupport.await("retried job done", Duration.ofSeconds(60),
                () -> PipelineTestSupport.isFinal(journal(), bad.id(), JobState.DONE));
        JobRecord done = journal().job(bad.id()).orElseThrow();
        assertEquals("app-server", done.imageName());
        assertEquals("ops.gallery", done.metadata().gallery());
        assertFalse(Files.exists(failed), "the files left failed/");
        call("POST", "/api/jobs/" + bad.id() + "/retry", AUTH, 409);

        // Failed at verify: the backup stays done, the retry starts at verify (and fails again: still corrupt).
        dropSample("broken.vhd", true, null);
        JobRecord broken = awaitJob("broken.vhd", JobState.FAILED);
        JsonNode detail = get("/api/jobs/" + broken.id(), 200);
        assertEquals("image.invalid", detail.path("error").path("code").asText(), detail.toString());
        JsonNode retried = call("POST", "/api/jobs/" + broken.id() + "/retry", AUTH, 202);
        assertEquals("verify", retried.path("resumesAt").asText());
        PipelineTestSupport.await("retried corrupt job failed again", Duration.ofSeconds(60),
                () -> PipelineTestSupport.isFinal(journal(), broken.id(), JobState.FAILED));
        JsonNode after = get("/api/jobs/" + broken.id(), 200);
        assertEquals(1, find(after.path("stages"), "stage", "backup").path("attempts").asInt(), "backup not repeated");
        assertEquals(2, find(after.path("stages"), "stage", "verify").path("attempts").asInt());
        assertTrue(Files.isRegularFile(home.resolve("failed").resolve(broken.id()).resolve("previous-error.json")));

        call("POST", "/api/jobs/no-such-job/retry", AUTH, 404);
        call("POST", "/api/jobs/bad%21id/retry", AUTH, 400);
    }

    @Test
    void jobsCatalogHealthAndMetricsAnswer() throws Exception {
        Path sample = PipelineTestSupport.sampleVhd(scratch.resolve("expected.vhd"));
        long size = Files.size(sample);
        String sha256 = sha256(sample);
        dropSample("web.vhd", false, null);
        JobRecord job = awaitJob("web.vhd", JobState.DONE);

        JsonNode jobs = get("/api/jobs?state=done&stages=true", 200);
        assertEquals(1, jobs.size(), jobs.toString());
        JsonNode summary = jobs.get(0);
        assertEquals(job.id(), summary.path("id").asText());
        assertEquals("web.vhd", summary.path("source").asText());
        assertEquals(size, summary.path("sourceSize").asLong());
        assertEquals("web", summary.path("image").asText());
        assertEquals("vhdflow", summary.path("gallery").asText());
        assertEquals("done", summary.path("state").asText());
        assertEquals("1.0.0", summary.path("version").asText());
        assertEquals("ready", summary.path("verdict").asText(), "the sample is a Debian 12 generalized by the real agent");
        assertEquals(sha256, summary.path("sourceSha256").asText());
        assertFalse(summary.has("error") || summary.has("batch") || summary.has("metadata"), summary.toString());
        assertEquals(List.of("backup", "verify", "package", "register"), texts(summary.path("stages"), "stage"));
        assertEquals(List.of("done", "done", "done", "done"), texts(summary.path("stages"), "state"));
        assertFalse(summary.path("stages").get(1).has("result"), "the list leaves stage results out");
        assertEquals(0, get("/api/jobs?state=failed", 200).size());
        assertEquals(1, get("/api/jobs?image=web", 200).size());
        assertEquals(0, get("/api/jobs?batch=no-such-batch", 200).size());
        get("/api/jobs?state=bogus", 400);
        get("/api/jobs?limit=0", 400);
        get("/api/jobs?limit=ten", 400);
        get("/api/jobs?stages=maybe", 400);

        JsonNode detail = get("/api/jobs/" + job.id(), 200);
        assertEquals("web", detail.path("metadata").path("imageDefinition").asText(), detail.toString());
        JsonNode backup = find(detail.path("stages"), "stage", "backup");
        assertEquals(1, backup.path("attempts").asInt());
        assertEquals(size, backup.path("bytesTotal").asLong());
        assertEquals(size, backup.path("bytesDone").asLong());
        long read = backup.path("bytesRead").asLong();
        assertTrue(read >= size && read <= size + 4096, "the original read once (plus its footer on opening): " + read);
        assertEquals(sha256, backup.path("result").path("sha256").asText(), backup.toString());
        assertTrue(backup.path("bytesPerSecond").asLong() > 0);
        JsonNode verify = find(detail.path("stages"), "stage", "verify");
        assertEquals("vhdflow.verification/2", verify.path("result").path("schema").asText(), verify.toString());
        assertEquals("ready", verify.path("result").path("verdict").asText());
        assertEquals(verify.path("result").path("bytesRead").asLong(), verify.path("bytesRead").asLong());
        JsonNode packaged = find(detail.path("stages"), "stage", "package").path("result");
        assertEquals("1.0.0", packaged.path("version").asText(), packaged.toString());
        JsonNode register = find(detail.path("stages"), "stage", "register").path("result");
        assertEquals("vhdflow/web/1.0.0", register.path("registered").asText(), register.toString());
        assertEquals("Generalized", register.path("osState").asText());
        get("/api/jobs/no-such-job", 404);
        assertEquals(0, get("/api/batches", 200).size());

        JsonNode routes = get("/api/routes", 200);
        assertTrue(texts(routes, "id").containsAll(List.of("intake", "batch", "pipeline", "resume", "api-jobs",
                "api-job", "api-job-retry", "api-routes", "api-route-control", "api-catalog", "api-health",
                "api-metrics")), routes.toString());
        JsonNode pipeline = find(routes, "id", "pipeline");
        assertEquals("seda://jobs", pipeline.path("from").asText());
        assertEquals("Started", pipeline.path("status").asText());
        assertEquals(1, pipeline.path("exchangesTotal").asLong(), pipeline.toString());
        assertEquals(0, pipeline.path("exchangesFailed").asLong(), pipeline.toString());
        assertEquals(0, pipeline.path("exchangesInflight").asLong(), pipeline.toString());
        assertFalse(pipeline.has("lastError"), pipeline.toString());
        long upAtMost = Duration.between(beforeStart, Instant.now()).toSeconds() + 1;
        assertTrue(pipeline.path("uptimeSeconds").asLong() <= upAtMost, "up since the service started: " + pipeline);
        JsonNode intake = find(routes, "id", "intake");
        assertEquals("file://" + home.resolve("drop"), intake.path("from").asText());
        assertEquals(1, intake.path("exchangesTotal").asLong(), "one file taken in: " + intake);
        assertEquals("Disabled", find(routes, "id", "batch").path("status").asText(), "batches are off by default");
        assertTrue(find(routes, "id", "api-jobs").path("api").asBoolean(), "the API's own routes are marked");
        assertFalse(intake.path("api").asBoolean());

        JsonNode catalog = get("/api/catalog", 200);
        assertEquals(1, catalog.size(), catalog.toString());
        assertEquals("vhdflow", catalog.get(0).path("gallery").asText());
        assertEquals("web", catalog.get(0).path("image").asText());
        assertEquals(1, catalog.get(0).path("versions").asInt());
        assertEquals("1.0.0", catalog.get(0).path("latest").asText());
        assertEquals("ready", catalog.get(0).path("lastVerdict").asText());
        assertEquals(1, get("/api/catalog?gallery=vhdflow", 200).size());
        assertEquals(0, get("/api/catalog?gallery=other", 200).size());
        get("/api/catalog?gallery=bad%20name", 400);
        JsonNode image = get("/api/catalog/vhdflow/web", 200);
        assertEquals("1.0.0", image.path("latest").asText());
        JsonNode version = image.path("versions").get(0);
        assertEquals("1.0.0", version.path("version").asText());
        assertEquals(job.id(), version.path("sourceJob").asText());
        assertEquals(sha256, version.path("sourceSha256").asText());
        assertEquals(catalog.get(0).path("lastPublishedAt").asText(), version.path("publishedAt").asText());
        Path vhd = Path.of(version.path("packagePath").asText()).resolve("web-1.0.0.vhd");
        assertEquals(Files.size(vhd), version.path("fileSize").asLong(), version.toString());
        // The package's digests: the data tree digest by default, no whole-file SHA-256.
        assertEquals("vhdflow-dtree-sha256-v1", version.path("digests").get(0).asText(), version.toString());
        assertEquals(io.vhdflow.testing.ReferenceDataTree.of(Files.readAllBytes(vhd), (int) (Files.size(vhd) - 512)),
                version.path("integrity").asText());
        assertTrue(version.path("sha256").isMissingNode(), version.toString());
        assertEquals(Files.size(vhd) - 512, version.path("virtualSize").asLong(), "a fixed VHD: data + footer");
        get("/api/catalog/vhdflow/no-such-image", 404);
        get("/api/catalog/vhdflow/-bad-", 400);

        JsonNode live = get("/api/health/live", 200);
        assertEquals("UP", live.path("status").asText());
        Instant startedAt = Instant.parse(live.path("startedAt").asText());
        assertFalse(startedAt.isBefore(beforeStart) || startedAt.isAfter(Instant.now()), live.toString());
        JsonNode ready = get("/api/health/ready", 200);
        assertEquals("UP", ready.path("status").asText());
        assertEquals(0, ready.path("reasons").size());
        long free = Files.getFileStore(home).getUsableSpace();
        assertTrue(Math.abs(free - ready.path("freeBytes").asLong()) < (256L << 20),
                "free space of the home, give or take other writers: " + ready + " vs " + free);
        JsonNode health = get("/api/health", 200);
        assertEquals("UP", health.path("status").asText());
        assertEquals(1, health.path("jobs").path("DONE").asInt(), health.toString());
        assertEquals(0, health.path("jobs").path("FAILED").asInt(), health.toString());

        HttpResponse<String> metrics = send("GET", "/api/metrics", null);
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        String m = metrics.body();
        assertTrue(m.contains("vhdflow_stage_duration_seconds_bucket{outcome=\"done\",stage=\"backup\""), m);
        assertEquals(15, m.lines().filter(l -> l.startsWith("vhdflow_stage_duration_seconds_bucket{outcome=\"done\","
                + "stage=\"backup\"")).count(), "14 buckets from 1 s to 8 h, and +Inf");
        assertEquals(1, value(m, "vhdflow_image_size_bytes_count"), "the image taken in");
        assertEquals(14, m.lines().filter(l -> l.startsWith("vhdflow_image_size_bytes_bucket")).count(),
                "13 buckets from 1 GiB to 4 TiB, and +Inf");
        assertEquals(1, value(m, "vhdflow_stage_duration_seconds_count{outcome=\"done\",stage=\"register\"}"));
        assertEquals(1, value(m, "vhdflow_jobs{state=\"done\"}"));
        assertEquals(0, value(m, "vhdflow_jobs{state=\"failed\"}"));
        assertEquals(1, value(m, "vhdflow_verification_verdicts_total{verdict=\"ready\"}"));
        assertEquals(0, value(m, "vhdflow_queue_depth"));
        assertTrue(value(m, "vhdflow_disk_free_bytes") > 0);
        assertEquals((double) read, value(m, "vhdflow_stage_bytes_total{direction=\"read\",stage=\"backup\"}"));
        assertEquals(backup.path("bytesWritten").asLong(),
                value(m, "vhdflow_stage_bytes_total{direction=\"written\",stage=\"backup\"}"));
        assertTrue(m.contains("camel_exchanges_total{"), "Camel's own route metrics share the registry");
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            in.transferTo(new DigestOutputStream(OutputStream.nullOutputStream(), md));
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static List<String> texts(JsonNode array, String field) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.path(field).asText()));
        return out;
    }

    /** The value of one series in Prometheus text format. */
    private static double value(String metrics, String series) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        throw new AssertionError("no series " + series + " in\n" + metrics);
    }

    @Test
    void theDashboardIsServedAtTheRoot() throws Exception {
        HttpResponse<String> page = send("GET", "/", null);
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<h2 id=\"inflight-h\">Jobs in flight</h2>"));
        for (String asset : new String[] {"/dashboard.js", "/dashboard.css"}) {
            HttpResponse<String> r = send("GET", asset, null);
            assertEquals(200, r.statusCode(), asset);
            assertFalse(r.body().contains("http://") || r.body().contains("https://"), asset + " loads nothing from elsewhere");
        }
        assertFalse(page.body().contains("https://"), "no CDN");
    }

    private static JsonNode find(JsonNode array, String field, String value) {
        for (JsonNode n : array) {
            if (value.equals(n.path(field).asText())) {
                return n;
            }
        }
        throw new AssertionError("no element with " + field + "=" + value + " in " + array);
    }
}
