package io.vhdflow.inspect;

import java.util.List;

/**
 * The result of one check, with the evidence that decided it.
 *
 * @param id          check id: {@code G3}, {@code L1}, {@code W1}, ... (see {@code docs/checks.md})
 * @param title       what the check asks, in a few words
 * @param category    what the check protects
 * @param severity    how much a failure matters under the policy applied
 * @param status      the outcome
 * @param evidence    what was read, where: e.g. {@code "footer at byte 41943040: current size 41943040 (40 MiB)"}
 * @param remediation what to do when it failed
 * @param source      where the check's rule comes from
 */
public record CheckResult(String id, String title, Category category, Severity severity, CheckStatus status,
                          List<String> evidence, String remediation, String source) {

    public CheckResult {
        evidence = List.copyOf(evidence);
    }

    public boolean failed() {
        return status == CheckStatus.FAIL;
    }

    /** The same result with another status and evidence (waivers, packaging notes). */
    public CheckResult with(CheckStatus newStatus, List<String> newEvidence, String newRemediation) {
        return new CheckResult(id, title, category, severity, newStatus, newEvidence, newRemediation, source);
    }
}
