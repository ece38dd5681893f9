package io.vhdflow.inspect.linux;

import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.CheckStatus;
import io.vhdflow.inspect.Severity;
import io.vhdflow.inspect.Verdict;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The Linux check catalog and its runner. {@link #run} evaluates every check, applies waivers and
 * returns the results with the verdict they support.
 */
public final class LinuxChecks {

    private final List<LinuxCheck> checks;

    /** The full catalog, in report order. */
    public LinuxChecks() {
        this(List.of(
                new WaagentProvisionedCheck(),
                new CloudInitInstanceCheck(),
                new MachineIdCheck(),
                new ShellHistoryCheck(),
                new SshHostKeysCheck(),
                new RootPasswordCheck(),
                new BackupPasswordHashCheck(),
                new LeftoverAccountsCheck(),
                new AuthorizedKeysCheck(),
                new ProvisioningAgentCheck(),
                new WaagentConfigCheck(),
                new ResourceDiskConfigCheck(),
                new CloudInitConfigCheck(),
                new SwapCheck(),
                new NetworkLeftoversCheck(),
                new ProvisioningLogsCheck()));
    }

    /** A catalog of the given checks (tests, or a caller running a subset). */
    public LinuxChecks(List<LinuxCheck> checks) {
        this.checks = List.copyOf(checks);
    }

    public List<LinuxCheck> checks() {
        return checks;
    }

    /**
     * Runs every check. A check that throws (corrupt filesystem, unreadable file, a defect) is
     * reported as not run with the error as evidence, so a failure to read is never a pass.
     *
     * @param waivers check ids whose FAIL is turned into WAIVED: still reported, no longer deciding
     */
    public LinuxAssessment run(LinuxContext ctx, Set<String> waivers) {
        List<CheckResult> results = new ArrayList<>();
        for (LinuxCheck c : checks) {
            CheckResult r;
            try {
                r = c.evaluate(ctx);
            } catch (IOException | RuntimeException e) {
                r = c.result(ctx, CheckStatus.NOT_RUN, List.of(ctx.at("/") + " could not be read: "
                        + e.getClass().getSimpleName() + ": " + e.getMessage()));
            }
            if (r.status() == CheckStatus.FAIL && waivers.contains(r.id())) {
                List<String> ev = new ArrayList<>(r.evidence());
                ev.add("waived by configuration (the check failed; its failure does not decide the verdict)");
                r = new CheckResult(r.id(), r.title(), r.severity(), CheckStatus.WAIVED, ev, r.remediation(), r.source());
            }
            results.add(r);
        }
        return assess(results);
    }

    /** The verdict the results support: a MUST failure decides, then a MUST check that did not run. */
    static LinuxAssessment assess(List<CheckResult> results) {
        List<String> failed = new ArrayList<>();
        List<String> notRun = new ArrayList<>();
        List<String> waived = new ArrayList<>();
        for (CheckResult r : results) {
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
        return new LinuxAssessment(results, v, reasons);
    }
}
