package io.vhdflow.inspect.linux;

import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * L7S: no sudo rule grants root to an account the distribution did not ship that way. Read as sudo
 * reads it ({@link Sudoers}: {@code /etc/sudoers} and everything it includes). A rule for
 * {@code root}, or for a group with no member accounts (Debian's {@code %sudo}, RHEL's {@code %wheel}),
 * is the distribution's; {@code ALL} is too when sudo asks for root's password ({@code Defaults
 * targetpw}, as SUSE ships it). A rule naming an existing account, a group with members, {@code ALL}
 * without {@code targetpw}, a netgroup or a uid blocks: every VM would grant it. A rule naming an
 * account that no longer exists (cloud-init's {@code 90-cloud-init-users} after
 * {@code waagent -deprovision+user} deleted the user) warns: it grants nothing until an account of
 * that name is created. An empty {@code /etc/sudoers.d/waagent} (what the agent leaves) passes.
 */
final class SudoRulesCheck implements LinuxCheck {

    @Override
    public String id() {
        return "L7S";
    }

    @Override
    public String title() {
        return "no sudo rule for a leftover account (sudoers and its includes)";
    }

    @Override
    public Category category() {
        return Category.ACCESS;
    }

    @Override
    public String reads() {
        return "/etc/sudoers and what it includes (#includedir /etc/sudoers.d, @include), /etc/passwd, /etc/group";
    }

    @Override
    public String source() {
        return "sudoers(5) (includes, user lists, Defaults targetpw); WALinuxAgent conf_sudoer (/etc/sudoers.d/waagent); "
                + "cloud-init users-groups (90-cloud-init-users) — docs/checks.md#l7s";
    }

    @Override
    public String remediation() {
        return "delete the rule (sudo visudo -f FILE) or the file; sudo waagent -deprovision+user -force removes the "
                + "provisioned user's line from /etc/sudoers.d/waagent, and rm -f /etc/sudoers.d/90-cloud-init-users "
                + "removes cloud-init's";
    }

    @Override
    public CheckResult run(LinuxContext ctx) throws IOException {
        Sudoers sudo = Sudoers.read(ctx.fs());
        Accounts acc = ctx.accounts();
        List<Group> groups = Group.parseAll(FileReads.text(ctx.fs(), "/etc/group", FileReads.CONFIG_CAP).orElse(""));
        List<String> blocking = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        List<String> shipped = new ArrayList<>();
        for (Sudoers.Rule r : sudo.rules()) {
            String at = ctx.at(r.file()) + " line " + r.line();
            for (String who : expand(r.who(), sudo, 0)) {
                if (who.startsWith("!")) {
                    continue;
                }
                if (who.equals("root") || who.equals("#0")) {
                    shipped.add(at + ": rule for root");
                } else if (who.startsWith("%:") || who.startsWith("+")) {
                    blocking.add(at + " grants sudo to " + who + " (a group or netgroup outside /etc/group): " + r.text());
                } else if (who.startsWith("%")) {
                    Set<String> members = members(who.substring(1), groups, acc);
                    if (members.isEmpty()) {
                        shipped.add(at + ": rule for group " + who + ", which has no member account");
                    } else {
                        blocking.add(at + " grants sudo to group " + who + ", whose members are " + String.join(", ", members)
                                + ": " + r.text());
                    }
                } else if (who.equals("ALL")) {
                    if (sudo.asksTargetPassword()) {
                        shipped.add(at + ": rule for ALL with Defaults targetpw/rootpw (sudo asks for root's password)");
                    } else {
                        blocking.add(at + " grants sudo to every user: " + r.text());
                    }
                } else {
                    Optional<PasswdEntry> account = who.startsWith("#") && who.substring(1).matches("\\d{1,10}")
                            ? acc.passwd().stream().filter(p -> p.uid() == Long.parseLong(who.substring(1))).findFirst()
                            : acc.account(who);
                    if (account.isPresent()) {
                        blocking.add(at + " grants sudo to " + account.get().name() + " (uid " + account.get().uid() + "): "
                                + r.text());
                    } else {
                        warnings.add(at + " grants sudo to " + who + ", an account that no longer exists: it grants "
                                + "nothing until an account of that name is created");
                    }
                }
            }
        }
        List<String> evidence = new ArrayList<>(blocking);
        evidence.addAll(warnings);
        evidence.addAll(shipped);
        for (String f : sudo.files()) {
            if (sudo.rules().stream().noneMatch(r -> r.file().equals(f))) {
                evidence.add(ctx.at(f) + " holds no rule");
            }
        }
        sudo.notes().forEach(n -> evidence.add(ctx.at(n)));
        if (sudo.files().isEmpty()) {
            return pass(ctx, List.of(ctx.at(Sudoers.MAIN) + " and " + ctx.at(Sudoers.DROP_IN) + " absent: no sudo rules"));
        }
        if (!blocking.isEmpty()) {
            return fail(ctx, evidence);
        }
        if (!warnings.isEmpty()) {
            return warn(ctx, evidence);
        }
        evidence.add(0, "no rule grants sudo to an account other than root (" + sudo.files().size() + " file"
                + (sudo.files().size() == 1 ? "" : "s") + " read)");
        return pass(ctx, evidence);
    }

    /** A user list with its aliases expanded (aliases may nest, up to a few levels). */
    private static List<String> expand(List<String> who, Sudoers sudo, int depth) {
        List<String> out = new ArrayList<>();
        for (String w : who) {
            List<String> alias = sudo.aliases().get(w);
            if (alias != null && depth < 4) {
                out.addAll(expand(alias, sudo, depth + 1));
            } else {
                out.add(w);
            }
        }
        return out;
    }

    /** Accounts in a group: listed members of {@code /etc/group}, and accounts whose primary group it is. */
    private static Set<String> members(String group, List<Group> groups, Accounts acc) {
        Set<String> out = new LinkedHashSet<>();
        Optional<Group> g = group.startsWith("#") && group.substring(1).matches("\\d{1,10}")
                ? groups.stream().filter(x -> x.gid() == Long.parseLong(group.substring(1))).findFirst()
                : groups.stream().filter(x -> x.name().equals(group)).findFirst();
        if (g.isEmpty()) {
            return out;
        }
        for (String m : g.get().members()) {
            if (!m.equals("root") && acc.account(m).isPresent()) {
                out.add(m);
            }
        }
        for (PasswdEntry p : acc.passwd()) {
            if (p.gid() == g.get().gid() && p.gid() >= 0 && p.uid() != 0) {
                out.add(p.name());
            }
        }
        return out;
    }
}
