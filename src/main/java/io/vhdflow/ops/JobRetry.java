package io.vhdflow.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vhdflow.pipeline.HomeLayout;
import io.vhdflow.pipeline.IntakeService;
import io.vhdflow.pipeline.JobJournal;
import io.vhdflow.pipeline.JobRecord;
import io.vhdflow.pipeline.JobState;
import io.vhdflow.pipeline.Stage;
import io.vhdflow.pipeline.StageRecord;
import io.vhdflow.pipeline.StageState;
import io.vhdflow.source.BlobJob;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * Puts a failed job back to work. The job must be FAILED with its original still in
 * {@code failed/<job>/}; the folder goes back to {@code work/<job>/} (a rename), the job is
 * QUEUED again and the caller sends it to the pipeline, where it starts at its first stage not
 * DONE (stages already done, e.g. a verified backup, are not repeated). A job that failed at
 * intake (bad sidecar) first has its sidecar read again from {@code failed/<job>/}, so the operator
 * corrects it there; while it is still invalid nothing changes.
 *
 * <p>The FAILED → QUEUED change is one conditional update, so repeated or concurrent retries of
 * one failure queue the job exactly once; every other call answers {@link Outcome.Conflict}.
 */
public final class JobRetry {
    private static final System.Logger LOG = System.getLogger(JobRetry.class.getName());

    /** What a retry did. */
    public sealed interface Outcome {
        /** Queued again; send {@code jobId} to the pipeline. {@code resumesAt} is the first stage to run. */
        record Queued(String jobId, String resumesAt) implements Outcome {
        }

        record NotFound(String jobId) implements Outcome {
        }

        /** Not retryable now (not FAILED, or its files are not in failed/&lt;job&gt;/). */
        record Conflict(String message, Optional<JobState> state) implements Outcome {
        }

        /** The sidecar of an intake failure is still invalid. */
        record StillInvalid(String message, List<String> problems) implements Outcome {
        }
    }

    private final HomeLayout home;
    private final JobJournal journal;
    private final IntakeService intake;
    private final ObjectMapper json;

    public JobRetry(HomeLayout home, JobJournal journal, IntakeService intake, ObjectMapper json) {
        this.home = home;
        this.journal = journal;
        this.intake = intake;
        this.json = json;
    }

    public Outcome retry(String jobId) throws IOException {
        Optional<JobRecord> found = journal.job(jobId);
        if (found.isEmpty()) {
            return new Outcome.NotFound(jobId);
        }
        JobRecord job = found.get();
        if (job.state() != JobState.FAILED) {
            return new Outcome.Conflict("job " + jobId + " is " + job.state().name().toLowerCase(java.util.Locale.ROOT)
                    + ", not failed; only failed jobs can be retried", Optional.of(job.state()));
        }
        Path failed = home.jobFailed(jobId);
        Path work = home.jobWork(jobId);
        boolean blobJob = Files.isRegularFile(failed.resolve(job.sourceName() + BlobJob.SUFFIX));
        if (!Files.isRegularFile(failed.resolve(job.sourceName())) && !blobJob) {
            return new Outcome.Conflict("the original " + job.sourceName() + " is not in " + failed
                    + "; put it back there to retry, or drop it again as a new job", Optional.of(job.state()));
        }
        if (Files.exists(work)) {
            return new Outcome.Conflict(work + " already exists; move it aside before retrying", Optional.of(job.state()));
        }
        boolean atIntake = failedAtIntake(job);
        if (atIntake && BlobJob.isJobFile(failed.resolve(job.sourceName()))) {
            return new Outcome.Conflict("the job file " + job.sourceName() + " could not be used at intake; correct it"
                    + " and drop it again as a new job", Optional.of(job.state()));
        }
        if (atIntake) {
            IntakeService.SidecarCheck check = intake.checkSidecar(failed, job.sourceName());
            if (!check.problems().isEmpty()) {
                return new Outcome.StillInvalid("the sidecar " + failed.resolve(job.sourceName() + ".json")
                        + " is still invalid; correct it there and retry", check.problems());
            }
            journal.setMetadata(jobId, check.metadata());
        }
        String previousError = job.errorJson().orElse(null);
        if (!journal.requeueFailed(jobId)) {
            return new Outcome.Conflict("job " + jobId + " was retried by another request", journal.job(jobId)
                    .map(JobRecord::state));
        }
        try {
            Files.move(failed, work, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            journal.finishJob(jobId, JobState.FAILED, Optional.ofNullable(previousError));
            if (e instanceof AtomicMoveNotSupportedException) {
                throw new IOException("failed/ and work/ must be on one filesystem; " + failed + " stays", e);
            }
            throw e;
        }
        // The old error stays beside the original for the record, under a name the failure step never writes.
        for (String name : List.of("error.json", "error.txt")) {
            Path f = work.resolve(name);
            if (Files.exists(f)) {
                Files.move(f, work.resolve("previous-" + name), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        String resumesAt = atIntake ? (blobJob ? Stage.FETCH : Stage.BACKUP).id()
                : firstStageNotDone(jobId, blobJob);
        LOG.log(System.Logger.Level.INFO, "job {0}: retried, back in {1}, resumes at {2}", jobId, work, resumesAt);
        return new Outcome.Queued(jobId, resumesAt);
    }

    /** Whether the recorded error (a {@code JobError}) names intake as the failing stage. */
    private boolean failedAtIntake(JobRecord job) {
        if (job.errorJson().isEmpty()) {
            return false;
        }
        try {
            return "intake".equals(json.readTree(job.errorJson().get()).path("stage").asText());
        } catch (IOException e) {
            return false;
        }
    }

    private String firstStageNotDone(String jobId, boolean fetches) {
        List<StageRecord> stages = journal.stages(jobId);
        for (Stage s : Stage.values()) {
            if (s == Stage.FETCH && !fetches) {
                continue;
            }
            if (stages.stream().noneMatch(r -> r.stage() == s && r.state() == StageState.DONE)) {
                return s.id();
            }
        }
        return "completion";
    }
}
