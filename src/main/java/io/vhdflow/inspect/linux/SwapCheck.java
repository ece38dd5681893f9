package io.vhdflow.inspect.linux;

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
 * L14: no swap on the OS disk: no swap line in {@code /etc/fstab}, no swap file, and no swap
 * partition (reported by the volume layer through {@link LinuxContext#swapPartitions()}). Swap
 * belongs on the resource disk, configured by the agent or cloud-init.
 */
final class SwapCheck implements LinuxCheck {

    static final List<String> SWAP_FILES = List.of("/swapfile", "/swap.img", "/swap", "/var/swap", "/swap/swapfile");

    @Override
    public String id() {
        return "L14";
    }

    @Override
    public String title() {
        return "no swap on the OS disk (fstab, swap file, swap partition)";
    }

    @Override
    public Category category() {
        return Category.PROVISIONING;
    }

    @Override
    public String reads() {
        return "/etc/fstab swap lines, swap files, swap partitions and LVs from the volume layer";
    }

    @Override
    public Severity severity(Policy policy) {
        return Severity.MUST;
    }

    @Override
    public String source() {
        return "Azure 'Prepare a generic Linux VM' (no swap on the OS disk); Azure Marketplace certification test 'swap partition' — docs/checks.md#l14";
    }

    @Override
    public String remediation() {
        return "remove the swap from the OS disk: delete the swap line from /etc/fstab, the swap file and any swap "
                + "partition; configure swap on the resource disk (ResourceDisk.EnableSwap=y, or cloud-init mounts/swap)";
    }

    @Override
    public CheckResult run(LinuxContext ctx) throws IOException {
        List<String> failing = new ArrayList<>();
        Optional<String> fstab = FileReads.text(ctx.fs(), "/etc/fstab", FileReads.CONFIG_CAP);
        if (fstab.isPresent()) {
            String[] lines = fstab.get().split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                String l = lines[i].strip();
                if (l.isEmpty() || l.startsWith("#")) {
                    continue;
                }
                String[] f = l.split("\\s+");
                if (f.length >= 3 && f[2].equals("swap")) {
                    failing.add(ctx.at("/etc/fstab") + " line " + (i + 1) + ": swap entry for " + f[0]);
                }
            }
        }
        for (String p : SWAP_FILES) {
            Optional<FileAttributes> a = ctx.fs().find(p);
            if (a.isPresent() && a.get().isRegularFile()) {
                failing.add(ctx.at(p) + " exists (" + a.get().size() + " bytes)");
            }
        }
        for (String s : ctx.swapPartitions()) {
            failing.add("swap partition on the OS disk: " + s);
        }
        if (failing.isEmpty()) {
            return pass(ctx, List.of((fstab.isPresent() ? ctx.at("/etc/fstab") + " has no swap entry"
                    : ctx.at("/etc/fstab") + " absent") + "; no swap file; no swap partition reported on the disk"));
        }
        return fail(ctx, failing);
    }
}
