package io.vhdflow.ops;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vhdflow.catalog.Catalog;
import io.vhdflow.catalog.ImageMetadata;
import io.vhdflow.catalog.DataDiskImage;
import io.vhdflow.pipeline.DiskJournal;
import io.vhdflow.pipeline.JobDisk;
import io.vhdflow.catalog.ImageVersionRecord;
import io.vhdflow.catalog.NamingRules;
import io.vhdflow.catalog.SemanticVersion;
import io.vhdflow.pipeline.JobJournal;
import io.vhdflow.pipeline.JobRecord;
import io.vhdflow.pipeline.JobState;
import io.vhdflow.pipeline.Nodes;
import io.vhdflow.store.Database;
import io.vhdflow.pipeline.Stage;
import io.vhdflow.pipeline.StageRecord;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The API's read-only calls: jobs, one job, batches, routes, the catalog, health. Plain Java: each
 * takes the call's parameters as they came (text, validated here) and returns an {@link ApiReply}
 * whose body is one of the records below; the Camel adapter writes it as JSON.
 */
public final class StatusApi {
    private static final int DEFAULT_LIMIT = 200;
    private static final int MAX_LIMIT = 10_000;

    /** The query parameters of {@code GET /api/jobs}, as received. */
    public record JobQuery(Optional<String> state, Optional<String> batch, Optional<String> image,
                           Optional<String> limit, Optional<String> stages) {
    }

    /**
     * A job; {@code metadata} in the single-job view, {@code stages} there and when asked for in the
     * list; {@code findings} (the verification report's checks grouped by {@link Findings}) in the
     * single-job view once the image was verified, also when verification rejected it.
     */
    @JsonInclude(JsonInclude.Include.NON_ABSENT)
    public record JobView(String id, Optional<String> batch, String source, long sourceSize, String image,
                          String gallery, String state, Optional<String> stage, Optional<String> version,
                          Optional<String> verdict, Optional<String> sourceSha256, Optional<JsonNode> error,
                          Instant createdAt, Instant updatedAt, Optional<Instant> finishedAt,
                          Optional<Double> seconds, Optional<ImageMetadata> metadata,
                          Optional<List<StageView>> stages, Optional<Map<String, List<JsonNode>>> findings,
                          Optional<List<DiskView>> disks, Optional<String> node) {
    }

    /**
     * One disk of a VM image's job (none for a single-disk job): its role, LUN and its own
     * progress through the stages; {@code result} of each stage in the single-job view only.
     */
    @JsonInclude(JsonInclude.Include.NON_ABSENT)
    public record DiskView(int disk, String file, String role, Optional<Integer> lun, Optional<String> hostCaching,
                           long size, Optional<String> sha256, List<DiskStageView> stages) {
    }

    /** One disk's record of one stage. */
    @JsonInclude(JsonInclude.Include.NON_ABSENT)
    public record DiskStageView(String stage, String state, long bytesTotal, long bytesDone, Optional<String> error,
                                Optional<JsonNode> result) {
    }

    /** One stage of a job; {@code result} (e.g. the verification report) in the single-job view only. */
    @JsonInclude(JsonInclude.Include.NON_ABSENT)
    public record StageView(String stage, String state, int attempts, Optional<Instant> startedAt,
                            Optional<Instant> finishedAt, Optional<Double> seconds, long bytesTotal, long bytesDone,
                            long bytesRead, long bytesWritten, Optional<Long> bytesPerSecond, Optional<String> error,
                            Optional<JsonNode> result) {
    }

    /** A scheduled batch with its jobs counted per state. */
    @JsonInclude(JsonInclude.Include.NON_ABSENT)
    public record BatchView(String id, Instant createdAt, int jobCount, Map<String, Integer> jobs,
                            Optional<Instant> finishedAt) {
    }

    /** An image definition in the catalog: how many versions, the latest, the last publication. */
    @JsonInclude(JsonInclude.Include.NON_ABSENT)
    public record CatalogEntry(String gallery, String image, int versions, Optional<String> latest,
                               Optional<String> lastPublishedAt, Optional<String> lastVerdict) {
    }

    /** An image definition with its versions, oldest first. */
    @JsonInclude(JsonInclude.Include.NON_ABSENT)
    public record ImageVersions(String gallery, String image, Optional<String> latest, List<VersionView> versions) {
    }

