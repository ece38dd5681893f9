package io.vhdflow.disk.fs.ntfs;

/**
 * The volume's {@code $UpCase} table (record 10): 65536 UTF-16 units, the upper-case form of each.
 * NTFS orders $I30 indexes by comparing names unit by unit after mapping through this table, so
 * lookups must use the table stored on the volume, not Java's case rules.
 */
final class UpCaseTable {
    private final char[] map;

    UpCaseTable(byte[] raw) {
        map = new char[65536];
        int n = Math.min(65536, raw.length / 2);
        for (int i = 0; i < 65536; i++) {
            map[i] = i < n ? (char) Fixups.u16(raw, 2 * i) : (char) i;
        }
    }

    char upcase(char c) {
        return map[c];
    }

    /** NTFS file-name collation: upper-cased units compared as unsigned numbers, then length. */
    int compare(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            int x = map[a.charAt(i)];
            int y = map[b.charAt(i)];
            if (x != y) {
                return x - y;
            }
        }
        return a.length() - b.length();
    }
}
