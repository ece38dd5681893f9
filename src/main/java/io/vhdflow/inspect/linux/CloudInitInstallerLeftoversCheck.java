package io.vhdflow.inspect.linux;

import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.Policy;
import io.vhdflow.inspect.Severity;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * L10B: no installer or build-VM file pins cloud-init: Ubuntu's installer (subiquity/curtin) leaves
 * {@code 99-installer.cfg} (its own datasource and user), a file disabling cloud-init's networking,
 * one preserving the installer's apt sources, and its netplan file for the build VM's NIC; a
 * {@code ds-identify.cfg} overrides how the datasource is found.
 */
final class CloudInitInstallerLeftoversCheck implements LinuxCheck {

    static final List<String> LEFTOVERS = List.of("/etc/cloud/cloud.cfg.d/99-installer.cfg",
            "/etc/cloud/cloud.cfg.d/subiquity-disable-cloudinit-networking.cfg",
            "/etc/cloud/cloud.cfg.d/curtin-preserve-sources.cfg", "/etc/cloud/ds-identify.cfg",
            "/etc/netplan/00-installer-config.yaml");

    @Override
    public String id() {
        return "L10B";
    }

    @Override
    public String title() {
        return "no installer leftovers pin cloud-init (99-installer.cfg, subiquity, curtin, ds-identify.cfg)";
    }

    @Override
    public Category category() {
        return Category.PROVISIONING;
    }

    @Override
    public String reads() {
        return String.join(", ", LEFTOVERS);
    }

    @Override
    public Severity severity(Policy policy) {
        return Severity.SHOULD;
    }

    @Override
    public String source() {
        return "Azure 'Prepare Ubuntu' doc (remove 99-installer.cfg, subiquity-disable-cloudinit-networking.cfg, "
                + "curtin-preserve-sources.cfg, /etc/cloud/ds-identify.cfg, /etc/netplan/*.yaml) — docs/checks.md#l10b";
    }

    @Override
    public String remediation() {
        return "in the source VM: rm -f " + String.join(" ", LEFTOVERS);
    }

    @Override
    public CheckResult run(LinuxContext ctx) throws IOException {
        List<String> failing = new ArrayList<>();
        for (String p : LEFTOVERS) {
            if (FileReads.lstat(ctx.fs(), p).isPresent()) {
                failing.add(ctx.at(p) + " exists (installer leftover)");
            }
        }
        if (failing.isEmpty() && ctx.os().cloudInit().isEmpty()) {
            return notApplicable(ctx, "cloud-init not installed and no installer file for it");
        }
        return failing.isEmpty() ? pass(ctx, List.of("none of " + String.join(", ", LEFTOVERS.stream().map(ctx::at).toList())))
                : fail(ctx, failing);
    }
}
