package io.vhdflow.inspect.linux.boot;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.container.ByteSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The section table of a PE/COFF image, as a unified kernel image (UKI) needs it: the kernel, its
 * command line, release and initramfs are sections ({@code .linux}, {@code .cmdline}, {@code .uname},
 * {@code .initrd}) of one EFI binary. Little-endian fields:
 * <pre>
 *   0x3C          4  e_lfanew: offset of the "PE\0\0" signature
 *   e_lfanew+6    2  NumberOfSections
 *   e_lfanew+20   2  SizeOfOptionalHeader
 *   e_lfanew+24+SizeOfOptionalHeader: section headers, 40 bytes each:
 *     0 8 name (NUL-padded), 8 4 VirtualSize, 12 4 VirtualAddress, 16 4 SizeOfRawData, 20 4 PointerToRawData
 * </pre>
 */
public final class PeSections {

    /** A section's bytes in the file: at most its virtual size (the raw size is padded). */
    public record Section(String name, long offset, long length) {
    }

    /** More sections than this is not a real image (the format allows 96). */
    static final int MAX_SECTIONS = 96;

    private PeSections() {
    }

    /** The sections by name; empty when {@code file} is not a PE image. */
    public static Map<String, Section> read(ByteSource file) throws IOException {
        Map<String, Section> out = new LinkedHashMap<>();
        if (file.size() < 0x40) {
            return out;
        }
        ByteBuffer dos = file.readBuffer(0, 0x40, "PE DOS header");
        if (dos.get(0) != 'M' || dos.get(1) != 'Z') {
            return out;
        }
        long pe = Integer.toUnsignedLong(dos.getInt(0x3C));
        if (pe + 24 > file.size()) {
            throw new DiskException(ErrorKind.CORRUPT, "PE header", 0x3C, "e_lfanew " + pe + " beyond the file");
        }
        ByteBuffer coff = file.readBuffer(pe, 24, "PE COFF header");
        if (coff.getInt(0) != 0x00004550) {
            return out;
        }
        int sections = Short.toUnsignedInt(coff.getShort(6));
        int optional = Short.toUnsignedInt(coff.getShort(20));
        if (sections > MAX_SECTIONS) {
            throw new DiskException(ErrorKind.CORRUPT, "PE COFF header", pe + 6, sections + " sections");
        }
        long table = pe + 24 + optional;
        for (int i = 0; i < sections; i++) {
            ByteBuffer s = file.readBuffer(table + 40L * i, 40, "PE section header " + i);
            byte[] n = new byte[8];
            s.get(0, n);
            int len = 0;
            while (len < 8 && n[len] != 0) {
                len++;
            }
            String name = new String(n, 0, len, StandardCharsets.ISO_8859_1);
            long virtualSize = Integer.toUnsignedLong(s.getInt(8));
            long raw = Integer.toUnsignedLong(s.getInt(16));
            long at = Integer.toUnsignedLong(s.getInt(20));
            long length = virtualSize == 0 ? raw : Math.min(virtualSize, raw);
            if (at + length > file.size()) {
                throw new DiskException(ErrorKind.CORRUPT, "PE section " + name, table + 40L * i,
                        "data at " + at + " (" + length + " bytes) beyond the file's " + file.size() + " bytes");
            }
            out.putIfAbsent(name, new Section(name, at, length));
        }
        return out;
    }

    /** A small text section ({@code .cmdline}, {@code .uname}), NULs and surrounding space removed. */
    public static Optional<String> text(ByteSource file, Map<String, Section> sections, String name, int cap)
            throws IOException {
        Section s = sections.get(name);
        if (s == null || s.length() > cap) {
            return Optional.empty();
        }
        byte[] b = file.readBytes(s.offset(), (int) s.length(), "PE section " + name);
        return Optional.of(new String(b, StandardCharsets.UTF_8).replace("\0", "").strip());
    }
}
