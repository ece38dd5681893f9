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
    private final SpaceReserve reserve;

    public JobFailure(HomeLayout home, JobJournal journal, ObjectMapper json) {
        this(home, journal, json, SpaceReserve.none());
    }

    /** @param reserve space given up to record a failure when the disk is full */
    public JobFailure(HomeLayout home, JobJournal journal, ObjectMapper json, SpaceReserve reserve) {
        this.home = home;
        this.journal = journal;
        this.json = json;
        this.reserve = reserve;
    }

    /**
     * Ends the job FAILED with {@code error}. When recording it fails (a full disk: the error
     * files or the journal cannot grow), the space reserve is released and it is tried once more;
     * if that fails too the job stays unfinished in the journal and the next start resumes it.
     */
    public void fail(String jobId, JobError error) throws IOException {
        try {
            record(jobId, error);
        } catch (IOException | RuntimeException first) {
            if (!reserve.release()) {
                throw first;
            }
            try {
                record(jobId, error);
            } catch (IOException | RuntimeException second) {
                second.addSuppressed(first);
                throw second;
            }
        }
    }

    private void record(String jobId, JobError error) throws IOException {
        JobRecord job = journal.job(jobId).orElseThrow(() -> new IllegalArgumentException("no job " + jobId));
        String errorJson = json.writerWithDefaultPrettyPrinter().writeValueAsString(error);
        Path work = home.jobWork(jobId);
        Path failed = home.jobFailed(jobId);
        // The folder moves first: a rename needs no space, and the original is where failed/ says.
        if (Files.isDirectory(work)) {
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
        Files.createDirectories(failed);
        writeWhole(failed.resolve("error.json"), errorJson + "\n");
        writeWhole(failed.resolve("error.txt"), error.toText(jobId, job.sourceName()));
        journal.finishJob(jobId, JobState.FAILED, Optional.of(errorJson));
        LOG.log(System.Logger.Level.WARNING, "job {0} ({1}) failed in {2}: {3} -> {4}", jobId, job.sourceName(),
                error.stage(), error.message(), failed);
    }

    /** Written beside and renamed: a full disk leaves the old file or none, never an empty or cut one. */
    private static void writeWhole(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }
}
