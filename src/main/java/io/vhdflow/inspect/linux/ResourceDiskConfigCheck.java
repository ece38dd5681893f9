package io.vhdflow.inspect.linux;

import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.Policy;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.Severity;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * L9B: the agent leaves the resource disk to cloud-init when cloud-init provisions
 * ({@code ResourceDisk.Format=n}, {@code ResourceDisk.EnableSwap=n}), and under the Marketplace
 * policy keeps {@code AutoUpdate.Enabled} on.
 */
final class ResourceDiskConfigCheck implements LinuxCheck {

    @Override
    public String id() {
        return "L9B";
    }

    @Override
    public String title() {
        return "waagent.conf resource disk and auto-update settings fit the provisioner";
    }

    @Override
    public Category category() {
        return Category.PROVISIONING;
    }

    @Override
    public String reads() {
        return "/etc/waagent.conf ResourceDisk.Format, ResourceDisk.EnableSwap, AutoUpdate.Enabled";
    }

    @Override
    public Severity severity(Policy policy) {
        return Severity.SHOULD;
    }

    @Override
    public String source() {
        return "WALinuxAgent README (ResourceDisk.Format/EnableSwap 'n' when cloud-init handles the resource disk, AutoUpdate.Enabled); Azure generic and Ubuntu preparation docs — docs/checks.md#l9b";
    }

    @Override
    public String remediation() {
        return "with cloud-init provisioning set ResourceDisk.Format=n and ResourceDisk.EnableSwap=n in /etc/waagent.conf "
                + "(configure swap through cloud-init); for Marketplace keep AutoUpdate.Enabled=y";
    }

    @Override
    public CheckResult run(LinuxContext ctx) throws IOException {
        if (ctx.os().waagent().isEmpty() || ctx.os().waagent().get().configPath().isEmpty()) {
            return notApplicable(ctx, "no /etc/waagent.conf");
        }
        if (ctx.os().waagent().get().configProblem().isPresent()) {
            return result(ctx, io.vhdflow.inspect.CheckStatus.NOT_RUN, List.of(ctx.at("/etc/waagent.conf")
                    + " could not be read: " + ctx.os().waagent().get().configProblem().get()));
        }
        WaagentConfig c = ctx.os().waagent().get().config();
        String at = ctx.at("/etc/waagent.conf");
        List<String> failing = new ArrayList<>();
        if (ctx.os().provisioner() == LinuxOs.Provisioner.CLOUD_INIT) {
            if (c.resourceDiskFormat()) {
                failing.add(at + ": ResourceDisk.Format=y while cloud-init provisions (both would format the resource disk)");
            }
            if (c.resourceDiskEnableSwap()) {
                failing.add(at + ": ResourceDisk.EnableSwap=y while cloud-init provisions");
            }
        }
        if (ctx.policy() == Policy.MARKETPLACE && !c.autoUpdateEnabled()) {
            failing.add(at + ": AutoUpdate.Enabled=n (Marketplace images keep agent auto-update on)");
        }
        String state = at + ": ResourceDisk.Format=" + (c.resourceDiskFormat() ? "y" : "n") + ", ResourceDisk.EnableSwap="
                + (c.resourceDiskEnableSwap() ? "y" : "n") + ", AutoUpdate.Enabled=" + (c.autoUpdateEnabled() ? "y" : "n")
                + "; provisioner " + ctx.os().provisioner();
        if (failing.isEmpty()) {
            return pass(ctx, List.of(state));
        }
        failing.add(state);
        return fail(ctx, failing);
    }
}
