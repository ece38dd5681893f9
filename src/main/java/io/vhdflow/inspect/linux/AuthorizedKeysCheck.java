package io.vhdflow.inspect.linux;

import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.Policy;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.Severity;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * L7K: no {@code authorized_keys} left anywhere: root's, every account's home, every directory
 * under {@code /home}. waagent removes only the provisioned user's; keys of the builder (or root's)
 * let whoever holds them into every VM made from the image.
 */
final class AuthorizedKeysCheck implements LinuxCheck {

    @Override
    public String id() {
        return "L7K";
    }

    @Override
    public String title() {
        return "no leftover SSH authorized_keys (root and every user)";
    }

    @Override
    public Category category() {
        return Category.ACCESS;
    }

    @Override
    public String reads() {
        return "authorized_keys of root, of every account's home and of every directory under /home";
    }

    @Override
    public Severity severity(Policy policy) {
        return policy == Policy.MARKETPLACE ? Severity.MUST : Severity.SHOULD;
    }

    @Override
    public String source() {
        return "WALinuxAgent deprovision leaves other users' files (anchors §1.1 'What deprovision does NOT do'); Azure Marketplace certification FAQ 'Default credentials'; anchors §2.3 L7";
    }

    @Override
    public String remediation() {
        return "remove the keys before capturing: rm -f /root/.ssh/authorized_keys /home/*/.ssh/authorized_keys "
                + "(keys for new VMs come from the VM's own configuration)";
    }

    @Override
    public CheckResult run(LinuxContext ctx) throws IOException {
        Accounts acc = ctx.accounts();
        List<String> failing = new ArrayList<>();
        java.util.Set<String> homes = acc.homes(ctx.fs());
        for (String home : homes) {
            for (AuthorizedKeys k : AuthorizedKeys.in(ctx.fs(), home)) {
                failing.add(ctx.at(k.path()) + " exists (" + k.summary() + ")");
            }
        }
        if (failing.isEmpty()) {
            return pass(ctx, List.of("no authorized_keys with a key in " + String.join(", ",
                    homes.stream().map(ctx::at).toList())));
        }
        return fail(ctx, failing);
    }
}