    /** One registered version. */
    @JsonInclude(JsonInclude.Include.NON_ABSENT)
    public record VersionView(String version, boolean excludeFromLatest, Optional<String> endOfLife,
                              String publishedAt, String verdict, long virtualSize, long fileSize, Optional<String> md5,
                              Optional<String> sha256, String sourceSha256, String packagePath, String sourceJob,
                              List<String> digests, Optional<String> integrity,
                              List<DataDiskImage> dataDiskImages) {
    }

    /** Liveness: the process answers. */
    public record Liveness(String status, Instant startedAt, long uptimeSeconds) {
    }

    /** Readiness with its reasons; {@code jobs} (counts per state) in {@code GET /api/health} only. */
    @JsonInclude(JsonInclude.Include.NON_ABSENT)
    public record Readiness(String status, long freeBytes, List<String> reasons,
                            Optional<Map<JobState, Integer>> jobs, Optional<StoreView> database,
                            Optional<List<Nodes.Node>> nodes, Optional<String> leader) {
    }

    /** The database journal and catalog live in: {@code sqlite} (this node's file) or the shared {@code postgresql}. */
    public record StoreView(String kind, String location, boolean up) {
    }

    /**
     * Where the store and the nodes sharing it are seen from, for {@code GET /api/health}.
     *
     * @param leader the node holding the leader role (drop-folder scan, batch schedule) now, if any
     */
    public record Cluster(Database database, Nodes nodes, java.util.function.Supplier<Optional<String>> leader) {
    }

    private final JobJournal journal;
    private final Catalog catalog;
    private final Health health;
    private final RouteTable routes;
    private final ObjectMapper json;
    private final Instant started = Instant.now();
    private final Optional<Cluster> cluster;

    private final Optional<DiskJournal> disks;

    public StatusApi(JobJournal journal, Catalog catalog, Health health, RouteTable routes, ObjectMapper json) {
        this(journal, catalog, health, routes, json, Optional.empty(), Optional.empty());
    }

    /**
     * @param disks   the journal of VM images' disks, to show each disk of a multi-disk job
     * @param cluster with it, {@code GET /api/health} also shows the database and the nodes sharing it
     */
    public StatusApi(JobJournal journal, Catalog catalog, Health health, RouteTable routes, ObjectMapper json,
                     Optional<DiskJournal> disks, Optional<Cluster> cluster) {
        this.disks = disks;
        this.cluster = cluster;
        this.journal = journal;
        this.catalog = catalog;
        this.health = health;
        this.routes = routes;
        this.json = json;
    }

