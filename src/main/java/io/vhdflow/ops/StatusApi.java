package io.vhdflow.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vhdflow.catalog.Catalog;
import io.vhdflow.catalog.ImageVersionRecord;
import io.vhdflow.catalog.NamingRules;
import io.vhdflow.pipeline.JobJournal;
import io.vhdflow.pipeline.JobRecord;
import io.vhdflow.pipeline.JobState;
import io.vhdflow.pipeline.StageRecord;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.Optional;

/**
 * The HTTP status API's handlers: jobs, one job, routes, health. Each writes a JSON body and an
 * HTTP status to the exchange; the REST routes only point here.
 */
public final class StatusApi {
    private final JobJournal journal;
    private final Catalog catalog;
    private final Health health;
    private final RouteCounters counters;
    private final ObjectMapper json;
    private final Instant started = Instant.now();

    public StatusApi(JobJournal journal, Catalog catalog, Health health, RouteCounters counters, ObjectMapper json) {
        this.journal = journal;
        this.catalog = catalog;
        this.health = health;
        this.counters = counters;
        this.json = json;
    }

    /** {@code GET /api/jobs?state=&batch=&image=&limit=} */
    public void jobs(Exchange ex) throws Exception {
        Optional<JobState> state;
        try {
            state = header(ex, "state").map(s -> JobState.valueOf(s.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            respond(ex, 400, error("unknown state '" + header(ex, "state").orElse("")
                    + "'; use one of " + java.util.Arrays.toString(JobState.values()).toLowerCase(Locale.ROOT)));
            return;
        }
        int limit;
        try {
            limit = header(ex, "limit").map(Integer::parseInt).orElse(200);
        } catch (NumberFormatException e) {
            respond(ex, 400, error("limit must be a whole number"));
            return;
        }
        if (limit < 1 || limit > 10_000) {
            respond(ex, 400, error("limit must be between 1 and 10000"));
            return;
        }
        Optional<String> withStages = header(ex, "stages");
        if (withStages.isPresent() && !withStages.get().equals("true") && !withStages.get().equals("false")) {
            respond(ex, 400, error("stages must be true or false"));
            return;
        }
        boolean stages = withStages.map(Boolean::parseBoolean).orElse(false);
        ArrayNode out = json.createArrayNode();
        for (JobRecord j : journal.jobs(new JobJournal.JobFilter(state, header(ex, "batch"), header(ex, "image"), limit))) {
            ObjectNode n = summary(j);
            if (stages) {
                ArrayNode sa = n.putArray("stages");
                journal.stages(j.id()).forEach(st -> sa.add(stage(st, false)));
            }
            out.add(n);
        }
        respond(ex, 200, out);
    }

    /** {@code GET /api/jobs/{id}} */
    public void job(Exchange ex) throws Exception {
        String id = ex.getMessage().getHeader("id", String.class);
        Optional<JobRecord> job = id == null ? Optional.empty() : journal.job(id);
        if (job.isEmpty()) {
            respond(ex, 404, error("no job with id '" + id + "'"));
            return;
        }
        ObjectNode n = summary(job.get());
        n.set("metadata", json.valueToTree(job.get().metadata()));
        ArrayNode stages = n.putArray("stages");
        for (StageRecord s : journal.stages(id)) {
            stages.add(stage(s, true));
        }
        respond(ex, 200, n);
    }

    private ObjectNode stage(StageRecord s, boolean withResult) {
        ObjectNode sn = json.createObjectNode();
        sn.put("stage", s.stage().id());
        sn.put("state", s.state().name().toLowerCase(Locale.ROOT));
        sn.put("attempts", s.attempts());
        s.startedAt().ifPresent(t -> sn.put("startedAt", t.toString()));
        s.finishedAt().ifPresent(t -> sn.put("finishedAt", t.toString()));
        s.duration().ifPresent(d -> sn.put("seconds", d.toMillis() / 1000.0));
        sn.put("bytesTotal", s.bytesTotal());
        sn.put("bytesDone", s.bytesDone());
        sn.put("bytesRead", s.bytesRead());
        sn.put("bytesWritten", s.bytesWritten());
        s.bytesPerSecond().ifPresent(b -> sn.put("bytesPerSecond", Math.round(b)));
        s.error().ifPresent(e -> sn.put("error", e));
        if (withResult) {
            s.resultJson().ifPresent(r -> sn.set("result", readTree(r)));
        }
        return sn;
    }

    /** {@code GET /api/catalog?gallery=}: every image definition with its version count and latest version. */
    public void catalog(Exchange ex) throws Exception {
        Optional<String> gallery = header(ex, "gallery");
        if (gallery.isPresent() && NamingRules.galleryProblem(gallery.get()).isPresent()) {
            respond(ex, 400, error("bad gallery name: " + NamingRules.galleryProblem(gallery.get()).get()));
            return;
        }
        Map<String, List<ImageVersionRecord>> byImage = new TreeMap<>();
        for (ImageVersionRecord v : catalog.allVersions()) {
            if (gallery.isEmpty() || gallery.get().equals(v.gallery())) {
                byImage.computeIfAbsent(v.gallery() + "/" + v.image(), k -> new ArrayList<>()).add(v);
            }
        }
        ArrayNode out = json.createArrayNode();
        for (List<ImageVersionRecord> versions : byImage.values()) {
            ImageVersionRecord any = versions.get(0);
            ObjectNode n = out.addObject();
            n.put("gallery", any.gallery());
            n.put("image", any.image());
            n.put("versions", versions.size());
            catalog.latest(any.gallery(), any.image(), false).ifPresent(l -> n.put("latest", l.toString()));
            versions.stream().max(Comparator.comparing(ImageVersionRecord::publishedAt)).ifPresent(v -> {
                n.put("lastPublishedAt", v.publishedAt());
                n.put("lastVerdict", v.verdict());
            });
        }
        respond(ex, 200, out);
    }

    /** {@code GET /api/catalog/{gallery}/{image}}: the image's versions, oldest first. */
    public void catalogImage(Exchange ex) throws Exception {
        String gallery = ex.getMessage().getHeader("gallery", String.class);
        String image = ex.getMessage().getHeader("image", String.class);
        Optional<String> problem = gallery == null ? Optional.of("missing") : NamingRules.galleryProblem(gallery);
        if (problem.isEmpty()) {
            problem = image == null ? Optional.of("missing") : NamingRules.imageProblem(image);
        }
        if (problem.isPresent()) {
            respond(ex, 400, error("bad gallery or image name: " + problem.get()));
            return;
        }
        List<ImageVersionRecord> versions = catalog.versions(gallery, image);
        if (versions.isEmpty()) {
            respond(ex, 404, error("no image " + gallery + "/" + image + " in the catalog"));
            return;
        }
        ObjectNode n = json.createObjectNode();
        n.put("gallery", gallery);
        n.put("image", image);
        catalog.latest(gallery, image, false).ifPresent(l -> n.put("latest", l.toString()));
        ArrayNode vs = n.putArray("versions");
        for (ImageVersionRecord v : versions) {
            ObjectNode vn = vs.addObject();
            vn.put("version", v.version().toString());
            vn.put("excludeFromLatest", v.excludeFromLatest());
            if (v.endOfLife() != null) {
                vn.put("endOfLife", v.endOfLife());
            }
            vn.put("publishedAt", v.publishedAt());
            vn.put("verdict", v.verdict());
            vn.put("virtualSize", v.virtualSize());
            vn.put("fileSize", v.fileSize());
            vn.put("md5", v.md5());
            vn.put("sha256", v.sha256());
            vn.put("sourceSha256", v.sourceSha256());
            vn.put("packagePath", v.packagePath());
            vn.put("sourceJob", v.sourceJob());
        }
        respond(ex, 200, n);
    }

    /** {@code GET /api/batches}: scheduled batches with per-state job counts. */
    public void batches(Exchange ex) throws Exception {
        ArrayNode out = json.createArrayNode();
        for (JobJournal.BatchSummary b : journal.batches(200)) {
            ObjectNode n = out.addObject();
            n.put("id", b.id());
            n.put("createdAt", b.createdAt().toString());
            n.put("jobCount", b.jobCount());
            ObjectNode jobs = n.putObject("jobs");
            b.jobs().forEach((state, count) -> jobs.put(state.name().toLowerCase(Locale.ROOT), count));
            b.finishedAt().ifPresent(f -> n.put("finishedAt", f.toString()));
        }
        respond(ex, 200, out);
    }

    /** {@code GET /api/routes} */
    public void routes(Exchange ex) throws Exception {
        CamelContext ctx = ex.getContext();
        ArrayNode out = json.createArrayNode();
        for (Route r : ctx.getRoutes()) {
            ObjectNode n = out.addObject();
            n.put("id", r.getRouteId());
            n.put("from", r.getEndpoint().getEndpointBaseUri());
            ServiceStatus status = ctx.getRouteController().getRouteStatus(r.getRouteId());
            n.put("status", status == null ? "Unknown" : status.name());
            n.put("uptimeSeconds", r.getUptimeMillis() / 1000);
            RouteCounters.Counter c = counters.of(r.getRouteId());
            n.put("exchangesTotal", c.total());
            n.put("exchangesFailed", c.failed());
            n.put("exchangesInflight", ctx.getInflightRepository().size(r.getRouteId()));
            c.lastError().ifPresent(e -> n.put("lastError", e));
            c.lastErrorAt().ifPresent(t -> n.put("lastErrorAt", t.toString()));
        }
        respond(ex, 200, out);
    }

    /** {@code GET /api/health/live}: the process answers HTTP; 200 always. */
    public void live(Exchange ex) throws Exception {
        ObjectNode n = json.createObjectNode();
        n.put("status", "UP");
        n.put("startedAt", started.toString());
        n.put("uptimeSeconds", Duration.between(started, Instant.now()).toSeconds());
        respond(ex, 200, n);
    }

    /** {@code GET /api/health/ready}: 200 when the service can take work, 503 with the reasons when not. */
    public void ready(Exchange ex) throws Exception {
        Health.Status s = health.check();
        ObjectNode n = json.createObjectNode();
        n.put("status", s.up() ? "UP" : "DOWN");
        n.put("freeBytes", s.freeBytes());
        n.set("reasons", json.valueToTree(s.reasons()));
        respond(ex, s.up() ? 200 : 503, n);
    }

    /** {@code GET /api/health}: 200 when UP, 503 with reasons when DOWN. */
    public void health(Exchange ex) throws Exception {
        Health.Status s = health.check();
        ObjectNode n = json.createObjectNode();
        n.put("status", s.up() ? "UP" : "DOWN");
        n.put("freeBytes", s.freeBytes());
        n.set("reasons", json.valueToTree(s.reasons()));
        n.set("jobs", json.valueToTree(journal.countByState()));
        respond(ex, s.up() ? 200 : 503, n);
    }

    private ObjectNode summary(JobRecord j) {
        ObjectNode n = json.createObjectNode();
        n.put("id", j.id());
        j.batchId().ifPresent(b -> n.put("batch", b));
        n.put("source", j.sourceName());
        n.put("sourceSize", j.sourceSize());
        n.put("image", j.imageName());
        n.put("gallery", j.metadata().gallery());
        n.put("state", j.state().name().toLowerCase(Locale.ROOT));
        j.currentStage().ifPresent(s -> n.put("stage", s.id()));
        j.imageVersion().ifPresent(v -> n.put("version", v));
        j.verdict().ifPresent(v -> n.put("verdict", v));
        j.sourceSha256().ifPresent(v -> n.put("sourceSha256", v));
        j.errorJson().ifPresent(e -> n.set("error", readTree(e)));
        n.put("createdAt", j.createdAt().toString());
        n.put("updatedAt", j.updatedAt().toString());
        j.finishedAt().ifPresent(f -> {
            n.put("finishedAt", f.toString());
            n.put("seconds", Duration.between(j.createdAt(), f).toMillis() / 1000.0);
        });
        return n;
    }

    private com.fasterxml.jackson.databind.JsonNode readTree(String s) {
        try {
            return json.readTree(s);
        } catch (Exception e) {
            return json.getNodeFactory().textNode(s);
        }
    }

    private ObjectNode error(String message) {
        ObjectNode n = json.createObjectNode();
        n.put("error", message);
        n.put("at", Instant.now().toString());
        return n;
    }

    private static Optional<String> header(Exchange ex, String name) {
        return Optional.ofNullable(ex.getMessage().getHeader(name, String.class)).filter(s -> !s.isBlank());
    }

    private void respond(Exchange ex, int status, Object body) throws Exception {
        // Request headers travel back as response headers; credentials must not.
        ex.getMessage().removeHeader("Authorization");
        ex.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        ex.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        ex.getMessage().setBody(json.writerWithDefaultPrettyPrinter().writeValueAsString(body));
    }
}
