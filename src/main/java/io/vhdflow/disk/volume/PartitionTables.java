package io.vhdflow.disk.volume;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.Finding;
import io.vhdflow.disk.container.ByteSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Splits a disk into its partitions by the partition table found by magic.
 *
 * <p>Detection, in this order: a protective MBR (type 0xEE) means GPT; a FAT/NTFS/exFAT boot
 * sector in sector 0 means a whole-disk filesystem; a 0x55AA-signed sector with sane entries means
 * MBR (a leftover GPT header beside it is reported, as Linux ignores it too); an
 * {@code "EFI PART"} header without any MBR means GPT (reported); anything else is a whole-disk
 * volume (ext4, XFS, or an LVM PV on the bare disk). What lies inside the partitions (filesystems,
 * LVM labels) is not this layer's business: the caller answers those two questions through
 * {@link Probes}, so this package imports no filesystem or LVM code.
 */
public final class PartitionTables {
    /** A hostile table can make every pair overlap; a report needs only the first few. */
    static final int MAX_OVERLAP_FINDINGS = 32;

    /** What the partition layer asks of the layers above it. */
    public interface Probes {
        /** Whether sector 0 of {@code disk} is a filesystem's boot sector (FAT, NTFS) rather than an MBR. */
        boolean wholeDiskFilesystem(ByteSource disk) throws IOException;

        /** Whether {@code disk} carries an LVM2 physical volume label. */
        boolean physicalVolume(ByteSource disk) throws IOException;
    }

    /**
     * The partitions of a disk.
     *
     * @param scheme     MBR, GPT or NONE (one whole-disk volume)
     * @param diskId     MBR disk signature or GPT disk GUID
     * @param partitions the readable partitions in table order, or the whole disk for NONE
     * @param findings   non-fatal problems: damaged primary GPT, overlaps, partitions past the end
     */
    public record Partitioning(PartitionScheme scheme, Optional<String> diskId, List<Volume> partitions,
                               List<Finding> findings) {
        public Partitioning {
            partitions = List.copyOf(partitions);
            findings = List.copyOf(findings);
        }
    }

    private PartitionTables() {
    }

    /**
     * Reads the partition table of {@code disk}. Volumes are views of {@code disk}: keep it open
     * while they are used.
     *
     * @throws DiskException when the partition table is unusable (e.g. both GPT copies damaged)
     */
    public static Partitioning read(ByteSource disk, Probes probes) throws IOException {
        List<Finding> findings = new ArrayList<>();
        List<TableEntry> entries;
        PartitionScheme scheme;
        Optional<String> diskId;
        ByteBuffer sector0 = disk.size() >= 512 ? disk.readBuffer(0, 512, "MBR") : null;
        boolean mbrSigned = sector0 != null && MasterBootRecord.hasSignature(sector0);
        MasterBootRecord mbr = mbrSigned ? MasterBootRecord.read(disk) : null;
        boolean gptSignature = GuidPartitionTable.probe(disk);
        boolean protective = mbr != null && mbr.isProtective();
        boolean wholeDiskFs = !protective && sector0 != null && isWholeDiskFilesystem(disk, sector0, probes);
        boolean mbrUsable = !protective && !wholeDiskFs && mbr != null && MasterBootRecord.probe(disk);
        if (protective || (gptSignature && !mbrUsable && !wholeDiskFs)) {
            if (!protective) {
                findings.add(new Finding("gpt.no-protective-mbr", 0, "GPT header present but sector 0 holds no protective MBR (type 0xEE)"));
            } else if (mbr.entries().stream().anyMatch(e -> !e.isEmpty() && e.type() != MbrPartitionType.GPT_PROTECTIVE)) {
                findings.add(new Finding("gpt.hybrid-mbr", 0x1BE, "the protective MBR also lists ordinary partitions (hybrid MBR); the GPT is used"));
            }
            GuidPartitionTable gpt = GuidPartitionTable.read(disk, findings);
            scheme = PartitionScheme.GPT;
            diskId = Optional.of(gpt.diskGuid());
            entries = gpt.partitions();
        } else if (mbrUsable && mbr.entries().stream().allMatch(MasterBootRecord.Entry::isEmpty)
                && probes.physicalVolume(disk)) {
            // An empty MBR left in front of an LVM label: pvcreate on a bare disk that once had boot code.
            scheme = PartitionScheme.NONE;
            diskId = Optional.empty();
            entries = List.of();
        } else if (mbrUsable) {
            // Like Linux: without a protective entry, a GPT signature is a leftover and the MBR rules.
            if (gptSignature) {
                findings.add(new Finding("mbr.stale-gpt", 512, "an \"EFI PART\" header remains at LBA 1 but the MBR has no "
                        + "protective entry; the MBR is used (wipe the stale GPT, e.g. sgdisk --zap, to avoid confusing tools)"));
            }
            scheme = PartitionScheme.MBR;
            diskId = Optional.of(mbr.diskSignature());
            entries = mbr.partitions(disk, findings);
        } else {
            scheme = PartitionScheme.NONE;
            diskId = Optional.empty();
            entries = List.of();
        }

        List<Volume> volumes = new ArrayList<>();
        if (scheme == PartitionScheme.NONE) {
            volumes.add(new Volume("disk", disk, OptionalLong.of(0), disk.size(), "none", "Whole disk", Optional.empty(),
                    Optional.empty(), false, EnumSet.of(VolumeRole.WHOLE_DISK)));
        } else {
            for (TableEntry e : entries) {
                toVolume(disk, e, findings).ifPresent(volumes::add);
            }
            checkOverlaps(volumes, findings);
        }

        return new Partitioning(scheme, diskId, volumes, findings);
    }

