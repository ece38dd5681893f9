package io.vhdflow.inspect.disk;

import io.vhdflow.disk.volume.Volume;
import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.Policy;
import io.vhdflow.inspect.Severity;

import java.util.List;

/** G7: no partition starts in the first 2 MiB of the disk (Marketplace certification). */
final class First2MiBCheck implements DiskCheck {
    @Override public String id() { return "G7"; }
    @Override public String title() { return "First 2 MiB free of partitions (Linux)"; }
    @Override public Category category() { return Category.CONTAINER; }
    @Override public Severity severity(Policy policy) { return policy == Policy.MARKETPLACE ? Severity.SHOULD : Severity.INFO; }
    @Override public String reads() { return "partition start offsets (MBR, GPT)"; }
    @Override public String source() { return "Azure Marketplace certification: Linux VHD requirements (first 2 MiB unpartitioned) — docs/checks.md#g7"; }
    @Override public String remediation() { return "leave the first 2 MiB of the disk free of partitions (Marketplace certification)"; }

    @Override
    public CheckResult run(DiskContext ctx) {
        if (ctx.policy() != Policy.MARKETPLACE) {
            return notApplicable(ctx, "Marketplace only");
        }
        if (ctx.disk().layout().isEmpty()) {
            return notRun(ctx, List.of(ctx.disk().layoutError().isPresent() ? "the partition table could not be read"
                    : "the partition table is read by 'vhdflow inspect', not by the container checks"));
        }
        List<Volume> early = ctx.disk().layout().get().partitionsInFirst2MiB();
        return early.isEmpty() ? pass(ctx, List.of("no partition starts in the first 2 MiB"))
                : fail(ctx, early.stream().map(v -> v.id() + " starts at byte " + v.diskOffset().getAsLong()).toList());
    }
}
