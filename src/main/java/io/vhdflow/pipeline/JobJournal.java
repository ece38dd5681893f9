package io.vhdflow.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vhdflow.catalog.ImageMetadata;
import io.vhdflow.store.Database;

import static io.vhdflow.store.Database.bind;
import static io.vhdflow.store.Database.update;
import io.vhdflow.store.StoreException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The job journal: what every job is doing and has done, kept in the embedded database so that a
 * crash or {@code kill -9} loses nothing. A stage is recorded DONE only after its outputs are
 * durable, so on restart a job resumes at the first stage not recorded DONE.
 */
public final class JobJournal {

    private final Database db;
    private final ObjectMapper json;
    private final Optional<String> node;
    private final CrashPoints crashPoints;

    public JobJournal(Database db, ObjectMapper json) {
        this(db, json, Optional.empty(), CrashPoints.none());
    }

    /**
     * @param node the node new jobs are assigned to (the node taking them in runs them)
     * @param crashPoints where the crash tests stop the service (off outside them)
     */
    public JobJournal(Database db, ObjectMapper json, Optional<String> node, CrashPoints crashPoints) {
        this.db = db;
        this.json = json;
        this.node = node;
        this.crashPoints = crashPoints;
    }

    /** Marks a committed transition of a job a crash test may stop at ({@link CrashPoints}). */
    public void reached(String jobId, String point) {
        crashPoints.reached(jobId, point);
    }

    /** Filter for {@link #jobs}; empty fields match everything. */
    public record JobFilter(Optional<JobState> state, Optional<String> batchId, Optional<String> image, int limit) {
        public static JobFilter all() {
            return new JobFilter(Optional.empty(), Optional.empty(), Optional.empty(), 500);
        }
    }

    public void createBatch(String batchId, Instant at) {
        db.read(c -> update(c, "INSERT INTO batches(id, created_at) VALUES (?, ?)", batchId, at.toString()));
    }

    /** Records how many files the batch took in. */
    public void closeBatch(String batchId, int jobCount) {
        db.read(c -> update(c, "UPDATE batches SET job_count = ? WHERE id = ?", jobCount, batchId));
    }

    /**
     * A batch and how its jobs stand.
     *
     * @param finishedAt when its last job finished, once every job is final
     */
    public record BatchSummary(String id, Instant createdAt, int jobCount, java.util.Map<JobState, Integer> jobs,
                               Optional<Instant> finishedAt) {
    }

