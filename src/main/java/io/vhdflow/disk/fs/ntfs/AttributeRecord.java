package io.vhdflow.disk.fs.ntfs;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One attribute inside an MFT record.
 *
 * <p>Common header (offsets from the attribute start):
 * <pre>
 *   0x00 4 type (0xFFFFFFFF ends the list)       0x04 4 total length of the attribute
 *   0x08 1 non-resident flag                      0x09 1 name length in UTF-16 units
 *   0x0A 2 name offset                            0x0C 2 flags: 0x0001 compressed, 0x4000 encrypted, 0x8000 sparse
 *   0x0E 2 attribute id
 * Resident:
 *   0x10 4 value length                           0x14 2 value offset
 * Non-resident:
 *   0x10 8 first VCN of this extent               0x18 8 last VCN of this extent
 *   0x20 2 runlist (mapping pairs) offset         0x22 2 compression unit (log2 clusters; 0 = none)
 *   0x28 8 allocated size                         0x30 8 data size
 *   0x38 8 initialized size
 * </pre>
 *
 * @param type            attribute type code
 * @param name            attribute name ("" for the unnamed stream)
 * @param flags           attribute flags
 * @param id              attribute id (unique within the base record and its extensions)
 * @param resident        whether the value is stored in the record
 * @param value           the resident value (empty array when non-resident)
 * @param startVcn        first VCN of this extent (non-resident)
 * @param lastVcn         last VCN of this extent (non-resident)
 * @param compressionUnit log2 of clusters per compression unit
 * @param allocatedSize   allocated bytes (first extent only)
 * @param dataSize        logical bytes (first extent only)
 * @param initializedSize initialized bytes (first extent only)
 * @param runs            decoded runlist of this extent
 * @param structure       name used in errors, e.g. "NTFS MFT record 35 attribute 0x80"
 * @param offset          absolute byte offset of the attribute header
 * @param valueOffset     absolute byte offset of the resident value (-1 when non-resident)
 */
record AttributeRecord(int type, String name, int flags, int id, boolean resident, byte[] value, long startVcn,
                       long lastVcn, int compressionUnit, long allocatedSize, long dataSize, long initializedSize,
                       List<DataRun> runs, String structure, long offset, long valueOffset) {

    static final int STANDARD_INFORMATION = 0x10;
    static final int ATTRIBUTE_LIST = 0x20;
    static final int FILE_NAME = 0x30;
    static final int VOLUME_NAME = 0x60;
    static final int VOLUME_INFORMATION = 0x70;
    static final int DATA = 0x80;
    static final int INDEX_ROOT = 0x90;
    static final int INDEX_ALLOCATION = 0xA0;
    static final int REPARSE_POINT = 0xC0;
    static final int END = 0xFFFFFFFF;

    static final int FLAG_COMPRESSED = 0x0001;
    static final int FLAG_ENCRYPTED = 0x4000;
    static final int FLAG_SPARSE = 0x8000;

    /** Parses the attribute at {@code rec[off]}; {@code avail} bytes of the record remain from {@code off}. */
    static AttributeRecord parse(byte[] rec, int off, int avail, long recordNumber, long totalClusters, long recAbs)
            throws DiskException {
        int type = i32(rec, off);
        String structure = "NTFS MFT record " + recordNumber + " attribute 0x" + Integer.toHexString(type);
        long abs = recAbs + off;
        long len = i32(rec, off + 4) & 0xFFFFFFFFL;
        if (len < 0x18 || len > avail) {
            throw new DiskException(ErrorKind.CORRUPT, structure, abs + 4, "attribute length " + len + " does not fit the "
                    + avail + " bytes left in the record");
        }
        int alen = (int) len;
        boolean nonResident = rec[off + 8] != 0;
        int nameLen = rec[off + 9] & 0xFF;
        int nameOff = Fixups.u16(rec, off + 0x0A);
        int flags = Fixups.u16(rec, off + 0x0C);
        int id = Fixups.u16(rec, off + 0x0E);
        String name = "";
        if (nameLen > 0) {
            if (nameOff + 2 * nameLen > alen) {
                throw new DiskException(ErrorKind.CORRUPT, structure, abs + 0x0A, "attribute name runs past the attribute end");
            }
            name = new String(rec, off + nameOff, 2 * nameLen, StandardCharsets.UTF_16LE);
        }
        if (!nonResident) {
            long vlen = i32(rec, off + 0x10) & 0xFFFFFFFFL;
            int voff = Fixups.u16(rec, off + 0x14);
            if (voff + vlen > alen) {
                throw new DiskException(ErrorKind.CORRUPT, structure, abs + 0x10, "resident value (" + vlen + " bytes at +" + voff
                        + ") runs past the attribute length " + alen);
            }
            byte[] value = java.util.Arrays.copyOfRange(rec, off + voff, off + voff + (int) vlen);
            return new AttributeRecord(type, name, flags, id, true, value, 0, -1, 0, vlen, vlen, vlen, List.of(),
                    structure, abs, abs + voff);
        }
        if (alen < 0x40) {
            throw new DiskException(ErrorKind.CORRUPT, structure, abs + 4, "non-resident attribute length " + alen + " below 64");
        }
        long startVcn = i64(rec, off + 0x10);
        long lastVcn = i64(rec, off + 0x18);
        int runOff = Fixups.u16(rec, off + 0x20);
        int cu = Fixups.u16(rec, off + 0x22);
        long alloc = i64(rec, off + 0x28);
        long size = i64(rec, off + 0x30);
        long init = i64(rec, off + 0x38);
        if (startVcn < 0 || lastVcn < startVcn - 1) {
            throw new DiskException(ErrorKind.CORRUPT, structure, abs + 0x10, "invalid VCN range " + startVcn + ".." + lastVcn);
        }
        if (startVcn == 0 && (alloc < 0 || size < 0 || init < 0 || init > size)) {
            throw new DiskException(ErrorKind.CORRUPT, structure, abs + 0x28, "invalid sizes: allocated " + alloc + ", data "
                    + size + ", initialized " + init);
        }
        if (cu > 8) {
            throw new DiskException(ErrorKind.CORRUPT, structure, abs + 0x22, "compression unit 2^" + cu + " clusters is invalid");
        }
        if (runOff < 0x40 || runOff >= alen) {
            throw new DiskException(ErrorKind.CORRUPT, structure, abs + 0x20, "runlist offset " + runOff + " is outside the attribute");
        }
        List<DataRun> runs = DataRun.decode(rec, off + runOff, off + alen, startVcn, totalClusters, structure, recAbs);
        return new AttributeRecord(type, name, flags, id, false, new byte[0], startVcn, lastVcn, cu, alloc, size,
                init, List.copyOf(runs), structure, abs, -1);
    }

    boolean compressed() {
        return (flags & FLAG_COMPRESSED) != 0 && compressionUnit != 0;
    }

    boolean encrypted() {
        return (flags & FLAG_ENCRYPTED) != 0;
    }

    static int i32(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8 | (b[off + 2] & 0xFF) << 16 | (b[off + 3] & 0xFF) << 24;
    }

    static long i64(byte[] b, int off) {
        return (i32(b, off) & 0xFFFFFFFFL) | (long) i32(b, off + 4) << 32;
    }
}
