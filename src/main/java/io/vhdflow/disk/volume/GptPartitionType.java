package io.vhdflow.disk.volume;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** Names and roles of the GPT partition type GUIDs met on VM disks (upper-case GUID text). */
final class GptPartitionType {
    static final String ESP = "C12A7328-F81F-11D2-BA4B-00A0C93EC93B";
    static final String BIOS_BOOT = "21686148-6449-6E6F-744E-656564454649";
    static final String LINUX_FILESYSTEM = "0FC63DAF-8483-4772-8E79-3D69D8477DE4";
    static final String LINUX_LVM = "E6D6D379-F507-44C2-A23C-238F2A3DF928";
    static final String LINUX_SWAP = "0657FD6D-A4AB-43C4-84E5-0933C84B4F4F";
    static final String MS_BASIC_DATA = "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7";
    static final String MS_RESERVED = "E3C9E316-0B5C-4DB8-817D-F92DF00215AE";
    static final String WINDOWS_RECOVERY = "DE94BBA4-06D1-4D40-A16A-BFD50179D6AC";

    /** Discoverable-partitions root/usr/home/srv/var types: Linux filesystems by another name. */
    private static final Map<String, String> LINUX_DISCOVERABLE = Map.of(
            "4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709", "Linux root (x86-64)",
            "44479540-F297-41B2-9AF7-D131D5F0458A", "Linux root (x86)",
            "B921B045-1DF0-41C3-AF44-4C6F280D3FAE", "Linux root (ARM-64)",
            "8484680C-9521-48C6-9C11-B0720656F69E", "Linux /usr (x86-64)",
            "933AC7E1-2EB4-4F13-B844-0E14E2AEF915", "Linux home",
            "3B8F8425-20E0-4F3B-907F-1A25A76F98E8", "Linux server data",
            "4D21B016-B534-45C2-A9FB-5C16E091FD2D", "Linux variable data",
            "BC13C2FF-59E6-4262-A352-B275FD6F7172", "Linux extended boot");

    private static final Map<String, String> NAMES = Map.ofEntries(
            Map.entry(ESP, "EFI System"),
            Map.entry(BIOS_BOOT, "BIOS boot"),
            Map.entry(LINUX_FILESYSTEM, "Linux filesystem"),
            Map.entry(LINUX_LVM, "Linux LVM"),
            Map.entry(LINUX_SWAP, "Linux swap"),
            Map.entry(MS_BASIC_DATA, "Microsoft basic data"),
            Map.entry(MS_RESERVED, "Microsoft reserved"),
            Map.entry(WINDOWS_RECOVERY, "Windows recovery environment"),
            Map.entry("5808C8AA-7E8F-42E0-85D2-E1E90434CFB3", "Microsoft LDM metadata"),
            Map.entry("AF9B60A0-1431-4F62-BC68-3311714A69AD", "Microsoft LDM data"),
            Map.entry("A19D880F-05FC-4D3B-A006-743F0F84911E", "Linux RAID"),
            Map.entry("CA7D7CCB-63ED-4C53-861C-1742536059CC", "Linux LUKS"),
            Map.entry("8DA63339-0007-60C0-C436-083AC8230908", "Linux reserved"),
            Map.entry("024DEE41-33E7-11D3-9D69-0008C781F39F", "MBR partition scheme"),
            Map.entry("6A898CC3-1DD2-11B2-99A6-080020736631", "Solaris /usr & Apple ZFS"),
            Map.entry("516E7CB6-6ECF-11D6-8FF8-00022D09712B", "FreeBSD UFS"),
            Map.entry("48465300-0000-11AA-AA11-00306543ECAC", "Apple HFS/HFS+"));

    private GptPartitionType() {
    }

    static String name(String guid) {
        String n = NAMES.get(guid);
        if (n == null) {
            n = LINUX_DISCOVERABLE.get(guid);
        }
        return n != null ? n : "Unknown (" + guid + ")";
    }

    static Set<VolumeRole> roles(String guid) {
        EnumSet<VolumeRole> r = EnumSet.noneOf(VolumeRole.class);
        switch (guid) {
            case ESP -> r.add(VolumeRole.ESP);
            case BIOS_BOOT -> r.add(VolumeRole.BIOS_BOOT);
            case LINUX_FILESYSTEM -> r.add(VolumeRole.LINUX_FILESYSTEM);
            case LINUX_LVM -> r.add(VolumeRole.LVM_PV);
            case LINUX_SWAP -> r.add(VolumeRole.SWAP);
            case MS_BASIC_DATA -> r.add(VolumeRole.BASIC_DATA);
            case MS_RESERVED -> r.add(VolumeRole.MSR);
            case WINDOWS_RECOVERY -> r.add(VolumeRole.WINDOWS_RECOVERY);
            default -> {
                if (LINUX_DISCOVERABLE.containsKey(guid)) {
                    r.add(VolumeRole.LINUX_FILESYSTEM);
                }
            }
        }
        return r;
    }
}
