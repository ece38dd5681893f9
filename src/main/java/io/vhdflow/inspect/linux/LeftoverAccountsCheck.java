package io.vhdflow.inspect.linux;

import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * L7: no ordinary account is left that can log in. An account with {@code UID_MIN} ≤ UID ≤
 * {@code UID_MAX} (from {@code /etc/login.defs}) that has a login shell (not {@code nologin} or
 * {@code false}) and a home directory is a person's account: the provisioned user that
 * {@code waagent -deprovision} (without {@code +user}) keeps, or the builder's. Every VM made from
 * the image would carry it, with whatever password, keys or sudo rule it has now or gets later.
 * Its keys, password and sudo rules are judged by L7K, L6 and L7S.
 */
final class LeftoverAccountsCheck implements LinuxCheck {

    @Override
    public String id() {
        return "L7";
    }

    @Override
    public String title() {
        return "no leftover login accounts (UID_MIN..UID_MAX with a login shell and a home)";
    }

    @Override
    public Category category() {
        return Category.ACCESS;
    }

    @Override
    public String reads() {
        return "/etc/passwd (uid, home, shell), /etc/login.defs (UID_MIN, UID_MAX), home directories";
    }

    @Override
    public String source() {
        return "WALinuxAgent deprovision+user (del_user: userdel -f -r); login.defs(5) UID_MIN/UID_MAX "
                + "— docs/checks.md#l7";
    }

    @Override
    public String remediation() {
        return "sudo waagent -deprovision+user -force (removes the provisioned user), or sudo userdel -r USER for "
                + "each account listed; an account the image needs gets a nologin shell (usermod -s /usr/sbin/nologin USER)";
    }

    @Override
    public CheckResult run(LinuxContext ctx) throws IOException {
        Accounts acc = ctx.accounts();
        List<String> failing = new ArrayList<>();
        List<String> info = new ArrayList<>();
        for (PasswdEntry p : acc.humans()) {
            String who = ctx.at("/etc/passwd") + ": " + p.name() + " (uid " + p.uid() + ", " + acc.uidSource() + ")";
            String shell = p.shell().isBlank() ? "/bin/sh (empty shell field)" : p.shell();
            boolean home = p.home().startsWith("/") && p.home().length() > 1 && ctx.fs().isDirectory(p.home());
            if (Accounts.refusesLogin(p.shell())) {
                info.add(who + " has shell " + p.shell() + ": no login");
            } else if (!home) {
                info.add(who + " has shell " + shell + " but no home directory (" + p.home() + ")");
            } else {
                failing.add(who + " has login shell " + shell + " and home " + ctx.at(p.home()));
            }
        }
        List<String> evidence = new ArrayList<>(failing);
        evidence.addAll(info);
        if (failing.isEmpty()) {
            evidence.add(0, "no account with uid " + acc.loginDefs().uidMin() + ".." + acc.loginDefs().uidMax()
                    + " has a login shell and a home (" + acc.uidSource() + ")");
            return pass(ctx, evidence);
        }
        return fail(ctx, evidence);
    }
}
