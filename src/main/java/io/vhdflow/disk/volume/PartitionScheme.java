package io.vhdflow.disk.volume;

/** How a disk is divided. */
public enum PartitionScheme {
    /** DOS/MBR partition table in sector 0, possibly with an extended partition and logical partitions. */
    MBR,
    /** GUID partition table (protective MBR, header at LBA 1, backup at the last LBA). */
    GPT,
    /** No partition table: the whole disk is one filesystem or one LVM physical volume. */
    NONE
}
