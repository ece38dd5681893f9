package io.vhdflow.disk.fs.btrfs;

import java.nio.ByteBuffer;

/**
 * A btrfs key ({@code struct btrfs_disk_key}, 17 bytes, little-endian): every item of every tree
 * is found by one. Keys sort by object id, then type, then offset, all unsigned.
 *
 * <pre>
 *  0  8  objectid   inode number, tree id, or a well-known id (256 = first chunk tree object)
 *  8  1  type       item type (the constants below)
 *  9  8  offset     meaning depends on the type: a file offset, a name hash, a parent inode...
 * </pre>
 *
 * @param objectId the object id, unsigned
 * @param type     the item type, 0..255
 * @param offset   the offset, unsigned
 */
record BtrfsKey(long objectId, int type, long offset) implements Comparable<BtrfsKey> {

    static final int SIZE = 17;

    // Item types (btrfs_tree.h).
    static final int INODE_ITEM = 1;
    static final int INODE_REF = 12;
    static final int INODE_EXTREF = 13;
    static final int XATTR_ITEM = 24;
    static final int DIR_ITEM = 84;
    static final int DIR_INDEX = 96;
    static final int EXTENT_DATA = 108;
    static final int ROOT_ITEM = 132;
    static final int ROOT_BACKREF = 144;
    static final int ROOT_REF = 156;
    static final int DEV_ITEM = 216;
    static final int CHUNK_ITEM = 228;

    // Well-known object ids.
    static final long ROOT_TREE_OBJECTID = 1;
    static final long CHUNK_TREE_OBJECTID = 3;
    /** The top-level subvolume ({@code FS_TREE}), id 5. */
    static final long FS_TREE_OBJECTID = 5;
    /** The root tree's directory that holds the {@code default} entry. */
    static final long ROOT_TREE_DIR_OBJECTID = 6;
    /** First id of a subvolume tree and first inode number of a file in any tree. */
    static final long FIRST_FREE_OBJECTID = 256;
    /** Last id a subvolume tree can have ({@code -256} unsigned). */
    static final long LAST_FREE_OBJECTID = -256L;
    /** The object id of chunk items in the chunk tree. */
    static final long FIRST_CHUNK_TREE_OBJECTID = 256;

    static final BtrfsKey MIN = new BtrfsKey(0, 0, 0);

    static BtrfsKey read(ByteBuffer b, int at) {
        return new BtrfsKey(b.getLong(at), b.get(at + 8) & 0xFF, b.getLong(at + 9));
    }

    @Override
    public int compareTo(BtrfsKey o) {
        int c = Long.compareUnsigned(objectId, o.objectId);
        if (c != 0) {
            return c;
        }
        c = Integer.compare(type, o.type);
        return c != 0 ? c : Long.compareUnsigned(offset, o.offset);
    }

    /** Same object id and type as {@code o} (any offset). */
    boolean sameItem(long objectId, int type) {
        return this.objectId == objectId && this.type == type;
    }

    @Override
    public String toString() {
        return "(" + Long.toUnsignedString(objectId) + " " + type + " " + Long.toUnsignedString(offset) + ")";
    }
}
