package io.vhdflow.inspect.linux;

import io.vhdflow.disk.fs.FileAttributes;
import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.Policy;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.Severity;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * L6B: no password hashes survive in backup copies of the account files. shadow-utils writes
 * {@code /etc/shadow-} as the previous version on each change, so locking root by rewriting
 * {@code /etc/shadow} (as {@code waagent -deprovision} without {@code +user} does) leaves the old
 * hash in {@code /etc/shadow-}; editors and admins leave {@code .bak}/{@code ~} copies.
 */
final class BackupPasswordHashCheck implements LinuxCheck {

    /** Shadow-format backups: {@code name:hash:...}. */
    static final List<String> SHADOW_BACKUPS = List.of("/etc/shadow-", "/etc/shadow.bak", "/etc/shadow~",
            "/etc/shadow.old", "/etc/shadow.orig", "/etc/gshadow-", "/etc/gshadow.bak", "/etc/gshadow~", "/etc/gshadow.old");
    /** passwd-format backups: a hash in the second field when not shadowed. */
    static final List<String> PASSWD_BACKUPS = List.of("/etc/passwd-", "/etc/passwd.bak", "/etc/passwd~", "/etc/passwd.old",
            "/etc/passwd.orig");
    /** pam_pwhistory's old passwords: {@code user:uid:count:hash,hash}. */
    static final String OPASSWD = "/etc/security/opasswd";

    @Override
    public String id() {
        return "L6B";
    }

    @Override
    public String title() {
        return "no password hashes left in backup account files (/etc/shadow-, *.bak, opasswd)";
    }

    @Override
    public Category category() {
        return Category.ACCESS;
    }

    @Override
    public String reads() {
        return "/etc/shadow-, /etc/passwd- and .bak/~ copies of the account files";
    }

    @Override
    public Severity severity(Policy policy) {
        return policy == Policy.MARKETPLACE ? Severity.MUST : Severity.SHOULD;
    }

    @Override
    public String source() {
        return "shadow-utils backup files (shadow(5), the '-' copies written by useradd/usermod/passwd); Azure Marketplace certification FAQ 'Default credentials'; anchors §2.3 L6";
    }

    @Override
    public String remediation() {
        return "remove the stale copies after locking the passwords (rm -f /etc/shadow- /etc/gshadow- /etc/*.bak), "
                + "or re-run a shadow-utils command (e.g. passwd -l root) so the '-' copy is rewritten from the locked file";
    }

    @Override
    public CheckResult run(LinuxContext ctx) throws IOException {
        Map<String, ShadowEntry.HashState> live = new HashMap<>();
        for (ShadowEntry e : ctx.accounts().shadow()) {
            live.put(e.name(), e.state());
        }
        List<String> failing = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (String p : SHADOW_BACKUPS) {
            Optional<String> t = readIfFile(ctx, p, seen);
            if (t.isEmpty()) {
                continue;
            }
            for (ShadowEntry e : ShadowEntry.parseAll(t.get())) {
                if (e.state() == ShadowEntry.HashState.USABLE) {
                    ShadowEntry.HashState now = live.get(e.name());
                    String liveNote = p.startsWith("/etc/gshadow") ? "" : now == null ? " (the account is gone from /etc/shadow)"
                            : now == ShadowEntry.HashState.LOCKED ? " (locked in the live /etc/shadow)" : "";
                    failing.add(ctx.at(p) + ": " + e.name() + " has a usable " + e.scheme() + " password hash" + liveNote);
                }
            }
        }
        for (String p : PASSWD_BACKUPS) {
            Optional<String> t = readIfFile(ctx, p, seen);
            if (t.isEmpty()) {
                continue;
            }
            for (PasswdEntry e : PasswdEntry.parseAll(t.get())) {
                if (!e.password().equals("x") && ShadowEntry.stateOf(e.password()) == ShadowEntry.HashState.USABLE) {
                    failing.add(ctx.at(p) + ": " + e.name() + " has a " + ShadowEntry.schemeOf(e.password()) + " password hash");
                }
            }
        }
        Optional<String> op = readIfFile(ctx, OPASSWD, seen);
        if (op.isPresent()) {
            for (String line : op.get().split("\n")) {
                String[] f = line.split(":", -1);
                if (f.length >= 4 && !f[3].isBlank()) {
                    failing.add(ctx.at(OPASSWD) + ": " + f[0] + " has " + f[3].split(",").length + " old password hash(es)");
                }
            }
        }
        if (failing.isEmpty()) {
            List<String> ev = new ArrayList<>();
            ev.add(seen.isEmpty() ? "no backup account files in " + ctx.at("/etc")
                    : "no usable password hash in " + String.join(", ", seen));
            return pass(ctx, ev);
        }
        return fail(ctx, failing);
    }

    private static Optional<String> readIfFile(LinuxContext ctx, String p, List<String> seen) throws IOException {
        Optional<FileAttributes> a = ctx.fs().find(p);
        if (a.isEmpty() || !a.get().isRegularFile()) {
            return Optional.empty();
        }
        seen.add(ctx.at(p) + " (" + a.get().size() + " bytes)");
        return Optional.of(ctx.fs().readString(p, FileReads.CONFIG_CAP));
    }
}
