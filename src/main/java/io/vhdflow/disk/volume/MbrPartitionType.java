package io.vhdflow.disk.volume;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** Names and roles of the MBR partition type bytes met on VM disks. */
final class MbrPartitionType {
    static final int EMPTY = 0x00;
    static final int GPT_PROTECTIVE = 0xEE;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(0x01, "FAT12"),
            Map.entry(0x04, "FAT16 <32M"),
            Map.entry(0x05, "Extended"),
            Map.entry(0x06, "FAT16"),
            Map.entry(0x07, "HPFS/NTFS/exFAT"),
            Map.entry(0x0B, "W95 FAT32"),
            Map.entry(0x0C, "W95 FAT32 (LBA)"),
            Map.entry(0x0E, "W95 FAT16 (LBA)"),
            Map.entry(0x0F, "W95 Extended (LBA)"),
            Map.entry(0x11, "Hidden FAT12"),
            Map.entry(0x12, "Compaq diagnostics"),
            Map.entry(0x14, "Hidden FAT16 <32M"),
            Map.entry(0x16, "Hidden FAT16"),
            Map.entry(0x17, "Hidden HPFS/NTFS"),
            Map.entry(0x1B, "Hidden W95 FAT32"),
            Map.entry(0x1C, "Hidden W95 FAT32 (LBA)"),
            Map.entry(0x1E, "Hidden W95 FAT16 (LBA)"),
            Map.entry(0x27, "Hidden NTFS WinRE"),
            Map.entry(0x42, "SFS / Windows dynamic disk (LDM)"),
            Map.entry(0x82, "Linux swap / Solaris"),
            Map.entry(0x83, "Linux"),
            Map.entry(0x85, "Linux extended"),
            Map.entry(0x8E, "Linux LVM"),
            Map.entry(0xA5, "FreeBSD"),
            Map.entry(0xA6, "OpenBSD"),
            Map.entry(0xA9, "NetBSD"),
            Map.entry(0xDA, "Non-FS data"),
            Map.entry(0xEE, "GPT protective"),
            Map.entry(0xEF, "EFI (FAT-12/16/32)"),
            Map.entry(0xFD, "Linux raid autodetect"));

    private MbrPartitionType() {
    }

    static boolean isExtended(int type) {
        return type == 0x05 || type == 0x0F || type == 0x85;
    }

    static String code(int type) {
        return String.format("0x%02x", type);
    }

    static String name(int type) {
        return NAMES.getOrDefault(type, "Unknown (" + code(type) + ")");
    }

    static Set<VolumeRole> roles(int type) {
        EnumSet<VolumeRole> r = EnumSet.noneOf(VolumeRole.class);
        switch (type) {
            case 0xEF -> r.add(VolumeRole.ESP);
            case 0x82 -> r.add(VolumeRole.SWAP);
            case 0x8E -> r.add(VolumeRole.LVM_PV);
            case 0x83 -> r.add(VolumeRole.LINUX_FILESYSTEM);
            case 0x27 -> r.add(VolumeRole.WINDOWS_RECOVERY);
            case 0x01, 0x04, 0x06, 0x07, 0x0B, 0x0C, 0x0E -> r.add(VolumeRole.BASIC_DATA);
            case 0x05, 0x0F, 0x85 -> r.add(VolumeRole.EXTENDED);
            default -> { }
        }
        return r;
    }
}
