package io.vhdflow.disk.volume;

/** How the disk's layout says it boots, read from the partition table (checklist G6). */
public enum BootScheme {
    /** MBR partition table: BIOS boot (Hyper-V generation 1). */
    BIOS_MBR,
    /** GPT with a BIOS boot partition and no ESP: BIOS boot through GRUB (generation 1). */
    BIOS_GPT,
    /** GPT with an ESP: UEFI boot (generation 2). */
    UEFI_GPT,
    /**
     * GPT with both an ESP and a BIOS boot partition, like Ubuntu cloud images: boots either way;
     * recorded as generation 2 (G6: GPT with an ESP) though generation 1 works too.
     */
    HYBRID_GPT,
    /** No partition table, or GPT with neither an ESP nor a BIOS boot partition. */
    UNKNOWN;

    /** The Hyper-V generation this scheme implies, or {@code null} for {@link #UNKNOWN}. */
    public HyperVGeneration generation() {
        return switch (this) {
            case BIOS_MBR, BIOS_GPT -> HyperVGeneration.V1;
            case UEFI_GPT, HYBRID_GPT -> HyperVGeneration.V2;
            case UNKNOWN -> null;
        };
    }
}
