package io.vhdflow.disk.volume;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;

/** GUID text from the 16-byte mixed-endian form used by GPT (first three fields little-endian). */
final class Guid {
    static final String ZERO = "00000000-0000-0000-0000-000000000000";

    private Guid() {
    }

    /** Upper-case {@code XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}, as sfdisk and sgdisk print it. */
    static String read(ByteBuffer b, int at) {
        ByteBuffer le = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        long d1 = le.getInt(at) & 0xFFFFFFFFL;
        int d2 = le.getShort(at + 4) & 0xFFFF;
        int d3 = le.getShort(at + 6) & 0xFFFF;
        StringBuilder s = new StringBuilder(36);
        s.append(String.format(Locale.ROOT, "%08X-%04X-%04X-", d1, d2, d3));
        for (int i = 8; i < 16; i++) {
            if (i == 10) {
                s.append('-');
            }
            s.append(String.format(Locale.ROOT, "%02X", b.get(at + i) & 0xFF));
        }
        return s.toString();
    }
}
