package io.vhdflow.inspect;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The one place the verdict is decided, for every OS and every caller: the CLI's text, JSON and
 * exit code, the pipeline's decision to package or stop, the API and the dashboard all read what
 * this rule returns.
 *
 * <ol>
 *   <li>The policy judges each result's severity: under {@code strict} a failed {@code SHOULD}
 *       (a warning) becomes a {@code MUST}.</li>
 *   <li>A failed check whose id is waived is reported {@code WAIVED} with its evidence and decides nothing.</li>
 *   <li>A failed {@code MUST} check blocks, whatever its category (the container's form included),
 *       unless packaging repairs it (a dynamic VHD, a size short of a whole MiB): then it is a
 *       warning whose remedy says so. Every other failed check is a warning.</li>
 *   <li>The verdict is {@code NOT_READY} when anything blocks: a proven blocker outranks what could
 *       not be read. Otherwise {@code CANNOT_DETERMINE} when no operating system was found or a
 *       {@code MUST} check could not run; otherwise {@code READY}, with its warnings listed.</li>
 * </ol>
 */
public final class VerdictRule {
    private VerdictRule() {
    }

    /** What the pipeline does with a verified image. */
    public enum Publication {
        /** Package and register it as a generalized image. */
        GENERALIZED,
        /**
         * Package and register it as a specialized image: only when the operator allows it and every
         * blocker is one a specialized image keeps by definition (its provisioning state, its accounts).
         */
        SPECIALIZED,
        /** Stop before packaging. */
        REFUSED
    }

    /** The categories whose blockers a specialized image keeps by design: it is a copy of one VM. */
    static final Set<Category> KEPT_BY_SPECIALIZED = EnumSet.of(Category.PROVISIONING, Category.ACCESS);

    /**
     * What the pipeline does with a report: publish a ready image; stop an image that is not ready
     * or cannot be judged, unless {@code specializedAllowed} and only provisioning or access blocks.
     */
    public static Publication publication(Verdict verdict, List<Category> blockingCategories,
                                          boolean specializedAllowed) {
        return switch (verdict) {
            case READY -> Publication.GENERALIZED;
            case CANNOT_DETERMINE -> Publication.REFUSED;
            case NOT_READY -> specializedAllowed && KEPT_BY_SPECIALIZED.containsAll(blockingCategories)
                    ? Publication.SPECIALIZED : Publication.REFUSED;
        };
    }

    /** Whether one result, as {@link #decide} judged it, blocks publication. */
    public static boolean blocks(CheckResult r, boolean fixedByPackaging) {
        return r.status() == CheckStatus.FAIL && r.severity() == Severity.MUST && !fixedByPackaging;
    }

    /** The verdict of the checks of one operating system alone (no container, the OS taken as found). */
    public static Assessment assess(Policy policy, List<CheckResult> results, Set<String> waivers) {
        return decide(policy, results, waivers, Set.of(), List.of(new Found()), List.of(), List.of());
    }

    /** {@link #assess(Policy, List, Set)} under the default policy. */
    public static Assessment assess(List<CheckResult> results, Set<String> waivers) {
        return assess(Policy.AZURE_PLATFORM, results, waivers);
    }

    /**
     * The verdict of a whole disk.
     *
     * @param policy           the policy the results were produced under (its {@link Policy#rules()})
     *                         and is judged by
     * @param results          every check's result: container, disk and OS checks
     * @param waivers          ids of checks whose failure the operator accepts
     * @param fixedByPackaging ids of checks whose failure packaging itself repairs
     * @param systems          the operating systems found
     * @param encrypted        encrypted volumes, one description each
     * @param unreadable       ids of volumes whose filesystem could not be read
     */
    public static Assessment decide(Policy policy, List<CheckResult> results, Set<String> waivers,
                                    Set<String> fixedByPackaging, List<? extends InspectedOs> systems,
                                    List<String> encrypted, List<String> unreadable) {
        List<CheckResult> checks = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        List<String> notRunReasons = new ArrayList<>();
        List<String> waivedReasons = new ArrayList<>();
        List<String> blocking = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Map<Category, Tally> tally = new EnumMap<>(Category.class);
        for (Category c : Category.values()) {
            tally.put(c, new Tally());
        }
        for (CheckResult r : results) {
            Severity judged = policy.judge(r.severity());
            if (judged != r.severity()) {
                r = new CheckResult(r.id(), r.title(), r.category(), judged, r.status(), r.evidence(),
                        r.remediation(), r.source());
            }
            boolean fixed = fixedByPackaging.contains(r.id());
            if (r.status() == CheckStatus.FAIL && waivers.contains(r.id())) {
                List<String> ev = new ArrayList<>(r.evidence());
                ev.add("waived by configuration (the check failed; its failure does not decide the verdict)");
                r = r.with(CheckStatus.WAIVED, ev, r.remediation());
            } else if (r.status() == CheckStatus.FAIL && fixed) {
                r = r.with(r.status(), r.evidence(),
                        "packaging fixes this: the package holds a fixed VHD with its size rounded up to a whole MiB");
            }
            checks.add(r);
            Tally t = tally.get(r.category());
            t.checks.add(r.id());
            if (r.status() != CheckStatus.NOT_APPLICABLE) {
                t.applicable++;
            }
            String first = r.evidence().isEmpty() ? "" : ": " + r.evidence().get(0);
            if (blocks(r, fixed)) {
                blocking.add(r.id());
                t.blocking.add(r.id());
                failed.add(r.id() + " (MUST) failed, " + r.title() + first);
            } else if (r.status() == CheckStatus.FAIL) {
                warnings.add(r.id());
                t.warnings.add(r.id());
            } else if (r.status() == CheckStatus.NOT_RUN && r.severity() == Severity.MUST) {
                t.notRun.add(r.id());
                notRunReasons.add(r.id() + " (MUST) could not run, " + r.title() + first);
            } else if (r.status() == CheckStatus.WAIVED) {
                t.waived.add(r.id());
                waivedReasons.add(r.id() + " (" + r.severity() + ") failed but is waived, " + r.title());
            }
        }
        List<String> reasons = new ArrayList<>();
        Optional<String> noOs = systems.isEmpty() ? Optional.of(!encrypted.isEmpty()
                ? "the OS volume is encrypted: " + String.join("; ", encrypted)
                : "no operating system found on any volume"
                + (unreadable.isEmpty() ? "" : " (unreadable: " + String.join(", ", unreadable) + ")"))
                : Optional.empty();
        Verdict v;
        if (!failed.isEmpty()) {
            v = Verdict.NOT_READY;
            reasons.addAll(failed);
            noOs.ifPresent(reasons::add);
        } else if (noOs.isPresent()) {
            v = Verdict.CANNOT_DETERMINE;
            reasons.add(noOs.get());
        } else if (!notRunReasons.isEmpty()) {
            v = Verdict.CANNOT_DETERMINE;
            reasons.addAll(notRunReasons);
        } else {
            v = Verdict.READY;
            String os = systems.stream().map(o -> (o.osType() + " " + o.displayName()).strip())
                    .reduce((a, b) -> a + ", " + b).orElse("");
            reasons.add(os + ": every blocking check passed" + (warnings.isEmpty() ? ""
                    : "; " + warnings.size() + " warning" + (warnings.size() == 1 ? "" : "s") + ": "
                    + String.join(", ", warnings)));
        }
        reasons.addAll(waivedReasons);
        List<Category> blockingCategories = new ArrayList<>();
        List<CategoryReport> categories = new ArrayList<>();
        for (Category c : Category.values()) {
            Tally t = tally.get(c);
            if (!t.blocking.isEmpty()) {
                blockingCategories.add(c);
            }
            categories.add(new CategoryReport(c, c.question(), t.state(), t.blocking, t.warnings, t.notRun, t.waived,
                    t.checks));
        }
        return new Assessment(checks, v, reasons, blocking, blockingCategories, warnings, categories);
    }

    /** What one category's checks came to, while the results are read. */
    private static final class Tally {
        final List<String> checks = new ArrayList<>();
        final List<String> blocking = new ArrayList<>();
        final List<String> warnings = new ArrayList<>();
        final List<String> notRun = new ArrayList<>();
        final List<String> waived = new ArrayList<>();
        int applicable;

        CategoryReport.State state() {
            if (!blocking.isEmpty()) {
                return CategoryReport.State.BLOCKS;
            }
            if (!notRun.isEmpty()) {
                return CategoryReport.State.CANNOT_DETERMINE;
            }
            if (!warnings.isEmpty()) {
                return CategoryReport.State.WARNS;
            }
            return applicable == 0 ? CategoryReport.State.NOT_CHECKED : CategoryReport.State.PASSES;
        }
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
        public Optional<String> architecture() {
            return Optional.empty();
        }

        @Override
        public String location() {
            return "";
        }
    }
}
