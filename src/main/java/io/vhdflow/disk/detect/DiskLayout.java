package io.vhdflow.disk.detect;

import io.vhdflow.disk.Finding;
import io.vhdflow.disk.volume.BootScheme;
import io.vhdflow.disk.volume.HyperVGeneration;
import io.vhdflow.disk.volume.PartitionScheme;
import io.vhdflow.disk.volume.Volume;
import io.vhdflow.disk.volume.VolumeRole;
import io.vhdflow.disk.volume.lvm.LvmVolumeGroup;

import java.util.List;
import java.util.Optional;

/**
 * What a disk holds: its partitioning scheme, its volumes (partitions, then LVM logical volumes),
 * the LVM volume groups found, findings, and the facts the catalog and checks need.
 *
 * @param scheme       MBR, GPT, or NONE (whole-disk filesystem or PV)
 * @param diskSize     size of the disk in bytes
 * @param diskId       MBR disk signature ({@code 0x1234abcd}) or GPT disk GUID
 * @param volumes      partitions in table order (MBR primary slots 1-4, then logical 5...; GPT entry
 *                     order), or the whole disk for NONE, followed by the readable logical volumes
 * @param volumeGroups LVM volume groups whose physical volumes were found on this disk
 * @param findings     non-fatal problems: damaged primary GPT, overlapping partitions, ...
 */
public record DiskLayout(
        PartitionScheme scheme,
        long diskSize,
        Optional<String> diskId,
        List<Volume> volumes,
        List<LvmVolumeGroup> volumeGroups,
        List<Finding> findings) {

    /** Partitions this close to the start are flagged by G7 (Marketplace: the first 2 MiB carry no partition). */
    public static final long FIRST_2_MIB = 2L * 1024 * 1024;

    public DiskLayout {
        volumes = List.copyOf(volumes);
        volumeGroups = List.copyOf(volumeGroups);
        findings = List.copyOf(findings);
    }

    /** The volume with this id, e.g. {@code gpt:p15} or {@code lvm:rootvg/root}. */
    public Optional<Volume> volume(String id) {
        return volumes.stream().filter(v -> v.id().equals(id)).findFirst();
    }

    /** The partitions (and, for NONE, the whole disk): every volume that is not a logical volume. */
    public List<Volume> partitions() {
        return volumes.stream().filter(v -> !v.hasRole(VolumeRole.LVM_LV)).toList();
    }

    /** The logical volumes readable from this disk. */
    public List<Volume> logicalVolumes() {
        return volumes.stream().filter(v -> v.hasRole(VolumeRole.LVM_LV)).toList();
    }

    /** The EFI System Partition, if there is one (the first, if several). */
    public Optional<Volume> esp() {
        return volumes.stream().filter(v -> v.hasRole(VolumeRole.ESP)).findFirst();
    }

    /** Swap partitions and swap-typed volumes (checklist L14). */
    public List<Volume> swapVolumes() {
        return volumes.stream().filter(v -> v.hasRole(VolumeRole.SWAP)).toList();
    }

    /** How the layout boots (checklist G6). */
    public BootScheme bootScheme() {
        switch (scheme) {
            case MBR:
                return BootScheme.BIOS_MBR;
            case GPT: {
                boolean esp = partitions().stream().anyMatch(v -> v.hasRole(VolumeRole.ESP));
                boolean bios = partitions().stream().anyMatch(v -> v.hasRole(VolumeRole.BIOS_BOOT));
                if (esp && bios) {
                    return BootScheme.HYBRID_GPT;
                }
                if (esp) {
                    return BootScheme.UEFI_GPT;
                }
                return bios ? BootScheme.BIOS_GPT : BootScheme.UNKNOWN;
            }
            default:
                return BootScheme.UNKNOWN;
        }
    }

    /** Hyper-V generation implied by the boot scheme: MBR gives V1, GPT with an ESP gives V2 (G6). */
    public Optional<HyperVGeneration> hyperVGeneration() {
        return Optional.ofNullable(bootScheme().generation());
    }

    /** True when any partition starts in the first 2 MiB of the disk (checklist G7). */
    public boolean partitionStartsInFirst2MiB() {
        return !partitionsInFirst2MiB().isEmpty();
    }

    /** The partitions starting in the first 2 MiB (G7 evidence); the MBR extended container is not counted. */
    public List<Volume> partitionsInFirst2MiB() {
        return partitions().stream()
                .filter(v -> !v.hasRole(VolumeRole.WHOLE_DISK) && !v.hasRole(VolumeRole.EXTENDED))
                .filter(v -> v.diskOffset().isPresent() && v.diskOffset().getAsLong() < FIRST_2_MIB)
                .toList();
    }
}
