package io.vhdflow.disk.fs.btrfs;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;

import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.UUID;

/**
 * A tree's root ({@code struct btrfs_root_item}, key {@code (tree id, ROOT_ITEM, 0 or a
 * transaction id for snapshots)} in the root tree). Items written before 3.x end at byte 239.
 * <pre>
 *   0 160  inode          the tree's own inode item (unused here)
 * 160   8  generation     must equal the root block's generation
 * 168   8  root_dirid     the subvolume's top directory inode (256)
 * 176   8  bytenr         logical address of the root block
 * 184   8  byte_limit
 * 192   8  bytes_used
 * 200   8  last_snapshot
 * 208   8  flags          RDONLY 0x1; SUBVOL_DEAD 1&lt;&lt;48
 * 216   4  refs           0 = being deleted
 * 220  17  drop_progress
 * 237   1  drop_level
 * 238   1  level          level of the root block
 * 239   8  generation_v2
 * 247  16  uuid
 * 263  16  parent_uuid    the snapshot's source
 * </pre>
 */
record RootItem(long treeId, long generation, long rootDirId, long bytenr, long flags, long refs, int level,
                Optional<UUID> uuid, Optional<UUID> parentUuid) {

    static final int MIN_SIZE = 239;
    static final long RDONLY = 0x1;

    static RootItem parse(long treeId, ByteBuffer b, long at) throws DiskException {
        String s = "btrfs root item of tree " + Long.toUnsignedString(treeId);
        if (b.remaining() < MIN_SIZE) {
            throw new DiskException(ErrorKind.CORRUPT, s, at, "root item of " + b.remaining() + " bytes, "
                    + MIN_SIZE + " needed");
        }
        int level = b.get(238) & 0xFF;
        if (level >= BtrfsSuperblock.MAX_LEVEL) {
            throw new DiskException(ErrorKind.CORRUPT, s, at + 238, "root level " + level + " is above "
                    + (BtrfsSuperblock.MAX_LEVEL - 1));
        }
        Optional<UUID> uuid = Optional.empty();
        Optional<UUID> parent = Optional.empty();
        if (b.remaining() >= 279) {
            uuid = Optional.of(BtrfsSuperblock.uuid(b, 247)).filter(u -> u.getMostSignificantBits() != 0
                    || u.getLeastSignificantBits() != 0);
            parent = Optional.of(BtrfsSuperblock.uuid(b, 263)).filter(u -> u.getMostSignificantBits() != 0
                    || u.getLeastSignificantBits() != 0);
        }
        return new RootItem(treeId, b.getLong(160), b.getLong(168), b.getLong(176), b.getLong(208),
                b.getInt(216) & 0xFFFFFFFFL, level, uuid, parent);
    }

    boolean readOnly() {
        return (flags & RDONLY) != 0;
    }
}
