package io.vhdflow.disk.fs.ntfs;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;

import java.util.ArrayList;
import java.util.List;

/**
 * One MFT record ("FILE" record) with its fixups applied and its attributes parsed.
 *
 * <p>Header (offsets from the record start):
 * <pre>
 *   0x00 4 "FILE"                           0x04 2 update sequence array offset
 *   0x06 2 update sequence array count      0x08 8 $LogFile sequence number
 *   0x10 2 sequence number                  0x12 2 hard link count
 *   0x14 2 offset of the first attribute    0x16 2 flags: 0x01 in use, 0x02 directory
 *   0x18 4 bytes used                       0x1C 4 bytes allocated (= record size)
 *   0x20 8 base record reference (0 for a base record; else this is an extension record)
 *   0x28 2 next attribute id
 * </pre>
 *
 * @param number     record number
 * @param sequence   sequence number (matched against file references)
 * @param linkCount  hard link count stored in the header
 * @param flags      record flags
 * @param baseRecord base record number, 0 for a base record
 * @param attributes attributes in record order
 * @param offset     absolute byte offset of the record
 */
record MftRecord(long number, int sequence, int linkCount, int flags, long baseRecord,
                 List<AttributeRecord> attributes, long offset) {

    static final int IN_USE = 0x01;
    static final int DIRECTORY = 0x02;

    /** Parses {@code rec} (a raw record of {@code rec.length} bytes); fixups are applied in place. */
    static MftRecord parse(byte[] rec, long number, long totalClusters, long abs) throws DiskException {
        String structure = "NTFS MFT record " + number;
        if (rec[0] != 'F' || rec[1] != 'I' || rec[2] != 'L' || rec[3] != 'E') {
            throw new DiskException(ErrorKind.CORRUPT, structure, abs, "missing FILE magic (record is free, zeroed or corrupt)");
        }
        Fixups.apply(rec, rec.length, structure, abs);
        int seq = Fixups.u16(rec, 0x10);
        int links = Fixups.u16(rec, 0x12);
        int attrOff = Fixups.u16(rec, 0x14);
        int flags = Fixups.u16(rec, 0x16);
        long used = AttributeRecord.i32(rec, 0x18) & 0xFFFFFFFFL;
        long base = AttributeRecord.i64(rec, 0x20) & 0xFFFF_FFFF_FFFFL;
        if (used > rec.length || used < 0x30) {
            throw new DiskException(ErrorKind.CORRUPT, structure, abs + 0x18, "bytes in use " + used + " exceeds the record size "
                    + rec.length);
        }
        if (attrOff < 0x2A || attrOff + 4 > used || (attrOff & 7) != 0) {
            throw new DiskException(ErrorKind.CORRUPT, structure, abs + 0x14, "first attribute offset " + attrOff + " is invalid");
        }
        List<AttributeRecord> attrs = new ArrayList<>();
        int p = attrOff;
        while (true) {
            if (p + 4 > used) {
                throw new DiskException(ErrorKind.CORRUPT, structure, abs + p, "attribute list is not terminated");
            }
            int type = AttributeRecord.i32(rec, p);
            if (type == AttributeRecord.END) {
                break;
            }
            if (p + 0x18 > used) {
                throw new DiskException(ErrorKind.CORRUPT, structure, abs + p, "attribute header runs past the bytes in use");
            }
            AttributeRecord a = AttributeRecord.parse(rec, p, (int) used - p, number, totalClusters, abs);
            attrs.add(a);
            p += (int) (AttributeRecord.i32(rec, p + 4) & 0xFFFFFFFFL);
        }
        return new MftRecord(number, seq, links, flags, base, List.copyOf(attrs), abs);
    }

    boolean inUse() {
        return (flags & IN_USE) != 0;
    }

    boolean isDirectory() {
        return (flags & DIRECTORY) != 0;
    }
}
