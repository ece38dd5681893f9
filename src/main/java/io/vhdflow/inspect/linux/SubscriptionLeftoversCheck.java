package io.vhdflow.inspect.linux;

import io.vhdflow.disk.fs.DirEntry;
import io.vhdflow.disk.fs.FileType;
import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * L19: a RHEL image is not left registered. The consumer certificate and key
 * ({@code /etc/pki/consumer}) identify the source system to Red Hat, the entitlement certificates
 * and keys ({@code /etc/pki/entitlement}) grant its subscription's content to whoever holds them,
 * and {@code rhsm.conf} may hold a proxy password: every VM created from the image would carry
 * them. {@code subscription-manager unregister} and {@code clean} remove them.
 */
final class SubscriptionLeftoversCheck implements LinuxCheck {

    static final List<String> DIRS = List.of("/etc/pki/consumer", "/etc/pki/entitlement");
    static final String RHSM_CONF = "/etc/rhsm/rhsm.conf";

    @Override
    public String id() {
        return "L19";
    }

    @Override
    public String title() {
        return "RHEL subscription removed (consumer and entitlement certificates and keys, rhsm proxy password)";
    }

    @Override
    public Category category() {
        return Category.SECRETS;
    }


    @Override
    public String reads() {
        return "/etc/pki/consumer/*, /etc/pki/entitlement/*, /etc/rhsm/rhsm.conf proxy_password";
    }

    @Override
    public String source() {
        return "Azure 'Prepare a RHEL image' (subscription-manager unregister before capture); virt-sysprep "
                + "rh-subscription-manager operation — docs/checks.md#l19";
    }

    @Override
    public String remediation() {
        return "in the source VM: subscription-manager unregister && subscription-manager clean (removes /etc/pki/consumer "
                + "and /etc/pki/entitlement), and clear proxy_password in /etc/rhsm/rhsm.conf";
    }

    @Override
    public CheckResult run(LinuxContext ctx) throws IOException {
        List<String> failing = new ArrayList<>();
        boolean any = false;
        for (String dir : DIRS) {
            if (!ctx.fs().isDirectory(dir)) {
                continue;
            }
            any = true;
            for (DirEntry e : FileReads.list(ctx.fs(), dir)) {
                if (e.type() == FileType.REGULAR || e.type() == FileType.SYMLINK) {
                    String p = FileReads.child(dir, e.name());
                    boolean key = e.name().endsWith("-key.pem") || e.name().equals("key.pem");
                    failing.add(ctx.at(p) + (key ? " (private key)" : " (certificate)"));
                }
            }
        }
        Optional<String> conf = FileReads.text(ctx.fs(), RHSM_CONF, FileReads.CONFIG_CAP);
        if (conf.isPresent()) {
            any = true;
            String[] lines = conf.get().split("\n");
            for (int i = 0; i < lines.length; i++) {
                String l = lines[i].strip();
                int eq = l.indexOf('=');
                if (!l.startsWith("#") && eq > 0 && l.substring(0, eq).strip().equals("proxy_password")
                        && !l.substring(eq + 1).isBlank()) {
                    failing.add(ctx.at(RHSM_CONF) + " line " + (i + 1) + ": proxy_password is set");
                }
            }
        }
        if (!any) {
            return notApplicable(ctx, "no subscription-manager configuration (" + String.join(", ", DIRS) + ", " + RHSM_CONF + " absent)");
        }
        if (failing.isEmpty()) {
            return pass(ctx, List.of(String.join(" and ", DIRS) + " hold no certificate or key; no proxy password in " + RHSM_CONF));
        }
        return fail(ctx, failing);
    }
}
