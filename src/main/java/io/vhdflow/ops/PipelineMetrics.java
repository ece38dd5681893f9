package io.vhdflow.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vhdflow.pipeline.HomeLayout;
import io.vhdflow.pipeline.JobJournal;
import io.vhdflow.pipeline.JobRecord;
import io.vhdflow.pipeline.JobState;
import io.vhdflow.pipeline.Stage;
import io.vhdflow.pipeline.StageObserver;
import io.vhdflow.pipeline.StageOutcome;
import io.vhdflow.pipeline.StageState;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * vhdflow's own metrics, in the Prometheus registry that Camel's route metrics also use:
 * {@code vhdflow_stage_duration_seconds} (histogram per stage and outcome),
 * {@code vhdflow_stage_bytes_total} (read / written per stage), {@code vhdflow_image_size_bytes}
 * (histogram of the images taken in), {@code vhdflow_jobs} (per state),
 * {@code vhdflow_verification_verdicts_total} (per verdict), {@code vhdflow_queue_depth} (jobs waiting
 * in {@code seda:jobs}, or with a broker the jobs recorded and not started) and {@code vhdflow_disk_free_bytes} (usable space in the home).
 */
public final class PipelineMetrics implements StageObserver {
    /** Prometheus text exposition format, version 0.0.4. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final long JOB_COUNT_CACHE_NANOS = 1_000_000_000L;
    /**
     * Stage times of disk images, from a verify of a small image to a package of a 4 TiB one: 14
     * buckets instead of the ~70 of a percentile histogram, per stage and outcome.
     */
    static final Duration[] DURATION_BUCKETS = {Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(15),
        Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(5),
        Duration.ofMinutes(10), Duration.ofMinutes(20), Duration.ofMinutes(30), Duration.ofHours(1),
        Duration.ofHours(2), Duration.ofHours(4), Duration.ofHours(8)};
    /** Image sizes Azure takes: powers of two from 1 GiB to its 4 TiB limit for an OS disk. */
    static final double[] SIZE_BUCKETS = sizeBuckets();

    private record Counts(long atNanos, Map<JobState, Integer> counts) {
    }

    private final PrometheusMeterRegistry registry;
    private final JobJournal journal;
    private final AtomicReference<Counts> counts = new AtomicReference<>();

    /**
     * @param inProcessQueue the size of the in-process queue {@code seda:jobs}; empty when jobs wait
     *                       on a broker, whose queue this node cannot see: then the jobs recorded
     *                       and not yet started (every node's, with the shared database) are the depth
     */
    public PipelineMetrics(PrometheusMeterRegistry registry, JobJournal journal, HomeLayout home,
                           java.util.Optional<LongSupplier> inProcessQueue) {
        this.registry = registry;
        this.journal = journal;
        for (JobState s : JobState.values()) {
            Gauge.builder("vhdflow.jobs", () -> jobCount(s)).description("Jobs in the journal, by state")
                    .tag("state", s.name().toLowerCase(Locale.ROOT)).register(registry);
        }
        Gauge.builder("vhdflow.queue.depth", () -> inProcessQueue.isPresent() ? inProcessQueue.get().getAsLong()
                        : jobCount(JobState.QUEUED))
                .description("Jobs waiting for a pipeline slot: in seda:jobs, or recorded and not started when jobs "
                        + "wait on a broker").register(registry);
        Gauge.builder("vhdflow.disk.free", () -> freeBytes(home)).baseUnit("bytes")
                .description("Usable space on the filesystem of the vhdflow home (-1 when unreadable)")
                .register(registry);
        // Register the per-stage meters up front so a scrape shows every series from the start.
        for (Stage stage : Stage.values()) {
            for (StageState state : new StageState[] {StageState.DONE, StageState.FAILED}) {
                timer(stage, state);
            }
            bytes(stage, "read");
            bytes(stage, "written");
        }
        imageSize();
    }

    private static double[] sizeBuckets() {
        double[] b = new double[13];
        for (int i = 0; i < b.length; i++) {
            b[i] = (double) (1L << (30 + i));
        }
        return b;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    @Override
    public void stageEnded(String jobId, Stage stage, StageState state, Duration took, StageOutcome outcome) {
        timer(stage, state).record(took);
        if (outcome != null) {
            bytes(stage, "read").increment(outcome.bytesRead());
            bytes(stage, "written").increment(outcome.bytesWritten());
        }
        if (stage == Stage.BACKUP && state == StageState.DONE) {
            journal.job(jobId).ifPresent(j -> imageSize().record(j.sourceSize()));
        }
        if (stage == Stage.VERIFY) {
            // The verify stage records its verdict before it may reject; no verdict means the image was unreadable.
            String verdict = journal.job(jobId).flatMap(JobRecord::verdict).orElse("unreadable");
            Counter.builder("vhdflow.verification.verdicts").description("Verification verdicts")
                    .tag("verdict", verdict).register(registry).increment();
        }
        counts.set(null);
    }

    /** {@code GET /api/metrics}: every series in the Prometheus text format. */
    public ApiReply scrape() {
        return ApiReply.text(CONTENT_TYPE, registry.scrape());
    }

    private Timer timer(Stage stage, StageState state) {
        return Timer.builder("vhdflow.stage.duration").description("Wall time of stage attempts")
                .tag("stage", stage.id()).tag("outcome", state.name().toLowerCase(Locale.ROOT))
                .serviceLevelObjectives(DURATION_BUCKETS).register(registry);
    }

    /** The size of each image backed up, in buckets from 1 GiB to 4 TiB. */
    private DistributionSummary imageSize() {
        return DistributionSummary.builder("vhdflow.image.size").baseUnit("bytes")
                .description("Size of the images taken in (recorded when their backup is done)")
                .serviceLevelObjectives(SIZE_BUCKETS).register(registry);
    }

    private Counter bytes(Stage stage, String direction) {
        return Counter.builder("vhdflow.stage.bytes").baseUnit("bytes")
                .description("Bytes read and written by completed stages")
                .tag("stage", stage.id()).tag("direction", direction).register(registry);
    }

    /** Job counts, read from the journal at most once a second however often Prometheus scrapes. */
    private double jobCount(JobState state) {
        Counts c = counts.get();
        long now = System.nanoTime();
        if (c == null || now - c.atNanos() > JOB_COUNT_CACHE_NANOS) {
            c = new Counts(now, journal.countByState());
            counts.set(c);
        }
        return c.counts().getOrDefault(state, 0);
    }

    private static double freeBytes(HomeLayout home) {
        try {
            return Files.getFileStore(home.home()).getUsableSpace();
        } catch (IOException e) {
            return -1;
        }
    }
}
