package io.vhdflow.inspect.secrets;

import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.Severity;
import io.vhdflow.inspect.Policy;
import io.vhdflow.inspect.linux.LinuxCheck;
import io.vhdflow.inspect.linux.LinuxContext;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * LS5: the secrets scan covered every place. The scan has a budget (files, bytes, time, bytes of one
 * file, depth) so that {@code inspect} stays fast on any image; when the budget cut it short, the
 * other secrets checks passed on what was read only, and this says so: a warning, never silence.
 */
final class LinuxScanCoverageCheck implements LinuxCheck {

    @Override
    public String id() {
        return "LS5";
    }

    @Override
    public String title() {
        return "the secrets scan covered every place within its budget";
    }

    @Override
    public Category category() {
        return Category.SECRETS;
    }

    /** A budget is the operator's choice: an incomplete scan warns (blocks under strict). */
    @Override
    public Severity severity(Policy policy) {
        return Severity.SHOULD;
    }

    @Override
    public String reads() {
        return "what the secrets scan read: files, bytes, time, files read in part, unreadable files";
    }

    @Override
    public String source() {
        return "vhdflow's scan budget (ScanBudget) — docs/checks.md#ls5";
    }

    @Override
    public String remediation() {
        return "look at the places the scan did not reach in the source VM, or run vhdflow inspect "
                + "--scan-budget files=N,mib=N,seconds=N (defaults " + io.vhdflow.inspect.ScanBudget.DEFAULT.describe() + ")";
    }

    @Override
    public CheckResult run(LinuxContext ctx) throws IOException {
        SecretScan scan = LinuxSecrets.of(ctx);
        String location = ctx.os().location();
        List<String> evidence = new ArrayList<>();
        scan.cutShort().ifPresent(c -> evidence.add("the scan stopped early: " + c));
        if (scan.partialCount() > 0) {
            evidence.add(scan.partialCount() + " text file(s) scanned in their first " + ctx.scanBudget().maxFileBytes()
                    + " bytes only: " + String.join(", ", scan.partial().stream().map(p -> location + ":" + p).toList()));
        }
        scan.unreadable().forEach(u -> evidence.add(location + ":" + u + " could not be read"));
        evidence.add(scan.summary(location));
        evidence.add("budget " + ctx.scanBudget().describe());
        scan.excluded().forEach(x -> evidence.add("left out: " + location + ":" + x));
        return scan.complete() ? pass(ctx, evidence) : fail(ctx, evidence);
    }
}
