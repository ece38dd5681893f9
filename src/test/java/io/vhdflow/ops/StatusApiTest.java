package io.vhdflow.ops;

import com.fasterxml.jackson.databind.JsonNode;
import io.vhdflow.catalog.ImageFacts;
import io.vhdflow.catalog.ImageMetadata;
import io.vhdflow.catalog.ImageVersionRecord;
import io.vhdflow.catalog.SemanticVersion;
import io.vhdflow.pipeline.JobState;
import io.vhdflow.pipeline.Json;
import io.vhdflow.pipeline.Stage;
import io.vhdflow.pipeline.StageOutcome;
import io.vhdflow.testing.TestHome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The read-only API calls as plain Java: parameters in, status and records out, no Camel and no HTTP. */
class StatusApiTest {
    @RegisterExtension
    final TestHome home = new TestHome();
    final RecordedRoutes routes = new RecordedRoutes();

    private StatusApi api(long minFreeBytes) {
        return new StatusApi(home.journal(), home.catalog(), new Health(home.settings().home(), home.journal(), minFreeBytes),
                routes, Json.mapper());
    }

    private static StatusApi.JobQuery query(String state, String limit, String stages) {
        return new StatusApi.JobQuery(Optional.ofNullable(state), Optional.empty(), Optional.empty(),
                Optional.ofNullable(limit), Optional.ofNullable(stages));
    }

    @SuppressWarnings("unchecked")
    private static <T> List<T> list(ApiReply r) {
        assertEquals(200, r.status(), () -> String.valueOf(r.body()));
        return (List<T>) r.body();
    }

    @Test
    void jobsAreListedWithTheirStateAndStagesOnlyWhenAsked() throws Exception {
        String web = home.takeIn("web.vhd", new byte[] {1, 2, 3}, Optional.empty());
        String bad = home.takeIn("bad.vhd", new byte[] {4}, Optional.of("{\"gallery\": \"no gallery!\"}"));
        home.journal().startStage(web, Stage.BACKUP, 3);
        home.journal().completeStage(web, Stage.BACKUP, StageOutcome.of(3, 2, "{\"sha256\": \"ab\"}"));
        StatusApi api = api(0);

        List<StatusApi.JobView> all = list(api.jobs(query(null, null, null)));
        assertEquals(List.of(bad, web).stream().sorted().toList(),
                all.stream().map(StatusApi.JobView::id).sorted().toList());
        StatusApi.JobView running = list(api.jobs(query("running", null, "true"))).stream()
                .map(StatusApi.JobView.class::cast).findFirst().orElseThrow();
        assertEquals(web, running.id());
        assertEquals("running", running.state());
        assertEquals(Optional.of("backup"), running.stage());
        assertEquals("web", running.image());
        assertEquals(3, running.sourceSize());
        StatusApi.StageView backup = running.stages().orElseThrow().get(0);
        assertEquals("backup", backup.stage());
        assertEquals("done", backup.state());
        assertEquals(1, backup.attempts());
        assertEquals(List.of(3L, 3L, 3L, 2L),
                List.of(backup.bytesTotal(), backup.bytesDone(), backup.bytesRead(), backup.bytesWritten()));
        assertEquals(Optional.empty(), backup.result(), "the list leaves stage results out");
        assertEquals(Optional.empty(), running.metadata());

        StatusApi.JobView failed = list(api.jobs(query("FAILED", "5", "false"))).stream()
                .map(StatusApi.JobView.class::cast).findFirst().orElseThrow();
        assertEquals(bad, failed.id());
        assertEquals(Optional.empty(), failed.stages());
        assertEquals("metadata.invalid", failed.error().orElseThrow().path("code").asText());
        assertEquals(0, list(api.jobs(query("duplicate", null, null))).size());
        assertEquals(1, list(api.jobs(query(null, "1", null))).size(), "limit");

        JsonNode asJson = Json.mapper().valueToTree(running);
        assertFalse(asJson.has("batch") || asJson.has("finishedAt") || asJson.has("metadata"),
                "absent values are left out: " + asJson);
        assertEquals(running.createdAt().toString(), asJson.path("createdAt").asText());
        assertEquals(3, asJson.path("stages").get(0).path("bytesDone").asLong());
    }

    @Test
    void badJobQueriesAreRefusedSayingWhatIsAllowed() {
        StatusApi api = api(0);
        assertError(api.jobs(query("bogus", null, null)), 400, "use one of [queued, running, done, duplicate, failed]");
        assertError(api.jobs(query(null, "ten", null)), 400, "limit must be a whole number");
        assertError(api.jobs(query(null, "0", null)), 400, "limit must be between 1 and 10000");
        assertError(api.jobs(query(null, "10001", null)), 400, "limit must be between 1 and 10000");
        assertError(api.jobs(query(null, null, "maybe")), 400, "stages must be true or false");
        assertError(api.job("no-such-job"), 404, "no job with id 'no-such-job'");
    }

