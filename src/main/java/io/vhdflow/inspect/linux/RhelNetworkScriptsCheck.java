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
 * L24 (RHEL family): the network-scripts profiles ({@code /etc/sysconfig/network-scripts/ifcfg-*})
 * are not the build VM's: no {@code HWADDR=} (the profile then applies only to that MAC address),
 * no {@code MACADDR=} (every VM would take the same MAC), no {@code UUID=} (every VM's connection
 * would share one id), no static address. Azure's RHEL preparation writes {@code ifcfg-eth0} with
 * {@code BOOTPROTO=dhcp} and nothing bound to the hardware.
 */
final class RhelNetworkScriptsCheck implements FamilyRule {

    static final String DIR = "/etc/sysconfig/network-scripts";

    @Override
    public String id() {
        return "L24";
    }

    @Override
    public String title() {
        return "RHEL network-scripts not bound to the build VM (ifcfg-* HWADDR=, MACADDR=, UUID=, static address)";
    }

    @Override
    public Set<LinuxFamily> families() {
        return Set.of(LinuxFamily.RHEL);
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
        return DIR + "/ifcfg-* (HWADDR, MACADDR, UUID, BOOTPROTO, IPADDR)";
    }

    @Override
    public String source() {
        return "Azure 'Prepare a Red Hat-based VM' (ifcfg-eth0: DEVICE=eth0, ONBOOT=yes, BOOTPROTO=dhcp, TYPE=Ethernet); "
                + "virt-sysprep net-hwaddr; initscripts ifcfg(5) HWADDR, MACADDR, UUID — docs/checks.md#l24";
    }

    @Override
    public String remediation() {
        return "in the source VM: sed -i '/^HWADDR=/d;/^MACADDR=/d;/^UUID=/d' " + DIR + "/ifcfg-eth0 and use BOOTPROTO=dhcp; "
                + "remove the ifcfg files of other NICs";
    }

    @Override
    public CheckResult run(LinuxContext ctx) throws IOException {
        Optional<CheckResult> na = outsideFamilies(ctx);
        if (na.isPresent()) {
            return na.get();
        }
        List<String> failing = new ArrayList<>();
        List<String> ok = new ArrayList<>();
        for (DirEntry e : FileReads.list(ctx.fs(), DIR)) {
            if (!e.name().startsWith("ifcfg-") || e.name().equals("ifcfg-lo")) {
                continue;
            }
            String p = DIR + "/" + e.name();
            Optional<String> text = FileReads.text(ctx.fs(), p, FileReads.CONFIG_CAP);
            if (text.isEmpty()) {
                continue;
            }
            SysconfigFile f = SysconfigFile.parse(text.get());
            int before = failing.size();
            f.get("HWADDR").ifPresent(a -> failing.add(ctx.at(p) + " line " + a.line() + ": HWADDR="
                    + a.value().toLowerCase(Locale.ROOT) + " binds the profile to the build VM's NIC"));
            f.get("MACADDR").ifPresent(a -> failing.add(ctx.at(p) + " line " + a.line() + ": MACADDR="
                    + a.value().toLowerCase(Locale.ROOT) + " gives every VM the same MAC address"));
            f.get("UUID").ifPresent(a -> failing.add(ctx.at(p) + " line " + a.line() + ": UUID=" + a.value()
                    + " gives every VM's connection the same id"));
            String proto = f.get("BOOTPROTO").map(a -> a.value().toLowerCase(Locale.ROOT)).orElse("none");
            Optional<SysconfigFile.Assignment> ip = f.get("IPADDR").or(() -> f.get("IPADDR0"));
            if (ip.isPresent() && !proto.equals("dhcp")) {
                failing.add(ctx.at(p) + " line " + ip.get().line() + ": static address " + ip.get().value()
                        + " (BOOTPROTO=" + proto + ") of the build VM");
            }
            if (failing.size() == before) {
                ok.add(ctx.at(p) + ": BOOTPROTO=" + proto + ", no HWADDR, MACADDR or UUID");
            }
        }
        if (failing.isEmpty()) {
            return pass(ctx, ok.isEmpty() ? List.of("no ifcfg file in " + ctx.at(DIR)
                    + " (NetworkManager keyfiles are checked by L17)") : ok);
        }
        failing.addAll(ok);
        return fail(ctx, failing);
    }
}
