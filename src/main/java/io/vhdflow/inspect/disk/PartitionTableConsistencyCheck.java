package io.vhdflow.inspect.disk;

import io.vhdflow.disk.Finding;
import io.vhdflow.disk.detect.DiskLayout;
import io.vhdflow.disk.volume.PartitionScheme;
import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.Policy;
import io.vhdflow.inspect.Severity;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * G9: the partition table is consistent: no partition runs past the end of the disk or overlaps
 * another, the GPT's primary and backup copies agree, and a GPT disk keeps its protective MBR (UEFI
 * firmware, Hyper-V's Gen2 included, looks for the 0xEE entry before it reads the GPT). The volume layer reads past such damage
 * (it cuts, drops or picks a copy and reports it); this check is where the damage decides: a
 * table that describes bytes the disk does not have, or two different tables, is not an image to
 * publish, whatever the filesystems in it say.
 */
final class PartitionTableConsistencyCheck implements DiskCheck {
    /** The volume layer's findings that mean the table contradicts the disk or itself. */
    static final Set<String> INCONSISTENT = Set.of(
            "partition.beyond-disk", "partition.truncated", "partition.overlap",
            "gpt.primary-damaged", "gpt.backup-damaged", "gpt.backup-differs", "gpt.no-protective-mbr",
            "gpt.bad-partition-range", "gpt.partition-outside-usable",
            "mbr.logical-outside-extended", "mbr.ebr-beyond-disk", "mbr.ebr-cycle", "mbr.ebr-outside-extended",
            "mbr.ebr-bad-signature");
    private static final int SHOWN = 10;

    @Override public String id() { return "G9"; }
    @Override public String title() { return "Partition table consistent with the disk"; }
    @Override public Category category() { return Category.CONTAINER; }
    @Override public Severity severity(Policy policy) { return Severity.MUST; }
    @Override public String reads() { return "MBR and EBRs, GPT primary and backup headers and entry arrays, the disk size"; }
    @Override public String source() { return "UEFI specification 2.10 §5.2.3 (protective MBR) and §5.3 (GPT: backup header at the last LBA, partitions inside the usable LBAs, CRCs); MBR: partitions inside the disk — docs/checks.md#g9"; }
    @Override public String remediation() { return "repair the partition table on the source VM (sgdisk -v / -e for GPT, sfdisk --verify for MBR), or re-capture the image if it was truncated"; }

    @Override
    public CheckResult run(DiskContext ctx) {
        if (ctx.disk().layout().isEmpty()) {
            return notRun(ctx, List.of(ctx.layoutUnread()));
        }
        List<Finding> damage = ctx.disk().layout().get().findings().stream()
                .filter(f -> INCONSISTENT.contains(f.code())).toList();
        DiskLayout l = ctx.disk().layout().get();
        if (damage.isEmpty()) {
            return pass(ctx, List.of(l.scheme() + ": " + l.partitions().size() + " partition(s), each within the "
                    + l.diskSize() + "-byte disk, none overlapping"
                    + (l.scheme() == PartitionScheme.GPT ? "; primary and backup GPT agree" : "")));
        }
        List<String> evidence = new ArrayList<>(damage.stream().limit(SHOWN)
                .map(f -> f.code() + (f.offset() >= 0 ? " at byte " + f.offset() : "") + ": " + f.detail()).toList());
        if (damage.size() > SHOWN) {
            evidence.add("and " + (damage.size() - SHOWN) + " more");
        }
        return fail(ctx, evidence);
    }
}
