package io.vhdflow.inspect.windows;

import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.detect.DiskLayout;
import io.vhdflow.disk.fs.NodeFilesystem;
import io.vhdflow.disk.volume.HyperVGeneration;
import io.vhdflow.disk.volume.Volume;
import io.vhdflow.disk.volume.VolumeRole;
import io.vhdflow.inspect.InspectedDisk;
import io.vhdflow.inspect.ScannedVolume;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where the firmware of the VM generation the disk implies reads the BCD store, and what is there
 * (check W11). Generation 2 (UEFI, GPT with an ESP): {@code \EFI\Microsoft\Boot\BCD} on the EFI
 * System Partition, a FAT volume. Generation 1 (BIOS, MBR): {@code \Boot\BCD} on the active
 * partition, the "System Reserved" partition or the Windows partition itself. Stores found anywhere
 * else are listed, since the firmware will not read them.
 *
 * @param generation the VM generation the partition table implies, when it implies one
 * @param store      the store where the firmware reads it, opened
 * @param tried      every place looked at where the firmware reads, with what was there
 * @param elsewhere  stores found on volumes the firmware does not boot from
 * @param problem    why the store found could not be read, or why no place could be looked at
 */
public record BcdLookup(Optional<HyperVGeneration> generation, Optional<BcdStore> store, List<String> tried,
                        List<String> elsewhere, Optional<String> problem) {

    static final String UEFI_PATH = "/EFI/Microsoft/Boot/BCD";
    static final String BIOS_PATH = "/Boot/BCD";

    public BcdLookup {
        tried = List.copyOf(tried);
        elsewhere = List.copyOf(elsewhere);
    }

    /** Looks for the BCD store on {@code disk} where its generation's firmware reads it. */
    public static BcdLookup find(InspectedDisk disk) {
        if (disk.layout().isEmpty()) {
            return new BcdLookup(Optional.empty(), Optional.empty(), List.of(), List.of(),
                    Optional.of("the partition table could not be read, so the boot partition is unknown"));
        }
        DiskLayout layout = disk.layout().get();
        Optional<HyperVGeneration> gen = layout.hyperVGeneration();
        List<String> tried = new ArrayList<>();
        List<String> looked = new ArrayList<>();
        if (gen.isPresent()) {
            boolean uefi = gen.get() == HyperVGeneration.V2;
            String path = uefi ? UEFI_PATH : BIOS_PATH;
            List<Volume> boot = layout.partitions().stream()
                    .filter(v -> uefi ? v.hasRole(VolumeRole.ESP) : v.bootable()).toList();
            if (boot.isEmpty()) {
                tried.add(uefi ? "no EFI System Partition" : "no active (bootable) partition in the MBR: BIOS boot code has nothing to start");
            }
            for (Volume v : boot) {
                Optional<ScannedVolume> s = scanned(disk, v);
                if (s.isEmpty() || s.get().filesystem().isEmpty()) {
                    tried.add(v.id() + " (" + (uefi ? "EFI System Partition" : "active partition") + "): no readable filesystem"
                            + s.flatMap(ScannedVolume::unreadable).map(u -> " (" + u + ")").orElse(""));
                    continue;
                }
                String where = s.get().location() + ":" + path;
                looked.add(where);
                NodeFilesystem<?> fs = s.get().filesystem().get();
                try {
                    if (!fs.isRegularFile(path)) {
                        tried.add(where + " absent");
                        continue;
                    }
                    BcdStore store = BcdStore.of(WindowsSystem.openHive(fs, path), where);
                    tried.add(where + " found");
                    return new BcdLookup(gen, Optional.of(store), tried, List.of(), Optional.empty());
                } catch (IOException e) {
                    // A damaged boot volume must not hide the Windows installation: W11 reports it.
                    return new BcdLookup(gen, Optional.empty(), tried, List.of(), Optional.of(where + " cannot be read ("
                            + ErrorKind.of(e).label() + "): " + e.getMessage()));
                }
            }
        }
        return new BcdLookup(gen, Optional.empty(), tried, elsewhere(disk, looked), Optional.empty());
    }

    private static Optional<ScannedVolume> scanned(InspectedDisk disk, Volume v) {
        return disk.volumes().stream().filter(s -> s.volume().id().equals(v.id())).findFirst();
    }

    /** BCD stores on any readable volume, at either path, other than the places already looked at. */
    private static List<String> elsewhere(InspectedDisk disk, List<String> looked) {
        List<String> found = new ArrayList<>();
        for (ScannedVolume s : disk.volumes()) {
            if (s.filesystem().isEmpty()) {
                continue;
            }
            for (String path : List.of(UEFI_PATH, BIOS_PATH)) {
                String where = s.location() + ":" + path;
                try {
                    if (!looked.contains(where) && s.filesystem().get().isRegularFile(path)) {
                        found.add(where);
                    }
                } catch (IOException e) {
                    // Only a hint for the evidence: an unreadable volume is reported by the volume scan.
                }
            }
        }
        return found;
    }
}
