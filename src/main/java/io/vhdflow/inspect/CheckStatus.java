package io.vhdflow.inspect;

/** Outcome of one check. */
public enum CheckStatus {
    PASS,
    FAIL,
    /** The check does not apply to this image (e.g. a Windows check on Linux). */
    NOT_APPLICABLE,
    /** The check could not be evaluated (no reader for that layer yet, unreadable data): see its evidence. */
    NOT_RUN,
    /**
     * The check failed but the operator waived it by configuration: still reported with its
     * evidence, no longer deciding the verdict.
     */
    WAIVED
}
