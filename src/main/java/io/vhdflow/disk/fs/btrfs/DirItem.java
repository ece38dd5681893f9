package io.vhdflow.disk.fs.btrfs;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Directory entries and extended attributes ({@code struct btrfs_dir_item}), one or more packed in
 * a {@code DIR_ITEM} (key offset = name hash, so names that collide share an item),
 * {@code DIR_INDEX} (key offset = the entry's sequence, one entry) or {@code XATTR_ITEM} item:
 * <pre>
 *   0 17  location    what the entry names: (ino, INODE_ITEM, 0), or (subvolume id, ROOT_ITEM, ...)
 *                     for a subvolume; zero for an xattr
 *  17  8  transid
 *  25  2  data_len    xattr value length (0 for directory entries)
 *  27  2  name_len
 *  29  1  type        1 file, 2 dir, 3 chr, 4 blk, 5 fifo, 6 sock, 7 symlink, 8 xattr
 *  30     name, then data
 * </pre>
 *
 * @param location the key of what the entry names
 * @param type     the entry's type byte
 * @param name     the name as stored
 * @param data     the xattr value (empty for directory entries)
 */
record DirItem(BtrfsKey location, int type, byte[] name, byte[] data) {

    static final int HEADER = 30;
    /** Longest name btrfs stores ({@code BTRFS_NAME_LEN}, also {@code XATTR_NAME_MAX}). */
    static final int MAX_NAME = 255;
    /** Largest xattr value Linux allows ({@code XATTR_SIZE_MAX}). */
    static final int MAX_DATA = 65536;
    static final int FT_DIR = 2;
    static final int FT_SYMLINK = 7;
    static final int FT_XATTR = 8;

    /** Every entry packed in one item's data. */
    static List<DirItem> parseAll(ByteBuffer b, long at, String structure) throws DiskException {
        List<DirItem> out = new ArrayList<>(1);
        int p = 0;
        int n = b.remaining();
        while (p < n) {
            if (n - p < HEADER) {
                throw new DiskException(ErrorKind.CORRUPT, structure, at + p, (n - p)
                        + " trailing bytes, too few for a directory item header");
            }
            int dataLen = b.getShort(p + 25) & 0xFFFF;
            int nameLen = b.getShort(p + 27) & 0xFFFF;
            int type = b.get(p + 29) & 0xFF;
            if (nameLen == 0 || nameLen > MAX_NAME || HEADER + nameLen + dataLen > n - p) {
                throw new DiskException(ErrorKind.CORRUPT, structure, at + p + 25, "name of " + nameLen
                        + " bytes and data of " + dataLen + " bytes do not fit the " + (n - p) + " bytes left (names are 1.."
                        + MAX_NAME + " bytes)");
            }
            byte[] name = new byte[nameLen];
            b.get(p + HEADER, name);
            byte[] data = new byte[dataLen];
            b.get(p + HEADER + nameLen, data);
            out.add(new DirItem(BtrfsKey.read(b, p), type, name, data));
            p += HEADER + nameLen + dataLen;
        }
        return out;
    }
}
