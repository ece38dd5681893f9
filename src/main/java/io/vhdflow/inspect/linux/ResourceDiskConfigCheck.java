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
 * ({@code ResourceDisk.Format=n}, {@code ResourceDisk.EnableSwap=n}) and cloud-init's
 * {@code disk_setup} and {@code mounts} modules ({@code cc_disk_setup}, {@code cc_mounts}) are in
 * its module lists to take it over; under the Marketplace policy the agent keeps
 * {@code AutoUpdate.Enabled} on.
 */
final class ResourceDiskConfigCheck implements LinuxCheck {

    @Override
    public String id() {
        return "L9B";
    }

    @Override
    public String title() {
        return "waagent.conf resource disk and auto-update settings fit the provisioner (cloud-init's disk_setup and mounts in charge)";
    }

    @Override
    public Category category() {
        return Category.PROVISIONING;
    }

    @Override
    public String reads() {
        return "/etc/waagent.conf ResourceDisk.Format, ResourceDisk.EnableSwap, AutoUpdate.Enabled; cloud-init module lists "
                + "(cloud_init_modules, cloud_config_modules) in cloud.cfg and cloud.cfg.d";
    }

    @Override
    public Severity severity(Policy policy) {
        return Severity.SHOULD;
    }

    @Override
    public String source() {
        return "WALinuxAgent README (ResourceDisk.Format/EnableSwap 'n' when cloud-init handles the resource disk, AutoUpdate.Enabled); "
                + "cloud-init cc_disk_setup and cc_mounts (the Azure datasource's default resource disk layout); Azure generic and "
                + "Ubuntu preparation docs — docs/checks.md#l9b";
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
            cloudInitModules(ctx).ifPresent(failing::add);
        }
        if (ctx.policy() == Policy.MARKETPLACE && !c.autoUpdateEnabled()) {
            failing.add(at + ": AutoUpdate.Enabled=n (Marketplace images keep agent auto-update on)");
        }
        List<String> notes = new ArrayList<>();
        if (ctx.os().provisioner() == LinuxOs.Provisioner.CLOUD_INIT && ctx.os().cloudInit().isPresent()) {
            CloudInitConfig ci = ctx.os().cloudInit().get().config();
            boolean disk = ci.runsModule("disk_setup");
            boolean mounts = ci.runsModule("mounts");
            notes.add(ci.modules().isEmpty() ? "cloud-init: no module list set in the files read"
                    : "cloud-init's module lists run " + (disk && mounts ? "disk_setup and mounts" : disk ? "disk_setup, not mounts"
                    : mounts ? "mounts, not disk_setup" : "neither disk_setup nor mounts"));
        }
        String state = at + ": ResourceDisk.Format=" + (c.resourceDiskFormat() ? "y" : "n") + ", ResourceDisk.EnableSwap="
                + (c.resourceDiskEnableSwap() ? "y" : "n") + ", AutoUpdate.Enabled=" + (c.autoUpdateEnabled() ? "y" : "n")
                + "; provisioner " + ctx.os().provisioner();
        if (failing.isEmpty()) {
            notes.add(0, state);
            return pass(ctx, notes);
        }
        failing.add(state);
        return fail(ctx, failing);
    }

    /**
     * A failure line when cloud-init provisions but its module lists leave out {@code disk_setup} or
     * {@code mounts}: with the agent told to leave the resource disk alone, nothing would format or
     * mount it. Empty when both are listed, or when no list is set at all (nothing to judge by).
     */
    private static java.util.Optional<String> cloudInitModules(LinuxContext ctx) {
        if (ctx.os().cloudInit().isEmpty()) {
            return java.util.Optional.empty();
        }
        CloudInitConfig ci = ctx.os().cloudInit().get().config();
        if (ci.modules().isEmpty()) {
            return java.util.Optional.empty();
        }
        List<String> missing = new ArrayList<>();
        for (String m : List.of("disk_setup", "mounts")) {
            if (!ci.runsModule(m)) {
                missing.add(m);
            }
        }
        if (missing.isEmpty()) {
            return java.util.Optional.empty();
        }
        String lists = String.join(", ", ci.modules().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                .map(e -> e.getKey() + " (" + ctx.at(e.getValue().file()) + ")").toList());
        return java.util.Optional.of("cloud-init provisions but its module lists " + lists + " do not run "
                + String.join(" or ", missing) + ": nothing takes over the resource disk");
    }
}
