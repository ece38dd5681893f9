package io.vhdflow.disk.fs.ntfs;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The entries of one $I30 B-tree node: the node inside {@code $INDEX_ROOT} or an INDX block of
 * {@code $INDEX_ALLOCATION}.
 * <pre>
 * Index header (at 0x10 in $INDEX_ROOT, at 0x18 in an INDX block):
 *   +0x00 4 offset of the first entry (from the header)   +0x04 4 end of the used entries (from the header)
 *   +0x08 4 allocated size                                  +0x0C 1 flags: 0x01 = entries have child nodes
 * Index entry:
 *   0x00 8 file reference      0x08 2 entry length      0x0A 2 key length
 *   0x0C 2 flags: 0x01 child node, 0x02 last entry (carries no key)
 *   0x10   key: a $FILE_NAME value
 *   length-8 8 child node VCN, when flag 0x01 is set
 * INDX block: "INDX", fixups, 0x10 8 VCN of this block, 0x18 index header.
 * </pre>
 *
 * @param entries the entries in collation order; the last one has no key
 */
record IndexNode(List<Entry> entries) {

    /**
     * @param fileRef  file reference (48-bit record number, 16-bit sequence)
     * @param key      the file name, absent on the terminating entry
     * @param childVcn VCN of the child node, or -1
     */
    record Entry(long fileRef, Optional<FileName> key, long childVcn) {
        long recordNumber() {
            return fileRef & 0xFFFF_FFFF_FFFFL;
        }

        int sequence() {
            return (int) (fileRef >>> 48);
        }
    }

    /** INDX block magic. */
    static boolean isIndx(byte[] b) {
        return b.length >= 4 && b[0] == 'I' && b[1] == 'N' && b[2] == 'D' && b[3] == 'X';
    }

    /**
     * Parses the node whose index header is at {@code b[hdr]}; nothing is read at or past {@code limit}.
     * {@code abs} is the absolute offset of {@code b[0]}.
     */
    static IndexNode parse(byte[] b, int hdr, int limit, String structure, long abs) throws DiskException {
        if (hdr + 16 > limit) {
            throw new DiskException(ErrorKind.CORRUPT, structure, abs + hdr, "index header does not fit");
        }
        long first = AttributeRecord.i32(b, hdr) & 0xFFFFFFFFL;
        long end = AttributeRecord.i32(b, hdr + 4) & 0xFFFFFFFFL;
        if (first < 16 || hdr + end > limit || first > end) {
            throw new DiskException(ErrorKind.CORRUPT, structure, abs + hdr, "index entries (" + first + ".." + end
                    + ") fall outside the " + (limit - hdr) + "-byte node");
        }
        int p = hdr + (int) first;
        int stop = hdr + (int) end;
        List<Entry> out = new ArrayList<>();
        while (true) {
            if (p + 16 > stop) {
                throw new DiskException(ErrorKind.CORRUPT, structure, abs + p, "index node has no terminating entry");
            }
            long ref = AttributeRecord.i64(b, p);
            int len = Fixups.u16(b, p + 8);
            int keyLen = Fixups.u16(b, p + 10);
            int flags = Fixups.u16(b, p + 12);
            boolean hasChild = (flags & 1) != 0;
            boolean last = (flags & 2) != 0;
            if (len < 16 || p + len > stop || (hasChild && len < 24) || 16 + keyLen > len - (hasChild ? 8 : 0)) {
                throw new DiskException(ErrorKind.CORRUPT, structure, abs + p, "index entry length " + len + " / key length "
                        + keyLen + " is invalid");
            }
            long child = hasChild ? AttributeRecord.i64(b, p + len - 8) : -1;
            if (hasChild && child < 0) {
                throw new DiskException(ErrorKind.CORRUPT, structure, abs + p + len - 8, "negative child VCN " + child);
            }
            Optional<FileName> key = Optional.empty();
            if (!last) {
                key = Optional.of(FileName.parse(b, p + 16, keyLen, structure, abs + p + 16));
            }
            out.add(new Entry(ref, key, child));
            if (last) {
                break;
            }
            p += len;
        }
        return new IndexNode(List.copyOf(out));
    }
}
