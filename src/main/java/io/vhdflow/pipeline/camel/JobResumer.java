package io.vhdflow.pipeline.camel;

import io.vhdflow.pipeline.JobJournal;
import io.vhdflow.pipeline.JobRecord;

import java.util.List;

/** Lists the jobs a crash or kill interrupted, so the resume route can send them back to the pipeline. */
public final class JobResumer {
    private static final System.Logger LOG = System.getLogger(JobResumer.class.getName());

    private final JobJournal journal;

    public JobResumer(JobJournal journal) {
        this.journal = journal;
    }

    public List<String> unfinishedJobs() {
        List<String> ids = journal.unfinishedJobs().stream().map(JobRecord::id).toList();
        if (!ids.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "resuming {0} interrupted job(s): {1}", ids.size(), ids);
        }
        return ids;
    }
}
