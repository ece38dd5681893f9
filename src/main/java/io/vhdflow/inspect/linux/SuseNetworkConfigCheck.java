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
import java.util.Set;

/**
 * L27 (SUSE family): wicked's interface files ({@code /etc/sysconfig/network/ifcfg-*}) are not the
 * build VM's: no {@code LLADDR=} (it sets the interface's MAC, so every VM would take the build
 * VM's), no static address, no files of NICs the build VM had besides {@code eth0}; and with wicked
 * in use, {@code ifcfg-eth0} exists with DHCP, as the Azure SLES preparation writes it.
 */
final class SuseNetworkConfigCheck implements FamilyRule {

    static final String DIR = "/etc/sysconfig/network";

    @Override
    public String id() {
        return "L27";
    }

    @Override
    public String title() {
        return "SUSE ifcfg files not the build VM's (LLADDR=, static addresses, extra ifcfg-eth*; ifcfg-eth0 with DHCP)";
    }

    @Override
    public Set<LinuxFamily> families() {
        return Set.of(LinuxFamily.SUSE);
    }

    @Override
    public Category category() {
        return Category.BOOT;
    }

    @Override
    public Severity severity(Policy policy) {
        return Severity.SHOULD;
    }

    @Override
    public String reads() {
        return DIR + "/ifcfg-* (BOOTPROTO, STARTMODE, LLADDR, IPADDR), wicked.service enablement";
    }

    @Override
    public String source() {
        return "Azure 'Prepare a SLES or openSUSE Leap VM' (ifcfg-eth0: BOOTPROTO='dhcp', STARTMODE='auto', "
                + "DHCLIENT_SET_HOSTNAME='yes'); ifcfg(5) LLADDR; virt-sysprep net-hwaddr — docs/checks.md#l27";
    }

    @Override
    public String remediation() {
        return "in the source VM: keep only " + DIR + "/ifcfg-eth0 with BOOTPROTO='dhcp' and STARTMODE='auto', remove LLADDR= "
                + "and static IPADDR= lines and the ifcfg files of other NICs";
    }

    @Override
    public CheckResult run(LinuxContext ctx) throws IOException {
        Optional<CheckResult> na = outsideFamilies(ctx);
        if (na.isPresent()) {
            return na.get();
        }
        List<String> failing = new ArrayList<>();
        List<String> ok = new ArrayList<>();
        boolean eth0Dhcp = false;
        for (DirEntry e : FileReads.list(ctx.fs(), DIR)) {
            String n = e.name();
            if (!n.startsWith("ifcfg-") || n.equals("ifcfg-lo") || n.equals("ifcfg.template")) {
                continue;
            }
            String p = DIR + "/" + n;
            Optional<String> text = FileReads.text(ctx.fs(), p, FileReads.CONFIG_CAP);
            if (text.isEmpty()) {
                continue;
            }
            SysconfigFile f = SysconfigFile.parse(text.get());
            int before = failing.size();
            String proto = f.get("BOOTPROTO").map(a -> a.value().toLowerCase(Locale.ROOT)).orElse("static");
            f.get("LLADDR").ifPresent(a -> failing.add(ctx.at(p) + " line " + a.line() + ": LLADDR="
                    + a.value().toLowerCase(Locale.ROOT) + " sets the build VM's MAC address on every VM"));
            Optional<SysconfigFile.Assignment> ip = f.get("IPADDR").or(() -> f.get("IPADDR_0"));
            if (ip.isPresent() && !proto.startsWith("dhcp")) {
                failing.add(ctx.at(p) + " line " + ip.get().line() + ": static address " + ip.get().value()
                        + " (BOOTPROTO='" + proto + "') of the build VM");
            }
            if (n.matches("ifcfg-eth[1-9][0-9]*")) {
                failing.add(ctx.at(p) + ": configuration of a NIC other than eth0 (the build VM's)");
            }
            if (n.equals("ifcfg-eth0") && proto.startsWith("dhcp")) {
                eth0Dhcp = true;
            }
            if (failing.size() == before) {
                ok.add(ctx.at(p) + ": BOOTPROTO='" + proto + "'" + f.get("STARTMODE").map(a -> ", STARTMODE='" + a.value() + "'")
                        .orElse(""));
            }
        }
        boolean wicked = LinuxOsDetector.enabledUnits(ctx.fs()).stream().anyMatch(u -> u.startsWith("wicked"))
                || FileReads.lstat(ctx.fs(), "/etc/systemd/system/network.service").isPresent();
        if (wicked && !eth0Dhcp) {
            failing.add("wicked is enabled but " + ctx.at(DIR + "/ifcfg-eth0") + " with BOOTPROTO='dhcp' is missing: "
                    + "the VM would have no network to provision over");
        }
        if (failing.isEmpty()) {
            ok.add(0, wicked ? "wicked enabled" : "wicked not enabled (NetworkManager or another manager configures the NIC)");
            return pass(ctx, ok);
        }
        failing.addAll(ok);
        return fail(ctx, failing);
    }
}
