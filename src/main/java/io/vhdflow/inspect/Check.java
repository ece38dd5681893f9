package io.vhdflow.inspect;

import java.io.IOException;
import java.util.List;

/**
 * One offline check: a class with an id, a category, a severity per policy, what it reads, where
 * its rule comes from, and a {@link #run} that returns evidence. Checks are found by
 * {@link CheckCatalog} (no list to edit: a new class implementing {@link io.vhdflow.inspect.disk.DiskCheck},
 * {@link io.vhdflow.inspect.linux.LinuxCheck} or {@link io.vhdflow.inspect.windows.WindowsCheck} is a new
 * check), documented in {@code docs/checks.md} from these same methods, and judged by one rule,
 * {@link VerdictRule}.
 *
 * @param <C> what the check reads: the disk ({@code DiskContext}), a Linux or a Windows installation
 */
public interface Check<C extends CheckContext> {

    /** Stable id: {@code G3}, {@code L1}, {@code L7K}, {@code W6}. */
    String id();

    /** What the check asks, in a few words. */
    String title();

    Category category();

    /**
     * How much a failure matters under {@code policy} (one of the policies' {@link Policy#rules()}):
     * by default what the category says ({@link Category#defaultSeverity()}); a check that declares
     * less says why in {@code docs/checks.md}.
     */
    default Severity severity(Policy policy) {
        return category().defaultSeverity();
    }

    /** What it reads, for the catalogue: paths, registry values, structures. */
    String reads();

    /**
     * Where the rule comes from (documentation, tool behaviour), for the catalogue: short, and
     * ending with the check's entry in {@code docs/checks.md}, which gives the full citation.
     */
    String source();

    /** What the operator does when it fails: one line, runnable in the source VM where possible. */
    String remediation();

    /** Whether packaging itself fixes a failure (conversion to a fixed VHD of a whole MiB), so it never blocks. */
    default boolean fixedByPackaging() {
        return false;
    }

    /**
     * Runs the check. An unreadable or damaged file propagates as an {@link IOException} and is
     * reported by {@link CheckRunner} as not run, never as a pass.
     */
    CheckResult run(C ctx) throws IOException;

    /** A result of this check, with the policy's severity and, when it failed, the remediation. */
    default CheckResult result(C ctx, CheckStatus status, List<String> evidence) {
        return new CheckResult(id(), title(), category(), severity(ctx.policy()), status, evidence,
                status == CheckStatus.FAIL ? remediation() : "", source());
    }

    default CheckResult pass(C ctx, List<String> evidence) {
        return result(ctx, CheckStatus.PASS, evidence);
    }

    default CheckResult fail(C ctx, List<String> evidence) {
        return result(ctx, CheckStatus.FAIL, evidence);
    }

    /**
     * A failure that warns rather than blocks: reported as failed with severity {@code SHOULD} (or the
     * check's own, if lower), whatever the check's severity under the policy. For findings a check
     * knows to be harmless enough, e.g. SSH host keys that the first boot regenerates, or a sudo rule
     * for an account that no longer exists. Under {@code strict} a warning blocks ({@link VerdictRule}).
     */
    default CheckResult warn(C ctx, List<String> evidence) {
        Severity own = severity(ctx.policy());
        Severity s = own == Severity.INFO ? Severity.INFO : Severity.SHOULD;
        return new CheckResult(id(), title(), category(), s, CheckStatus.FAIL, evidence, remediation(), source());
    }

    default CheckResult notApplicable(C ctx, String why) {
        return result(ctx, CheckStatus.NOT_APPLICABLE, List.of(why));
    }

    default CheckResult notRun(C ctx, List<String> evidence) {
        return result(ctx, CheckStatus.NOT_RUN, evidence);
    }
}
