package io.vhdflow.inspect.linux;

import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.Verdict;

import java.util.List;

/**
 * The Linux checks' contribution to the verification report.
 *
 * @param checks  every check's result, in catalog order
 * @param verdict {@code GENERALIZED} when no MUST check failed and all MUST checks ran;
 *                {@code NOT_GENERALIZED} when a MUST check failed (not waived);
 *                {@code CANNOT_DETERMINE} when none failed but a MUST check could not run
 * @param reasons one line per deciding check ({@code "L1 (MUST) failed: ..."}), and waived failures
 */
public record LinuxAssessment(List<CheckResult> checks, Verdict verdict, List<String> reasons) {
    public LinuxAssessment {
        checks = List.copyOf(checks);
        reasons = List.copyOf(reasons);
    }
}
