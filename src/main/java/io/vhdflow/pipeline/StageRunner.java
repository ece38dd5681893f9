package io.vhdflow.pipeline;

import io.vhdflow.disk.DiskException;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * Runs one stage of one job with the journal's bookkeeping: skips a stage already recorded DONE
 * (resume after a crash) and jobs already final, records start, progress, outcome and failure,
 * and turns a corrupt-image error into a final rejection naming the structure and byte offset.
 */
public final class StageRunner {
    private final JobJournal journal;
    private final List<StageObserver> observers = new java.util.concurrent.CopyOnWriteArrayList<>();

    public StageRunner(JobJournal journal) {
        this.journal = journal;
    }

    /** Adds an observer told of every stage attempt's end (metrics). */
    public void addObserver(StageObserver observer) {
        observers.add(observer);
    }

    private void ended(String jobId, Stage stage, StageState state, long startNanos, StageOutcome outcome) {
        Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
        for (StageObserver o : observers) {
            try {
                o.stageEnded(jobId, stage, state, took, outcome);
            } catch (RuntimeException e) {
                // An observer is bookkeeping; it must never fail the job.
                System.getLogger(StageRunner.class.getName()).log(System.Logger.Level.WARNING,
                        "stage observer failed: " + e);
            }
        }
    }

    public void run(String jobId, Stage stage, StageWork work) throws IOException, JobRejectedException {
        JobRecord job = journal.job(jobId).orElseThrow(() -> new IllegalArgumentException("no job " + jobId));
        if (job.state().isFinal() || journal.isStageDone(jobId, stage) || !work.appliesTo(job)) {
            return;
        }
        journal.startStage(jobId, stage, work.bytesTotal(job));
        long start = System.nanoTime();
        try {
            StageOutcome outcome = work.run(job, new JournalProgress(journal, jobId, stage));
            journal.completeStage(jobId, stage, outcome);
            ended(jobId, stage, StageState.DONE, start, outcome);
        } catch (JobRejectedException e) {
            journal.failStage(jobId, stage, e.getMessage());
            ended(jobId, stage, StageState.FAILED, start, null);
            throw e;
        } catch (DiskException e) {
            journal.failStage(jobId, stage, e.getMessage());
            ended(jobId, stage, StageState.FAILED, start, null);
            throw new JobRejectedException(JobError.ofDiskFailure(e, stage.id(), job.sourceName()), e);
        } catch (IOException | RuntimeException e) {
            journal.failStage(jobId, stage, String.valueOf(e.getMessage()));
            ended(jobId, stage, StageState.FAILED, start, null);
            throw e;
        }
    }
}
