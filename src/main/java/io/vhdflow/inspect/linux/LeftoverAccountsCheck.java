package io.vhdflow.inspect.linux;

import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.Policy;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.Severity;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * L7: the provisioned user is gone. Its name left with {@code ovf-env.xml}, so the heuristic of
 * anchors §1.3 L-i applies: every ordinary account (UID_MIN..UID_MAX) that has a home directory
 * with an {@code authorized_keys} file is flagged, and the provisioner's sudoers file must hold no
 * user rule ({@code /etc/sudoers.d/waagent} for the agent, {@code 90-cloud-init-users} for cloud-init).
 */
final class LeftoverAccountsCheck implements LinuxCheck {

    static final List<String> SUDOERS = List.of("/etc/sudoers.d/waagent", "/etc/sudoers.d/90-cloud-init-users");

    @Override
    public String id() {
        return "L7";
    }

    @Override
    public String title() {
        return "no leftover provisioned accounts (UID ≥ UID_MIN with authorized_keys; sudoers rules)";
    }

    @Override
    public Category category() {
        return Category.ACCESS;
    }

    @Override
    public String reads() {
        return "/etc/passwd, /etc/login.defs (UID_MIN..UID_MAX), home directories, /etc/sudoers.d/waagent, 90-cloud-init-users";
    }

    @Override
    public Severity severity(Policy policy) {
        return Severity.SHOULD;
    }

    @Override
    public String source() {
        return "WALinuxAgent deprovision del_user (userdel -f -r) and conf_sudoer(remove=True); cloud-init users-groups; anchors §1.1 step 9, §1.3 L-i, §2.3 L7";
    }

    @Override
    public String remediation() {
        return "deprovision with the user removal: sudo waagent -deprovision+user -force, or userdel -r <user> "
                + "and remove its line from /etc/sudoers.d/waagent (or /etc/sudoers.d/90-cloud-init-users)";
    }

    @Override
    public CheckResult run(LinuxContext ctx) throws IOException {
        Accounts acc = ctx.accounts();
        List<String> failing = new ArrayList<>();
        List<String> info = new ArrayList<>();
        for (PasswdEntry p : acc.humans()) {
            String home = p.home();
            if (!home.startsWith("/") || !ctx.fs().isDirectory(home)) {
                info.add(ctx.at("/etc/passwd") + ": " + p.name() + " (uid " + p.uid() + ") has no home directory");
                continue;
            }
            List<AuthorizedKeys> keys = AuthorizedKeys.in(ctx.fs(), home);
            if (keys.isEmpty()) {
                info.add(ctx.at("/etc/passwd") + ": " + p.name() + " (uid " + p.uid() + ") has home " + home
                        + " without authorized_keys");
            } else {
                failing.add(ctx.at("/etc/passwd") + ": " + p.name() + " (uid " + p.uid() + ", " + acc.uidSource()
                        + ") has home " + home + " and " + ctx.at(keys.get(0).path()) + " (" + keys.get(0).summary() + ")");
            }
        }
        for (String s : SUDOERS) {
            Optional<String> t = FileReads.text(ctx.fs(), s, FileReads.CONFIG_CAP);
            if (t.isEmpty()) {
                continue;
            }
            List<String> rules = t.get().lines().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
            if (rules.isEmpty()) {
                info.add(ctx.at(s) + " holds no rule");
            } else {
                List<String> users = rules.stream().map(l -> l.split("\\s+")[0]).distinct().limit(8).toList();
                failing.add(ctx.at(s) + " grants sudo to " + String.join(", ", users) + " (" + rules.size() + " rule"
                        + (rules.size() == 1 ? "" : "s") + ")");
            }
        }
        List<String> evidence = new ArrayList<>(failing);
        evidence.addAll(info);
        if (failing.isEmpty()) {
            evidence.add(0, "no account with uid ≥ " + acc.loginDefs().uidMin() + " has authorized_keys ("
                    + acc.uidSource() + "); no sudoers rule left by the provisioner");
            return pass(ctx, evidence);
        }
        return fail(ctx, evidence);
    }
}