    /** {@code GET /api/jobs?state=&batch=&image=&limit=&stages=}: jobs, newest first. */
    public ApiReply jobs(JobQuery q) {
        Optional<JobState> state;
        try {
            state = q.state().map(s -> JobState.valueOf(s.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return ApiReply.error(400, "unknown state '" + q.state().orElse("") + "'; use one of "
                    + Arrays.toString(JobState.values()).toLowerCase(Locale.ROOT));
        }
        int limit;
        try {
            limit = q.limit().map(Integer::parseInt).orElse(DEFAULT_LIMIT);
        } catch (NumberFormatException e) {
            return ApiReply.error(400, "limit must be a whole number");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            return ApiReply.error(400, "limit must be between 1 and " + MAX_LIMIT);
        }
        if (q.stages().isPresent() && !q.stages().get().equals("true") && !q.stages().get().equals("false")) {
            return ApiReply.error(400, "stages must be true or false");
        }
        boolean withStages = q.stages().map(Boolean::parseBoolean).orElse(false);
        List<JobView> out = new ArrayList<>();
        for (JobRecord j : journal.jobs(new JobJournal.JobFilter(state, q.batch(), q.image(), limit))) {
            out.add(view(j, Optional.empty(), withStages ? Optional.of(stages(j.id(), false)) : Optional.empty(),
                    Optional.empty()));
        }
        return ApiReply.ok(out);
    }

    /** {@code GET /api/jobs/{id}}: the job with its metadata and every stage's result. */
    public ApiReply job(String id) {
        Optional<JobRecord> job = journal.job(id);
        if (job.isEmpty()) {
            return ApiReply.error(404, "no job with id '" + id + "'");
        }
        List<StageView> stages = stages(id, true);
        Optional<Map<String, List<JsonNode>>> findings = stages.stream().filter(st -> st.stage().equals(Stage.VERIFY.id()))
                .findFirst().flatMap(StageView::result).filter(r -> r.has("checks")).map(Findings::grouped);
        return ApiReply.ok(view(job.get(), Optional.of(job.get().metadata()), Optional.of(stages), findings));
    }

    /** {@code GET /api/batches}: scheduled batches with per-state job counts. */
    public ApiReply batches() {
        List<BatchView> out = new ArrayList<>();
        for (JobJournal.BatchSummary b : journal.batches(DEFAULT_LIMIT)) {
            Map<String, Integer> jobs = new LinkedHashMap<>();
            b.jobs().forEach((state, count) -> jobs.put(state.name().toLowerCase(Locale.ROOT), count));
            out.add(new BatchView(b.id(), b.createdAt(), b.jobCount(), jobs, b.finishedAt()));
        }
        return ApiReply.ok(out);
    }

    /** {@code GET /api/routes}: every route with its status and exchange counts. */
    public ApiReply routes() {
        return ApiReply.ok(routes.routes());
    }

    /** {@code GET /api/catalog?gallery=}: every image definition with its version count and latest version. */
    public ApiReply catalog(Optional<String> gallery) {
        Optional<String> problem = gallery.flatMap(NamingRules::galleryProblem);
        if (problem.isPresent()) {
            return ApiReply.error(400, "bad gallery name: " + problem.get());
        }
        Map<String, List<ImageVersionRecord>> byImage = new TreeMap<>();
        for (ImageVersionRecord v : catalog.allVersions()) {
            if (gallery.isEmpty() || gallery.get().equals(v.gallery())) {
                byImage.computeIfAbsent(v.gallery() + "/" + v.image(), k -> new ArrayList<>()).add(v);
            }
        }
        List<CatalogEntry> out = new ArrayList<>();
        for (List<ImageVersionRecord> versions : byImage.values()) {
            ImageVersionRecord any = versions.get(0);
            Optional<ImageVersionRecord> last = versions.stream()
                    .max(Comparator.comparing(ImageVersionRecord::publishedAt));
            out.add(new CatalogEntry(any.gallery(), any.image(), versions.size(), latest(any.gallery(), any.image()),
                    last.map(ImageVersionRecord::publishedAt), last.map(ImageVersionRecord::verdict)));
        }
        return ApiReply.ok(out);
    }

    /** {@code GET /api/catalog/{gallery}/{image}}: the image's versions, oldest first. */
    public ApiReply catalogImage(String gallery, String image) {
        Optional<String> problem = NamingRules.galleryProblem(gallery).or(() -> NamingRules.imageProblem(image));
        if (problem.isPresent()) {
            return ApiReply.error(400, "bad gallery or image name: " + problem.get());
        }
        List<ImageVersionRecord> versions = catalog.versions(gallery, image);
        if (versions.isEmpty()) {
            return ApiReply.error(404, "no image " + gallery + "/" + image + " in the catalog");
        }
        List<VersionView> out = new ArrayList<>();
        for (ImageVersionRecord v : versions) {
            out.add(new VersionView(v.version().toString(), v.excludeFromLatest(), Optional.ofNullable(v.endOfLife()),
                    v.publishedAt(), v.verdict(), v.virtualSize(), v.fileSize(),
                    Optional.of(v.md5()).filter(m -> !m.isEmpty()), Optional.of(v.sha256()).filter(m -> !m.isEmpty()),
                    v.sourceSha256(), v.packagePath(), v.sourceJob(), v.digests(), v.integrity(),
                    catalog.dataDisks(gallery, image, v.version())));
        }
        return ApiReply.ok(new ImageVersions(gallery, image, latest(gallery, image), out));
    }

    /** {@code GET /api/health/live}: the process answers HTTP; 200 always. */
    public ApiReply live() {
        return ApiReply.ok(new Liveness("UP", started, Duration.between(started, Instant.now()).toSeconds()));
    }

    /** {@code GET /api/health/ready}: 200 when the service can take work, 503 with the reasons when not. */
    public ApiReply ready() {
        return readiness(Optional.empty());
    }

    /** {@code GET /api/health}: readiness plus job counts per state. */
    public ApiReply health() {
        Health.Status s = health.check();
        Optional<Map<JobState, Integer>> jobs = Optional.empty();
        Optional<List<Nodes.Node>> nodes = Optional.empty();
        try {
            jobs = Optional.of(journal.countByState());
            nodes = cluster.map(c -> c.nodes().list());
        } catch (RuntimeException e) {
            // The database does not answer: health says so in its reasons (Health.check) and still replies.
        }
        Optional<StoreView> db = cluster.map(c -> new StoreView(c.database().kind().name().toLowerCase(Locale.ROOT),
                c.database().location(), c.database().reachable()));
        return ApiReply.of(s.up() ? 200 : 503, new Readiness(s.up() ? "UP" : "DOWN", s.freeBytes(), s.reasons(), jobs,
                db, nodes, cluster.flatMap(c -> c.leader().get())));
    }

    private ApiReply readiness(Optional<Map<JobState, Integer>> jobs) {
        Health.Status s = health.check();
        return ApiReply.of(s.up() ? 200 : 503, new Readiness(s.up() ? "UP" : "DOWN", s.freeBytes(), s.reasons(), jobs,
                Optional.empty(), Optional.empty(), Optional.empty()));
    }

    private Optional<String> latest(String gallery, String image) {
        return catalog.latest(gallery, image, false).map(SemanticVersion::toString);
    }

    private JobView view(JobRecord j, Optional<ImageMetadata> metadata, Optional<List<StageView>> stages,
                         Optional<Map<String, List<JsonNode>>> findings) {
        return new JobView(j.id(), j.batchId(), j.sourceName(), j.sourceSize(), j.imageName(), j.metadata().gallery(),
                j.state().name().toLowerCase(Locale.ROOT), j.currentStage().map(Stage::id), j.imageVersion(),
                j.verdict(), j.sourceSha256(), j.errorJson().map(this::readTree), j.createdAt(), j.updatedAt(),
                j.finishedAt(), j.finishedAt().map(f -> seconds(Duration.between(j.createdAt(), f))), metadata,
                stages, findings, disks(j.id(), metadata.isPresent()), j.nodeId());
    }

    private Optional<List<DiskView>> disks(String jobId, boolean withResult) {
        if (disks.isEmpty()) {
            return Optional.empty();
        }
        List<JobDisk> all = disks.get().disks(jobId);
        if (all.isEmpty()) {
            return Optional.empty();
        }
        List<DiskJournal.DiskStage> stages = disks.get().stages(jobId);
        List<DiskView> out = new ArrayList<>();
        for (JobDisk d : all) {
            List<DiskStageView> sv = stages.stream().filter(s -> s.diskNo() == d.diskNo())
                    .map(s -> new DiskStageView(s.stage().id(), s.state().name().toLowerCase(Locale.ROOT), s.bytesTotal(),
                            s.bytesDone(), s.error(), withResult ? s.resultJson().map(this::readTree) : Optional.empty()))
                    .toList();
            out.add(new DiskView(d.diskNo(), d.fileName(), d.role().label(), d.lun(), d.hostCaching(), d.size(),
                    d.sourceSha256(), sv));
        }
        return Optional.of(out);
    }

    private List<StageView> stages(String jobId, boolean withResult) {
        List<StageView> out = new ArrayList<>();
        for (StageRecord s : journal.stages(jobId)) {
            out.add(new StageView(s.stage().id(), s.state().name().toLowerCase(Locale.ROOT), s.attempts(),
                    s.startedAt(), s.finishedAt(), s.duration().map(StatusApi::seconds), s.bytesTotal(),
                    s.bytesDone(), s.bytesRead(), s.bytesWritten(), s.bytesPerSecond().map(Math::round),
                    s.error(), withResult ? s.resultJson().map(this::readTree) : Optional.empty()));
        }
        return out;
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }

    /** Stored JSON (an error, a stage result) as JSON; text that is not JSON as a string. */
    private JsonNode readTree(String s) {
        try {
            return json.readTree(s);
        } catch (IOException e) {
            return json.getNodeFactory().textNode(s);
        }
    }
}