    /**
     * True when mkswap's signature ends the first page: {@code SWAPSPACE2} (or the old
     * {@code SWAP-SPACE}) at page size - 10, for 4, 8, 16 and 64 KiB pages. This finds swap on LVs
     * and on partitions whose type code says otherwise (checklist L14).
     */
    public static boolean hasSwapSignature(ByteSource s) throws IOException {
        for (int page : new int[] {4096, 8192, 16384, 65536}) {
            if (s.size() < page) {
                return false;
            }
            try {
                String sig = new String(s.readBytes(page - 10, 10, "swap signature"), StandardCharsets.US_ASCII);
                if (sig.equals("SWAPSPACE2") || sig.equals("SWAP-SPACE")) {
                    return true;
                }
            } catch (DiskException e) {
                return false; // e.g. an LV whose PV is cut short: not evidence of swap
            }
        }
        return false;
    }

    /** A FAT, NTFS or exFAT boot sector in sector 0: the disk is one filesystem, its 0x55AA is not an MBR's. */
    private static boolean isWholeDiskFilesystem(ByteSource disk, ByteBuffer sector0, Probes probes) throws IOException {
        byte[] oem = new byte[8];
        sector0.get(3, oem);
        String o = new String(oem, StandardCharsets.US_ASCII);
        return o.equals("NTFS    ") || o.equals("EXFAT   ") || probes.wholeDiskFilesystem(disk);
    }

    /** Checks a table entry against the disk: beyond the end is dropped, overhanging is cut, both reported. */
    private static Optional<Volume> toVolume(ByteSource disk, TableEntry e, List<Finding> findings) throws DiskException {
        long size = disk.size();
        if (e.start() >= size || e.length() <= 0) {
            findings.add(new Finding("partition.beyond-disk", e.structureOffset(), e.id() + " starts at byte " + e.start()
                    + ", beyond the end of the " + size + "-byte disk; it is not readable"));
            return Optional.empty();
        }
        long length = e.length();
        if (length > size - e.start()) {
            findings.add(new Finding("partition.truncated", e.structureOffset(), e.id() + " (bytes " + e.start() + "+" + length
                    + ") runs past the end of the " + size + "-byte disk; only the first " + (size - e.start())
                    + " bytes are readable (was the image truncated?)"));
            length = size - e.start();
        }
        ByteSource source = disk.slice(e.start(), length, e.id());
        return Optional.of(new Volume(e.id(), source, OptionalLong.of(e.start()), length, e.typeCode(), e.typeName(),
                e.name(), e.uuid(), e.bootable(), e.roles()));
    }

    /** Partitions that share bytes corrupt each other; the extended container is expected to hold the logicals. */
    private static void checkOverlaps(List<Volume> volumes, List<Finding> findings) {
        List<Volume> sorted = volumes.stream().filter(v -> !v.hasRole(VolumeRole.EXTENDED))
                .sorted(Comparator.comparingLong(v -> v.diskOffset().orElse(0))).toList();
        int reported = 0;
        for (int i = 0; i < sorted.size(); i++) {
            Volume a = sorted.get(i);
            long aEnd = a.diskOffset().getAsLong() + a.length();
            for (int j = i + 1; j < sorted.size(); j++) {
                Volume b = sorted.get(j);
                if (b.diskOffset().getAsLong() >= aEnd) {
                    break;
                }
                if (++reported > MAX_OVERLAP_FINDINGS) {
                    findings.add(new Finding("partition.overlap", -1, "more overlapping partitions; only the first "
                            + MAX_OVERLAP_FINDINGS + " pairs are listed"));
                    return;
                }
                findings.add(new Finding("partition.overlap", b.diskOffset().getAsLong(), a.id() + " (bytes "
                        + a.diskOffset().getAsLong() + "+" + a.length() + ") and " + b.id() + " (bytes "
                        + b.diskOffset().getAsLong() + "+" + b.length() + ") overlap"));
            }
        }
    }
}
