package io.vhdflow.inspect.linux;

import io.vhdflow.inspect.CheckResult;

import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A Linux check that applies to some distribution families only. On any other family it is not
 * applicable and says why (the family found and what decided it), and {@link DistributionCheck}
 * lists which family rules ran, so a report shows why a rule did or did not apply.
 */
interface FamilyRule extends LinuxCheck {

    /** The families this rule applies to. */
    Set<LinuxFamily> families();

    /** Not applicable, with why, when the installation is of another family; empty when the rule applies. */
    default Optional<CheckResult> outsideFamilies(LinuxContext ctx) throws IOException {
        Distribution d = ctx.distribution();
        if (families().contains(d.family())) {
            return Optional.empty();
        }
        String mine = families().stream().sorted().map(LinuxFamily::label).collect(Collectors.joining(", "));
        return Optional.of(notApplicable(ctx, "a rule for the " + mine + " famil" + (families().size() == 1 ? "y" : "ies")
                + "; this image is " + d.describe()));
    }
}
