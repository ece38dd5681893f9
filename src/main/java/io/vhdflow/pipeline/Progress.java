package io.vhdflow.pipeline;

/** Receives bytes done so far by a long stage. Implementations rate-limit their own reporting. */
@FunctionalInterface
public interface Progress {
    Progress NONE = done -> { };

    void bytesDone(long done);
}
