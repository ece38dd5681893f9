package io.vhdflow.inspect;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What an operating system's checks say, Linux or Windows alike: the results (waivers applied) and
 * the verdict they support. One rule for every OS, so a waiver or a MUST check means the same
 * everywhere.
 *
 * @param checks  every check's result, in catalog order; waived failures are {@code WAIVED}
 * @param verdict {@code NOT_GENERALIZED} when a MUST check failed (not waived);
 *                {@code CANNOT_DETERMINE} when none failed but a MUST check could not run;
 *                {@code GENERALIZED} otherwise
 * @param reasons one line per deciding check ({@code "L1 (MUST) failed, ..."}), then the waived failures
 */
public record OsAssessment(List<CheckResult> checks, Verdict verdict, List<String> reasons) {

    public OsAssessment {
        checks = List.copyOf(checks);
        reasons = List.copyOf(reasons);
    }

    /**
     * Applies {@code waivers} (check ids whose FAIL the operator accepts: reported as WAIVED with
     * their evidence, no longer deciding) and decides the verdict.
     */
    public static OsAssessment of(List<CheckResult> results, Set<String> waivers) {
        List<CheckResult> checks = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        List<String> notRun = new ArrayList<>();
        List<String> waived = new ArrayList<>();
        for (CheckResult r : results) {
            if (r.status() == CheckStatus.FAIL && waivers.contains(r.id())) {
                List<String> ev = new ArrayList<>(r.evidence());
                ev.add("waived by configuration (the check failed; its failure does not decide the verdict)");
                r = new CheckResult(r.id(), r.title(), r.severity(), CheckStatus.WAIVED, ev, r.remediation(), r.source());
            }
            checks.add(r);
            String first = r.evidence().isEmpty() ? "" : ": " + r.evidence().get(0);
            if (r.status() == CheckStatus.FAIL && r.severity() == Severity.MUST) {
                failed.add(r.id() + " (MUST) failed, " + r.title() + first);
            } else if (r.status() == CheckStatus.NOT_RUN && r.severity() == Severity.MUST) {
                notRun.add(r.id() + " (MUST) could not run, " + r.title() + first);
            } else if (r.status() == CheckStatus.WAIVED) {
                waived.add(r.id() + " (" + r.severity() + ") failed but is waived, " + r.title());
            }
        }
        Verdict v;
        List<String> reasons = new ArrayList<>();
        if (!failed.isEmpty()) {
            v = Verdict.NOT_GENERALIZED;
            reasons.addAll(failed);
        } else if (!notRun.isEmpty()) {
            v = Verdict.CANNOT_DETERMINE;
            reasons.addAll(notRun);
        } else {
            v = Verdict.GENERALIZED;
            reasons.add("no MUST check failed");
        }
        reasons.addAll(waived);
        return new OsAssessment(checks, v, reasons);
    }
}
