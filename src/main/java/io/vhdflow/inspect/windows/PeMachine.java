package io.vhdflow.inspect.windows;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.container.ByteSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * The machine type of a PE executable (DOS header {@code MZ}, {@code e_lfanew} at 0x3C, then
 * {@code PE\0\0} and the COFF {@code Machine} field), as libguestfs reads {@code cmd.exe}'s.
 */
public final class PeMachine {
    /** e_lfanew beyond this is not a real PE file; real ones are under 1 KiB. */
    private static final long MAX_LFANEW = 64 * 1024;

    private PeMachine() {
    }

    /** {@code x64}, {@code Arm64}, {@code x86} or {@code Arm}, or empty for another machine type. */
    public static Optional<String> architecture(ByteSource pe) throws IOException {
        return architecture(machine(pe));
    }

    /** The architecture of a COFF machine number, or empty for another machine type. */
    public static Optional<String> architecture(int machine) {
        return Optional.ofNullable(switch (machine) {
            case 0x8664 -> "x64";
            case 0xAA64 -> "Arm64";
            case 0x014C -> "x86";
            case 0x01C4 -> "Arm";
            default -> null;
        });
    }

    /** The COFF {@code Machine} field (2 bytes at {@code e_lfanew + 4}) of a PE executable. */
    public static int machine(ByteSource pe) throws IOException {
        ByteBuffer dos = pe.readBuffer(0, 64, "PE DOS header");
        if (dos.get(0) != 'M' || dos.get(1) != 'Z') {
            throw new DiskException(ErrorKind.CORRUPT, "PE DOS header", 0, "no 'MZ' signature: not a PE executable");
        }
        long lfanew = Integer.toUnsignedLong(dos.getInt(0x3C));
        if (lfanew > MAX_LFANEW) {
            throw new DiskException(ErrorKind.CORRUPT, "PE DOS header e_lfanew", 0x3C, "points to " + lfanew + ", beyond any real PE header");
        }
        ByteBuffer nt = pe.readBuffer(lfanew, 6, "PE NT header");
        if (nt.getInt(0) != 0x00004550) {
            throw new DiskException(ErrorKind.CORRUPT, "PE NT header", lfanew, "no 'PE\\0\\0' signature");
        }
        return Short.toUnsignedInt(nt.getShort(4));
    }
}
