package io.vhdflow.inspect.linux;

import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.Policy;
import io.vhdflow.inspect.Severity;
import io.vhdflow.inspect.linux.boot.BootConfiguration;
import io.vhdflow.inspect.linux.boot.BootEntry;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * L11: the default boot entry's kernel command line sends the console to the serial port Azure
 * records (boot diagnostics, serial console) and waits for the root disk: {@code console=ttyS0},
 * {@code earlyprintk=ttyS0}, {@code rootdelay=300}; {@code rhgb} and {@code quiet} hide the boot
 * messages an operator needs when a VM does not come up.
 */
final class KernelCmdlineCheck implements LinuxCheck {

    static final List<String> REQUIRED = List.of("console=ttyS0", "earlyprintk=ttyS0", "rootdelay=300");
    static final List<String> DISCOURAGED = List.of("rhgb", "quiet");

    @Override
    public String id() {
        return "L11";
    }

    @Override
    public String title() {
        return "kernel command line: serial console, earlyprintk, rootdelay; no rhgb/quiet";
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
        return "the default boot entry (grub.cfg + grubenv, BLS entries, systemd-boot, UKI .cmdline), /etc/kernel/cmdline";
    }

    @Override
    public String source() {
        return "Azure 'Prepare a generic Linux image' (kernel boot line); Azure Marketplace certification (serial console) — docs/checks.md#l11";
    }

    @Override
    public String remediation() {
        return "add 'console=ttyS0,115200n8 earlyprintk=ttyS0,115200 rootdelay=300' and remove 'rhgb quiet' from "
                + "GRUB_CMDLINE_LINUX in /etc/default/grub (or /etc/kernel/cmdline), then regenerate the boot "
                + "configuration (update-grub / grub2-mkconfig -o /boot/grub2/grub.cfg / kernel-install)";
    }

    @Override
    public CheckResult run(LinuxContext ctx) throws IOException {
        BootConfiguration boot = ctx.boot();
        Optional<BootEntry> def = boot.defaultEntry();
        if (def.isEmpty()) {
            return notRun(ctx, List.of("no boot entry found (" + describeSources(boot) + ")"));
        }
        BootEntry e = def.get();
        String described = BootEvidence.entry(ctx, e);
        if (e.cmdline().isEmpty()) {
            return fail(ctx, List.of(described + ": no kernel command line"));
        }
        List<String> args = List.of(e.cmdline().get().split("\\s+"));
        List<String> missing = new ArrayList<>();
        for (String r : REQUIRED) {
            String key = r.substring(0, r.indexOf('=') + 1);
            String value = r.substring(r.indexOf('=') + 1);
            // console=ttyS0,115200n8 satisfies console=ttyS0.
            if (args.stream().noneMatch(a -> a.startsWith(key) && (a.substring(key.length()).equals(value)
                    || a.substring(key.length()).startsWith(value + ",")))) {
                missing.add(r);
            }
        }
        List<String> present = args.stream().filter(DISCOURAGED::contains).toList();
        List<String> evidence = new ArrayList<>();
        evidence.add(described + ", cmdline '" + e.cmdline().get() + "'");
        if (missing.isEmpty() && present.isEmpty()) {
            return pass(ctx, evidence);
        }
        if (!missing.isEmpty()) {
            evidence.add("missing: " + String.join(", ", missing));
        }
        if (!present.isEmpty()) {
            evidence.add("present: " + String.join(" ", present) + " (hides boot messages on the serial console)");
        }
        return fail(ctx, evidence);
    }

    static String describeSources(BootConfiguration boot) {
        return boot.sources().isEmpty() ? "no grub.cfg, BLS entry, systemd-boot or kernel in /boot"
                : "read " + String.join(", ", boot.sources());
    }
}
