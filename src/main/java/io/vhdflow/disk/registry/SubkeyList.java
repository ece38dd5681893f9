package io.vhdflow.disk.registry;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Subkey lists: the cells a key node's "subkeys list offset" points to. Layout of each (after the
 * cell size), element offsets relative to the hive bins data:
 *
 * <pre>
 * li  index leaf:  +0 "li", +2 u16 count, +4 count x { u32 key node offset }
 * lf  fast leaf:   +0 "lf", +2 u16 count, +4 count x { u32 key node offset, 4-byte name hint }
 * lh  hash leaf:   +0 "lh", +2 u16 count, +4 count x { u32 key node offset, u32 name hash }
 * ri  index root:  +0 "ri", +2 u16 count, +4 count x { u32 offset of an li/lf/lh list }
 * </pre>
 *
 * An index root never points to another index root (the specification forbids it and Windows
 * refuses it), which is also what keeps a hostile hive from making list traversal loop: the
 * nesting is at most two levels deep and every count is bounded by its cell's size.
 */
final class SubkeyList {
    private SubkeyList() {
    }

    /** Receives each key node offset; return false to stop early. */
    interface Visitor {
        boolean visit(long nkOffset, long listOffset, int element, int hint, char kind) throws IOException;
    }

    /**
     * Visits every element of the list at {@code rel}, checking that the total equals the key
     * node's subkey count.
     */
    static void forEach(HiveStorage s, long rel, long expected, Visitor v) throws IOException {
        long[] seen = {0};
        boolean complete = visit(s, rel, 0, v, seen, expected);
        if (complete && seen[0] != expected) {
            throw new DiskException(ErrorKind.CORRUPT, "regf subkey list at 0x" + Long.toHexString(HiveStorage.abs(rel)),
                    HiveStorage.abs(rel), "lists " + seen[0] + " subkeys but its key node says " + expected);
        }
    }

    private static boolean visit(HiveStorage s, long rel, int depth, Visitor v, long[] seen, long expected)
            throws IOException {
        ByteBuffer c = s.cell(rel, "regf subkey list");
        String what = "regf subkey list at 0x" + Long.toHexString(HiveStorage.abs(rel));
        long at = HiveStorage.abs(rel) + 4;
        if (c.remaining() < 4) {
            throw new DiskException(ErrorKind.CORRUPT, what, at, "cell too small for a list header");
        }
        char a = (char) c.get(0);
        char b = (char) c.get(1);
        int count = Short.toUnsignedInt(c.getShort(2));
        int width;
        if (a == 'r' && b == 'i') {
            if (depth > 0) {
                throw new DiskException(ErrorKind.CORRUPT, what, at, "an index root (ri) inside an index root: not allowed, "
                        + "and a way to make the list loop");
            }
            width = 4;
        } else if (a == 'l' && (b == 'f' || b == 'h')) {
            width = 8;
        } else if (a == 'l' && b == 'i') {
            width = 4;
        } else {
            throw new DiskException(ErrorKind.CORRUPT, what, at, "not a subkey list (signature '" + printable(a) + printable(b)
                    + "', expected li, lf, lh or ri)");
        }
        if ((long) count * width > c.remaining() - 4) {
            throw new DiskException(ErrorKind.CORRUPT, what, at + 2, count + " elements do not fit in a cell of "
                    + c.remaining() + " bytes");
        }
        for (int i = 0; i < count; i++) {
            long off = Integer.toUnsignedLong(c.getInt(4 + i * width));
            if (a == 'r') {
                if (!visit(s, off, depth + 1, v, seen, expected)) {
                    return false;
                }
                continue;
            }
            if (++seen[0] > expected) {
                throw new DiskException(ErrorKind.CORRUPT, what, at, "holds more subkeys than the " + expected
                        + " its key node records");
            }
            int hint = width == 8 ? c.getInt(8 + i * width) : 0;
            if (!v.visit(off, rel, i, hint, b)) {
                return false;
            }
        }
        return true;
    }

    private static String printable(char c) {
        return c >= 0x20 && c < 0x7F ? String.valueOf(c) : String.format("\\x%02x", (int) c);
    }

    /** True when an {@code lf} name hint can belong to {@code upName} (already upper-cased). */
    static boolean hintMatches(int hint, String upName) {
        byte[] h = {(byte) hint, (byte) (hint >>> 8), (byte) (hint >>> 16), (byte) (hint >>> 24)};
        if (h[0] == 0) {
            return true;   // no hint stored (non-ASCII name): must read the key node
        }
        for (int i = 0; i < 4; i++) {
            char hc = (char) (h[i] & 0xFF);
            if (i >= upName.length()) {
                return hc == 0;
            }
            char nc = upName.charAt(i);
            if (nc > 0x7F) {
                return true;
            }
            if (Character.toUpperCase(hc) != nc) {
                return false;
            }
        }
        return true;
    }
}
