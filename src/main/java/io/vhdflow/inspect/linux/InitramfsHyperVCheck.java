package io.vhdflow.inspect.linux;

import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.linux.boot.BootConfiguration;
import io.vhdflow.inspect.linux.boot.BootEntry;
import io.vhdflow.inspect.linux.boot.InitramfsModules;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * L12: the default kernel can reach its disks and network on Hyper-V before the root filesystem is
 * mounted: {@code hv_vmbus}, {@code hv_storvsc} and {@code hv_netvsc} are in its initramfs or
 * built into it. An image built on KVM or VMware with a host-only initramfs lacks them and never
 * finds its root disk on Azure; Azure reports a provisioning timeout after 20-40 minutes.
 */
final class InitramfsHyperVCheck implements LinuxCheck {

    static final List<String> DRIVERS = List.of("hv_vmbus", "hv_storvsc", "hv_netvsc");

    @Override
    public String id() {
        return "L12";
    }

    @Override
    public String title() {
        return "Hyper-V drivers (hv_vmbus, hv_storvsc, hv_netvsc) in the default kernel's initramfs or built in";
    }

    @Override
    public Category category() {
        return Category.BOOT;
    }


    @Override
    public String reads() {
        return "the default boot entry's kernel and initramfs (every cpio segment, compressed or not), "
                + "/lib/modules/<release>/modules.builtin";
    }

    @Override
    public String source() {
        return "Azure 'Prepare a generic Linux image' (Hyper-V drivers in the initramfs: dracut --add-drivers / "
                + "/etc/initramfs-tools/modules) — docs/checks.md#l12";
    }

    @Override
    public String remediation() {
        return "add the drivers and rebuild the initramfs in the source VM: Debian/Ubuntu: printf 'hv_vmbus\\nhv_storvsc\\nhv_netvsc\\n' "
                + ">> /etc/initramfs-tools/modules && update-initramfs -u; RHEL/SUSE: echo 'add_drivers+=\" hv_vmbus hv_netvsc hv_storvsc \"' "
                + "> /etc/dracut.conf.d/hyperv.conf && dracut -f --regenerate-all";
    }

    @Override
    public CheckResult run(LinuxContext ctx) throws IOException {
        BootConfiguration boot = ctx.boot();
        Optional<BootEntry> def = boot.defaultEntry();
        if (def.isEmpty()) {
            List<String> ev = new ArrayList<>();
            ev.add("no kernel found: " + KernelCmdlineCheck.describeSources(boot) + "; an OS disk without a kernel does not boot");
            ev.addAll(boot.notes());
            return fail(ctx, ev);
        }
        BootEntry e = def.get();
        List<String> evidence = new ArrayList<>();
        evidence.add(BootEvidence.entry(ctx, e));
        if (e.kernel().isPresent() && !boot.exists(ctx.fs(), e.kernel().get())) {
            evidence.add("the kernel " + BootEvidence.path(ctx, e.kernel().get()) + " does not exist");
            return fail(ctx, evidence);
        }
        for (BootEntry.Initrd i : e.initrds()) {
            if (!boot.exists(ctx.fs(), i.path())) {
                evidence.add("the initramfs " + BootEvidence.path(ctx, i.path()) + " does not exist");
                return fail(ctx, evidence);
            }
        }
        InitramfsModules mods = InitramfsModules.read(ctx.fs(), boot, e);
        String images = e.initrds().isEmpty() ? "no initramfs"
                : "initramfs " + String.join(", ", e.initrds().stream().map(i -> BootEvidence.path(ctx, i.path())).toList());
        mods.images().forEach(i -> evidence.add("read " + i));
        List<String> missing = new ArrayList<>();
        for (String d : DRIVERS) {
            Optional<String> where = mods.find(d);
            if (where.isPresent()) {
                evidence.add(d + ": " + where.get());
            } else {
                missing.add(d);
            }
        }
        evidence.addAll(mods.notes());
        if (missing.isEmpty()) {
            return pass(ctx, evidence);
        }
        evidence.add(1, "missing from " + images + " and not built into kernel " + e.kernelVersion().orElse("?")
                + ": " + String.join(", ", missing));
        return fail(ctx, evidence);
    }
}
