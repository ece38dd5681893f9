package io.vhdflow.inspect.linux;

import io.vhdflow.disk.fs.FileAttributes;
import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * L6B: the backup copies of the account files hold no accounts that are gone and no password
 * hashes. shadow-utils keeps the previous version of each file as {@code /etc/passwd-},
 * {@code /etc/shadow-}, {@code /etc/group-}, {@code /etc/gshadow-}, {@code /etc/subuid-} and
 * {@code /etc/subgid-}, so a real {@code waagent -deprovision+user} leaves the deleted user's old
 * lines there, and locking root by rewriting {@code /etc/shadow} leaves its old hash in
 * {@code /etc/shadow-}. Nothing reads these copies at login, so this is hygiene: a warning that
 * says which accounts and hashes they still hold (a hash can still be cracked offline).
 */
final class BackupPasswordHashCheck implements LinuxCheck {

    /** One account database and its backup copies. */
    record Database(String live, List<String> backups, boolean shadowFormat) {
    }

    static final List<Database> DATABASES = List.of(
            new Database("/etc/passwd", List.of("/etc/passwd-", "/etc/passwd.bak", "/etc/passwd~", "/etc/passwd.old",
                    "/etc/passwd.orig"), false),
            new Database("/etc/shadow", List.of("/etc/shadow-", "/etc/shadow.bak", "/etc/shadow~", "/etc/shadow.old",
                    "/etc/shadow.orig"), true),
            new Database("/etc/group", List.of("/etc/group-", "/etc/group.bak", "/etc/group~", "/etc/group.old"), false),
            new Database("/etc/gshadow", List.of("/etc/gshadow-", "/etc/gshadow.bak", "/etc/gshadow~",
                    "/etc/gshadow.old"), true),
            new Database("/etc/subuid", List.of("/etc/subuid-"), false),
            new Database("/etc/subgid", List.of("/etc/subgid-"), false));
    /** pam_pwhistory's old passwords: {@code user:uid:count:hash,hash}. */
    static final String OPASSWD = "/etc/security/opasswd";
    /** Names shown per file before "and N more". */
    private static final int SHOWN = 8;

    @Override
    public String id() {
        return "L6B";
    }

    @Override
    public String title() {
        return "backup copies of the account files hold no removed accounts or password hashes";
    }

    @Override
    public Category category() {
        return Category.HYGIENE;
    }

    @Override
    public String reads() {
        return "/etc/passwd-, /etc/shadow-, /etc/group-, /etc/gshadow-, /etc/subuid-, /etc/subgid-, .bak/~/.old "
                + "copies, /etc/security/opasswd, and the live files to compare with (hash schemes only)";
    }

    @Override
    public String source() {
        return "shadow-utils backup files (the '-' copies useradd, userdel, usermod and passwd write); "
                + "virt-sysprep passwd-backups — docs/checks.md#l6b";
    }

    @Override
    public String remediation() {
        return "rm -f /etc/passwd- /etc/shadow- /etc/group- /etc/gshadow- /etc/subuid- /etc/subgid- "
                + "/etc/*.bak /etc/security/opasswd after the last account change before capturing";
    }

    @Override
    public CheckResult run(LinuxContext ctx) throws IOException {
        List<String> found = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (Database db : DATABASES) {
            Set<String> live = names(FileReads.text(ctx.fs(), db.live(), FileReads.CONFIG_CAP).orElse(""));
            for (String p : db.backups()) {
                Optional<String> t = readIfFile(ctx, p, seen);
                if (t.isEmpty()) {
                    continue;
                }
                Set<String> old = new LinkedHashSet<>(names(t.get()));
                old.removeAll(live);
                if (!old.isEmpty()) {
                    found.add(ctx.at(p) + " holds " + old.size() + " entr" + (old.size() == 1 ? "y" : "ies")
                            + " no longer in " + db.live() + ": " + shown(old));
                }
                found.addAll(hashes(ctx, p, t.get(), db.shadowFormat()));
            }
        }
        Optional<String> op = readIfFile(ctx, OPASSWD, seen);
        if (op.isPresent()) {
            for (String line : op.get().split("\n")) {
                String[] f = line.split(":", -1);
                if (f.length >= 4 && !f[3].isBlank()) {
                    found.add(ctx.at(OPASSWD) + ": " + f[0] + " has " + f[3].split(",").length + " old password hash(es)");
                }
            }
        }
        if (found.isEmpty()) {
            return pass(ctx, List.of(seen.isEmpty() ? "no backup account files in " + ctx.at("/etc")
                    : "no removed account or password hash in " + String.join(", ", seen)));
        }
        return fail(ctx, found);
    }

    /** Usable hashes in one backup file: shadow-format second field, or a passwd-format field that is not 'x'. */
    private static List<String> hashes(LinuxContext ctx, String path, String text, boolean shadowFormat) {
        List<String> out = new ArrayList<>();
        if (shadowFormat) {
            for (ShadowEntry e : ShadowEntry.parseAll(text)) {
                if (e.state() == ShadowEntry.HashState.USABLE) {
                    out.add(ctx.at(path) + ": " + e.name() + " holds an old usable " + e.scheme() + " password hash");
                }
            }
        } else if (path.startsWith("/etc/passwd")) {
            for (PasswdEntry e : PasswdEntry.parseAll(text)) {
                if (!e.password().equals("x") && ShadowEntry.stateOf(e.password()) == ShadowEntry.HashState.USABLE) {
                    out.add(ctx.at(path) + ": " + e.name() + " holds an old " + ShadowEntry.schemeOf(e.password())
                            + " password hash");
                }
            }
        }
        return out;
    }

    /** The first field of every entry line ({@code name:...}). */
    private static Set<String> names(String text) {
        Set<String> out = new LinkedHashSet<>();
        for (String line : text.split("\n", -1)) {
            if (out.size() >= PasswdEntry.MAX_LINES) {
                break;
            }
            int c = line.indexOf(':');
            if (c > 0 && !line.startsWith("#")) {
                out.add(line.substring(0, c));
            }
        }
        return out;
    }

    private static String shown(Set<String> names) {
        List<String> l = names.stream().limit(SHOWN).toList();
        return String.join(", ", l) + (names.size() > SHOWN ? " and " + (names.size() - SHOWN) + " more" : "");
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
