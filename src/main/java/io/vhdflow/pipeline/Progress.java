package io.vhdflow.pipeline;

/** Receives bytes done so far by a long stage. Implementations rate-limit their own reporting. */
@FunctionalInterface
public interface Progress {
    Progress NONE = done -> { };

    void bytesDone(long done);

    /**
     * Corrects the total announced when the stage started, once the stage knows it better (the
     * package stage writes the image's virtual size, not the dropped file's size).
     */
    default void bytesTotal(long total) {
    }
}
