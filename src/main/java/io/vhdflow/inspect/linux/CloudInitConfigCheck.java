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
 * L10: cloud-init will find Azure ({@code datasource_list} includes {@code Azure}, or is unset so
 * ds-identify decides) and no installer or build-VM leftovers pin it elsewhere.
 */
final class CloudInitConfigCheck implements LinuxCheck {

    static final List<String> LEFTOVERS = List.of("/etc/cloud/cloud.cfg.d/99-installer.cfg",
            "/etc/cloud/cloud.cfg.d/subiquity-disable-cloudinit-networking.cfg",
            "/etc/cloud/cloud.cfg.d/curtin-preserve-sources.cfg", "/etc/cloud/ds-identify.cfg");

    @Override
    public String id() {
        return "L10";
    }

    @Override
    public String title() {
        return "cloud-init configured for Azure (datasource_list, no installer leftovers)";
    }

    @Override
    public Category category() {
        return Category.PROVISIONING;
    }

    @Override
    public String reads() {
        return "/etc/cloud/cloud.cfg and /etc/cloud/cloud.cfg.d/*.cfg (datasource_list, installer leftovers)";
    }

    @Override
    public Severity severity(Policy policy) {
        return Severity.SHOULD;
    }

    @Override
    public String source() {
        return "Azure 'Prepare Ubuntu' doc (90_dpkg.cfg datasource_list: [ Azure ], remove 99-installer.cfg, subiquity and curtin files, ds-identify.cfg, /etc/netplan/*.yaml) — docs/checks.md#l10";
    }

    @Override
    public String remediation() {
        return "set datasource_list: [ Azure ] in /etc/cloud/cloud.cfg.d/90_dpkg.cfg (or 91-azure_datasource.cfg); remove the "
                + "installer files listed and the build VM's /etc/netplan/*.yaml; fix the YAML errors listed";
    }

    @Override
    public CheckResult run(LinuxContext ctx) throws IOException {
        if (ctx.os().cloudInit().isEmpty()) {
            return notApplicable(ctx, "cloud-init not installed");
        }
        LinuxOs.CloudInit ci = ctx.os().cloudInit().get();
        List<String> failing = new ArrayList<>();
        List<String> ok = new ArrayList<>();
        for (String p : ci.config().problems()) {
            failing.add(ctx.os().location() + ":" + p);
        }
        if (ci.config().datasourceList().isPresent()) {
            CloudInitConfig.Setting<List<String>> ds = ci.config().datasourceList().get();
            String line = ctx.at(ds.file()) + ": datasource_list [" + String.join(", ", ds.value()) + "]";
            if (ds.value().contains("Azure")) {
                ok.add(line + " includes Azure");
            } else {
                failing.add(line + " does not include Azure");
            }
        } else {
            ok.add("datasource_list unset in " + ci.configFiles().size() + " cloud-init file(s): ds-identify decides");
        }
        for (String p : LEFTOVERS) {
            if (FileReads.lstat(ctx.fs(), p).isPresent()) {
                failing.add(ctx.at(p) + " exists (installer leftover)");
            }
        }
        for (DirEntry e : FileReads.list(ctx.fs(), "/etc/netplan")) {
            if (e.name().endsWith(".yaml")) {
                failing.add(ctx.at("/etc/netplan/" + e.name()) + " exists (network configuration of the build VM)");
            }
        }
        if (ci.disabledByFile() && ctx.os().provisioner() == LinuxOs.Provisioner.CLOUD_INIT) {
            failing.add(ctx.at("/etc/cloud/cloud-init.disabled") + " exists while cloud-init is the provisioner");
        }
        if (failing.isEmpty()) {
            return pass(ctx, ok);
        }
        failing.addAll(ok);
        return fail(ctx, failing);
    }
}
