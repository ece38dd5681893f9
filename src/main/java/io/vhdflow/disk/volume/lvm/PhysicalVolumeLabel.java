package io.vhdflow.disk.volume.lvm;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.container.ByteSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The LVM2 physical volume label, in one of the first four 512-byte sectors of the PV, and the
 * PV header it points to.
 *
 * <pre>
 * label_header:
 *   0x00  8  id "LABELONE"
 *   0x08  8  sector_xl: number of the sector holding this label
 *   0x10  4  crc_xl: LVM checksum of bytes 0x14..0x1FF of the sector
 *   0x14  4  offset_xl: offset of the PV header from the start of the label sector (normally 32)
 *   0x18  8  type "LVM2 001"
 * pv_header (at offset_xl):
 *   0x00 32  PV UUID, 32 ASCII characters without dashes
 *   0x20  8  device size in bytes
 *   0x28 ..  data area locations {offset u64, size u64}, ended by an all-zero pair
 *   ..   ..  metadata area locations {offset u64, size u64}, ended by an all-zero pair
 * </pre>
 * Offsets in the location lists are bytes from the start of the PV.
 *
 * @param labelOffset   byte offset of the label sector in the PV
 * @param uuid          PV UUID without dashes
 * @param deviceSize    device size recorded by pvcreate
 * @param metadataAreas metadata areas (offset, size), bytes from the PV start
 */
public record PhysicalVolumeLabel(long labelOffset, String uuid, long deviceSize, List<Area> metadataAreas) {

    /** A location on the PV: {@code offset} and {@code size} in bytes from the PV start. */
    public record Area(long offset, long size) {
    }

    static final int SECTOR = 512;
    static final byte[] LABEL_ID = "LABELONE".getBytes(StandardCharsets.US_ASCII);
    static final byte[] LABEL_TYPE = "LVM2 001".getBytes(StandardCharsets.US_ASCII);

    /** True when one of the first four sectors holds a label {@code LABELONE} of type {@code LVM2 001}. */
    public static boolean probe(ByteSource pv) throws IOException {
        return findSector(pv) >= 0;
    }

    private static int findSector(ByteSource pv) throws IOException {
        for (int s = 0; s < 4; s++) {
            if (pv.size() < (s + 1L) * SECTOR) {
                return -1;
            }
            ByteBuffer b = pv.readBuffer((long) s * SECTOR, SECTOR, "LVM label");
            if (matches(b, 0, LABEL_ID) && matches(b, 0x18, LABEL_TYPE)) {
                return s;
            }
        }
        return -1;
    }

    private static boolean matches(ByteBuffer b, int at, byte[] want) {
        for (int i = 0; i < want.length; i++) {
            if (b.get(at + i) != want[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Reads the label of {@code pv}, or empty when there is none.
     *
     * @param base absolute offset of the PV in the disk, for error offsets
     */
    static Optional<PhysicalVolumeLabel> read(ByteSource pv, long base) throws IOException {
        int s = findSector(pv);
        if (s < 0) {
            return Optional.empty();
        }
        long at = (long) s * SECTOR;
        ByteBuffer b = pv.readBuffer(at, SECTOR, "LVM label");
        byte[] raw = new byte[SECTOR];
        b.get(0, raw);
        int crc = LvmChecksum.update(LvmChecksum.INITIAL, raw, 0x14, SECTOR - 0x14);
        if (crc != b.getInt(0x10)) {
            throw new DiskException(ErrorKind.CORRUPT, "LVM label", base + at + 0x10, String.format(
                    "checksum mismatch (stored %08x, computed %08x)", b.getInt(0x10), crc));
        }
        if (b.getLong(0x08) != s) {
            throw new DiskException(ErrorKind.CORRUPT, "LVM label", base + at + 0x08, "label says it is in sector "
                    + b.getLong(0x08) + " but was found in sector " + s);
        }
        int hdr = b.getInt(0x14);
        // The PV header and its two location lists must fit in the label sector.
        if (hdr < 0x20 || hdr > SECTOR - 0x28 - 32) {
            throw new DiskException(ErrorKind.CORRUPT, "LVM PV header", base + at + 0x14, "PV header offset " + hdr + " outside the label sector");
        }
        byte[] uuid = new byte[32];
        b.get(hdr, uuid);
        for (byte c : uuid) {
            if (c < 0x21 || c > 0x7E) {
                throw new DiskException(ErrorKind.CORRUPT, "LVM PV header", base + at + hdr, "PV UUID is not printable ASCII");
            }
        }
        long deviceSize = b.getLong(hdr + 0x20);
        int p = hdr + 0x28;
        // Data area list (unused here: pe_start in the metadata says where extents begin).
        p = skipList(b, p, base + at);
        List<Area> mdas = new ArrayList<>();
        while (true) {
            if (p + 16 > SECTOR) {
                throw new DiskException(ErrorKind.CORRUPT, "LVM PV header", base + at + p, "metadata area list runs past the label sector");
            }
            long off = b.getLong(p);
            long size = b.getLong(p + 8);
            p += 16;
            if (off == 0 && size == 0) {
                break;
            }
            if (mdas.size() >= 8) {
                throw new DiskException(ErrorKind.LIMIT_EXCEEDED, "LVM PV header", base + at + p, "more than 8 metadata areas");
            }
            mdas.add(new Area(off, size));
        }
        return Optional.of(new PhysicalVolumeLabel(at, new String(uuid, StandardCharsets.US_ASCII), deviceSize, mdas));
    }

    private static int skipList(ByteBuffer b, int p, long where) throws DiskException {
        while (true) {
            if (p + 16 > SECTOR) {
                throw new DiskException(ErrorKind.CORRUPT, "LVM PV header", where + p, "data area list runs past the label sector");
            }
            boolean end = b.getLong(p) == 0 && b.getLong(p + 8) == 0;
            p += 16;
            if (end) {
                return p;
            }
        }
    }
}
