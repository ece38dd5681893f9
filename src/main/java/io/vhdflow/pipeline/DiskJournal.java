package io.vhdflow.pipeline;

import io.vhdflow.store.Database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.vhdflow.store.Database.update;

/**
 * The journal of a multi-disk job's disks: which files it holds in which role and LUN, and each
 * disk's own progress through the stages (the job's row in {@code stages} stays the one decision;
 * these rows say how far each disk got). Tables of {@code V6__vm_image_disks.sql}.
 */
public final class DiskJournal {
    private final Database db;

    public DiskJournal(Database db) {
        this.db = db;
    }

    /** Records the disks of a new job, in one transaction. */
    public void createDisks(String jobId, List<JobDisk> disks) {
        db.transaction(c -> {
            for (JobDisk d : disks) {
                update(c, "INSERT INTO job_disks(job_id, disk_no, file_name, role, lun, host_caching, size_bytes,"
                                + " modified_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", jobId, d.diskNo(), d.fileName(),
                        d.role().label(), d.lun().orElse(null), d.hostCaching().orElse(null), d.size(),
                        d.modifiedAt().toString());
            }
            return null;
        });
    }

    /** The job's disks, OS disk first; empty for a single-disk job. */
    public List<JobDisk> disks(String jobId) {
        return db.read(c -> {
            List<JobDisk> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM job_disks WHERE job_id = ? ORDER BY disk_no")) {
                ps.setString(1, jobId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        int lun = rs.getInt("lun");
                        Optional<Integer> l = rs.wasNull() ? Optional.empty() : Optional.of(lun);
                        out.add(new JobDisk(rs.getInt("disk_no"), rs.getString("file_name"),
                                JobDisk.Role.valueOf(rs.getString("role").toUpperCase(java.util.Locale.ROOT)), l,
                                Optional.ofNullable(rs.getString("host_caching")), rs.getLong("size_bytes"),
                                Instant.parse(rs.getString("modified_at")),
                                Optional.ofNullable(rs.getString("source_sha256"))));
                    }
                }
            }
            return out;
        });
    }

    public boolean isMultiDisk(String jobId) {
        return !disks(jobId).isEmpty();
    }

    public void setSourceSha256(String jobId, int diskNo, String sha256) {
        db.read(c -> update(c, "UPDATE job_disks SET source_sha256 = ? WHERE job_id = ? AND disk_no = ?", sha256,
                jobId, diskNo));
    }

    public void start(String jobId, int diskNo, Stage stage, long bytesTotal) {
        db.read(c -> update(c, "INSERT INTO job_disk_stages(job_id, disk_no, stage, state, started_at, bytes_total)"
                        + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(job_id, disk_no, stage) DO UPDATE SET"
                        + " state = excluded.state, started_at = excluded.started_at, bytes_total = excluded.bytes_total,"
                        + " bytes_done = 0, finished_at = NULL, error = NULL",
                jobId, diskNo, stage.name(), StageState.RUNNING.name(), Instant.now().toString(), bytesTotal));
    }

    public void progress(String jobId, int diskNo, Stage stage, long bytesDone, long bytesTotal) {
        db.read(c -> update(c, "UPDATE job_disk_stages SET bytes_done = ?, bytes_total = ? WHERE job_id = ?"
                + " AND disk_no = ? AND stage = ?", bytesDone, bytesTotal, jobId, diskNo, stage.name()));
    }

    public void complete(String jobId, int diskNo, Stage stage, String resultJson) {
        db.read(c -> update(c, "UPDATE job_disk_stages SET state = ?, finished_at = ?, bytes_done = bytes_total,"
                        + " result_json = ?, error = NULL WHERE job_id = ? AND disk_no = ? AND stage = ?",
                StageState.DONE.name(), Instant.now().toString(), resultJson, jobId, diskNo, stage.name()));
    }

    public void fail(String jobId, int diskNo, Stage stage, String error, Optional<String> resultJson) {
        db.read(c -> update(c, "UPDATE job_disk_stages SET state = ?, finished_at = ?, error = ?,"
                        + " result_json = COALESCE(?, result_json) WHERE job_id = ? AND disk_no = ? AND stage = ?",
                StageState.FAILED.name(), Instant.now().toString(), error, resultJson.orElse(null), jobId, diskNo,
                stage.name()));
    }

    /** Keeps a disk's stage result now, whatever the stage's outcome (a data disk's report when it blocks). */
    public void recordResult(String jobId, int diskNo, Stage stage, String resultJson) {
        db.read(c -> update(c, "UPDATE job_disk_stages SET result_json = ? WHERE job_id = ? AND disk_no = ? AND stage = ?",
                resultJson, jobId, diskNo, stage.name()));
    }

    public boolean isDone(String jobId, int diskNo, Stage stage) {
        return stage(jobId, diskNo, stage).map(s -> s.state() == StageState.DONE).orElse(false);
    }

    public Optional<String> result(String jobId, int diskNo, Stage stage) {
        return stage(jobId, diskNo, stage).flatMap(DiskStage::resultJson);
    }

    /** One disk's record of one stage. */
    public record DiskStage(int diskNo, Stage stage, StageState state, Optional<Instant> startedAt,
                            Optional<Instant> finishedAt, long bytesTotal, long bytesDone, Optional<String> resultJson,
                            Optional<String> error) {
    }

    public Optional<DiskStage> stage(String jobId, int diskNo, Stage stage) {
        return stages(jobId).stream().filter(s -> s.diskNo() == diskNo && s.stage() == stage).findFirst();
    }

    /** Every disk's stage records of the job, by disk then stage order. */
    public List<DiskStage> stages(String jobId) {
        return db.read(c -> stages(c, jobId));
    }

    private static List<DiskStage> stages(Connection c, String jobId) throws SQLException {
        List<DiskStage> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM job_disk_stages WHERE job_id = ?")) {
            ps.setString(1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new DiskStage(rs.getInt("disk_no"), Stage.valueOf(rs.getString("stage")),
                            StageState.valueOf(rs.getString("state")),
                            Optional.ofNullable(rs.getString("started_at")).map(Instant::parse),
                            Optional.ofNullable(rs.getString("finished_at")).map(Instant::parse),
                            rs.getLong("bytes_total"), rs.getLong("bytes_done"),
                            Optional.ofNullable(rs.getString("result_json")), Optional.ofNullable(rs.getString("error"))));
                }
            }
        }
        out.sort(java.util.Comparator.comparingInt(DiskStage::diskNo).thenComparing(DiskStage::stage));
        return out;
    }
}
