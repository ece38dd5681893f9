package io.vhdflow.inspect;

import java.util.List;

/**
 * What the checks say, decided by {@link VerdictRule}: every result (policy and waivers applied),
 * the verdict, one reason per deciding check, which failed checks block publication and which only
 * warn, and the same grouped by category.
 *
 * @param checks             every check's result, in catalogue order; severities as the policy judges
 *                           them, waived failures {@code WAIVED}
 * @param verdict            the verdict
 * @param reasons            why: one line per deciding check or condition, then the waived failures
 * @param blocking           ids of the failed checks that block publication (waived ones and those
 *                           packaging fixes excluded)
 * @param blockingCategories the categories of the blocking checks, in category order
 * @param warnings           ids of the failed checks that do not block
 * @param categories         every category with what its checks decided
 */
public record Assessment(List<CheckResult> checks, Verdict verdict, List<String> reasons, List<String> blocking,
                         List<Category> blockingCategories, List<String> warnings, List<CategoryReport> categories) {

    public Assessment {
        checks = List.copyOf(checks);
        reasons = List.copyOf(reasons);
        blocking = List.copyOf(blocking);
        blockingCategories = List.copyOf(blockingCategories);
        warnings = List.copyOf(warnings);
        categories = List.copyOf(categories);
    }
}
