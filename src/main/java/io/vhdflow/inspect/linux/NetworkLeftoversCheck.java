package io.vhdflow.inspect.linux;

import io.vhdflow.disk.fs.DirEntry;
import io.vhdflow.disk.fs.FileAttributes;
import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.Policy;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.Severity;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * L17: no network identity of the build VM: DHCP leases (the agent's list), a static
 * {@code /etc/resolv.conf} (not on Ubuntu ≥ 18.04, whose stub link the agent keeps),
 * {@code 70-persistent-net.rules}, NetworkManager keyfiles bound to a MAC address. The family-specific
 * profiles are their families' rules: RHEL network-scripts in L24, SUSE's in L27, those cloud-init
 * rendered in L10N.
 */
final class NetworkLeftoversCheck implements LinuxCheck {

    static final List<String> LEASE_DIRS = List.of("/var/lib/dhclient", "/var/lib/dhcpcd", "/var/lib/dhcp");

    @Override
    public String id() {
        return "L17";
    }

    @Override
    public String title() {
        return "no network leftovers (DHCP leases, resolv.conf, persistent-net rules, MAC-bound profiles)";
    }

    @Override
    public Category category() {
        return Category.BOOT;
    }

    @Override
    public String reads() {
        return "DHCP leases, /etc/resolv.conf, /etc/udev/rules.d/70-persistent-net.rules, NetworkManager keyfiles (mac-address=)";
    }

    @Override
    public Severity severity(Policy policy) {
        return Severity.SHOULD;
    }

    @Override
    public String source() {
        return "WALinuxAgent deprovision del_dhcp_lease and del_resolv; virt-sysprep net-hwaddr, udev-persistent-net, net-nmconn — docs/checks.md#l17";
    }

    @Override
    public String remediation() {
        return "remove the leases (waagent -deprovision deletes /var/lib/dhcp, /var/lib/dhclient, /var/lib/dhcpcd), "
                + "/etc/resolv.conf (not on Ubuntu), /etc/udev/rules.d/70-persistent-net.rules and MAC-bound NetworkManager profiles";
    }

    @Override
    public CheckResult run(LinuxContext ctx) throws IOException {
        List<String> failing = new ArrayList<>();
        List<String> ok = new ArrayList<>();
        for (String d : LEASE_DIRS) {
            for (DirEntry e : FileReads.list(ctx.fs(), d)) {
                String p = d + "/" + e.name();
                if (e.name().contains("lease") || d.equals("/var/lib/dhcpcd")) {
                    Optional<FileAttributes> a = ctx.fs().find(p);
                    if (a.isPresent() && a.get().isRegularFile()) {
                        failing.add(ctx.at(p) + " exists (" + a.get().size() + " bytes, DHCP lease)");
                    }
                }
            }
        }
        for (DirEntry e : FileReads.list(ctx.fs(), "/var/lib/NetworkManager")) {
            if ((e.name().startsWith("dhclient-") || e.name().startsWith("internal-")) && e.name().endsWith(".lease")) {
                failing.add(ctx.at("/var/lib/NetworkManager/" + e.name()) + " exists (DHCP lease)");
            }
        }
        Optional<FileAttributes> resolv = FileReads.lstat(ctx.fs(), "/etc/resolv.conf");
        if (resolv.isEmpty()) {
            ok.add(ctx.at("/etc/resolv.conf") + " absent");
        } else if (resolv.get().isSymbolicLink()) {
            ok.add(ctx.at("/etc/resolv.conf") + " is a link to " + ctx.fs().readlink("/etc/resolv.conf")
                    + " (generated at boot)");
        } else if (ctx.os().isUbuntuAtLeast(18)) {
            ok.add(ctx.at("/etc/resolv.conf") + " kept: Ubuntu ≥ 18.04, the agent leaves it by design");
        } else {
            failing.add(ctx.at("/etc/resolv.conf") + " exists (" + resolv.get().size() + " bytes"
                    + nameservers(ctx) + ")");
        }
        String rules = "/etc/udev/rules.d/70-persistent-net.rules";
        Optional<FileAttributes> r = ctx.fs().find(rules);
        if (r.isPresent() && r.get().isRegularFile() && r.get().size() > 0) {
            failing.add(ctx.at(rules) + " exists (" + r.get().size() + " bytes)");
        }
        for (DirEntry e : FileReads.list(ctx.fs(), "/etc/NetworkManager/system-connections")) {
            if (e.name().startsWith("cloud-init-")) {
                continue; // profiles cloud-init rendered are L10N's
            }
            String p = "/etc/NetworkManager/system-connections/" + e.name();
            if (FileReads.text(ctx.fs(), p, FileReads.CONFIG_CAP).map(t -> t.lines()
                    .anyMatch(l -> l.strip().startsWith("mac-address="))).orElse(false)) {
                failing.add(ctx.at(p) + " is bound to a MAC address (mac-address=)");
            }
        }
        if (failing.isEmpty()) {
            ok.add(0, "no DHCP lease in " + String.join(", ", LEASE_DIRS.stream().map(ctx::at).toList()));
            return pass(ctx, ok);
        }
        failing.addAll(ok);
        return fail(ctx, failing);
    }

    private static String nameservers(LinuxContext ctx) throws IOException {
        Optional<String> t = FileReads.text(ctx.fs(), "/etc/resolv.conf", FileReads.CONFIG_CAP);
        if (t.isEmpty()) {
            return "";
        }
        List<String> ns = t.get().lines().map(String::strip).filter(l -> l.startsWith("nameserver"))
                .map(l -> l.substring("nameserver".length()).strip()).limit(4).toList();
        return ns.isEmpty() ? "" : ", nameserver " + String.join(", ", ns);
    }
}
