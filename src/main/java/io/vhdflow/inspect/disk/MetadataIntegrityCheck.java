package io.vhdflow.inspect.disk;

import io.vhdflow.disk.Finding;
import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.Policy;
import io.vhdflow.inspect.ScannedVolume;
import io.vhdflow.inspect.Severity;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * G10: the filesystem metadata the checks read was intact. The readers verify the checksums a
 * format has on every structure they read (ext4 metadata_csum, XFS v5 CRCs) and the bounds of every
 * field, and fail that read, so the check that needed the structure cannot determine its answer;
 * this check runs after the operating system's checks and gathers every such failure (the
 * checksum findings and {@code Filesystem.damagedReads()}), and every volume whose filesystem could
 * not be opened, so damaged metadata always keeps the verdict at "cannot determine" or worse, even
 * when the check that met it is only a warning. It does not scan what no check read: the evidence
 * names what was read and found damaged.
 */
final class MetadataIntegrityCheck implements DiskCheck {
    private static final int SHOWN = 10;

    @Override public String id() { return "G10"; }
    @Override public String title() { return "Filesystem metadata read by the checks is intact"; }
    @Override public Category category() { return Category.CONTAINER; }
    @Override public Severity severity(Policy policy) { return Severity.MUST; }
    @Override public String reads() { return "the checksum failures and damaged structures the filesystem readers met for any check (ext4 metadata_csum, XFS v5 CRC, out-of-bounds fields) and the volumes that could not be opened"; }
    @Override public String source() { return "ext4 metadata_csum (kernel Documentation/filesystems/ext4), XFS v5 self-describing metadata (CRC32c) — docs/checks.md#g10"; }
    @Override public String remediation() { return "repair the filesystem on the source VM (e2fsck -f, xfs_repair) and capture the image again; a copy damaged in transit must be copied again"; }

    /** Codes of findings that mean a structure failed its checksum, whatever the format. */
    static boolean integrity(Finding f) {
        return f.code().endsWith(".checksum-mismatch") || f.code().endsWith(".crc-mismatch")
                || f.code().endsWith(".checksum-missing")
                // Read from a mirror, but Linux mounts btrfs from the primary superblock only: it would not boot.
                || f.code().equals("btrfs.superblock-mirror-used");
    }

    /** Damage the format repairs itself (a btrfs DUP block read from its good copy): told, not blocking. */
    static boolean selfRepaired(Finding f) {
        return f.code().equals("btrfs.metadata-copy-used");
    }

    @Override
    public CheckResult run(DiskContext ctx) {
        List<ScannedVolume> volumes = ctx.disk().volumes();
        if (volumes.isEmpty()) {
            return notApplicable(ctx, "no volume holds a filesystem vhdflow reads");
        }
        List<String> damage = new ArrayList<>();
        List<String> intact = new ArrayList<>();
        for (ScannedVolume v : volumes) {
            if (v.encrypted().isPresent()) {
                continue;  // G-BitLocker and the verdict's "encrypted" reason say so
            }
            if (v.unreadable().isPresent()) {
                damage.add(v.location() + " could not be opened: " + v.unreadable().get());
                continue;
            }
            List<Finding> failed = new ArrayList<>(v.filesystem().map(fs -> fs.findings().stream()
                    .filter(MetadataIntegrityCheck::integrity).toList()).orElse(List.of()));
            // A structure that failed a bound rather than a checksum stopped a read too; one that
            // failed its checksum is already listed under its checksum finding.
            Set<Long> listed = failed.stream().map(Finding::offset).collect(Collectors.toSet());
            v.filesystem().map(fs -> fs.damagedReads()).orElse(List.of()).stream()
                    .filter(f -> f.offset() < 0 || !listed.contains(f.offset())).forEach(failed::add);
            failed.forEach(f -> damage.add(v.location() + ": " + f.detail()
                    + (f.offset() >= 0 && !f.detail().contains("at byte " + f.offset())
                    ? " (byte " + f.offset() + " of the volume)" : "")));
            if (failed.isEmpty() && v.filesystem().isPresent()) {
                intact.add(v.location());
            }
        }
        if (damage.isEmpty()) {
            List<String> evidence = new ArrayList<>(List.of("no checksum failure in the metadata read from "
                    + String.join(", ", intact)));
            for (ScannedVolume v : volumes) {
                v.filesystem().map(fs -> fs.findings().stream().filter(MetadataIntegrityCheck::selfRepaired).toList())
                        .orElse(List.of()).stream().limit(SHOWN).forEach(f -> evidence.add(v.location() + ": "
                                + f.detail() + " (the kernel reads the good copy too; btrfs scrub rewrites the bad one)"));
            }
            return pass(ctx, evidence);
        }
        List<String> evidence = new ArrayList<>(damage.subList(0, Math.min(SHOWN, damage.size())));
        if (damage.size() > SHOWN) {
            evidence.add("and " + (damage.size() - SHOWN) + " more");
        }
        evidence.add("what depends on this metadata cannot be judged: the image cannot be determined safe to publish");
        return notRun(ctx, evidence);
    }
}
