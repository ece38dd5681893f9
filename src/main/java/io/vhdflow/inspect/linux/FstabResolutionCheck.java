package io.vhdflow.inspect.linux;

import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.linux.boot.FstabMounts;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * L15R: every {@code /etc/fstab} entry the system mounts at boot is on a volume of this disk, named
 * so it is found on any VM. An entry whose UUID or label is on no volume, or that names a kernel
 * device ({@code /dev/sdb1}: Azure promises no device order, NVMe VMs have no {@code sd} names),
 * makes systemd wait for the device and stop in emergency mode, unless the entry says
 * {@code nofail}. The outcomes come from the assembly of the mounted tree ({@link FstabMounts}).
 */
final class FstabResolutionCheck implements LinuxCheck {

    @Override
    public String id() {
        return "L15R";
    }

    @Override
    public String title() {
        return "every /etc/fstab entry mounted at boot is found on this disk";
    }

    @Override
    public Category category() {
        return Category.BOOT;
    }


    @Override
    public String reads() {
        return "/etc/fstab, resolved against the disk's volumes (filesystem UUID and label, GPT partition GUID and "
                + "name, MBR PARTUUID, LVM names)";
    }

    @Override
    public String source() {
        return "systemd-fstab-generator / local-fs.target (a missing device without nofail fails the boot); "
                + "Azure 'Prepare a generic Linux image' (use UUID in fstab) — docs/checks.md#l15r";
    }

    @Override
    public String remediation() {
        return "name each filesystem by UUID= (blkid) in /etc/fstab, remove entries for disks the image does not carry "
                + "or add 'nofail' to them";
    }

    @Override
    public CheckResult run(LinuxContext ctx) throws IOException {
        List<FstabMounts.FstabMount> mounts = ctx.os().mounts();
        if (mounts.isEmpty()) {
            return ctx.fs().exists("/etc/fstab") && ctx.disk().isPresent()
                    ? pass(ctx, List.of(ctx.at("/etc/fstab") + " names no filesystem"))
                    : notApplicable(ctx, ctx.disk().isEmpty() ? "not read from a whole disk: fstab entries cannot be resolved"
                    : ctx.at("/etc/fstab") + " absent");
        }
        List<String> failing = new ArrayList<>();
        List<String> rootEntry = new ArrayList<>();
        List<String> evidence = new ArrayList<>();
        for (FstabMounts.FstabMount m : mounts) {
            String line = ctx.at("/etc/fstab") + " " + m.entry() + ": " + m.outcome().name().toLowerCase(java.util.Locale.ROOT)
                    + ", " + m.detail();
            boolean blocks = (m.outcome() == FstabMounts.Outcome.UNRESOLVED || m.outcome() == FstabMounts.Outcome.GUESSED)
                    && !m.entry().optional();
            if (blocks && m.entry().mountPoint().equals("/")) {
                // The kernel mounts / from root= on its command line; systemd only remounts it with these
                // options, so the boot goes on, but this fstab was not written for this disk.
                rootEntry.add(line + " (the root filesystem is mounted from the kernel's root=, so this does not stop "
                        + "the boot; the fstab was written for another disk)");
            } else if (blocks) {
                failing.add(line);
            } else {
                evidence.add(line + (m.entry().optional() && m.outcome() != FstabMounts.Outcome.MOUNTED
                        && m.outcome() != FstabMounts.Outcome.ROOT ? " (nofail/noauto: does not stop the boot)" : ""));
            }
        }
        if (failing.isEmpty() && rootEntry.isEmpty()) {
            return pass(ctx, evidence);
        }
        if (failing.isEmpty()) {
            rootEntry.addAll(evidence);
            return warn(ctx, rootEntry);
        }
        failing.addAll(rootEntry);
        failing.addAll(evidence);
        return fail(ctx, failing);
    }
}
