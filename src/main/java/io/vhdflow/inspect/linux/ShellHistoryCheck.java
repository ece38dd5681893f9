package io.vhdflow.inspect.linux;

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
 * L4: shell histories are absent or at most 1 KiB. waagent deletes only root's bash history; other
 * users' histories (and a root history written after deprovisioning) stay.
 */
final class ShellHistoryCheck implements LinuxCheck {

    /** Marketplace certification limit. */
    static final long LIMIT = 1024;
    static final List<String> FILES = List.of(".bash_history", ".zsh_history", ".ash_history", ".sh_history",
            ".history", ".python_history", ".mysql_history", ".psql_history");

    @Override
    public String id() {
        return "L4";
    }

    @Override
    public String title() {
        return "shell histories absent or at most 1 KiB";
    }

    @Override
    public Category category() {
        return Category.ACCESS;
    }

    @Override
    public String reads() {
        return "shell histories (.bash_history, ...) in /root and every home directory";
    }

    @Override
    public Severity severity(Policy policy) {
        return policy == Policy.MARKETPLACE ? Severity.MUST : Severity.SHOULD;
    }

    @Override
    public String source() {
        return "Azure Marketplace certification FAQ (bash history ≤ 1 KB); WALinuxAgent deprovision removes /root/.bash_history only; anchors §1.1, §2.3 L4";
    }

    @Override
    public String remediation() {
        return "delete the histories after the last command (rm -f /root/.bash_history /home/*/.bash_history; "
                + "then 'export HISTSIZE=0' or 'history -c' so the closing shell does not write them again)";
    }

    @Override
    public CheckResult run(LinuxContext ctx) throws IOException {
        Accounts acc = ctx.accounts();
        List<String> failing = new ArrayList<>();
        List<String> small = new ArrayList<>();
        for (String home : acc.homes(ctx.fs())) {
            for (String f : FILES) {
                String p = FileReads.child(home, f);
                Optional<FileAttributes> a = ctx.fs().find(p);
                if (a.isEmpty() || !a.get().isRegularFile()) {
                    continue;
                }
                long size = a.get().size();
                String line = ctx.at(p) + " exists (" + size + " bytes";
                if (size > LIMIT) {
                    int lines = countLines(ctx, p, size);
                    failing.add(line + (lines >= 0 ? ", " + lines + " lines" : "") + "), above the 1024-byte limit");
                } else {
                    small.add(line + ", within the 1024-byte limit)");
                }
            }
        }
        List<String> evidence = new ArrayList<>(failing);
        evidence.addAll(small);
        if (failing.isEmpty()) {
            if (evidence.isEmpty()) {
                evidence.add("no shell history in " + String.join(", ", acc.homes(ctx.fs()).stream().map(ctx::at).toList()));
            }
            return pass(ctx, evidence);
        }
        return fail(ctx, evidence);
    }

    private static int countLines(LinuxContext ctx, String p, long size) throws IOException {
        if (size > FileReads.CONFIG_CAP) {
            return -1;
        }
        return ctx.fs().readString(p, FileReads.CONFIG_CAP).split("\n", -1).length - 1;
    }
}
