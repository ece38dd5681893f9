package io.vhdflow.inspect;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The one place the verdict is decided, for every OS and every caller (CLI, pipeline, API).
 *
 * <ul>
 *   <li>A failed check whose id is waived is reported {@code WAIVED} with its evidence and decides nothing.</li>
 *   <li>Without an operating system (none found, or its volume encrypted) the verdict is
 *       {@code CANNOT_DETERMINE}: nothing is called generalized without proof.</li>
 *   <li>Otherwise a failed MUST check outside the container category makes it {@code NOT_GENERALIZED};
 *       else a MUST check that could not run makes it {@code CANNOT_DETERMINE}; else {@code GENERALIZED}.</li>
 *   <li>Container checks (the disk's form) do not decide generalization; a failed MUST one that
 *       packaging cannot fix is listed in {@link Assessment#blocking()}, as is every failed MUST check.</li>
 * </ul>
 */
public final class VerdictRule {
    private VerdictRule() {
    }

    /**
     * The verdict of the checks of one operating system alone (no container, the OS taken as found).
     */
    public static Assessment assess(List<CheckResult> results, Set<String> waivers) {
        return decide(results, waivers, Set.of(), List.of(new Found()), List.of(), List.of());
    }

    /**
     * The verdict of a whole disk.
     *
     * @param results          every check's result: container, disk and OS checks
     * @param waivers          ids of checks whose failure the operator accepts
     * @param fixedByPackaging ids of checks whose failure packaging itself repairs
     * @param systems          the operating systems found
     * @param encrypted        encrypted volumes, one description each
     * @param unreadable       ids of volumes whose filesystem could not be read
     */
    public static Assessment decide(List<CheckResult> results, Set<String> waivers, Set<String> fixedByPackaging,
                                    List<? extends InspectedOs> systems, List<String> encrypted,
                                    List<String> unreadable) {
        List<CheckResult> checks = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        List<String> notRun = new ArrayList<>();
        List<String> waived = new ArrayList<>();
        List<String> blocking = new ArrayList<>();
        for (CheckResult r : results) {
            if (r.status() == CheckStatus.FAIL && waivers.contains(r.id())) {
                List<String> ev = new ArrayList<>(r.evidence());
                ev.add("waived by configuration (the check failed; its failure does not decide the verdict)");
                r = r.with(CheckStatus.WAIVED, ev, r.remediation());
            } else if (r.status() == CheckStatus.FAIL && fixedByPackaging.contains(r.id())) {
                r = r.with(r.status(), r.evidence(),
                        "packaging fixes this: the package holds a fixed VHD with its size rounded up to a whole MiB");
            }
            checks.add(r);
            String first = r.evidence().isEmpty() ? "" : ": " + r.evidence().get(0);
            boolean must = r.severity() == Severity.MUST;
            if (r.status() == CheckStatus.FAIL && must && !fixedByPackaging.contains(r.id())) {
                blocking.add(r.id());
            }
            if (r.category() == Category.CONTAINER) {
                continue;
            }
            if (r.status() == CheckStatus.FAIL && must) {
                failed.add(r.id() + " (MUST) failed, " + r.title() + first);
            } else if (r.status() == CheckStatus.NOT_RUN && must) {
                notRun.add(r.id() + " (MUST) could not run, " + r.title() + first);
            } else if (r.status() == CheckStatus.WAIVED) {
                waived.add(r.id() + " (" + r.severity() + ") failed but is waived, " + r.title());
            }
        }
        List<String> reasons = new ArrayList<>();
        Verdict v;
        if (systems.isEmpty()) {
            v = Verdict.CANNOT_DETERMINE;
            reasons.add(!encrypted.isEmpty() ? "the OS volume is encrypted: " + String.join("; ", encrypted)
                    : "no operating system found on any volume"
                    + (unreadable.isEmpty() ? "" : " (unreadable: " + String.join(", ", unreadable) + ")"));
        } else if (!failed.isEmpty()) {
            v = Verdict.NOT_GENERALIZED;
            reasons.addAll(failed);
        } else if (!notRun.isEmpty()) {
            v = Verdict.CANNOT_DETERMINE;
            reasons.addAll(notRun);
        } else {
            v = Verdict.GENERALIZED;
            reasons.add(systems.stream().map(o -> (o.osType() + " " + o.displayName()).strip())
                    .reduce((a, b) -> a + ", " + b).orElse("") + ": every MUST check passed");
        }
        reasons.addAll(waived);
        return new Assessment(checks, v, reasons, blocking);
    }

    /** The stand-in for "an OS was found" when only one OS's checks are judged. */
    private record Found() implements InspectedOs {
        @Override
        public String osType() {
            return "";
        }

        @Override
        public String displayName() {
            return "the operating system";
        }

        @Override
        public java.util.Optional<String> architecture() {
            return java.util.Optional.empty();
        }

        @Override
        public String location() {
            return "";
        }
    }
}
