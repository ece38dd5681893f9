package io.vhdflow.disk.registry;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A key node ({@code nk}) cell, parsed. Offsets within the cell data (after the 4-byte size):
 *
 * <pre>
 *  0 2 signature "nk"           36 4 number of values
 *  2 2 flags (0x20 = ASCII name) 40 4 values list offset
 *  4 8 last written FILETIME     44 4 key security (sk) offset
 * 12 4 spare / access bits       48 4 class name offset
 * 16 4 parent key offset         52 16 largest name/class/value lengths (hints only)
 * 20 4 number of subkeys         68 4 work var
 * 24 4 number of volatile subkeys 72 2 key name length in bytes
 * 28 4 subkeys list offset       74 2 class name length in bytes
 * 32 4 volatile subkeys list (no meaning on disk)   76 ... key name
 * </pre>
 *
 * All offsets are relative to the hive bins data; 0xFFFFFFFF means none.
 */
record KeyNode(long offset, int flags, long lastWrittenRaw, long parent, long subkeyCount, long subkeysList,
               long valueCount, long valuesList, long security, long classOffset, int classLength, String name) {

    static final long NONE = 0xFFFFFFFFL;
    static final int FLAG_HIVE_ENTRY = 0x0004;
    static final int FLAG_SYMLINK = 0x0010;
    static final int FLAG_COMP_NAME = 0x0020;
    private static final int FIXED = 76;

    static KeyNode read(HiveStorage s, long rel) throws IOException {
        ByteBuffer c = s.cell(rel, "regf nk cell");
        String what = "regf nk cell at 0x" + Long.toHexString(HiveStorage.abs(rel));
        long at = HiveStorage.abs(rel) + 4;
        if (c.remaining() < FIXED || c.get(0) != 'n' || c.get(1) != 'k') {
            throw new DiskException(ErrorKind.CORRUPT, what, at, "not a key node (signature 'nk' expected, cell of "
                    + c.remaining() + " bytes)");
        }
        int flags = Short.toUnsignedInt(c.getShort(2));
        int nameLen = Short.toUnsignedInt(c.getShort(72));
        int classLen = Short.toUnsignedInt(c.getShort(74));
        if (nameLen > c.remaining() - FIXED) {
            throw new DiskException(ErrorKind.CORRUPT, what, at + 72, "key name of " + nameLen + " bytes is longer than the cell ("
                    + (c.remaining() - FIXED) + " bytes left)");
        }
        String name = decodeName(c, FIXED, nameLen, (flags & FLAG_COMP_NAME) != 0);
        return new KeyNode(rel, flags, c.getLong(4), u32(c, 16), u32(c, 20), u32(c, 28), u32(c, 36), u32(c, 40),
                u32(c, 44), u32(c, 48), classLen, name);
    }

    static long u32(ByteBuffer b, int at) {
        return Integer.toUnsignedLong(b.getInt(at));
    }

    /** Names flagged as "compressed" hold one byte per character (Windows' Latin-1 range). */
    static String decodeName(ByteBuffer c, int at, int len, boolean compressed) {
        byte[] b = new byte[len];
        c.get(at, b);
        if (compressed) {
            return new String(b, StandardCharsets.ISO_8859_1);
        }
        return new String(b, 0, len & ~1, StandardCharsets.UTF_16LE);
    }

    /** Windows compares key and value names by upper-casing each UTF-16 unit. */
    static String upcase(String s) {
        char[] a = s.toCharArray();
        for (int i = 0; i < a.length; i++) {
            a[i] = Character.toUpperCase(a[i]);
        }
        return new String(a);
    }

    /** The hash stored in {@code lh} lists: H = 37 * H + upcase(c) over the UTF-16 units. */
    static int nameHash(String name) {
        int h = 0;
        for (int i = 0; i < name.length(); i++) {
            h = 37 * h + Character.toUpperCase(name.charAt(i));
        }
        return h;
    }
}
