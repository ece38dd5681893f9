package io.vhdflow.inspect.linux;

import io.vhdflow.disk.fs.DirEntry;
import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.Policy;
import io.vhdflow.inspect.Severity;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * L10N: no network configuration bound to the build VM's NIC by its MAC address in the files
 * cloud-init renders ({@code cloud-init clean -c network} removes them) or in netplan: netplan
 * {@code match: macaddress}, NetworkManager {@code mac-address=}, networkd {@code MACAddress=},
 * network-scripts {@code HWADDR=}, ifupdown {@code hwaddress}. A new VM's NIC has another MAC, so
 * such a profile does not apply to it; cloud-init renders new ones for a new instance unless its
 * network configuration is disabled, which the evidence says.
 */
final class CloudInitNetworkCheck implements LinuxCheck {

    /** What {@code cloud-init clean -c network} deletes, and the network-scripts cloud-init renders on RHEL. */
    static final List<String> RENDERED = List.of("/etc/netplan/50-cloud-init.yaml",
            "/etc/network/interfaces.d/50-cloud-init.cfg", "/etc/network/interfaces.d/50-cloud-init");
    static final String CLOUD_INIT_HEADER = "Created by cloud-init";
    /** The rule cloud-init's sysconfig renderer writes on SUSE (on RHEL it writes 70-persistent-net.rules, L17's). */
    static final String UDEV_RULE = "/etc/udev/rules.d/85-persistent-net-cloud-init.rules";
    private static final Pattern MAC = Pattern.compile(
            "(?im)(?:^\\s*(macaddress\\s*:|mac-address\\s*=|MACAddress\\s*=|HWADDR\\s*=|MACADDR\\s*=|LLADDR\\s*=|"
                    + "hwaddress\\s+(?:ether\\s+)?)|(ATTR\\{address\\}==))\\s*[\"']?([0-9a-f]{2}(?::[0-9a-f]{2}){5})");

    @Override
    public String id() {
        return "L10N";
    }

    @Override
    public String title() {
        return "no network configuration cloud-init or netplan bound to the build VM's MAC address";
    }

    @Override
    public Category category() {
        return Category.BOOT;
    }

    @Override
    public String reads() {
        return "/etc/netplan/*.yaml, /etc/network/interfaces.d/50-cloud-init*, /etc/systemd/network/10-cloud-init-*.network, "
                + "/etc/NetworkManager/system-connections/cloud-init-*.nmconnection, ifcfg files 'Created by cloud-init' "
                + "(network-scripts, /etc/sysconfig/network), " + UDEV_RULE;
    }

    @Override
    public Severity severity(Policy policy) {
        return Severity.SHOULD;
    }

    @Override
    public String source() {
        return "cloud-init cloudinit/cmd/clean.py (-c network: the rendered files), net/netplan.py (50-cloud-init.yaml, "
                + "match: macaddress); Azure 'Prepare Ubuntu' doc (rm -f /etc/netplan/*.yaml) — docs/checks.md#l10n";
    }

    @Override
    public String remediation() {
        return "in the source VM: cloud-init clean -c network (or rm -f /etc/netplan/50-cloud-init.yaml and the other rendered "
                + "files); remove macaddress/HWADDR matches from hand-written profiles";
    }

    @Override
    public CheckResult run(LinuxContext ctx) throws IOException {
        List<String> files = new ArrayList<>();
        for (DirEntry e : FileReads.list(ctx.fs(), "/etc/netplan")) {
            if (e.name().endsWith(".yaml") || e.name().endsWith(".yml")) {
                files.add("/etc/netplan/" + e.name());
            }
        }
        for (String p : RENDERED) {
            if (!files.contains(p) && FileReads.lstat(ctx.fs(), p).isPresent()) {
                files.add(p);
            }
        }
        addMatching(ctx, files, "/etc/systemd/network", n -> n.startsWith("10-cloud-init-") && n.endsWith(".network"));
        addMatching(ctx, files, "/etc/NetworkManager/system-connections",
                n -> n.startsWith("cloud-init-") && n.endsWith(".nmconnection"));
        // cloud-init's sysconfig renderer: network-scripts on RHEL, /etc/sysconfig/network on SUSE, each file
        // headed "Created by cloud-init", with a udev rule naming the NIC by its MAC.
        for (String dir : List.of("/etc/sysconfig/network-scripts", "/etc/sysconfig/network")) {
            for (DirEntry e : FileReads.list(ctx.fs(), dir)) {
                String p = dir + "/" + e.name();
                if (e.name().startsWith("ifcfg-") && FileReads.text(ctx.fs(), p, FileReads.CONFIG_CAP)
                        .map(t -> t.contains(CLOUD_INIT_HEADER)).orElse(false)) {
                    files.add(p);
                }
            }
        }
        if (FileReads.lstat(ctx.fs(), UDEV_RULE).isPresent()) {
            files.add(UDEV_RULE);
        }
        if (files.isEmpty() && ctx.os().cloudInit().isEmpty()) {
            return notApplicable(ctx, "cloud-init not installed and no netplan configuration");
        }
        Optional<CloudInitConfig.Setting<String>> net = ctx.os().cloudInit().flatMap(c -> c.config().networkConfig());
        boolean disabled = net.map(s -> s.value().strip().toLowerCase(Locale.ROOT).equals("disabled")).orElse(false);
        List<String> failing = new ArrayList<>();
        List<String> ok = new ArrayList<>();
        for (String p : files) {
            Optional<String> text = FileReads.text(ctx.fs(), p, FileReads.CONFIG_CAP);
            if (text.isEmpty()) {
                continue;
            }
            Matcher m = MAC.matcher(text.get());
            if (m.find()) {
                int line = lineOf(text.get(), m.start(3));
                String key = m.group(1) != null ? m.group(1) : m.group(2);
                failing.add(ctx.at(p) + " line " + line + ": bound to MAC address " + m.group(3).toLowerCase(Locale.ROOT)
                        + " (" + key.replaceAll("[\\s:=]+$", "") + ")");
            } else {
                ok.add(ctx.at(p) + ": no MAC address match");
            }
        }
        if (disabled) {
            (failing.isEmpty() ? ok : failing).add(ctx.at(net.get().file()) + ": network: {config: disabled}: cloud-init "
                    + "will not render configuration for the new VM's NIC, the files above stay as they are");
        }
        if (failing.isEmpty()) {
            return pass(ctx, ok.isEmpty() ? List.of("no netplan file and no network configuration rendered by cloud-init") : ok);
        }
        failing.addAll(ok);
        return fail(ctx, failing);
    }

    private static void addMatching(LinuxContext ctx, List<String> files, String dir,
                                    java.util.function.Predicate<String> name) throws IOException {
        for (DirEntry e : FileReads.list(ctx.fs(), dir)) {
            if (name.test(e.name())) {
                files.add(dir + "/" + e.name());
            }
        }
    }

    static int lineOf(String text, int index) {
        int line = 1;
        for (int i = 0; i < index && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
