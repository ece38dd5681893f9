package io.vhdflow.inspect.linux;

import java.util.Optional;

/**
 * The architecture field of an ELF header. Layout (ELF gABI): {@code e_ident[0..3]} = 7F 'E' 'L' 'F',
 * {@code e_ident[4]} EI_CLASS (1 = 32-bit, 2 = 64-bit), {@code e_ident[5]} EI_DATA (1 = little-endian,
 * 2 = big-endian), and {@code e_machine} as a 16-bit value at offset 18 in that byte order.
 */
public final class ElfMachine {

    /** Bytes needed to read {@code e_machine}. */
    public static final int HEADER_BYTES = 20;

    static final int EM_386 = 0x03;
    static final int EM_ARM = 0x28;
    static final int EM_X86_64 = 0x3E;
    static final int EM_AARCH64 = 0xB7;
    static final int EM_RISCV = 0xF3;
    static final int EM_PPC64 = 0x15;
    static final int EM_S390 = 0x16;

    private ElfMachine() {
    }

    /** True when {@code head} starts with the ELF magic. */
    public static boolean probe(byte[] head) {
        return head.length >= 4 && head[0] == 0x7F && head[1] == 'E' && head[2] == 'L' && head[3] == 'F';
    }

    /** {@code e_machine}, or empty when the header is too short, not ELF or of an unknown byte order. */
    public static Optional<Integer> machine(byte[] head) {
        if (!probe(head) || head.length < HEADER_BYTES) {
            return Optional.empty();
        }
        int lo = head[18] & 0xFF;
        int hi = head[19] & 0xFF;
        return switch (head[5]) {
            case 1 -> Optional.of(lo | hi << 8);
            case 2 -> Optional.of(hi | lo << 8);
            default -> Optional.empty();
        };
    }

    /** Azure's names for the architectures it runs ({@code x64}, {@code Arm64}); others by their ELF name. */
    public static String azureName(int machine) {
        return switch (machine) {
            case EM_X86_64 -> "x64";
            case EM_AARCH64 -> "Arm64";
            case EM_386 -> "x86";
            case EM_ARM -> "arm";
            case EM_RISCV -> "riscv";
            case EM_PPC64 -> "ppc64";
            case EM_S390 -> "s390";
            default -> String.format("elf-machine-0x%X", machine);
        };
    }
}
