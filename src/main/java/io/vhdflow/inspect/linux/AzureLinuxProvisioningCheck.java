package io.vhdflow.inspect.linux;

import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.Policy;
import io.vhdflow.inspect.Severity;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * L30 (Azure Linux): provisioning as Azure Linux ships it: cloud-init provisions and the agent
 * reports. The agent's Azure Linux configuration ({@code config/mariner/waagent.conf}) sets
 * {@code Provisioning.Agent=auto} with {@code ResourceDisk.Format=n} and
 * {@code ResourceDisk.EnableSwap=n}: it counts on an enabled cloud-init to create the user and to
 * take the resource disk. Without cloud-init the agent falls back to provisioning alone and nothing
 * mounts the resource disk; without the agent nothing reports the VM's extensions.
 */
final class AzureLinuxProvisioningCheck implements FamilyRule {

    @Override
    public String id() {
        return "L30";
    }

    @Override
    public String title() {
        return "Azure Linux: cloud-init provisions and the agent reports, as Azure Linux ships them";
    }

    @Override
    public Set<LinuxFamily> families() {
        return Set.of(LinuxFamily.AZURE_LINUX);
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
        return "/etc/waagent.conf (Provisioning.Agent, ResourceDisk.Format), cloud-init units and "
                + "/etc/cloud/cloud-init.disabled, tdnf/rpm databases (family)";
    }

    @Override
    public String source() {
        return "WALinuxAgent config/mariner/waagent.conf (Provisioning.Agent=auto, ResourceDisk.Format=n, "
                + "ResourceDisk.EnableSwap=n) and setup.py (mariner/azurelinux: waagent.service) — docs/checks.md#l30";
    }

    @Override
    public String remediation() {
        return "tdnf install cloud-init WALinuxAgent; systemctl enable cloud-init-local cloud-init cloud-config cloud-final "
                + "waagent; keep Provisioning.Agent=auto";
    }

    @Override
    public CheckResult run(LinuxContext ctx) throws IOException {
        Optional<CheckResult> na = outsideFamilies(ctx);
        if (na.isPresent()) {
            return na.get();
        }
        Distribution d = ctx.distribution();
        List<String> failing = new ArrayList<>();
        List<String> evidence = new ArrayList<>();
        evidence.add("provisioning: " + d.agent().text());
        evidence.add("package databases: " + (d.packageDatabases().isEmpty() ? "none found"
                : String.join(", ", d.packageDatabases())));
        boolean cloudInit = ctx.os().cloudInit().map(LinuxOs.CloudInit::enabled).orElse(false);
        if (!cloudInit) {
            failing.add("cloud-init is " + (ctx.os().cloudInit().isEmpty() ? "not installed" : "not enabled ("
                    + (ctx.os().cloudInit().get().disabledByFile() ? ctx.at("/etc/cloud/cloud-init.disabled") + " exists"
                    : "no unit enabled") + ")") + ": Azure Linux's agent configuration leaves provisioning and the resource"
                    + " disk to it");
        }
        if (ctx.os().waagent().isEmpty()) {
            failing.add("the Azure Linux Agent (WALinuxAgent, waagent.service) is not installed: nothing runs extensions");
        } else if (cloudInit && ctx.os().provisioner() != LinuxOs.Provisioner.CLOUD_INIT) {
            failing.add("the agent provisions itself (Provisioning.Agent=" + ctx.os().waagent().get().config().provisioningAgent()
                    + ") instead of leaving it to cloud-init as Azure Linux's auto does");
        }
        ctx.os().waagent().flatMap(w -> w.configPath().map(p -> ctx.at(p) + ": Provisioning.Agent="
                + w.config().provisioningAgent() + ", ResourceDisk.Format=" + (w.config().resourceDiskFormat() ? "y" : "n")))
                .ifPresent(evidence::add);
        if (failing.isEmpty()) {
            return pass(ctx, evidence);
        }
        failing.addAll(evidence);
        return fail(ctx, failing);
    }
}
