package io.vhdflow.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vhdflow.catalog.Catalog;
import io.vhdflow.catalog.ImageVersionRecord;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * After backup, before any packaging: content already registered, or already being processed by a job whose backup
 * completed first, makes the job a duplicate, ended without packaging or registering. Also what ending as a
 * duplicate means, for the register stage when the catalog finds the same content registered in the meantime.
 */
public final class DuplicateCheck {
    private static final System.Logger LOG = System.getLogger(DuplicateCheck.class.getName());

    private final JobJournal journal;
    private final Catalog catalog;
    private final BackupService backup;
    private final JobWorkFolder workFolder;
    private final ObjectMapper json;

    public DuplicateCheck(JobJournal journal, Catalog catalog, BackupService backup, JobWorkFolder workFolder,
                          ObjectMapper json) {
        this.journal = journal;
        this.catalog = catalog;
        this.backup = backup;
        this.workFolder = workFolder;
        this.json = json;
    }

    /** Ends the job as DUPLICATE when its backed-up content is already in the catalog or in progress in another job. */
    public void run(String jobId) throws IOException {
        JobRecord job = journal.job(jobId).orElseThrow();
        if (job.state().isFinal() || job.sourceSha256().isEmpty()) {
            return;
        }
        Optional<ImageVersionRecord> existing = catalog.findBySourceSha256(job.sourceSha256().get());
        // A row of this very job is its own registration, met again when it resumes after a crash
        // that followed the catalog write: the register stage finishes it, it is no duplicate.
        if (existing.isPresent() && !existing.get().sourceJob().equals(jobId)) {
            finishAsDuplicate(job, existing.get());
            return;
        }
        List<String> holders = journal.inProgressWithContent(job.sourceSha256().get());
        if (!holders.isEmpty() && !holders.get(0).equals(jobId)) {
            String holder = holders.get(0);
            finish(job, "the same content (SHA-256 " + job.sourceSha256().get() + ") is being processed by job "
                    + holder + "; it is packaged and registered once");
            LOG.log(System.Logger.Level.INFO, "job {0}: duplicate of job {1} in progress; not packaged", job.id(),
                    holder);
        }
    }

    /** Ends {@code job} as a duplicate of {@code existing}: the work folder goes, the backup stays. */
    void finishAsDuplicate(JobRecord job, ImageVersionRecord existing) throws IOException {
        finish(job, "the same content (SHA-256 " + existing.sourceSha256() + ") is already registered as "
                + existing.gallery() + "/" + existing.image() + " " + existing.version() + " by job "
                + existing.sourceJob());
        LOG.log(System.Logger.Level.INFO, "job {0}: duplicate of {1}/{2} {3}; not registered again", job.id(),
                existing.gallery(), existing.image(), existing.version());
    }

    private void finish(JobRecord job, String message) throws IOException {
        workFolder.remove(job);
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("code", "image.duplicate");
        info.put("message", message);
        info.put("backup", backup.backupFile(job).toString());
        journal.finishJob(job.id(), JobState.DUPLICATE, Optional.of(json.writeValueAsString(info)));
    }
}
