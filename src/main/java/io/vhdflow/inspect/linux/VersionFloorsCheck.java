package io.vhdflow.inspect.linux;

import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.Policy;
import io.vhdflow.inspect.Severity;
import io.vhdflow.inspect.linux.boot.BlsEntry;
import io.vhdflow.inspect.linux.boot.BootEntry;
import io.vhdflow.inspect.packages.InstalledPackage;
import io.vhdflow.inspect.packages.SoftwareInventory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * L21: the software Azure relies on is new enough: the Azure Linux Agent at 2.2.41 or later (older
 * agents miss provisioning fixes Azure requires), Python 3 for the agent and cloud-init, and a
 * kernel with the TCP SACK fixes (CVE-2019-11477/11478/11479) for kernels whose release says so.
 * Versions come from the package database, the kernel's from the default boot entry.
 */
final class VersionFloorsCheck implements LinuxCheck {

    static final String AGENT_FLOOR = "2.2.41";
    static final List<String> AGENT_PACKAGES = List.of("walinuxagent", "waagent", "WALinuxAgent");
    static final List<String> PYTHON_PACKAGES = List.of("python3", "python3-minimal", "python3.12", "python3.11",
            "python3.9", "python3.6", "python36", "python3-base");
    /** Upstream stable releases with the SACK fixes: major.minor → first fixed patch level. */
    static final Map<String, Integer> SACK_FIXED = Map.of("4.4", 182, "4.9", 182, "4.14", 127, "4.19", 52, "5.1", 11);
    /** RHEL/CentOS kernels with the SACK fixes: release prefix → first fixed release. */
    static final Map<String, String> SACK_FIXED_EL = Map.of("3.10.0-", "3.10.0-957.21.3", "4.18.0-", "4.18.0-80.4.2");
    private static final Pattern UPSTREAM = Pattern.compile("(\\d+)\\.(\\d+)(?:\\.(\\d+))?.*");

    @Override
    public String id() {
        return "L21";
    }

    @Override
    public String title() {
        return "version floors: Azure Linux Agent >= 2.2.41, Python 3, kernel with the TCP SACK fixes";
    }

    @Override
    public Category category() {
        return Category.PROVISIONING;
    }

    @Override
    public Severity severity(Policy policy) {
        return Severity.SHOULD;
    }

    @Override
    public String reads() {
        return "the package database (dpkg, rpm, apk): walinuxagent/waagent/WALinuxAgent, python3; the default kernel's release";
    }

    @Override
    public String source() {
        return "Azure Marketplace certification FAQ (minimum agent 2.2.41, Python, kernel patched for TCP SACK "
                + "CVE-2019-11477) — docs/checks.md#l21";
    }

    @Override
    public String remediation() {
        return "update the agent and kernel in the source VM (apt-get install --only-upgrade walinuxagent linux-image-*; "
                + "dnf update WALinuxAgent kernel), install python3, then capture again";
    }

    @Override
    public CheckResult run(LinuxContext ctx) throws IOException {
        SoftwareInventory inv = ctx.os().software();
        List<String> failing = new ArrayList<>();
        List<String> evidence = new ArrayList<>();
        if (inv.databases().isEmpty() || inv.packages().isEmpty()) {
            evidence.add("no readable package database" + (inv.problems().isEmpty() ? "" : ": " + String.join("; ", inv.problems())));
        }
        Optional<InstalledPackage> agent = AGENT_PACKAGES.stream().map(inv::find).flatMap(Optional::stream).findFirst();
        if (agent.isPresent()) {
            String v = agent.get().version().replaceFirst("^\\d+:", "");
            String line = "agent package " + agent.get().name() + " " + agent.get().version();
            if (BlsEntry.compareVersions(v, AGENT_FLOOR) < 0) {
                failing.add(line + " is older than " + AGENT_FLOOR);
            } else {
                evidence.add(line);
            }
        } else if (ctx.os().waagent().isPresent()) {
            evidence.add("agent installed outside the package database (" + ctx.os().waagent().get().binary().orElse("?")
                    + "): its version is not checked");
        } else {
            evidence.add("no Azure Linux Agent installed");
        }
        Optional<InstalledPackage> python = PYTHON_PACKAGES.stream().map(inv::find).flatMap(Optional::stream).findFirst();
        if (python.isPresent()) {
            evidence.add("python: " + python.get().name() + " " + python.get().version());
        } else if (ctx.fs().exists("/usr/bin/python3")) {
            evidence.add("python: " + ctx.at("/usr/bin/python3"));
        } else if (ctx.os().waagent().isPresent() || ctx.os().cloudInit().isPresent()) {
            failing.add("no Python 3 (package or /usr/bin/python3), which the agent and cloud-init need");
        }
        Optional<BootEntry> def = ctx.boot().defaultEntry();
        Optional<String> release = def.flatMap(BootEntry::kernelVersion);
        if (release.isPresent()) {
            Optional<String> sack = sackProblem(release.get());
            if (sack.isPresent()) {
                failing.add("kernel " + release.get() + ": " + sack.get());
            } else {
                evidence.add("kernel " + release.get());
            }
        } else {
            evidence.add("default kernel release not known");
        }
        if (failing.isEmpty()) {
            return pass(ctx, evidence);
        }
        failing.addAll(evidence);
        return fail(ctx, failing);
    }

    /** Why a kernel release lacks the SACK fixes, when its release says so; empty when fixed or not known. */
    static Optional<String> sackProblem(String release) {
        for (Map.Entry<String, String> el : SACK_FIXED_EL.entrySet()) {
            if (release.startsWith(el.getKey()) && (release.contains(".el7") || release.contains(".el8"))) {
                String base = release.replaceFirst("\\.el\\d.*$", "");
                return BlsEntry.compareVersions(base, el.getValue()) < 0
                        ? Optional.of("older than " + el.getValue() + ", the first with the TCP SACK fixes") : Optional.empty();
            }
        }
        Matcher m = UPSTREAM.matcher(release);
        if (!m.matches()) {
            return Optional.empty();
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        Integer fixed = SACK_FIXED.get(major + "." + minor);
        if (fixed != null && m.group(3) != null && release.matches("\\d+\\.\\d+\\.\\d+")) {
            // Only a plain upstream release (x.y.z) is judged by its patch level: distribution
            // kernels (4.19.0-21-amd64) carry their own backports.
            return Integer.parseInt(m.group(3)) < fixed
                    ? Optional.of("older than " + major + "." + minor + "." + fixed + ", the first with the TCP SACK fixes")
                    : Optional.empty();
        }
        if (major < 4 || major == 4 && minor < 4) {
            return release.contains(".el") ? Optional.empty()
                    : Optional.of("older than every upstream release with the TCP SACK fixes");
        }
        return Optional.empty();
    }
}
