package io.vhdflow.inspect.linux.boot;

import io.vhdflow.disk.container.ByteSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The release string of an x86 Linux kernel image, read from its boot protocol header
 * ({@code Documentation/arch/x86/boot.rst}): {@code "HdrS"} at 0x202, then at 0x20E a 2-byte
 * little-endian offset, minus 0x200, of a NUL-terminated string that starts with the release
 * ({@code 6.1.0-28-cloud-amd64 (debian-kernel@...) #1 SMP ...}).
 */
public final class KernelImage {

    static final int HDRS = 0x202;
    static final int VERSION_POINTER = 0x20E;

    private KernelImage() {
    }

    public static Optional<String> release(ByteSource image) throws IOException {
        if (image.size() < 0x210) {
            return Optional.empty();
        }
        ByteBuffer h = image.readBuffer(0x200, 0x10, "bzImage setup header");
        if (h.get(2) != 'H' || h.get(3) != 'd' || h.get(4) != 'r' || h.get(5) != 'S') {
            return Optional.empty();
        }
        long at = Short.toUnsignedInt(h.getShort(VERSION_POINTER - 0x200)) + 0x200L;
        if (at + 1 >= image.size()) {
            return Optional.empty();
        }
        byte[] s = image.readBytes(at, (int) Math.min(128, image.size() - at), "bzImage kernel version string");
        int end = 0;
        while (end < s.length && s[end] != 0 && s[end] != ' ') {
            end++;
        }
        String v = new String(s, 0, end, StandardCharsets.US_ASCII);
        return v.matches("\\d+\\.\\d+[^\\s]*") ? Optional.of(v) : Optional.empty();
    }
}
