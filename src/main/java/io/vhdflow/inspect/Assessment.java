package io.vhdflow.inspect;

import java.util.List;

/**
 * What the checks say, decided by {@link VerdictRule}: every result (waivers applied), the verdict,
 * one reason per deciding check, and which failed checks block publication.
 *
 * @param checks   every check's result, in catalogue order; waived failures are {@code WAIVED}
 * @param verdict  the verdict
 * @param reasons  why: one line per deciding check or condition, then the waived failures
 * @param blocking ids of failed MUST checks that block publishing (waived ones and those packaging fixes excluded)
 */
public record Assessment(List<CheckResult> checks, Verdict verdict, List<String> reasons, List<String> blocking) {

    public Assessment {
        checks = List.copyOf(checks);
        reasons = List.copyOf(reasons);
        blocking = List.copyOf(blocking);
    }
}
