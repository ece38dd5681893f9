package io.vhdflow.inspect;

import java.util.List;

/**
 * The result of one check, with the evidence that decided it.
 *
 * @param id          check id as in the anchors checklist: {@code G3}, {@code L1}, {@code W1}, ...
 * @param title       what the check asks, in a few words
 * @param severity    how much a failure matters
 * @param status      the outcome
 * @param evidence    what was read, where: e.g. {@code "footer at byte 41943040: current size 41943040 (40 MiB)"}
 * @param remediation what to do when it fails
 * @param source      the public source the check rests on
 */
public record CheckResult(String id, String title, Severity severity, CheckStatus status, List<String> evidence,
                          String remediation, String source) {

    public CheckResult {
        evidence = List.copyOf(evidence);
    }

    public boolean failed() {
        return status == CheckStatus.FAIL;
    }
}
