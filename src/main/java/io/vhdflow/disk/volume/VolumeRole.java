package io.vhdflow.disk.volume;

/**
 * What a volume is for, as hinted by its partition type (and, for LVM, by the label actually found
 * on it). A volume may have several roles, e.g. a GPT "Linux filesystem" partition that carries an
 * LVM label is both {@link #LINUX_FILESYSTEM} and {@link #LVM_PV}.
 */
public enum VolumeRole {
    /** EFI System Partition (GPT C12A7328-..., MBR 0xEF). */
    ESP,
    /** GRUB's BIOS boot partition on GPT (21686148-...): the disk also boots under BIOS. */
    BIOS_BOOT,
    /** Swap (MBR 0x82, GPT 0657FD6D-...). */
    SWAP,
    /** LVM2 physical volume: by type (MBR 0x8E, GPT E6D6D379-...) or because an LVM label was found. */
    LVM_PV,
    /** A logical volume of an LVM2 volume group. */
    LVM_LV,
    /** Microsoft reserved partition (GPT E3C9E316-...). */
    MSR,
    /** Microsoft basic data (GPT EBD0A0A2-...; MBR NTFS/FAT types). */
    BASIC_DATA,
    /** Windows recovery environment (GPT DE94BBA4-..., MBR 0x27). */
    WINDOWS_RECOVERY,
    /** A Linux filesystem partition (MBR 0x83, GPT Linux filesystem and the discoverable root/home/var/srv types). */
    LINUX_FILESYSTEM,
    /** The MBR extended partition that contains the logical partitions; it holds no filesystem itself. */
    EXTENDED,
    /** The whole disk, when there is no partition table. */
    WHOLE_DISK
}
