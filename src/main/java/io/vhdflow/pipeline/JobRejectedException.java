package io.vhdflow.pipeline;

/**
 * A job failed for a reason that retrying cannot fix (bad VHD, not generalized, bad metadata, disk
 * full): the job ends in {@code failed/} at once. I/O failures are plain {@link java.io.IOException}s
 * and are retried instead.
 */
public class JobRejectedException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient JobError error;

    public JobRejectedException(JobError error) {
        super(error.message());
        this.error = error;
    }

    public JobRejectedException(JobError error, Throwable cause) {
        super(error.message(), cause);
        this.error = error;
    }

    public JobError error() {
        return error;
    }
}
