package io.vhdflow.inspect.linux;

import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.OsAssessment;
import io.vhdflow.inspect.CheckStatus;

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
    public OsAssessment run(LinuxContext ctx, Set<String> waivers) {
        List<CheckResult> results = new ArrayList<>();
        for (LinuxCheck c : checks) {
            CheckResult r;
            try {
                r = c.evaluate(ctx);
            } catch (IOException | RuntimeException e) {
                r = c.result(ctx, CheckStatus.NOT_RUN, List.of(ctx.at("/") + " could not be read: "
                        + e.getClass().getSimpleName() + ": " + e.getMessage()));
            }
            results.add(r);
        }
        return OsAssessment.of(results, waivers);
    }
}
