package io.vhdflow.inspect.linux;

import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.CheckStatus;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * L6: root's password is locked and no account has a usable password or an empty password field
 * in {@code /etc/shadow} (or a hash left in {@code /etc/passwd}). Locked forms: {@code !},
 * {@code !!}, {@code *}, {@code *LOCK*}, any value starting with {@code !} or {@code *}. A usable
 * hash is a password every VM made from the image would accept, and it can be cracked offline by
 * whoever holds the image. The evidence names the hashing scheme only, never the hash.
 */
final class RootPasswordCheck implements LinuxCheck {

    @Override
    public String id() {
        return "L6";
    }

    @Override
    public String title() {
        return "root password locked, no account with a usable password";
    }

    @Override
    public Category category() {
        return Category.ACCESS;
    }

    @Override
    public String reads() {
        return "/etc/shadow, /etc/passwd (hash schemes only, never the hash)";
    }

    @Override
    public String source() {
        return "WALinuxAgent deprovision (del_root_password writes root:*LOCK*); shadow(5); Azure Marketplace "
                + "certification 'default credentials' — docs/checks.md#l6";
    }

    @Override
    public String remediation() {
        return "sudo passwd -l root (waagent -deprovision does it with Provisioning.DeleteRootPassword=y), and "
                + "passwd -l USER (or userdel -r USER) for every other account listed";
    }

    @Override
    public CheckResult run(LinuxContext ctx) throws IOException {
        Accounts acc = ctx.accounts();
        if (acc.shadow().isEmpty() && acc.passwd().isEmpty()) {
            return result(ctx, CheckStatus.NOT_RUN, List.of(ctx.at("/etc/shadow") + " and " + ctx.at("/etc/passwd")
                    + " absent or empty: the accounts cannot be checked"));
        }
        List<String> failing = new ArrayList<>();
        List<String> ok = new ArrayList<>();
        boolean rootSeen = false;
        for (ShadowEntry e : acc.shadow()) {
            ShadowEntry.HashState s = e.state();
            if (e.name().equals("root")) {
                rootSeen = true;
                if (s == ShadowEntry.HashState.LOCKED) {
                    ok.add(ctx.at("/etc/shadow") + ": root is locked ('" + lockedForm(e.hash()) + "')");
                }
            }
            if (s == ShadowEntry.HashState.USABLE) {
                failing.add(ctx.at("/etc/shadow") + ": " + e.name() + " has a usable " + e.scheme() + " password hash");
            } else if (s == ShadowEntry.HashState.EMPTY) {
                failing.add(ctx.at("/etc/shadow") + ": " + e.name() + " has an empty password field (login without a password)");
            }
        }
        for (PasswdEntry p : acc.passwd()) {
            if (!p.password().equals("x") && ShadowEntry.stateOf(p.password()) != ShadowEntry.HashState.LOCKED) {
                failing.add(ctx.at("/etc/passwd") + ": " + p.name() + " has its password in /etc/passwd ("
                        + (p.password().isEmpty() ? "empty" : ShadowEntry.schemeOf(p.password())) + ")");
            }
        }
        if (!rootSeen && failing.isEmpty()) {
            ok.add(ctx.at("/etc/shadow") + ": no root line");
        }
        if (failing.isEmpty()) {
            ok.add(ctx.at("/etc/shadow") + ": " + acc.shadow().size() + " accounts, none with a usable password");
            return pass(ctx, ok);
        }
        failing.addAll(ok);
        return fail(ctx, failing);
    }

    /** The lock marker as shown in evidence: short markers as-is, a '!'-prefixed hash only by its prefix. */
    static String lockedForm(String hash) {
        if (hash.length() <= 8) {
            return hash;
        }
        return hash.charAt(0) + "<" + ShadowEntry.schemeOf(hash.substring(1)) + ">";
    }
}
