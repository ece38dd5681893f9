package io.vhdflow.pipeline;

import java.io.IOException;

/**
 * The backup stage: the job's one read of the original makes its backup, its SHA-256 (which
 * identifies the job's content from now on) and the staged conversion the package stage uses.
 */
public final class BackupStage implements StageWork {
    private final BackupService backup;
    private final JobWorkFolder workFolder;
    private final JobJournal journal;

    public BackupStage(BackupService backup, JobWorkFolder workFolder, JobJournal journal) {
        this.backup = backup;
        this.workFolder = workFolder;
        this.journal = journal;
    }

    @Override
    public StageOutcome run(JobRecord job, Progress progress) throws IOException, JobRejectedException {
        BackupService.BackupResult r = backup.backup(job, workFolder.original(job), workFolder.staged(job), progress);
        journal.setSourceSha256(job.id(), r.sha256());
        return r.outcome();
    }
}
