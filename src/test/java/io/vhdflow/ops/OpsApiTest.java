package io.vhdflow.ops;

import com.fasterxml.jackson.databind.JsonNode;
import io.vhdflow.pipeline.JobRecord;
import io.vhdflow.pipeline.JobState;
import io.vhdflow.pipeline.camel.PipelineTestSupport;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
        dropSample("web.vhd", false, null);
        JobRecord job = awaitJob("web.vhd", JobState.DONE);

        JsonNode jobs = get("/api/jobs?state=done&stages=true", 200);
        assertEquals(job.id(), jobs.get(0).path("id").asText());
        assertEquals(4, jobs.get(0).path("stages").size());
        assertEquals(0, get("/api/jobs?state=failed", 200).size());
        assertEquals(1, get("/api/jobs?image=web", 200).size());
        assertEquals(0, get("/api/jobs?batch=no-such-batch", 200).size());
        get("/api/jobs?state=bogus", 400);
        get("/api/jobs?limit=0", 400);
        get("/api/jobs?limit=ten", 400);
        get("/api/jobs?stages=maybe", 400);
        JsonNode detail = get("/api/jobs/" + job.id(), 200);
        JsonNode verify = find(detail.path("stages"), "stage", "verify");
        assertEquals("vhdflow.verification/1", verify.path("result").path("schema").asText(), verify.toString());
        JsonNode backup = find(detail.path("stages"), "stage", "backup");
        assertEquals(backup.path("bytesTotal").asLong(), backup.path("bytesDone").asLong());
        assertTrue(backup.path("bytesPerSecond").asLong() > 0);
        get("/api/jobs/no-such-job", 404);
        assertEquals(0, get("/api/batches", 200).size());
        JsonNode pipeline = find(get("/api/routes", 200), "id", "pipeline");
        assertEquals(1, pipeline.path("exchangesTotal").asLong(), pipeline.toString());
        assertEquals(0, pipeline.path("exchangesFailed").asLong(), pipeline.toString());
        assertTrue(pipeline.path("uptimeSeconds").asLong() >= 0);

        JsonNode catalog = get("/api/catalog", 200);
        assertEquals(1, catalog.size(), catalog.toString());
        assertEquals("web", catalog.get(0).path("image").asText());
        assertEquals("1.0.0", catalog.get(0).path("latest").asText());
        assertEquals(1, get("/api/catalog?gallery=vhdflow", 200).size());
        assertEquals(0, get("/api/catalog?gallery=other", 200).size());
        get("/api/catalog?gallery=bad%20name", 400);
        JsonNode image = get("/api/catalog/vhdflow/web", 200);
        assertEquals("1.0.0", image.path("versions").get(0).path("version").asText());
        assertEquals(job.id(), image.path("versions").get(0).path("sourceJob").asText());
        get("/api/catalog/vhdflow/no-such-image", 404);
        get("/api/catalog/vhdflow/-bad-", 400);

        assertEquals("UP", get("/api/health/live", 200).path("status").asText());
        assertEquals("UP", get("/api/health/ready", 200).path("status").asText());
        assertEquals("UP", get("/api/health", 200).path("status").asText());

        HttpResponse<String> metrics = send("GET", "/api/metrics", null);
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        String m = metrics.body();
        assertTrue(m.contains("vhdflow_stage_duration_seconds_bucket{outcome=\"done\",stage=\"backup\""), m);
        assertEquals(1, value(m, "vhdflow_stage_duration_seconds_count{outcome=\"done\",stage=\"register\"}"));
        assertEquals(1, value(m, "vhdflow_jobs{state=\"done\"}"));
        assertEquals(0, value(m, "vhdflow_jobs{state=\"failed\"}"));
        assertEquals(1, value(m, "vhdflow_verification_verdicts_total{verdict=\""
                + journal().job(job.id()).orElseThrow().verdict().orElseThrow() + "\"}"));
        assertEquals(0, value(m, "vhdflow_queue_depth"));
        assertTrue(value(m, "vhdflow_disk_free_bytes") > 0);
        assertEquals(backup.path("bytesRead").asLong(),
                value(m, "vhdflow_stage_bytes_total{direction=\"read\",stage=\"backup\"}"));
        assertTrue(m.contains("camel_exchanges_total{"), "Camel's own route metrics share the registry");
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
