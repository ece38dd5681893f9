package io.vhdflow.pipeline;

/** State of one stage of one job. */
public enum StageState {
    RUNNING, DONE, FAILED, SKIPPED
}
