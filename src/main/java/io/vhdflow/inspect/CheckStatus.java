package io.vhdflow.inspect;

/** Outcome of one check; its JSON form is the lower-case label. */
public enum CheckStatus {
    PASS("pass"),
    FAIL("fail"),
    /** The check does not apply to this image (e.g. a Windows check on Linux). */
    NOT_APPLICABLE("not-applicable"),
    /** The check could not be evaluated (unreadable data, encrypted volume): see its evidence. */
    NOT_RUN("not-run"),
    /**
     * The check failed but the operator waived it by configuration: still reported with its
     * evidence, no longer deciding the verdict.
     */
    WAIVED("waived");

    private final String label;

    CheckStatus(String label) {
        this.label = label;
    }

    @com.fasterxml.jackson.annotation.JsonValue
    public String label() {
        return label;
    }
}
