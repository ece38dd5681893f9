package io.vhdflow.inspect.linux;

import io.vhdflow.disk.fs.DirEntry;
import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.Policy;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.Severity;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * L8: a provisioning agent is installed and enabled: the Azure Linux Agent (binary, configuration
 * and an enabled unit) and/or cloud-init (enabled units, not disabled by {@code cloud-init.disabled}).
 * Without one, nothing reports the VM ready and creation fails.
 */
final class ProvisioningAgentCheck implements LinuxCheck {

    @Override
    public String id() {
        return "L8";
    }

    @Override
    public String title() {
        return "provisioning agent installed and enabled (waagent and/or cloud-init)";
    }

    @Override
    public Category category() {
        return Category.PROVISIONING;
    }

    @Override
    public String reads() {
        return "waagent binary, /etc/waagent.conf, cloud-init binary, enabled systemd units, /etc/cloud/cloud-init.disabled";
    }

    @Override
    public Severity severity(Policy policy) {
        return Severity.MUST;
    }

    @Override
    public String source() {
        return "Azure docs 'Azure Linux VM provisioning' (provisioning agents are prerequisites of generalized images), 'Prepare a generic Linux VM' step 5 — docs/checks.md#l8";
    }

    @Override
    public String remediation() {
        return "install and enable the agent: apt/dnf/zypper install the distro's WALinuxAgent package (waagent, walinuxagent) "
                + "and systemctl enable walinuxagent (or waagent), or install and enable cloud-init with the Azure datasource";
    }

    @Override
    public CheckResult run(LinuxContext ctx) throws IOException {
        LinuxOs os = ctx.os();
        List<String> evidence = new ArrayList<>();
        boolean waagentOk = false;
        if (os.waagent().isPresent()) {
            LinuxOs.Waagent w = os.waagent().get();
            List<String> sysv = sysvLinks(ctx);
            boolean enabled = !w.enabledUnits().isEmpty() || !sysv.isEmpty();
            waagentOk = w.binary().isPresent() && w.configPath().isPresent() && enabled;
            evidence.add("Azure Linux Agent: " + w.binary().map(ctx::at).orElse("no waagent binary") + "; "
                    + w.configPath().map(ctx::at).orElse("no /etc/waagent.conf") + "; "
                    + (enabled ? "enabled by " + String.join(", ", concat(w.enabledUnits().stream()
                            .map(u -> ctx.at("/etc/systemd/system/*.wants/" + u)).toList(), sysv))
                            : "no unit enabled in " + ctx.at("/etc/systemd/system/*.wants")));
        } else {
            evidence.add("Azure Linux Agent not installed (no /usr/sbin/waagent, /etc/waagent.conf or unit)");
        }
        boolean ciOk = false;
        if (os.cloudInit().isPresent()) {
            LinuxOs.CloudInit c = os.cloudInit().get();
            ciOk = c.enabled();
            evidence.add("cloud-init: " + c.binary().map(ctx::at).orElse("no /usr/bin/cloud-init") + "; "
                    + (c.enabledUnits().isEmpty() ? "no unit enabled" : "enabled units " + String.join(", ", c.enabledUnits()))
                    + (c.disabledByFile() ? "; disabled by " + ctx.at("/etc/cloud/cloud-init.disabled") : ""));
        } else {
            evidence.add("cloud-init not installed");
        }
        return waagentOk || ciOk ? pass(ctx, evidence) : fail(ctx, evidence);
    }

    /** SysV-init start links for the agent, for images without systemd. */
    private static List<String> sysvLinks(LinuxContext ctx) throws IOException {
        List<String> out = new ArrayList<>();
        for (String rc : List.of("/etc/rc2.d", "/etc/rc3.d", "/etc/rc.d/rc3.d")) {
            for (DirEntry e : FileReads.list(ctx.fs(), rc)) {
                if (e.name().startsWith("S") && (e.name().endsWith("waagent") || e.name().endsWith("walinuxagent"))) {
                    out.add(ctx.at(rc + "/" + e.name()));
                }
            }
        }
        return out;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
