package io.vhdflow.inspect.linux;

import io.vhdflow.disk.fs.FileAttributes;
import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * L4: no shell or tool history in root's or any home directory. A history holds the builder's
 * commands, often with passwords and tokens typed on the command line, and shows every VM made from
 * the image what was done on it. waagent deletes only root's bash history, and the shell that ran
 * the deprovisioning writes its own history again when it exits. An empty file passes.
 */
final class ShellHistoryCheck implements LinuxCheck {

    /** Histories of shells and interactive tools, relative to a home directory. */
    static final List<String> FILES = List.of(".bash_history", ".zsh_history", ".zhistory", ".ash_history",
            ".sh_history", ".history", ".local/share/fish/fish_history", ".python_history", ".mysql_history",
            ".psql_history", ".sqlite_history", ".node_repl_history", ".rediscli_history", ".lesshst", ".viminfo");

    @Override
    public String id() {
        return "L4";
    }

    @Override
    public String title() {
        return "no shell or tool history in /root or any home";
    }

    @Override
    public Category category() {
        return Category.ACCESS;
    }

    @Override
    public String reads() {
        return "bash, zsh, fish, sh, python, mysql, psql, sqlite, node, redis-cli histories, .lesshst and .viminfo "
                + "in /root and every home directory (sizes; line counts of failing files)";
    }

    @Override
    public String source() {
        return "WALinuxAgent deprovision deletes /root/.bash_history only; Azure Marketplace certification "
                + "(bash history); virt-sysprep bash-history — docs/checks.md#l4";
    }

    @Override
    public String remediation() {
        return "rm -f /root/.bash_history /home/*/.bash_history (and the other histories listed) && export HISTSIZE=0, "
                + "as the last command before capturing, so the closing shell writes nothing back";
    }

    @Override
    public CheckResult run(LinuxContext ctx) throws IOException {
        List<String> failing = new ArrayList<>();
        List<String> empty = new ArrayList<>();
        for (String home : ctx.accounts().everyHome(ctx.fs()).keySet()) {
            for (String f : FILES) {
                String p = FileReads.child(home, f);
                Optional<FileAttributes> a = ctx.fs().find(p);
                if (a.isEmpty() || !a.get().isRegularFile()) {
                    continue;
                }
                long size = a.get().size();
                if (size == 0) {
                    empty.add(ctx.at(p) + " exists but is empty");
                } else {
                    int lines = countLines(ctx, p, size);
                    failing.add(ctx.at(p) + " holds " + size + " bytes" + (lines >= 0 ? " (" + lines + " lines)" : ""));
                }
            }
        }
        List<String> evidence = new ArrayList<>(failing);
        evidence.addAll(empty);
        if (failing.isEmpty()) {
            if (evidence.isEmpty()) {
                evidence.add("no history file in " + String.join(", ",
                        ctx.accounts().everyHome(ctx.fs()).keySet().stream().map(ctx::at).toList()));
            }
            return pass(ctx, evidence);
        }
        return fail(ctx, evidence);
    }

    private static int countLines(LinuxContext ctx, String p, long size) throws IOException {
        if (size > FileReads.CONFIG_CAP) {
            return -1;
        }
        byte[] b = ctx.fs().readAllBytes(p, FileReads.CONFIG_CAP);
        int n = 0;
        for (byte x : b) {
            if (x == '\n') {
                n++;
            }
        }
        return n;
    }
}
