package io.vhdflow.inspect.disk;

import io.vhdflow.disk.detect.DiskLayout;
import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.Policy;
import io.vhdflow.inspect.Severity;

import java.util.List;
import java.util.Optional;

/** G6: the partition table gives a Hyper-V generation: MBR boots as Gen1, GPT with an ESP as Gen2. */
final class GenerationCheck implements DiskCheck {
    @Override public String id() { return "G6"; }
    @Override public String title() { return "Partition table and VM generation"; }
    @Override public Category category() { return Category.CONTAINER; }
    @Override public Severity severity(Policy policy) { return Severity.MUST; }
    @Override public String reads() { return "MBR and GPT (protective MBR, partition types: EFI System, BIOS boot)"; }
    @Override public String source() { return "Azure: Generation 1 and 2 VMs (Gen1 boots BIOS/MBR, Gen2 boots UEFI from an EFI System Partition) — docs/checks.md#g6"; }
    @Override public String remediation() { return "the disk needs an MBR (Gen1) or a GPT with an EFI System Partition (Gen2)"; }

    @Override
    public CheckResult run(DiskContext ctx) {
        if (ctx.disk().layout().isEmpty()) {
            return notRun(ctx, List.of(ctx.layoutUnread()));
        }
        DiskLayout l = ctx.disk().layout().get();
        Optional<String> gen = l.hyperVGeneration().map(Enum::name);
        String ev = "partition table " + l.scheme() + ", boot scheme " + l.bootScheme()
                + gen.map(g -> " → Hyper-V generation " + g).orElse(": neither MBR nor GPT with an ESP");
        return gen.isPresent() ? pass(ctx, List.of(ev)) : fail(ctx, List.of(ev));
    }
}
