package io.vhdflow.disk.fs.ntfs;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;

import java.nio.charset.StandardCharsets;

/**
 * A {@code $FILE_NAME} value (attribute 0x30, also the key of every $I30 index entry).
 * <pre>
 *   0x00 8 parent directory reference (48-bit record + 16-bit sequence)
 *   0x08 8 creation time      0x10 8 modification time
 *   0x18 8 MFT change time    0x20 8 access time        (FILETIME; copies, not kept current)
 *   0x28 8 allocated size     0x30 8 data size          (copies)
 *   0x38 4 file attribute flags (0x10000000 = directory, 0x400 = reparse point, 0x4 = system)
 *   0x3C 4 reparse tag when 0x400 is set (else extended attribute size)
 *   0x40 1 name length in UTF-16 units
 *   0x41 1 namespace: 0 POSIX, 1 Win32, 2 DOS (8.3 only), 3 Win32 and DOS
 *   0x42   name, UTF-16LE
 * </pre>
 *
 * @param parent     parent directory record number
 * @param flags      file attribute flags
 * @param reparseTag reparse tag (meaningful when flags has 0x400)
 * @param namespace  name namespace
 * @param name       the name
 */
record FileName(long parent, int flags, int reparseTag, int namespace, String name) {
    static final int NS_POSIX = 0;
    static final int NS_WIN32 = 1;
    static final int NS_DOS = 2;
    static final int NS_WIN32_AND_DOS = 3;

    static final int ATTR_SYSTEM = 0x0004;
    static final int ATTR_REPARSE = 0x0400;
    static final int ATTR_DIRECTORY = 0x10000000;

    static FileName parse(byte[] b, int off, int len, String structure, long abs) throws DiskException {
        if (len < 0x42) {
            throw new DiskException(ErrorKind.CORRUPT, structure, abs, "$FILE_NAME of " + len + " bytes is shorter than 66");
        }
        int nameLen = b[off + 0x40] & 0xFF;
        if (0x42 + 2 * nameLen > len) {
            throw new DiskException(ErrorKind.CORRUPT, structure, abs + 0x40, "$FILE_NAME name of " + nameLen
                    + " characters runs past its " + len + " bytes");
        }
        if (nameLen == 0) {
            throw new DiskException(ErrorKind.CORRUPT, structure, abs + 0x40, "$FILE_NAME has an empty name");
        }
        long parent = AttributeRecord.i64(b, off) & 0xFFFF_FFFF_FFFFL;
        int flags = AttributeRecord.i32(b, off + 0x38);
        int tag = AttributeRecord.i32(b, off + 0x3C);
        int ns = b[off + 0x41] & 0xFF;
        String name = new String(b, off + 0x42, 2 * nameLen, StandardCharsets.UTF_16LE);
        return new FileName(parent, flags, tag, ns, name);
    }

    /** DOS-only 8.3 names duplicate a Win32 name of the same file and are not listed. */
    boolean dosOnly() {
        return namespace == NS_DOS;
    }
}
