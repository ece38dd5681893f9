package io.vhdflow.disk.fs.xfs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * XFS v5 metadata checksums: CRC32c over the whole structure with its 4-byte CRC field taken as
 * zero, stored little-endian (the one little-endian field in an otherwise big-endian format).
 */
final class XfsChecksum {
    private XfsChecksum() {
    }

    /** True when the CRC stored at {@code crcOffset} of {@code bytes[0, length)} matches. */
    static boolean verify(byte[] bytes, int length, int crcOffset) {
        return stored(bytes, crcOffset) == compute(bytes, length, crcOffset);
    }

    static int stored(byte[] bytes, int crcOffset) {
        return ByteBuffer.wrap(bytes, crcOffset, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    static int compute(byte[] bytes, int length, int crcOffset) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, crcOffset);
        crc.update(new byte[4]);
        crc.update(bytes, crcOffset + 4, length - crcOffset - 4);
        return (int) crc.getValue();
    }
}
