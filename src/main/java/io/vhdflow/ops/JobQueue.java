package io.vhdflow.ops;

/** Where a job put back to work goes: the pipeline's queue. */
@FunctionalInterface
public interface JobQueue {
    void submit(String jobId);
}
