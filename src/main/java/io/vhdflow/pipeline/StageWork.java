package io.vhdflow.pipeline;

import java.io.IOException;

/** The work of one stage for one job, in plain Java. */
public interface StageWork {

    /**
     * Does the stage's work. Must be idempotent: it may run again after a crash or a retry.
     *
     * @throws JobRejectedException for a failure retrying cannot fix
     * @throws IOException          for an I/O failure, retried with backoff
     */
    StageOutcome run(JobRecord job, Progress progress) throws IOException, JobRejectedException;

    /**
     * Whether the stage has work for this job at all; a stage that has none is not run and leaves
     * no record (a dropped disk has nothing to fetch).
     */
    default boolean appliesTo(JobRecord job) {
        return true;
    }

    /** Bytes the stage will process, for progress; 0 when unknown. */
    default long bytesTotal(JobRecord job) {
        return job.sourceSize();
    }
}
