package io.vhdflow.pipeline;

import java.time.Duration;

/**
 * Told when a stage attempt ends, for metrics. Called on the pipeline thread after the journal
 * recorded the outcome; implementations must be quick and must not throw.
 */
@FunctionalInterface
public interface StageObserver {

    /**
     * @param outcome the stage's outcome when it completed, null when it failed
     */
    void stageEnded(String jobId, Stage stage, StageState state, Duration took, StageOutcome outcome);
}
