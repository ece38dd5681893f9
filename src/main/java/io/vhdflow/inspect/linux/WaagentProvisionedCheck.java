package io.vhdflow.inspect.linux;

import io.vhdflow.disk.fs.DirEntry;
import io.vhdflow.disk.fs.FileAttributes;
import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.Policy;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.Severity;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * L1: the agent's {@code provisioned} marker and {@code ovf-env.xml} are gone. With the marker
 * present the agent logs "Provisioning already completed, skipping" on the new VM, the requested
 * user and keys are never created and the deployment times out ({@code OSProvisioningTimedOut}).
 */
final class WaagentProvisionedCheck implements LinuxCheck {

    static final String LIB = "/var/lib/waagent";

    @Override
    public String id() {
        return "L1";
    }

    @Override
    public String title() {
        return "Azure Linux Agent provisioning state removed (provisioned marker, ovf-env.xml)";
    }

    @Override
    public Category category() {
        return Category.PROVISIONING;
    }

    @Override
    public String reads() {
        return "/var/lib/waagent/provisioned, /var/lib/waagent/ovf-env.xml";
    }

    @Override
    public Severity severity(Policy policy) {
        return Severity.MUST;
    }

    @Override
    public String source() {
        return "WALinuxAgent azurelinuxagent/pa/provision/default.py (is_provisioned), pa/deprovision/default.py — docs/checks.md#l1";
    }

    @Override
    public String remediation() {
        return "deprovision the VM before capturing it: sudo waagent -deprovision+user -force (it removes /var/lib/waagent), "
                + "or delete /var/lib/waagent/provisioned and /var/lib/waagent/ovf-env.xml";
    }

    @Override
    public CheckResult run(LinuxContext ctx) throws IOException {
        List<String> failing = new ArrayList<>();
        String marker = LIB + "/provisioned";
        Optional<FileAttributes> m = FileReads.lstat(ctx.fs(), marker);
        if (m.isPresent()) {
            String line = ctx.at(marker) + " exists (" + m.get().size() + " bytes)";
            if (m.get().isRegularFile() && m.get().size() <= 256) {
                String id = ctx.fs().readString(marker, 256).strip();
                if (id.matches("[0-9A-Za-z-]{1,64}")) {
                    line += ", holding VM id " + id;
                }
            }
            failing.add(line + ": the agent will skip provisioning on every new VM");
        }
        String ovf = LIB + "/ovf-env.xml";
        Optional<FileAttributes> o = FileReads.lstat(ctx.fs(), ovf);
        if (o.isPresent()) {
            String line = ctx.at(ovf) + " exists (" + o.get().size() + " bytes)";
            // Its presence decides; the content is read for evidence only when it is of a sane size.
            if (o.get().isRegularFile() && o.get().size() <= FileReads.CONFIG_CAP) {
                String xml = ctx.fs().readString(ovf, FileReads.CONFIG_CAP);
                Optional<String> user = element(xml, "UserName");
                if (user.isPresent()) {
                    line += ", naming user " + user.get();
                }
                if (xml.contains("UserPassword>") || xml.contains("CustomData>")) {
                    line += "; it carries a provisioning password or customData";
                }
            }
            failing.add(line);
        }
        List<String> evidence = new ArrayList<>(failing);
        if (ctx.fs().isDirectory(LIB)) {
            List<DirEntry> entries = FileReads.list(ctx.fs(), LIB);
            if (!entries.isEmpty()) {
                List<String> names = entries.stream().map(DirEntry::name).limit(12).toList();
                evidence.add(ctx.at(LIB) + " holds " + entries.size() + " entries: " + String.join(", ", names)
                        + (entries.size() > names.size() ? ", ..." : ""));
            } else {
                evidence.add(ctx.at(LIB) + " is empty");
            }
        } else {
            evidence.add(ctx.at(LIB) + " absent");
        }
        if (failing.isEmpty()) {
            evidence.add(0, ctx.at(marker) + " absent; " + ctx.at(ovf) + " absent");
            return pass(ctx, evidence);
        }
        return fail(ctx, evidence);
    }

    /** Text of the first {@code <name>} or {@code <ns:name>} element, when short and plain. */
    static Optional<String> element(String xml, String name) {
        java.util.regex.Matcher mt = java.util.regex.Pattern
                .compile("<(?:[A-Za-z0-9_]+:)?" + name + ">([^<]{1,64})</").matcher(xml);
        return mt.find() ? Optional.of(mt.group(1).strip()) : Optional.empty();
    }
}
