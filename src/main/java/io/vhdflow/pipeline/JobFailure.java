package io.vhdflow.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * Ends a job as failed: its folder moves (a rename, nothing copied, nothing lost) from
 * {@code work/<job>/} to {@code failed/<job>/} with {@code error.json} and a readable
 * {@code error.txt}, and the journal records the error.
 */
public final class JobFailure {
    private static final System.Logger LOG = System.getLogger(JobFailure.class.getName());

    private final HomeLayout home;
    private final JobJournal journal;
    private final ObjectMapper json;

    public JobFailure(HomeLayout home, JobJournal journal, ObjectMapper json) {
        this.home = home;
        this.journal = journal;
        this.json = json;
    }

    public void fail(String jobId, JobError error) throws IOException {
        JobRecord job = journal.job(jobId).orElseThrow(() -> new IllegalArgumentException("no job " + jobId));
        String errorJson = json.writerWithDefaultPrettyPrinter().writeValueAsString(error);
        Path work = home.jobWork(jobId);
        Path failed = home.jobFailed(jobId);
        Path target = Files.isDirectory(work) ? work : failed;
        Files.createDirectories(target);
        Files.writeString(target.resolve("error.json"), errorJson + "\n", StandardCharsets.UTF_8);
        Files.writeString(target.resolve("error.txt"), error.toText(jobId, job.sourceName()), StandardCharsets.UTF_8);
        if (target.equals(work)) {
            // The staged conversion is derived from the original, which moves with the job; drop it.
            Path staged = JobWorkFolder.stagedIn(work);
            if (Files.isDirectory(staged)) {
                BackupService.deleteTree(staged);
            }
            Files.createDirectories(home.failed());
            try {
                Files.move(work, failed, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("failed/ and work/ must be on one filesystem so a failed job can be moved "
                        + "without copying; " + work + " stays where it is", e);
            }
        }
        journal.finishJob(jobId, JobState.FAILED, Optional.of(errorJson));
        LOG.log(System.Logger.Level.WARNING, "job {0} ({1}) failed in {2}: {3} -> {4}", jobId, job.sourceName(),
                error.stage(), error.message(), failed);
    }
}
