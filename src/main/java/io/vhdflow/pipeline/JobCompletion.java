package io.vhdflow.pipeline;

import java.io.IOException;
import java.util.Optional;

/**
 * The last step: every stage done, so the original (safe in its verified backup) leaves the work
 * area, and the image's backups are trimmed to the configured number of registered ones.
 */
public final class JobCompletion {
    private static final System.Logger LOG = System.getLogger(JobCompletion.class.getName());

    private final JobJournal journal;
    private final JobWorkFolder workFolder;
    private final BackupRetention retention;

    public JobCompletion(JobJournal journal, JobWorkFolder workFolder, BackupRetention retention) {
        this.journal = journal;
        this.workFolder = workFolder;
        this.retention = retention;
    }

    /** Ends the job DONE, unless it already ended (a duplicate, a failure). */
    public void run(String jobId) throws IOException {
        JobRecord job = journal.job(jobId).orElseThrow();
        if (job.state().isFinal()) {
            return;
        }
        workFolder.remove(job);
        journal.finishJob(jobId, JobState.DONE, Optional.empty());
        LOG.log(System.Logger.Level.INFO, "job {0}: done, {1} {2} registered", jobId, job.imageName(),
                journal.job(jobId).flatMap(JobRecord::imageVersion).orElse("?"));
        // Only now does the backup count as a good one; older ones of the image may go.
        retention.apply(job);
    }
}
