package io.vhdflow.inspect.linux;

import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.Policy;
import io.vhdflow.inspect.Severity;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * L10: cloud-init will find Azure. Its settings are {@code /etc/cloud/cloud.cfg}, then
 * {@code /etc/cloud/cloud.cfg.d/*.cfg} in name order, a later file's {@code datasource_list}
 * replacing an earlier one's (cloud-init's merge): a late file that leaves Azure out takes it away.
 * When cloud-init provisions the image that blocks provisioning; when the agent provisions it is a
 * warning. Unset, ds-identify decides (it finds Azure by the DMI chassis asset tag).
 */
final class CloudInitConfigCheck implements LinuxCheck {

    @Override
    public String id() {
        return "L10";
    }

    @Override
    public String title() {
        return "cloud-init finds Azure (datasource_list after merging cloud.cfg and cloud.cfg.d/*.cfg in order)";
    }

    @Override
    public Category category() {
        return Category.PROVISIONING;
    }

    @Override
    public String reads() {
        return "/etc/cloud/cloud.cfg, then /etc/cloud/cloud.cfg.d/*.cfg in lexical order (datasource_list), "
                + "/etc/cloud/cloud-init.disabled";
    }

    @Override
    public Severity severity(Policy policy) {
        return Severity.MUST;
    }

    @Override
    public String source() {
        return "cloud-init cloudinit/util.py read_conf_with_confd (cloud.cfg.d merged in sorted order, later keys win), "
                + "ds-identify; Azure 'Prepare Ubuntu' doc (90_dpkg.cfg datasource_list: [ Azure ]) — docs/checks.md#l10";
    }

    @Override
    public String remediation() {
        return "set datasource_list: [ Azure ] in /etc/cloud/cloud.cfg.d/90_dpkg.cfg (or 91-azure_datasource.cfg) and remove "
                + "any later file that sets datasource_list without Azure; fix the YAML errors listed";
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
            List<CloudInitConfig.Setting<List<String>>> history = ci.config().datasourceHistory();
            List<String> earlier = history.subList(0, Math.max(0, history.size() - 1)).stream()
                    .filter(h -> h.value().contains("Azure"))
                    .map(h -> ctx.at(h.file()) + " [" + String.join(", ", h.value()) + "]").toList();
            if (ds.value().contains("Azure")) {
                ok.add(line + " includes Azure");
            } else {
                failing.add(line + " does not include Azure" + (earlier.isEmpty() ? ""
                        : " (it overrides " + String.join(", ", earlier) + ", read before it)"));
            }
        } else {
            ok.add("datasource_list unset in " + ci.configFiles().size() + " cloud-init file(s): ds-identify decides");
        }
        boolean provisions = ctx.os().provisioner() == LinuxOs.Provisioner.CLOUD_INIT;
        if (ci.disabledByFile() && provisions) {
            failing.add(ctx.at("/etc/cloud/cloud-init.disabled") + " exists while cloud-init is the provisioner");
        }
        if (failing.isEmpty()) {
            return pass(ctx, ok);
        }
        failing.addAll(ok);
        if (!provisions) {
            failing.add("cloud-init does not provision this image (" + ctx.distribution().agent().text() + "): a warning");
            return warn(ctx, failing);
        }
        return fail(ctx, failing);
    }
}
