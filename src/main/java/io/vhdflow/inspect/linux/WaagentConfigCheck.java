package io.vhdflow.inspect.linux;

import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.Policy;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.Severity;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * L9: the agent's configuration lets a VM be provisioned: {@code Provisioning.Agent} is auto,
 * waagent or cloud-init (never {@code disabled}), and when it names cloud-init, cloud-init is
 * there to do it. {@code Provisioning.Enabled} was removed in agent 2.2.45 and is only noted.
 */
final class WaagentConfigCheck implements LinuxCheck {

    static final Set<String> VALID = Set.of("auto", "waagent", "cloud-init");

    @Override
    public String id() {
        return "L9";
    }

    @Override
    public String title() {
        return "waagent.conf lets a VM be provisioned (Provisioning.Agent)";
    }

    @Override
    public Category category() {
        return Category.PROVISIONING;
    }

    @Override
    public String reads() {
        return "/etc/waagent.conf Provisioning.Agent (and legacy Provisioning.Enabled)";
    }

    @Override
    public Severity severity(Policy policy) {
        return Severity.MUST;
    }

    @Override
    public String source() {
        return "WALinuxAgent README (Provisioning.Agent; Provisioning.Enabled removed in 2.2.45), pa/provision/factory.py — docs/checks.md#l9";
    }

    @Override
    public String remediation() {
        return "set Provisioning.Agent=auto in /etc/waagent.conf (or waagent / cloud-init matching the image's provisioner)";
    }

    @Override
    public CheckResult run(LinuxContext ctx) throws IOException {
        if (ctx.os().waagent().isEmpty()) {
            return notApplicable(ctx, "Azure Linux Agent not installed");
        }
        LinuxOs.Waagent w = ctx.os().waagent().get();
        if (w.configProblem().isPresent()) {
            return result(ctx, io.vhdflow.inspect.CheckStatus.NOT_RUN,
                    List.of(ctx.at("/etc/waagent.conf") + " could not be read: " + w.configProblem().get()));
        }
        if (w.configPath().isEmpty()) {
            return fail(ctx, List.of(ctx.at("/etc/waagent.conf") + " absent: the agent runs with built-in defaults only"));
        }
        WaagentConfig c = w.config();
        String at = ctx.at("/etc/waagent.conf");
        String agent = c.provisioningAgent();
        List<String> evidence = new ArrayList<>();
        boolean ok = true;
        String shown = c.get("Provisioning.Agent").map(v -> "Provisioning.Agent=" + v).orElse("Provisioning.Agent unset (default auto)");
        if (agent.equals("disabled")) {
            ok = false;
            evidence.add(at + ": " + shown + ": the agent will not provision new VMs");
        } else if (!VALID.contains(agent)) {
            ok = false;
            evidence.add(at + ": " + shown + " is not one of auto, waagent, cloud-init, disabled");
        } else if (agent.equals("cloud-init") && ctx.os().cloudInit().map(ci -> !ci.enabled()).orElse(true)) {
            ok = false;
            evidence.add(at + ": " + shown + " but cloud-init is " + (ctx.os().cloudInit().isPresent() ? "not enabled" : "not installed"));
        } else {
            evidence.add(at + ": " + shown + "; provisioned by " + ctx.os().provisioner());
        }
        c.legacyProvisioningEnabled().ifPresent(v -> evidence.add(at + ": Provisioning.Enabled=" + v
                + " is legacy (removed in agent 2.2.45) and ignored"));
        return ok ? pass(ctx, evidence) : fail(ctx, evidence);
    }
}
