package io.vhdflow.inspect.linux;

import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.CheckStatus;
import io.vhdflow.inspect.Severity;

import java.io.IOException;
import java.util.List;

/**
 * One offline Linux generalization check (anchors §2.3). Implementations read the image through
 * {@link LinuxContext} only and return evidence naming the volume, the path and what was read.
 */
public interface LinuxCheck {

    /** Check id as in anchors §2.3 ({@code L1}...), or an {@code L<n><letter>} extension of one. */
    String id();

    String title();

    /** How much a failure matters under {@code policy}. */
    Severity severity(LinuxPolicy policy);

    /** The public source the check rests on. */
    String source();

    /** What the operator does when the check fails. */
    String remediation();

    /**
     * Runs the check. An I/O failure (unreadable or corrupt file) propagates and is reported by
     * {@link LinuxChecks#run} as not run.
     */
    CheckResult evaluate(LinuxContext ctx) throws IOException;

    /** A result of this check with the policy's severity. */
    default CheckResult result(LinuxContext ctx, CheckStatus status, List<String> evidence) {
        return new CheckResult(id(), title(), severity(ctx.policy()), status, evidence,
                status == CheckStatus.FAIL ? remediation() : "", source());
    }

    default CheckResult pass(LinuxContext ctx, List<String> evidence) {
        return result(ctx, CheckStatus.PASS, evidence);
    }

    default CheckResult fail(LinuxContext ctx, List<String> evidence) {
        return result(ctx, CheckStatus.FAIL, evidence);
    }

    default CheckResult notApplicable(LinuxContext ctx, String why) {
        return result(ctx, CheckStatus.NOT_APPLICABLE, List.of(why));
    }
}
