package io.vhdflow.disk.fs.btrfs;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.UUID;

/**
 * One tree block (node or leaf, {@code nodesize} bytes), checked as the kernel's tree checker
 * checks it before use.
 *
 * <p>Header ({@code struct btrfs_header}, 101 bytes):
 * <pre>
 *   0  32  csum              over bytes 32..nodesize
 *  32  16  fsid              the filesystem's (metadata) UUID
 *  48   8  bytenr            the block's own logical address
 *  56   8  flags
 *  64  16  chunk_tree_uuid
 *  80   8  generation        transaction that wrote it; must match the pointer's
 *  88   8  owner             tree id that created it
 *  96   4  nritems
 * 100   1  level             0 = leaf
 * </pre>
 * A node continues with {@code nritems} key pointers (33 bytes: key, blockptr u64, generation u64);
 * a leaf with {@code nritems} item headers (25 bytes: key, data offset u32, data size u32, the offset
 * counted from the end of the header) whose data is packed from the end of the block backwards.
 */
final class TreeBlock {
    static final int HEADER = 101;
    static final int ITEM = 25;
    static final int KEY_PTR = 33;

    final long logical;
    final long physical;
    final int level;
    final long generation;
    final long owner;
    final int count;
    private final ByteBuffer b;
    private final BtrfsKey[] keys;

    private TreeBlock(long logical, long physical, int level, long generation, long owner, ByteBuffer b, BtrfsKey[] keys) {
        this.logical = logical;
        this.physical = physical;
        this.level = level;
        this.generation = generation;
        this.owner = owner;
        this.count = keys.length;
        this.b = b;
        this.keys = keys;
    }

    static String structure(long logical) {
        return "btrfs tree block " + Long.toUnsignedString(logical);
    }

    /**
     * Parses and checks a block whose checksum was verified.
     *
     * @param raw      the {@code nodesize} bytes
     * @param logical  the address it was read for
     * @param physical where it was read from (for errors)
     */
    static TreeBlock parse(byte[] raw, long logical, long physical, UUID fsid) throws DiskException {
        String s = structure(logical);
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        long bytenr = b.getLong(48);
        if (bytenr != logical) {
            throw new DiskException(ErrorKind.CORRUPT, s, physical + 48, "block says it is at logical "
                    + Long.toUnsignedString(bytenr) + " (a misdirected or stale block)");
        }
        UUID id = BtrfsSuperblock.uuid(b, 32);
        if (!id.equals(fsid)) {
            throw new DiskException(ErrorKind.CORRUPT, s, physical + 32, "belongs to filesystem " + id + ", not " + fsid);
        }
        int level = b.get(100) & 0xFF;
        if (level >= BtrfsSuperblock.MAX_LEVEL) {
            throw new DiskException(ErrorKind.CORRUPT, s, physical + 100, "level " + level + " is above "
                    + (BtrfsSuperblock.MAX_LEVEL - 1));
        }
        long nritems = b.getInt(96) & 0xFFFFFFFFL;
        int entry = level == 0 ? ITEM : KEY_PTR;
        long max = (raw.length - HEADER) / entry;
        if (nritems > max || (level > 0 && nritems == 0)) {
            throw new DiskException(ErrorKind.CORRUPT, s, physical + 96, nritems + " items in a "
                    + (level == 0 ? "leaf" : "node") + " that holds 1.." + max);
        }
        int n = (int) nritems;
        BtrfsKey[] keys = new BtrfsKey[n];
        int dataArea = raw.length - HEADER;
        for (int i = 0; i < n; i++) {
            int at = HEADER + i * entry;
            keys[i] = BtrfsKey.read(b, at);
            if (i > 0 && keys[i - 1].compareTo(keys[i]) >= 0) {
                throw new DiskException(ErrorKind.CORRUPT, s, physical + at, "key " + i + " " + keys[i]
                        + " does not sort after key " + (i - 1) + " " + keys[i - 1]);
            }
            if (level == 0) {
                long off = b.getInt(at + 17) & 0xFFFFFFFFL;
                long size = b.getInt(at + 21) & 0xFFFFFFFFL;
                if (off + size > dataArea || off < (long) n * ITEM) {
                    throw new DiskException(ErrorKind.CORRUPT, s, physical + at + 17, "item " + i + " data "
                            + off + "+" + size + " lies outside the leaf's data area " + ((long) n * ITEM) + ".." + dataArea);
                }
            }
        }
        return new TreeBlock(logical, physical, level, b.getLong(80), b.getLong(88), b, keys);
    }

    BtrfsKey key(int i) {
        return keys[i];
    }

    /** A node's child pointer {@code i}. */
    long childPointer(int i) {
        return b.getLong(HEADER + i * KEY_PTR + 17);
    }

    /** The generation a node's pointer {@code i} expects its child to have. */
    long childGeneration(int i) {
        return b.getLong(HEADER + i * KEY_PTR + 25);
    }

    /** A leaf item's data, as a little-endian view of this block. */
    ByteBuffer itemData(int i) {
        int at = HEADER + i * ITEM;
        int off = HEADER + b.getInt(at + 17);
        int size = b.getInt(at + 21);
        return b.slice(off, size).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Physical offset of leaf item {@code i}'s data, for errors. */
    long itemOffset(int i) {
        return physical + HEADER + b.getInt(HEADER + i * ITEM + 17);
    }

    /**
     * Binary search: the index of {@code key}, or {@code -(insertion point) - 1} when absent (the
     * insertion point being the index of the first greater key).
     */
    int search(BtrfsKey key) {
        int lo = 0;
        int hi = count - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = keys[mid].compareTo(key);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -(lo + 1);
    }
}
