package io.vhdflow.inspect.linux;

import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckCatalog;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.Policy;
import io.vhdflow.inspect.Severity;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * L22: which family, distribution and version the image is, what decided it, which package
 * databases it has, which agent provisions it, and therefore which family rules ran. Informational:
 * it always passes; its evidence is what an operator reads to see why a rule did or did not apply.
 */
final class DistributionCheck implements LinuxCheck {

    @Override
    public String id() {
        return "L22";
    }

    @Override
    public String title() {
        return "distribution family, version and provisioning agent identified (which family rules run)";
    }

    @Override
    public Category category() {
        return Category.PROVISIONING;
    }

    @Override
    public Severity severity(Policy policy) {
        return Severity.INFO;
    }

    @Override
    public String reads() {
        return "/etc/os-release (ID, ID_LIKE, VERSION_ID), /etc/redhat-release, /etc/SuSE-release, /etc/debian_version, "
                + "/etc/lsb-release, package databases (dpkg, rpm, tdnf, zypp, dnf/yum), waagent.conf and cloud-init units";
    }

    @Override
    public String source() {
        return "freedesktop os-release(5) (ID, ID_LIKE); WALinuxAgent pa/provision/factory.py (Provisioning.Agent=auto "
                + "defers to cloud-init); Azure 'Linux VM provisioning' (cloud-init provisions, the agent reports) — docs/checks.md#l22";
    }

    @Override
    public String remediation() {
        return "none: informational";
    }

    @Override
    public CheckResult run(LinuxContext ctx) throws IOException {
        Distribution d = ctx.distribution();
        List<String> evidence = new ArrayList<>();
        evidence.add(d.family().display() + ": " + d.distroId() + d.version().map(v -> " " + v).orElse("")
                + ", decided by " + located(ctx, d.decidedBy()));
        evidence.add(d.packageDatabases().isEmpty() ? "no package database found"
                : "package databases: " + String.join(", ", d.packageDatabases().stream().map(p -> located(ctx, p)).toList()));
        evidence.add("provisioning: " + d.agent().text());
        List<String> apply = new ArrayList<>();
        List<String> other = new ArrayList<>();
        for (FamilyRule r : CheckCatalog.standard().checks(FamilyRule.class)) {
            String families = String.join("/", r.families().stream().sorted().map(LinuxFamily::label).toList());
            (r.families().contains(d.family()) ? apply : other).add(r.id() + " (" + families + ")");
        }
        evidence.add(apply.isEmpty() ? "no family rule applies to this image"
                : "family rules run: " + String.join(", ", apply));
        if (!other.isEmpty()) {
            evidence.add("family rules not applicable to " + d.family().label() + ": " + String.join(", ", other));
        }
        return pass(ctx, evidence);
    }

    /** Puts the volume before a path that starts a description, e.g. {@code /etc/os-release ID=rocky}. */
    private static String located(LinuxContext ctx, String description) {
        int slash = description.indexOf('/');
        if (slash < 0) {
            return description;
        }
        int end = description.indexOf(' ', slash);
        String path = end < 0 ? description.substring(slash) : description.substring(slash, end);
        return description.substring(0, slash) + ctx.at(path) + (end < 0 ? "" : description.substring(end));
    }
}
