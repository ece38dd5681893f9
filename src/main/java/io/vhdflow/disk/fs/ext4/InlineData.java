package io.vhdflow.disk.fs.ext4;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;

import java.util.Optional;

/**
 * Data stored inside the inode (inline_data): the first 60 bytes in i_block, the rest in the
 * value of the extended attribute {@code system.data} in the inode's in-body xattr area. That
 * area starts at {@code 128 + i_extra_isize} with the magic 0xEA020000, followed by entries:
 *
 * <pre>
 * 0x0 1 e_name_len   0x1 1 e_name_index (7 = "system.")   0x2 2 e_value_offs (from the first entry)
 * 0x4 4 e_value_inum 0x8 4 e_value_size                    0xC 4 e_hash      0x10 e_name (padded to 4)
 * </pre>
 * A 4-byte zero word ends the list.
 */
final class InlineData {
    static final int XATTR_MAGIC = 0xEA020000;
    private static final int INDEX_SYSTEM = 7;

    private InlineData() {
    }

    /** A {@code system.data} value and where it starts inside the inode. */
    record Value(byte[] bytes, int offsetInInode) {
    }

    /** The value of {@code system.data}, or empty when the inode has none. */
    static Optional<byte[]> systemData(Inode inode) throws DiskException {
        return systemDataValue(inode).map(Value::bytes);
    }

    /** {@link #systemData} with the value's position, so errors inside it can name an absolute offset. */
    static Optional<Value> systemDataValue(Inode inode) throws DiskException {
        byte[] raw = inode.raw;
        int start = Inode.GOOD_OLD_SIZE + inode.extraIsize;
        if (raw.length <= Inode.GOOD_OLD_SIZE || start + 4 > raw.length || inode.u32(start) != XATTR_MAGIC) {
            return Optional.empty();
        }
        int first = start + 4;
        int off = first;
        String structure = Inode.structure(inode.number) + " in-inode extended attribute";
        while (off + 4 <= raw.length && inode.u32(off) != 0) {
            if (off + 16 > raw.length) {
                throw new DiskException(ErrorKind.CORRUPT, structure, inode.offset + off, "entry runs past the end of the inode");
            }
            int nameLen = raw[off] & 0xFF;
            int index = raw[off + 1] & 0xFF;
            int valueOffs = inode.u16(off + 2);
            int valueInum = inode.u32(off + 4);
            long valueSize = Integer.toUnsignedLong(inode.u32(off + 8));
            int entryLen = (16 + nameLen + 3) & ~3;
            if (off + 16 + nameLen > raw.length) {
                throw new DiskException(ErrorKind.CORRUPT, structure, inode.offset + off, "name runs past the end of the inode");
            }
            if (index == INDEX_SYSTEM && nameLen == 4 && raw[off + 16] == 'd' && raw[off + 17] == 'a'
                    && raw[off + 18] == 't' && raw[off + 19] == 'a') {
                if (valueInum != 0) {
                    throw new DiskException(ErrorKind.CORRUPT, structure, inode.offset + off, "system.data stored in another inode");
                }
                long valueStart = (long) first + valueOffs;
                if (valueStart + valueSize > raw.length) {
                    throw new DiskException(ErrorKind.CORRUPT, structure, inode.offset + off, "system.data value (" + valueSize
                            + " bytes at " + valueOffs + ") lies outside the inode");
                }
                byte[] v = new byte[(int) valueSize];
                System.arraycopy(raw, (int) valueStart, v, 0, v.length);
                return Optional.of(new Value(v, (int) valueStart));
            }
            off += entryLen;
        }
        return Optional.empty();
    }

    /** The whole content of an inline file: i_block then system.data, {@code i_size} bytes. */
    static byte[] content(Inode inode) throws DiskException {
        byte[] extra = systemData(inode).orElse(new byte[0]);
        long size = inode.size;
        if (size > Inode.I_BLOCK_SIZE + (long) extra.length) {
            throw new DiskException(ErrorKind.CORRUPT, Inode.structure(inode.number) + " inline data", inode.offset + 0x04,
                    "size " + size + " exceeds the " + (Inode.I_BLOCK_SIZE + extra.length) + " bytes stored in the inode");
        }
        byte[] out = new byte[(int) size];
        int head = (int) Math.min(size, Inode.I_BLOCK_SIZE);
        System.arraycopy(inode.raw, Inode.I_BLOCK, out, 0, head);
        System.arraycopy(extra, 0, out, head, (int) size - head);
        return out;
    }
}
