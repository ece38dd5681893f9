package io.vhdflow.disk.fs.btrfs;

import io.vhdflow.disk.fs.FileType;

/**
 * A file of a btrfs filesystem: an inode of one tree (a subvolume's id), with its inode item.
 *
 * @param tree  the subvolume tree it is in
 * @param ino   its inode number in that tree
 * @param inode its inode item
 */
record BtrfsNode(long tree, long ino, InodeItem inode) {
    FileType type() {
        return FileType.fromPosixMode(inode.mode());
    }
}
