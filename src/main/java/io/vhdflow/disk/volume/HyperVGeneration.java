package io.vhdflow.disk.volume;

/** Hyper-V / Azure VM generation, as recorded in the Compute Gallery ({@code hyperVGeneration}). */
public enum HyperVGeneration {
    /** Generation 1: BIOS firmware, MBR (or GPT with a BIOS boot partition). */
    V1,
    /** Generation 2: UEFI firmware, GPT with an EFI System Partition. */
    V2
}
