package io.vhdflow.inspect.linux;

import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.Policy;
import io.vhdflow.inspect.Severity;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * L25: the Azure Linux Agent is installed under the service name its family's packaging gives it.
 * The agent stops, starts and updates itself through the service name its OS layer knows
 * ({@code get_service_name}: {@code walinuxagent} on Debian and Ubuntu, {@code waagent} on RHEL,
 * SUSE and Azure Linux); an agent installed under the other family's unit (from a foreign package
 * or from source with the wrong distribution detected) cannot restart itself after an update. The
 * packages are Debian's {@code waagent} / Ubuntu's {@code walinuxagent}, RHEL's and Azure Linux's
 * {@code WALinuxAgent}, SUSE's {@code python-azure-agent}; dpkg's records name the package, the rpm
 * databases are not read here.
 */
final class AgentServiceNamingCheck implements FamilyRule {

    /** The service name per family, from WALinuxAgent's osutil (debian.py, ubuntu.py, default.py) and setup.py. */
    static final Map<LinuxFamily, String> SERVICE = Map.of(LinuxFamily.DEBIAN, "walinuxagent",
            LinuxFamily.RHEL, "waagent", LinuxFamily.SUSE, "waagent", LinuxFamily.AZURE_LINUX, "waagent");
    static final Map<LinuxFamily, String> PACKAGE = Map.of(LinuxFamily.DEBIAN, "waagent (Debian) or walinuxagent (Ubuntu)",
            LinuxFamily.RHEL, "WALinuxAgent", LinuxFamily.SUSE, "python-azure-agent", LinuxFamily.AZURE_LINUX, "WALinuxAgent");
    static final List<String> UNIT_DIRS = List.of("/usr/lib/systemd/system", "/lib/systemd/system", "/etc/systemd/system");

    @Override
    public String id() {
        return "L25";
    }

    @Override
    public String title() {
        return "Azure Linux Agent installed as its family ships it (walinuxagent.service on Debian/Ubuntu, waagent.service elsewhere)";
    }

    @Override
    public Set<LinuxFamily> families() {
        return SERVICE.keySet();
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
        return "systemd units walinuxagent.service / waagent.service (/usr/lib/systemd/system, /lib/systemd/system, "
                + "/etc/systemd/system), /etc/init.d/waagent, dpkg's records (/var/lib/dpkg/info/*.list)";
    }

    @Override
    public String source() {
        return "WALinuxAgent azurelinuxagent/common/osutil (get_service_name: walinuxagent on debian/ubuntu, waagent by default), "
                + "setup.py (init/redhat, init/sles, init/mariner waagent.service; init/ubuntu walinuxagent.service) — docs/checks.md#l25";
    }

    @Override
    public String remediation() {
        return "install the agent from the distribution's package (apt install walinuxagent / waagent, dnf install WALinuxAgent, "
                + "zypper install python-azure-agent, tdnf install WALinuxAgent) and enable its service";
    }

    @Override
    public CheckResult run(LinuxContext ctx) throws IOException {
        Optional<CheckResult> na = outsideFamilies(ctx);
        if (na.isPresent()) {
            return na.get();
        }
        if (ctx.os().waagent().isEmpty()) {
            return notApplicable(ctx, "the Azure Linux Agent is not installed");
        }
        LinuxFamily family = ctx.distribution().family();
        String want = SERVICE.get(family);
        String other = want.equals("waagent") ? "walinuxagent" : "waagent";
        List<String> failing = new ArrayList<>();
        List<String> evidence = new ArrayList<>();
        Optional<String> wanted = unit(ctx, want + ".service");
        Optional<String> foreign = unit(ctx, other + ".service");
        Optional<String> initScript = FileReads.lstat(ctx.fs(), "/etc/init.d/" + want).map(a -> "/etc/init.d/" + want);
        List<String> enabled = ctx.os().waagent().get().enabledUnits();
        if (wanted.isPresent()) {
            evidence.add(ctx.at(wanted.get()) + ": the " + family.label() + " name"
                    + (enabled.contains(want + ".service") ? ", enabled" : ", not enabled"));
        } else if (initScript.isPresent()) {
            evidence.add(ctx.at(initScript.get()) + ": SysV init script, the " + family.label() + " name");
        }
        if (foreign.isPresent()) {
            failing.add(ctx.at(foreign.get()) + " is the " + (other.equals("walinuxagent") ? "Debian/Ubuntu" : "RHEL/SUSE/Azure Linux")
                    + " unit: on " + family.label() + " the agent stops, starts and updates itself as " + want
                    + (enabled.contains(other + ".service") ? " (and it is the one enabled)" : ""));
        }
        if (wanted.isEmpty() && initScript.isEmpty()) {
            failing.add("no " + want + ".service in " + String.join(", ", UNIT_DIRS.stream().map(ctx::at).toList())
                    + ": the " + family.label() + " packaging installs it");
        }
        evidence.add(packageEvidence(ctx, family));
        if (failing.isEmpty()) {
            return pass(ctx, evidence);
        }
        failing.addAll(evidence);
        return fail(ctx, failing);
    }

    private static Optional<String> unit(LinuxContext ctx, String name) throws IOException {
        for (String d : UNIT_DIRS) {
            String p = d + "/" + name;
            if (FileReads.lstat(ctx.fs(), p).isPresent()) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** Which package installed the agent, where the family's database is dpkg's plain records. */
    private static String packageEvidence(LinuxContext ctx, LinuxFamily family) throws IOException {
        if (family != LinuxFamily.DEBIAN) {
            return "package expected: " + PACKAGE.get(family) + " (the rpm database is not read by this check)";
        }
        // The agent's packages are Architecture: all, so their file lists have no ":<arch>" suffix.
        for (String pkg : List.of("walinuxagent", "waagent")) {
            String p = "/var/lib/dpkg/info/" + pkg + ".list";
            if (FileReads.lstat(ctx.fs(), p).isPresent()) {
                return "installed by the dpkg package " + pkg + " (" + ctx.at(p) + ")";
            }
        }
        return "no dpkg record of waagent or walinuxagent in " + ctx.at("/var/lib/dpkg/info")
                + " (installed outside the package manager?)";
    }
}
