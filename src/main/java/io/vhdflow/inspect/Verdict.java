package io.vhdflow.inspect;

/** Whether the image is safe to publish as generalized. */
public enum Verdict {
    GENERALIZED("generalized"),
    NOT_GENERALIZED("not-generalized"),
    /** Encrypted, unreadable, unknown OS, or the checks that decide it could not run. */
    CANNOT_DETERMINE("cannot-determine");

    private final String label;

    Verdict(String label) {
        this.label = label;
    }

    @com.fasterxml.jackson.annotation.JsonValue
    public String label() {
        return label;
    }
}
