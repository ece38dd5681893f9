package io.vhdflow.pipeline;

/**
 * The pipeline's stages, in the order every job passes through them. {@code FETCH} lands the disk
 * a blob job file names as a local file; a job from a dropped disk skips it (it leaves no record).
 */
public enum Stage {
    FETCH, BACKUP, VERIFY, PACKAGE, REGISTER;

    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
