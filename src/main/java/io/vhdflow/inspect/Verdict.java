package io.vhdflow.inspect;

/**
 * Whether the image is safe to publish: VMs made from it provision and boot, and it hands them no
 * leftover way in and no credentials. One vocabulary for the CLI, the JSON report, the API, the
 * dashboard and the journal; {@link VerdictRule} decides it.
 */
public enum Verdict {
    /** Every blocking check passed; warnings may remain (listed in the report). */
    READY("ready"),
    /** At least one blocking check failed; the report names the categories and checks. */
    NOT_READY("not-ready"),
    /** Nothing proves a blocker, but no OS was found, or a check that decides could not run. */
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
