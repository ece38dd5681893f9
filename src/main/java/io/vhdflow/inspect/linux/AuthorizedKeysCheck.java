package io.vhdflow.inspect.linux;

import io.vhdflow.disk.fs.FileAttributes;
import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * L7K: no {@code authorized_keys} with a key is left: root's, every account's home, every directory
 * under {@code /home}, and wherever {@code AuthorizedKeysFile} in {@code sshd_config} points
 * ({@link SshdKeyFiles}). waagent removes only the provisioned user's keys; a key left lets whoever
 * holds its private half into every VM made from the image. A file with no key line passes.
 */
final class AuthorizedKeysCheck implements LinuxCheck {

    @Override
    public String id() {
        return "L7K";
    }

    @Override
    public String title() {
        return "no leftover SSH authorized_keys (root, every home, AuthorizedKeysFile)";
    }

    @Override
    public Category category() {
        return Category.ACCESS;
    }

    @Override
    public String reads() {
        return "/etc/ssh/sshd_config and its includes (AuthorizedKeysFile), the authorized_keys files of root, of "
                + "every account's home and of every directory under /home (key types and comments only)";
    }

    @Override
    public String source() {
        return "sshd_config(5) AuthorizedKeysFile; WALinuxAgent deprovision+user removes only the provisioned user; "
                + "virt-sysprep ssh-userdir — docs/checks.md#l7k";
    }

    @Override
    public String remediation() {
        return "rm -f /root/.ssh/authorized_keys /home/*/.ssh/authorized_keys (and the files listed); keys for new "
                + "VMs come from each VM's own configuration at provisioning";
    }

    @Override
    public CheckResult run(LinuxContext ctx) throws IOException {
        SshdKeyFiles where = SshdKeyFiles.read(ctx.fs());
        Map<String, Optional<PasswdEntry>> homes = ctx.accounts().everyHome(ctx.fs());
        Set<String> files = new LinkedHashSet<>();
        for (Map.Entry<String, Optional<PasswdEntry>> h : homes.entrySet()) {
            String user = h.getValue().map(PasswdEntry::name).orElse("");
            long uid = h.getValue().map(PasswdEntry::uid).orElse(-1L);
            for (String pattern : where.patterns()) {
                if (!user.isEmpty() || !(pattern.contains("%u") || pattern.contains("%U"))) {
                    files.add(SshdKeyFiles.expand(pattern, h.getKey(), user, uid));
                }
            }
        }
        // Accounts without a home of their own still get a key file when the pattern names them (%u, %U).
        for (PasswdEntry p : ctx.accounts().passwd()) {
            for (String pattern : where.patterns()) {
                if (pattern.startsWith("/") && (pattern.contains("%u") || pattern.contains("%U")) && files.size() < 100_000) {
                    files.add(SshdKeyFiles.expand(pattern, p.home(), p.name(), p.uid()));
                }
            }
        }
        List<String> failing = new ArrayList<>();
        List<String> empty = new ArrayList<>();
        for (String f : files) {
            Optional<FileAttributes> a = ctx.fs().find(f);
            if (a.isEmpty() || !a.get().isRegularFile()) {
                continue;
            }
            Optional<AuthorizedKeys> k = AuthorizedKeys.read(ctx.fs(), f, a.get());
            if (k.isPresent()) {
                failing.add(ctx.at(f) + " holds " + k.get().summary());
            } else {
                empty.add(ctx.at(f) + " holds no key");
            }
        }
        List<String> evidence = new ArrayList<>(failing);
        evidence.addAll(empty);
        evidence.add("key files looked for: " + String.join(" ", where.patterns()) + " (" + where.source() + ")");
        where.command().ifPresent(c -> evidence.add("AuthorizedKeysCommand " + c + " also supplies keys (not "
                + "readable offline)"));
        if (failing.isEmpty()) {
            evidence.add(0, "no authorized_keys with a key in " + String.join(", ",
                    homes.keySet().stream().map(ctx::at).toList()));
            return pass(ctx, evidence);
        }
        return fail(ctx, evidence);
    }
}
