package io.vhdflow.pipeline;

import java.io.IOException;
import java.util.Optional;

/** The last step: every stage done, so the original (safe in its verified backup) leaves the work area. */
public final class JobCompletion {
    private static final System.Logger LOG = System.getLogger(JobCompletion.class.getName());

    private final JobJournal journal;
    private final JobWorkFolder workFolder;

    public JobCompletion(JobJournal journal, JobWorkFolder workFolder) {
        this.journal = journal;
        this.workFolder = workFolder;
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
    }
}
