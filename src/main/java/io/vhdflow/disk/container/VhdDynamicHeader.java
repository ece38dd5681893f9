package io.vhdflow.disk.container;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The 1024-byte dynamic disk header ("sparse header") of dynamic and differencing VHDs, at the
 * footer's data offset. Big-endian.
 *
 * <pre>
 * Offset Size Field
 *      0    8 cookie               "cxsparse"
 *      8    8 data offset          unused, all ones
 *     16    8 table offset         absolute offset of the block allocation table (BAT)
 *     24    4 header version       0x00010000
 *     28    4 max table entries    number of BAT entries; at least ceil(current size / block size)
 *     32    4 block size           bytes of data per block, a power of two (default 2 MiB)
 *     36    4 checksum             one's complement of the byte sum with this field taken as 0
 *     40   16 parent unique id     the parent's footer unique id (differencing disks)
 *     56    4 parent timestamp     seconds since 2000-01-01
 *     60    4 reserved
 *     64  512 parent unicode name  UTF-16BE, NUL padded
 *    576  192 parent locators      8 entries of 24 bytes, see {@link ParentLocator}
 *    768  256 reserved
 * </pre>
 *
 * <p>BAT (at table offset, max table entries × 4 bytes, padded to 512): each entry is a
 * big-endian u32 <em>sector</em> number of the block's start, 0xFFFFFFFF when unallocated. A
 * block is its sector bitmap (one bit per 512-byte sector, most significant bit first, padded to
 * 512 bytes) followed by the block data. See {@link BlockAllocationTable}.
 */
public record VhdDynamicHeader(long tableOffset, int headerVersion, long maxTableEntries, long blockSize,
                               int checksum, UUID parentUniqueId, long parentTimestamp, String parentName,
                               List<ParentLocator> parentLocators) {

    /** Size on disk. */
    public static final int SIZE = 1024;
    /** The cookie at offset 0. */
    public static final byte[] COOKIE = "cxsparse".getBytes(StandardCharsets.US_ASCII);
    static final int CHECKSUM_OFFSET = 36;
    /** Largest block size accepted: 256 MiB (real writers use 512 KiB or 2 MiB). */
    public static final long MAX_BLOCK_SIZE = 256L << 20;

    public VhdDynamicHeader {
        parentLocators = List.copyOf(parentLocators);
    }

    /** Parses and validates the header read at absolute offset {@code at}. */
    public static VhdDynamicHeader parse(byte[] raw, long at) throws DiskException {
        String structure = "VHD dynamic header";
        if (raw.length != SIZE) {
            throw new DiskException(ErrorKind.CORRUPT, structure, at, "needs " + SIZE + " bytes, got " + raw.length);
        }
        for (int i = 0; i < COOKIE.length; i++) {
            if (raw[i] != COOKIE[i]) {
                throw new DiskException(ErrorKind.CORRUPT, structure, at, "cookie \"cxsparse\" not found (found \""
                        + VhdFooter.printable(raw, 0, 8) + "\"): the footer's data offset is wrong or the header is damaged");
            }
        }
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.BIG_ENDIAN);
        int stored = b.getInt(CHECKSUM_OFFSET);
        int computed = VhdFooter.checksum(raw, CHECKSUM_OFFSET);
        if (stored != computed) {
            throw new DiskException(ErrorKind.CORRUPT, structure, at + CHECKSUM_OFFSET, String.format(
                    "checksum 0x%08x stored but 0x%08x computed: the header is damaged", stored, computed));
        }
        int version = b.getInt(24);
        if (version >>> 16 != 1) {
            throw new DiskException(ErrorKind.CORRUPT, structure, at + 24, String.format("header version 0x%08x is not 1.x", version));
        }
        long entries = Integer.toUnsignedLong(b.getInt(28));
        long blockSize = Integer.toUnsignedLong(b.getInt(32));
        if (blockSize < 512 || Long.bitCount(blockSize) != 1 || blockSize > MAX_BLOCK_SIZE) {
            throw new DiskException(ErrorKind.CORRUPT, structure, at + 32, "block size " + blockSize
                    + " is not a power of two between 512 bytes and " + (MAX_BLOCK_SIZE >> 20) + " MiB");
        }
        String name = new String(raw, 64, 512, StandardCharsets.UTF_16BE);
        int nul = name.indexOf('\0');
        if (nul >= 0) {
            name = name.substring(0, nul);
        }
        List<ParentLocator> locators = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ParentLocator l = ParentLocator.decode(raw, 576 + i * ParentLocator.ENTRY_SIZE, i);
            if (l.used()) {
                locators.add(l);
            }
        }
        return new VhdDynamicHeader(b.getLong(16), version, entries, blockSize, stored,
                new UUID(b.getLong(40), b.getLong(48)), Integer.toUnsignedLong(b.getInt(56)), name, locators);
    }

    /** Bytes of the sector bitmap in front of each block: one bit per sector, padded to 512. */
    public long bitmapSize() {
        long bits = blockSize / 512;
        long bytes = (bits + 7) / 8;
        return (bytes + 511) / 512 * 512;
    }
}