    @Test
    void oneJobCarriesItsMetadataAndEachStagesResult() throws Exception {
        String web = home.takeIn("web.vhd", new byte[] {1}, Optional.of("{\"gallery\": \"ops.gallery\"}"));
        home.journal().startStage(web, Stage.VERIFY, 0);
        home.journal().completeStage(web, Stage.VERIFY, StageOutcome.of(512, 0, "{\"verdict\": \"generalized\"}"));
        ApiReply r = api(0).job(web);
        assertEquals(200, r.status());
        StatusApi.JobView job = (StatusApi.JobView) r.body();
        assertEquals("ops.gallery", job.gallery());
        assertEquals("ops.gallery", job.metadata().orElseThrow().gallery());
        StatusApi.StageView verify = job.stages().orElseThrow().get(0);
        assertEquals("verify", verify.stage());
        assertEquals(512, verify.bytesRead());
        assertEquals("generalized", verify.result().orElseThrow().path("verdict").asText());
    }

    @Test
    void theCatalogListsEachImageAndItsVersions() throws Exception {
        ImageMetadata meta = new ImageMetadata("gal", "web", "contoso", "web", "server", null, "d", null, Map.of());
        ImageFacts facts = new ImageFacts(Optional.of("Linux"), "Generalized", Optional.of("V2"), Optional.of("x64"));
        for (String[] v : new String[][] {{"1.0.0", "aa", "j1", "2026-01-01T00:00:00Z"},
                {"1.2.0", "bb", "j2", "2026-02-01T00:00:00Z"}}) {
            home.catalog().register(meta, facts, new ImageVersionRecord("gal", "web", SemanticVersion.parse(v[0]), false,
                    null, v[3], "/packages/web/" + v[0], 1 << 20, (1 << 20) + 512, "md5-" + v[1], "sha-" + v[1], v[1],
                    "generalized", v[2]));
        }
        StatusApi api = api(0);
        List<StatusApi.CatalogEntry> all = list(api.catalog(Optional.empty()));
        assertEquals(List.of(new StatusApi.CatalogEntry("gal", "web", 2, Optional.of("1.2.0"),
                Optional.of("2026-02-01T00:00:00Z"), Optional.of("generalized"))), all);
        assertEquals(List.of(), list(api.catalog(Optional.of("other"))));
        assertError(api.catalog(Optional.of("bad name")), 400, "bad gallery name");

        StatusApi.ImageVersions image = (StatusApi.ImageVersions) api.catalogImage("gal", "web").body();
        assertEquals(Optional.of("1.2.0"), image.latest());
        assertEquals(List.of("1.0.0", "1.2.0"), image.versions().stream().map(StatusApi.VersionView::version).toList());
        StatusApi.VersionView first = image.versions().get(0);
        assertEquals(List.of("j1", "aa", "md5-aa", "/packages/web/1.0.0"),
                List.of(first.sourceJob(), first.sourceSha256(), first.md5().orElseThrow(), first.packagePath()));
        assertEquals((1 << 20) + 512, first.fileSize());
        assertError(api.catalogImage("gal", "nothing"), 404, "no image gal/nothing in the catalog");
        assertError(api.catalogImage("gal", "-bad-"), 400, "bad gallery or image name");
    }

    @Test
    void healthSaysWhyTheServiceIsNotReady() throws Exception {
        home.takeIn("web.vhd", new byte[] {1}, Optional.empty());
        ApiReply up = api(0).health();
        assertEquals(200, up.status());
        StatusApi.Readiness r = (StatusApi.Readiness) up.body();
        assertEquals("UP", r.status());
        assertEquals(List.of(), r.reasons());
        assertTrue(r.freeBytes() > 0);
        assertEquals(1, r.jobs().orElseThrow().get(JobState.QUEUED));
        assertEquals(0, r.jobs().orElseThrow().get(JobState.DONE));

        ApiReply down = api(Long.MAX_VALUE).ready();
        assertEquals(503, down.status());
        StatusApi.Readiness d = (StatusApi.Readiness) down.body();
        assertEquals("DOWN", d.status());
        assertEquals(1, d.reasons().size(), d.reasons().toString());
        assertTrue(d.reasons().get(0).contains("vhdflow.health.min-free-bytes"), d.reasons().toString());
        assertEquals(Optional.empty(), d.jobs(), "readiness alone carries no job counts");

        StatusApi.Liveness live = (StatusApi.Liveness) api(Long.MAX_VALUE).live().body();
        assertEquals("UP", live.status());
    }

    @Test
    void routesAndBatchesAreListed() throws Exception {
        StatusApi api = api(0);
        List<RouteTable.RouteView> r = list(api.routes());
        assertEquals(List.of("intake", "pipeline", "api-jobs"), r.stream().map(RouteTable.RouteView::id).toList());
        assertEquals(List.of(), list(api.batches()));
        home.journal().createBatch("batch-1", java.time.Instant.parse("2026-03-01T10:00:00Z"));
        home.intake().takeIn(java.nio.file.Files.write(home.settings().home().batch().resolve("a.vhd"), new byte[] {1}),
                Optional.of("batch-1"));
        home.journal().closeBatch("batch-1", 1);
        List<StatusApi.BatchView> batches = list(api.batches());
        assertEquals(1, batches.size());
        assertEquals("batch-1", batches.get(0).id());
        assertEquals(1, batches.get(0).jobCount());
        assertEquals(Map.of("queued", 1), batches.get(0).jobs());
        assertEquals(Optional.empty(), batches.get(0).finishedAt(), "a queued job has not finished");
    }

    static void assertError(ApiReply r, int status, String text) {
        assertEquals(status, r.status(), () -> String.valueOf(r.body()));
        ApiError e = (ApiError) r.body();
        assertTrue(e.error().contains(text), e.error());
    }
}
