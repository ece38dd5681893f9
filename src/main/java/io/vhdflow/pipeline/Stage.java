package io.vhdflow.pipeline;

/** The pipeline's stages, in the order every job passes through them. */
public enum Stage {
    BACKUP, VERIFY, PACKAGE, REGISTER;

    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
