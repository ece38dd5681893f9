package io.vhdflow.pipeline;

/** Where a job stands. */
public enum JobState {
    /** Taken in, waiting for a pipeline slot. */
    QUEUED,
    /** A stage is running. */
    RUNNING,
    /** Every stage complete: backed up, verified, packaged, registered. */
    DONE,
    /** Its content is already registered; backed up but not registered twice. */
    DUPLICATE,
    /** Stopped for good; its files are in {@code failed/<job>/}. */
    FAILED;

    public boolean isFinal() {
        return this == DONE || this == DUPLICATE || this == FAILED;
    }
}
