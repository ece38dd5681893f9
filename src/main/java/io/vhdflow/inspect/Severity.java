package io.vhdflow.inspect;

/**
 * How much a failed check matters under a policy (see {@code docs/checks.md}, "Severity and the
 * verdict"): a failed {@code MUST} blocks publication, a failed {@code SHOULD} is a warning (a
 * blocker under {@code strict}), {@code INFO} is a signal only.
 */
public enum Severity {
    /** Blocks: VMs would not provision or boot, or would share a way in or a credential. */
    MUST,
    /** Warns: a documented requirement or recommendation, or a leftover known to be harmless enough. */
    SHOULD,
    /** A useful signal only. */
    INFO
}
