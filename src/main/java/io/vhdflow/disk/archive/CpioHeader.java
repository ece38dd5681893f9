package io.vhdflow.disk.archive;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;

/**
 * The 110-byte header of a newc ({@code 070701}) or crc ({@code 070702}) cpio entry; field
 * offsets are in {@code package-info}. Only the fields the reader uses are kept.
 *
 * @param checksummed {@code 070702}: {@link #check} is the sum of the data bytes
 * @param mode        {@code st_mode}
 * @param fileSize    bytes of data
 * @param nameSize    bytes of name including the NUL, 1 to {@link Initramfs#MAX_NAME}
 * @param check       the crc format's data sum
 */
record CpioHeader(boolean checksummed, int mode, long fileSize, long nameSize, long check) {

    static final int MODE = 14;
    static final int FILE_SIZE = 54;
    static final int NAME_SIZE = 94;
    static final int CHECK = 102;

    static CpioHeader parse(byte[] h, String where, long at) throws DiskException {
        if (h[0] != '0' || h[1] != '7' || h[2] != '0' || h[3] != '7' || h[4] != '0' || (h[5] != '1' && h[5] != '2')) {
            String magic = new String(h, 0, 6, java.nio.charset.StandardCharsets.ISO_8859_1);
            if (magic.equals("070707")) {
                throw new DiskException(ErrorKind.UNSUPPORTED, where + " cpio header", at,
                        "old portable (odc) cpio: the kernel reads only newc (070701) and crc (070702)");
            }
            throw new DiskException(ErrorKind.CORRUPT, where + " cpio header", at,
                    "magic '" + printable(magic) + "', expected 070701 or 070702");
        }
        // Every field is checked to be hexadecimal, not only the ones kept: a damaged header is
        // reported where it is, not as a wrong size several entries later.
        for (int off = 6; off < Initramfs.HEADER; off += 8) {
            hex(h, off, where, at);
        }
        long nameSize = hex(h, NAME_SIZE, where, at);
        if (nameSize < 1 || nameSize > Initramfs.MAX_NAME) {
            throw new DiskException(ErrorKind.CORRUPT, where + " cpio header", at + NAME_SIZE,
                    "name size " + nameSize + " outside 1.." + Initramfs.MAX_NAME);
        }
        return new CpioHeader(h[5] == '2', (int) hex(h, MODE, where, at), hex(h, FILE_SIZE, where, at), nameSize,
                hex(h, CHECK, where, at));
    }

    private static long hex(byte[] h, int off, String where, long at) throws DiskException {
        long v = 0;
        for (int i = off; i < off + 8; i++) {
            int d = Character.digit(h[i], 16);
            if (d < 0) {
                throw new DiskException(ErrorKind.CORRUPT, where + " cpio header", at + off,
                        "field at header byte " + off + " is not 8 hexadecimal digits");
            }
            v = v << 4 | d;
        }
        return v;
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(c >= 0x20 && c < 0x7F ? c : '.');
        }
        return b.toString();
    }
}
