package io.vhdflow.inspect.linux;

import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.Policy;
import io.vhdflow.inspect.Severity;
import io.vhdflow.inspect.linux.boot.FstabMounts;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * L15: the root filesystem is on a plain partition and fstab names filesystems by UUID or label.
 * Root on LVM boots, but makes the image harder to resize and repair from another VM (VG name
 * clashes when the disk is attached to a VM built from the same image); a kernel device name in an
 * entry marked {@code nofail} does not stop the boot but mounts the wrong disk or none
 * (entries without {@code nofail} are L15R's).
 */
final class StableDeviceNamesCheck implements LinuxCheck {

    @Override
    public String id() {
        return "L15";
    }

    @Override
    public String title() {
        return "root on a plain partition; fstab names filesystems by UUID or LABEL";
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
        return "/etc/fstab device fields; the volume the root filesystem is on";
    }

    @Override
    public String source() {
        return "Azure 'Prepare a generic Linux image' and Ubuntu guide (no LVM on the OS disk; UUID in fstab) — docs/checks.md#l15";
    }

    @Override
    public String remediation() {
        return "use UUID= or LABEL= in /etc/fstab; for new images put the root filesystem on a plain partition";
    }

    @Override
    public CheckResult run(LinuxContext ctx) throws IOException {
        List<String> failing = new ArrayList<>();
        if (ctx.os().location().startsWith("lvm:")) {
            failing.add("root filesystem on a logical volume: " + ctx.os().location());
        }
        for (FstabMounts.FstabMount m : ctx.os().mounts()) {
            if (FstabMounts.isKernelName(m.entry().spec()) && m.entry().optional()) {
                failing.add(ctx.at("/etc/fstab") + " " + m.entry() + ": kernel device name (" + m.detail() + ")");
            }
        }
        if (failing.isEmpty()) {
            return pass(ctx, List.of("root filesystem on " + ctx.os().location() + "; "
                    + (ctx.os().mounts().isEmpty() ? "no fstab entries resolved" : "fstab names filesystems by stable names")));
        }
        return fail(ctx, failing);
    }
}
