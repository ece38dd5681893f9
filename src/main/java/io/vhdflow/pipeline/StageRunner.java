package io.vhdflow.pipeline;

import io.vhdflow.disk.DiskFormatException;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Runs one stage of one job with the journal's bookkeeping: skips a stage already recorded DONE
 * (resume after a crash) and jobs already final, records start, progress, outcome and failure,
 * and turns a corrupt-image error into a final rejection naming the structure and byte offset.
 */
public final class StageRunner {
    private final JobJournal journal;

    public StageRunner(JobJournal journal) {
        this.journal = journal;
    }

    public void run(String jobId, Stage stage, StageWork work) throws IOException, JobRejectedException {
        JobRecord job = journal.job(jobId).orElseThrow(() -> new IllegalArgumentException("no job " + jobId));
        if (job.state().isFinal() || journal.isStageDone(jobId, stage)) {
            return;
        }
        journal.startStage(jobId, stage, work.bytesTotal(job));
        try {
            StageOutcome outcome = work.run(job, new JournalProgress(journal, jobId, stage));
            journal.completeStage(jobId, stage, outcome);
        } catch (JobRejectedException e) {
            journal.failStage(jobId, stage, e.getMessage());
            throw e;
        } catch (DiskFormatException e) {
            journal.failStage(jobId, stage, e.getMessage());
            throw new JobRejectedException(new JobError("image.invalid", stage.id(),
                    job.sourceName() + " is not a valid disk image: " + e.getMessage(),
                    Optional.of(e.structure()), e.offset() >= 0 ? Optional.of(e.offset()) : Optional.empty(),
                    "check how the image was exported (the file may be truncated or not a VHD); export it again, "
                            + "or convert it with 'vhdflow vhd convert', and drop it again",
                    List.of()), e);
        } catch (IOException | RuntimeException e) {
            journal.failStage(jobId, stage, String.valueOf(e.getMessage()));
            throw e;
        }
    }
}
