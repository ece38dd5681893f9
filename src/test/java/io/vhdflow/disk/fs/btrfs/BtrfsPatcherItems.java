package io.vhdflow.disk.fs.btrfs;

import java.io.IOException;

/** Finds the items behind a path of a clean image, for the corruption tests. */
final class BtrfsPatcherItems {
    private BtrfsPatcherItems() {
    }

    /** The inode item of {@code path} in the opened subvolume. */
    static TreeReader.Item inode(BtrfsFilesystem fs, String path) throws IOException {
        long ino = fs.lstat(path).inode();
        return fs.volume().trees.find(fs.volume().treeRoot(fs.subvolumeId()), new BtrfsKey(ino, BtrfsKey.INODE_ITEM, 0))
                .orElseThrow();
    }

    /** The extent item of {@code path} at file offset {@code offset}. */
    static TreeReader.Item extent(BtrfsFilesystem fs, String path, long offset) throws IOException {
        long ino = fs.lstat(path).inode();
        return fs.volume().trees.find(fs.volume().treeRoot(fs.subvolumeId()), new BtrfsKey(ino, BtrfsKey.EXTENT_DATA, offset))
                .orElseThrow();
    }
}