    /** Batches, newest first, with per-state job counts. */
    public List<BatchSummary> batches(int limit) {
        return db.read(c -> {
            List<BatchSummary> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, created_at, job_count FROM batches ORDER BY created_at DESC, id DESC LIMIT ?")) {
                ps.setInt(1, Math.max(1, Math.min(limit, 10_000)));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new BatchSummary(rs.getString(1), Instant.parse(rs.getString(2)), rs.getInt(3),
                                java.util.Map.of(), Optional.empty()));
                    }
                }
            }
            List<BatchSummary> full = new ArrayList<>();
            for (BatchSummary b : out) {
                java.util.Map<JobState, Integer> counts = new java.util.EnumMap<>(JobState.class);
                Instant last = null;
                boolean allFinal = true;
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT state, COUNT(*), MAX(finished_at) FROM jobs WHERE batch_id = ? GROUP BY state")) {
                    ps.setString(1, b.id());
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            JobState st = JobState.valueOf(rs.getString(1));
                            counts.put(st, rs.getInt(2));
                            allFinal &= st.isFinal();
                            String f = rs.getString(3);
                            if (f != null && (last == null || Instant.parse(f).isAfter(last))) {
                                last = Instant.parse(f);
                            }
                        }
                    }
                }
                full.add(new BatchSummary(b.id(), b.createdAt(), b.jobCount(), counts,
                        allFinal && !counts.isEmpty() ? Optional.ofNullable(last) : Optional.empty()));
            }
            return full;
        });
    }

    /** Records a new job in state QUEUED. */
    public void createJob(String id, Optional<String> batchId, String sourceName, long sourceSize,
                          ImageMetadata metadata) {
        String now = Instant.now().toString();
        db.transaction(c -> {
            update(c, "INSERT INTO jobs(id, batch_id, source_name, source_size, image_name, metadata_json,"
                            + " state, created_at, updated_at, node_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    id, batchId.orElse(null), sourceName, sourceSize, metadata.imageDefinition(), write(metadata),
                    JobState.QUEUED.name(), now, now, node.orElse(null));
            // The row a worker locks to claim the job (JobClaims).
            return update(c, "INSERT INTO job_claims(job_id) VALUES (?)", id);
        });
        crashPoints.created(id);
    }

    /** Marks the stage running (a new attempt) and the job as running it. */
    public void startStage(String jobId, Stage stage, long bytesTotal) {
        String now = Instant.now().toString();
        db.transaction(c -> {
            update(c, "INSERT INTO stages(job_id, stage, state, attempts, started_at, bytes_total) VALUES (?, ?, ?, 1, ?, ?)"
                            + " ON CONFLICT(job_id, stage) DO UPDATE SET state = excluded.state, attempts = stages.attempts + 1,"
                            + " started_at = excluded.started_at, finished_at = NULL, bytes_total = excluded.bytes_total,"
                            + " bytes_done = 0, error = NULL",
                    jobId, stage.name(), StageState.RUNNING.name(), now, bytesTotal);
            return update(c, "UPDATE jobs SET state = ?, current_stage = ?, updated_at = ? WHERE id = ?",
                    JobState.RUNNING.name(), stage.name(), now, jobId);
        });
        crashPoints.reached(jobId, stage.name() + ".started");
    }

    /** Progress of a long stage, for the status API. */
    public void progress(String jobId, Stage stage, long bytesDone) {
        db.read(c -> update(c, "UPDATE stages SET bytes_done = ? WHERE job_id = ? AND stage = ?", bytesDone, jobId,
                stage.name()));
    }

    /** Corrects the expected total of a running stage. */
    public void progressTotal(String jobId, Stage stage, long bytesTotal) {
        db.read(c -> update(c, "UPDATE stages SET bytes_total = ? WHERE job_id = ? AND stage = ?", bytesTotal, jobId,
                stage.name()));
    }

    public void completeStage(String jobId, Stage stage, StageOutcome outcome) {
        db.read(c -> update(c, "UPDATE stages SET state = ?, finished_at = ?, bytes_done = CASE WHEN bytes_done > bytes_total"
                        + " THEN bytes_done ELSE bytes_total END,"
                        + " bytes_read = ?, bytes_written = ?, result_json = ?, error = NULL WHERE job_id = ? AND stage = ?",
                StageState.DONE.name(), Instant.now().toString(), outcome.bytesRead(), outcome.bytesWritten(),
                outcome.resultJson().orElse(null), jobId, stage.name()));
        crashPoints.reached(jobId, stage.name() + ".done");
    }

    /**
     * Keeps a stage's result before the stage ends, so a stage that then rejects the job (a
     * verification that finds the image not generalized) still shows what it found.
     */
    public void recordResult(String jobId, Stage stage, String resultJson) {
        db.read(c -> update(c, "UPDATE stages SET result_json = ? WHERE job_id = ? AND stage = ?", resultJson, jobId,
                stage.name()));
    }

    /** Records an attempt that failed; the job's fate is decided by the caller. */
    public void failStage(String jobId, Stage stage, String error) {
        db.read(c -> update(c, "UPDATE stages SET state = ?, finished_at = ?, error = ? WHERE job_id = ? AND stage = ?",
                StageState.FAILED.name(), Instant.now().toString(), error, jobId, stage.name()));
    }

    public boolean isStageDone(String jobId, Stage stage) {
        return stages(jobId).stream().anyMatch(s -> s.stage() == stage && s.state() == StageState.DONE);
    }

    public void setSourceSha256(String jobId, String sha256) {
        setColumn(jobId, "source_sha256", sha256);
    }

    /** The source's size, once a fetch has landed a blob whose size intake could not know. */
    public void setSourceSize(String jobId, long size) {
        db.read(c -> update(c, "UPDATE jobs SET source_size = ?, updated_at = ? WHERE id = ?", size,
                Instant.now().toString(), jobId));
    }

    public void setImageVersion(String jobId, String version) {
        setColumn(jobId, "image_version", version);
    }

    public void setVerdict(String jobId, String verdict) {
        setColumn(jobId, "verdict", verdict);
    }

    private void setColumn(String jobId, String column, String value) {
        db.read(c -> update(c, "UPDATE jobs SET " + column + " = ?, updated_at = ? WHERE id = ?", value,
                Instant.now().toString(), jobId));
    }

    /** Ends the job in a final state. */
    public void finishJob(String jobId, JobState state, Optional<String> errorJson) {
        if (!state.isFinal()) {
            throw new IllegalArgumentException(state + " is not a final state");
        }
        String now = Instant.now().toString();
        db.transaction(c -> {
            update(c, "UPDATE jobs SET state = ?, finished_at = ?, updated_at = ?, error_json = ? WHERE id = ?",
                    state.name(), now, now, errorJson.orElse(null), jobId);
            // A finished job has no stage in progress: one left RUNNING by a crash ends with the job.
            update(c, "UPDATE stages SET state = ?, finished_at = ?, error = COALESCE(error, ?) WHERE job_id = ? AND state = ?",
                    state == JobState.FAILED ? StageState.FAILED.name() : StageState.SKIPPED.name(), now,
                    "interrupted; the job ended " + state.name().toLowerCase(java.util.Locale.ROOT), jobId,
                    StageState.RUNNING.name());
            return null;
        });
        crashPoints.reached(jobId, "job." + state.name());
    }

    /**
     * Puts a FAILED job back in the queue: state QUEUED, error cleared. A conditional update, so
     * of two concurrent retries exactly one succeeds.
     *
     * @return true when the job was FAILED and is now QUEUED
     */
    public boolean requeueFailed(String jobId) {
        String now = Instant.now().toString();
        return db.read(c -> update(c, "UPDATE jobs SET state = ?, finished_at = NULL, error_json = NULL, updated_at = ?"
                + " WHERE id = ? AND state = ?", JobState.QUEUED.name(), now, jobId, JobState.FAILED.name())) == 1;
    }

    /** Replaces a job's image metadata (a retried intake re-reads the corrected sidecar). */
    public void setMetadata(String jobId, ImageMetadata metadata) {
        db.read(c -> update(c, "UPDATE jobs SET metadata_json = ?, image_name = ?, updated_at = ? WHERE id = ?",
                write(metadata), metadata.imageDefinition(), Instant.now().toString(), jobId));
    }

    public Optional<JobRecord> job(String id) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM jobs WHERE id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(job(rs)) : Optional.<JobRecord>empty();
                }
            }
        });
    }

    /** Jobs, newest first. */
    public List<JobRecord> jobs(JobFilter f) {
        StringBuilder sql = new StringBuilder("SELECT * FROM jobs WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        f.state().ifPresent(s -> { sql.append(" AND state = ?"); args.add(s.name()); });
        f.batchId().ifPresent(b -> { sql.append(" AND batch_id = ?"); args.add(b); });
        f.image().ifPresent(i -> { sql.append(" AND image_name = ?"); args.add(i); });
        sql.append(" ORDER BY created_at DESC, id DESC LIMIT ?");
        args.add(Math.max(1, Math.min(f.limit(), 10_000)));
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                bind(ps, args.toArray());
                List<JobRecord> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(job(rs));
                    }
                }
                return out;
            }
        });
    }

    /** Jobs that were taken in but not finished: the ones to resume after a restart, oldest first. */
    public List<JobRecord> unfinishedJobs() {
        List<JobRecord> out = new ArrayList<>();
        for (JobState s : List.of(JobState.QUEUED, JobState.RUNNING)) {
            out.addAll(jobs(new JobFilter(Optional.of(s), Optional.empty(), Optional.empty(), 10_000)));
        }
        out.sort(java.util.Comparator.comparing(JobRecord::createdAt).thenComparing(JobRecord::id));
        return out;
    }

    /** Jobs of one image still in progress: their assigned versions are taken. */
    public List<JobRecord> activeJobsOfImage(String image) {
        List<JobRecord> out = new ArrayList<>();
        for (JobState s : List.of(JobState.QUEUED, JobState.RUNNING)) {
            out.addAll(jobs(new JobFilter(Optional.of(s), Optional.empty(), Optional.of(image), 10_000)));
        }
        return out;
    }

    /**
     * Jobs in progress (queued or running) whose completed backup found the content {@code sha256}, in the order their
     * backups completed, then by id: the first holds the content, any other is its duplicate. The order is the same
     * whichever job asks, so of two copies that finish their backups together exactly one goes on.
     */
    public List<String> inProgressWithContent(String sha256) {
        record Holder(String id, Instant backedUp) {
        }
        List<Holder> holders = db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT j.id, s.finished_at FROM jobs j JOIN stages s"
                    + " ON s.job_id = j.id WHERE j.source_sha256 = ? AND j.state IN (?, ?) AND s.stage = ?"
                    + " AND s.state = ?")) {
                bind(ps, sha256, JobState.QUEUED.name(), JobState.RUNNING.name(), Stage.BACKUP.name(),
                        StageState.DONE.name());
                List<Holder> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String at = rs.getString("finished_at");
                        out.add(new Holder(rs.getString("id"), at == null ? Instant.MAX : Instant.parse(at)));
                    }
                }
                return out;
            }
        });
        // Compared as instants: ISO strings of varying precision do not sort as text.
        return holders.stream().sorted(java.util.Comparator.comparing(Holder::backedUp).thenComparing(Holder::id))
                .map(Holder::id).toList();
    }

    /** The recorded result of a completed stage. */
    public Optional<String> stageResult(String jobId, Stage stage) {
        return stages(jobId).stream().filter(s -> s.stage() == stage && s.state() == StageState.DONE)
                .findFirst().flatMap(StageRecord::resultJson);
    }

    public List<StageRecord> stages(String jobId) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM stages WHERE job_id = ?")) {
                ps.setString(1, jobId);
                List<StageRecord> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new StageRecord(Stage.valueOf(rs.getString("stage")),
                                StageState.valueOf(rs.getString("state")), rs.getInt("attempts"),
                                instant(rs, "started_at"), instant(rs, "finished_at"), rs.getLong("bytes_total"),
                                rs.getLong("bytes_done"), rs.getLong("bytes_read"), rs.getLong("bytes_written"),
                                Optional.ofNullable(rs.getString("result_json")),
                                Optional.ofNullable(rs.getString("error"))));
                    }
                }
                out.sort(java.util.Comparator.comparing(StageRecord::stage));
                return out;
            }
        });
    }

    /** Count of jobs per state, for health and metrics. */
    public java.util.Map<JobState, Integer> countByState() {
        return db.read(c -> {
            java.util.Map<JobState, Integer> out = new java.util.EnumMap<>(JobState.class);
            for (JobState s : JobState.values()) {
                out.put(s, 0);
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT state, COUNT(*) FROM jobs GROUP BY state");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(JobState.valueOf(rs.getString(1)), rs.getInt(2));
                }
            }
            return out;
        });
    }

    private JobRecord job(ResultSet rs) throws SQLException {
        return new JobRecord(rs.getString("id"), Optional.ofNullable(rs.getString("batch_id")),
                rs.getString("source_name"), rs.getLong("source_size"), read(rs.getString("metadata_json")),
                JobState.valueOf(rs.getString("state")),
                Optional.ofNullable(rs.getString("current_stage")).map(Stage::valueOf),
                Optional.ofNullable(rs.getString("source_sha256")), Optional.ofNullable(rs.getString("image_version")),
                Optional.ofNullable(rs.getString("verdict")), Instant.parse(rs.getString("created_at")),
                Instant.parse(rs.getString("updated_at")), instant(rs, "finished_at"),
                Optional.ofNullable(rs.getString("error_json")), Optional.ofNullable(rs.getString("node_id")));
    }

    private static Optional<Instant> instant(ResultSet rs, String column) throws SQLException {
        return Optional.ofNullable(rs.getString(column)).map(Instant::parse);
    }

    private String write(ImageMetadata m) {
        try {
            return json.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private ImageMetadata read(String s) {
        try {
            return json.readValue(s, ImageMetadata.class);
        } catch (JsonProcessingException e) {
            throw new StoreException("journal holds unreadable metadata: " + e.getOriginalMessage());
        }
    }
}
