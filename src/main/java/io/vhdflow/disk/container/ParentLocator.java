package io.vhdflow.disk.container;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One of the eight 24-byte parent locator entries of a dynamic disk header (header offset 576 +
 * 24 × index). Big-endian.
 *
 * <pre>
 * Offset Size Field
 *      0    4 platform code        "W2ru" Windows relative path (UTF-16LE), "W2ku" Windows absolute path
 *                                  (UTF-16LE), "MacX" file URL (UTF-8); "Wi2r", "Wi2k", "Mac " deprecated;
 *                                  0 unused
 *      4    4 platform data space  space reserved for the data: sectors per the spec, bytes in some writers
 *      8    4 platform data length bytes of locator data
 *     12    4 reserved
 *     16    8 platform data offset absolute file offset of the locator data
 * </pre>
 *
 * @param index      entry number 0..7
 * @param platform   platform code as 4 ISO-8859-1 characters
 * @param dataSpace  reserved space field as stored
 * @param dataLength length of the locator data in bytes (unsigned)
 * @param dataOffset absolute offset of the locator data
 */
public record ParentLocator(int index, String platform, long dataSpace, long dataLength, long dataOffset) {

    /** Size of one entry. */
    public static final int ENTRY_SIZE = 24;
    /** Windows relative path, UTF-16LE. */
    public static final String W2RU = "W2ru";
    /** Windows absolute path, UTF-16LE. */
    public static final String W2KU = "W2ku";
    /** Mac OS X file URL, UTF-8. */
    public static final String MACX = "MacX";

    static ParentLocator decode(byte[] header, int entryOffset, int index) {
        ByteBuffer b = ByteBuffer.wrap(header).order(ByteOrder.BIG_ENDIAN);
        String platform = new String(header, entryOffset, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
        return new ParentLocator(index, platform, Integer.toUnsignedLong(b.getInt(entryOffset + 4)),
                Integer.toUnsignedLong(b.getInt(entryOffset + 8)), b.getLong(entryOffset + 16));
    }

    /** True when the entry is in use (non-zero platform code). */
    public boolean used() {
        return !"\0\0\0\0".equals(platform);
    }

    /** Platform code printable, NULs as {@code \0}. */
    public String platformDisplay() {
        return platform.replace("\0", "\\0");
    }
}
