package io.vhdflow.inspect;

import java.util.List;
import java.util.Locale;

/**
 * One category of the report, as {@link VerdictRule} judged it: the report is read by what is at
 * stake, so the CLI, the JSON and the dashboard group the checks this way.
 *
 * @param category the category
 * @param question what a passing category means, e.g. "no leftover way to log in"
 * @param state    {@code blocks}, {@code cannot-determine}, {@code warns}, {@code passes}, or {@code not-checked}
 *                 (no check of the category applied)
 * @param blocking ids of its failed checks that block publication
 * @param warnings ids of its failed checks that only warn (including failures packaging fixes)
 * @param notRun   ids of its checks that could not run and would block had they failed
 * @param waived   ids of its failed checks the operator waived
 * @param checks   ids of all its checks in the report, in catalogue order (not-applicable ones included)
 */
public record CategoryReport(Category category, String question, State state, List<String> blocking,
                             List<String> warnings, List<String> notRun, List<String> waived, List<String> checks) {

    public CategoryReport {
        blocking = List.copyOf(blocking);
        warnings = List.copyOf(warnings);
        notRun = List.copyOf(notRun);
        waived = List.copyOf(waived);
        checks = List.copyOf(checks);
    }

    /** How a category came out, worst first. */
    public enum State {
        BLOCKS, CANNOT_DETERMINE, WARNS, PASSES, NOT_CHECKED;

        @com.fasterxml.jackson.annotation.JsonValue
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }
}
