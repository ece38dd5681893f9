package io.vhdflow.disk.container;

/** Told how far a long pass over a disk has come; called from the working thread, keep it cheap. */
@FunctionalInterface
public interface ProgressListener {
    /** No progress reporting. */
    ProgressListener NONE = (done, total) -> { };

    /** {@code done} of {@code total} bytes processed. */
    void progress(long done, long total);
}
