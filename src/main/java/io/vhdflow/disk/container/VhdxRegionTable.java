package io.vhdflow.disk.container;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The VHDX region table, two 64 KiB copies at 192 KiB and 256 KiB. Little-endian. Source:
 * [MS-VHDX] 2.2.3.
 *
 * <pre>
 * Offset Size Field
 *      0    4 signature            "regi"
 *      4    4 checksum             CRC-32C of the 64 KiB with this field taken as 0
 *      8    4 entry count          at most 2047
 *     12    4 reserved
 *     16 32*n entries:
 *              0   16 GUID         2DC27766-F623-4200-9D64-115E9BFD4A08 BAT,
 *                                  8B7CA206-4790-4B9A-B8FE-575F050F886E metadata
 *             16    8 file offset  a multiple of 1 MiB, at least 1 MiB
 *             24    4 length       a multiple of 1 MiB
 *             28    4 required     bit 0: a reader must know the region to open the file
 * </pre>
 *
 * @param copy    1 or 2
 * @param entries the regions
 */
public record VhdxRegionTable(int copy, List<Region> entries) {

    static final int SIZE = 64 * 1024;
    static final long TABLE_1 = 192 * 1024;
    static final long TABLE_2 = 256 * 1024;
    static final UUID BAT = UUID.fromString("2DC27766-F623-4200-9D64-115E9BFD4A08");
    static final UUID METADATA = UUID.fromString("8B7CA206-4790-4B9A-B8FE-575F050F886E");

    /**
     * One region.
     *
     * @param guid     its type
     * @param offset   file offset
     * @param length   length
     * @param required whether a reader must know it
     */
    public record Region(UUID guid, long offset, long length, boolean required) {
    }

    public VhdxRegionTable {
        entries = List.copyOf(entries);
    }

    /** The region of type {@code guid}. */
    Optional<Region> region(UUID guid) {
        return entries.stream().filter(r -> r.guid().equals(guid)).findFirst();
    }

    static VhdxRegionTable parse(byte[] b, int copy, long fileSize) throws DiskException {
        long at = copy == 1 ? TABLE_1 : TABLE_2;
        String s = "VHDX region table " + copy;
        if (b[0] != 'r' || b[1] != 'e' || b[2] != 'g' || b[3] != 'i') {
            throw new DiskException(ErrorKind.CORRUPT, s, at, "no \"regi\" signature");
        }
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int stored = bb.getInt(4);
        int computed = VhdxHeader.crc32c(b, 0, SIZE, 4);
        if (stored != computed) {
            throw new DiskException(ErrorKind.CORRUPT, s, at + 4, String.format("CRC-32C 0x%08x stored, 0x%08x computed",
                    stored, computed));
        }
        long count = Integer.toUnsignedLong(bb.getInt(8));
        if (count > 2047) {
            throw new DiskException(ErrorKind.CORRUPT, s, at + 8, "entry count " + count + " is above 2047");
        }
        List<Region> regions = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int e = 16 + 32 * i;
            UUID guid = VhdxHeader.guid(b, e);
            long offset = bb.getLong(e + 16);
            long length = Integer.toUnsignedLong(bb.getInt(e + 24));
            boolean required = (bb.getInt(e + 28) & 1) != 0;
            String what = guid.equals(BAT) ? "BAT" : guid.equals(METADATA) ? "metadata" : guid.toString();
            if (offset < VhdxHeader.MiB || offset % VhdxHeader.MiB != 0 || length % VhdxHeader.MiB != 0
                    || offset > fileSize || length > fileSize - offset) {
                throw new DiskException(ErrorKind.CORRUPT, s + " entry " + i, at + e + 16, "the " + what + " region of "
                        + length + " bytes at " + Long.toUnsignedString(offset) + " is not 1 MiB aligned or lies outside"
                        + " the file (" + fileSize + " bytes)");
            }
            for (Region r : regions) {
                if (r.guid().equals(guid)) {
                    throw new DiskException(ErrorKind.CORRUPT, s + " entry " + i, at + e, "region " + what + " listed twice");
                }
                if (offset < r.offset() + r.length() && r.offset() < offset + length) {
                    throw new DiskException(ErrorKind.CORRUPT, s + " entry " + i, at + e + 16, "the " + what
                            + " region overlaps another region");
                }
            }
            if (required && !guid.equals(BAT) && !guid.equals(METADATA)) {
                throw new DiskException(ErrorKind.UNSUPPORTED, s + " entry " + i, at + e, "region " + guid + " is required"
                        + " but not one this reader knows; the file needs a newer VHDX reader");
            }
            regions.add(new Region(guid, offset, length, required));
        }
        for (UUID needed : List.of(BAT, METADATA)) {
            if (regions.stream().noneMatch(r -> r.guid().equals(needed))) {
                throw new DiskException(ErrorKind.CORRUPT, s, at + 8, "no " + (needed.equals(BAT) ? "BAT" : "metadata")
                        + " region");
            }
        }
        return new VhdxRegionTable(copy, regions);
    }
}
