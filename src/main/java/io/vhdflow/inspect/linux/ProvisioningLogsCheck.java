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
 * L20: the build VM's provisioning logs are gone ({@code /var/log/waagent.log}, {@code /var/log/azure/},
 * {@code /var/log/cloud-init*.log}). They hold the old VM's identity and would be mixed into the new
 * VM's logs; {@code waagent -deprovision} removes the agent's, {@code cloud-init clean --logs} cloud-init's.
 */
final class ProvisioningLogsCheck implements LinuxCheck {

    @Override
    public String id() {
        return "L20";
    }

    @Override
    public String title() {
        return "provisioning logs removed (waagent.log, /var/log/azure, cloud-init logs)";
    }

    @Override
    public Category category() {
        return Category.HYGIENE;
    }

    @Override
    public String reads() {
        return "/var/log/waagent.log, /var/log/azure/, /var/log/cloud-init*.log";
    }

    @Override
    public Severity severity(Policy policy) {
        return Severity.SHOULD;
    }

    @Override
    public String source() {
        return "WALinuxAgent deprovision (del_files /var/log/waagent.log, del_dirs /var/log/azure); cloud-init clean --logs — docs/checks.md#l20";
    }

    @Override
    public String remediation() {
        return "remove the logs before capturing: waagent -deprovision removes its own; run cloud-init clean --logs "
                + "(or rm -f /var/log/cloud-init.log /var/log/cloud-init-output.log)";
    }

    @Override
    public CheckResult run(LinuxContext ctx) throws IOException {
        List<String> failing = new ArrayList<>();
        List<String> candidates = new ArrayList<>(List.of("/var/log/waagent.log"));
        for (DirEntry e : FileReads.list(ctx.fs(), "/var/log")) {
            if (e.name().startsWith("cloud-init") && e.name().contains(".log")) {
                candidates.add("/var/log/" + e.name());
            }
        }
        for (String p : candidates) {
            Optional<FileAttributes> a = FileReads.lstat(ctx.fs(), p);
            if (a.isPresent() && a.get().isRegularFile()) {
                failing.add(ctx.at(p) + " exists (" + a.get().size() + " bytes)");
            }
        }
        List<DirEntry> azure = FileReads.list(ctx.fs(), "/var/log/azure");
        if (!azure.isEmpty()) {
            failing.add(ctx.at("/var/log/azure") + " holds " + azure.size() + " entries: "
                    + String.join(", ", azure.stream().map(DirEntry::name).limit(8).toList()));
        }
        if (failing.isEmpty()) {
            return pass(ctx, List.of("no " + ctx.at("/var/log/waagent.log") + ", no cloud-init log, "
                    + ctx.at("/var/log/azure") + " empty or absent"));
        }
        return fail(ctx, failing);
    }
}
