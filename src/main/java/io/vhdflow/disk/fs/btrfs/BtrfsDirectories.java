package io.vhdflow.disk.fs.btrfs;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.fs.DirEntry;
import io.vhdflow.disk.fs.FileType;
import io.vhdflow.disk.fs.NodeFilesystem;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * btrfs directories as a tree of inodes: a lookup is one {@code DIR_ITEM} search by the name's
 * hash (names that collide share the item, so the name is compared), a listing walks the
 * directory's {@code DIR_INDEX} items in creation order. An entry whose location is a
 * {@code ROOT_ITEM} key enters another subvolume at its root directory, when the root tree has
 * the matching {@code ROOT_REF}; otherwise it is the kernel's empty stand-in directory.
 */
final class BtrfsDirectories implements NodeFilesystem.DirectoryTree<BtrfsNode> {
    /** Entries listed from one directory at most. */
    static final int MAX_DIR_ENTRIES = 1_000_000;
    /** {@code BTRFS_EMPTY_SUBVOL_DIR_OBJECTID}: no tree has an inode 2, so it lists as empty. */
    static final long EMPTY_SUBVOL_DIR = 2;

    private final BtrfsVolume volume;

    BtrfsDirectories(BtrfsVolume volume) {
        this.volume = volume;
    }

    private BtrfsNode node(long t, long ino) throws IOException {
        return new BtrfsNode(t, ino, volume.inode(t, ino));
    }

    @Override
    public Optional<BtrfsNode> child(BtrfsNode dir, String name) throws IOException {
        byte[] raw = name.getBytes(StandardCharsets.UTF_8);
        if (raw.length == 0 || raw.length > DirItem.MAX_NAME) {
            return Optional.empty();
        }
        BtrfsKey key = new BtrfsKey(dir.ino(), BtrfsKey.DIR_ITEM, BtrfsChecksum.nameHash(raw));
        Optional<TreeReader.Item> item = volume.trees.find(volume.treeRoot(dir.tree()), key);
        if (item.isEmpty()) {
            return Optional.empty();
        }
        for (DirItem d : DirItem.parseAll(item.get().data(), item.get().at(), BtrfsFilesystem.structure(dir) + " directory item")) {
            if (Arrays.equals(d.name(), raw)) {
                return Optional.of(target(dir, d, item.get().at()));
            }
        }
        return Optional.empty();
    }

    /** What a directory entry names: an inode of the same tree, or the root of a nested subvolume. */
    private BtrfsNode target(BtrfsNode dir, DirItem d, long at) throws IOException {
        BtrfsKey loc = d.location();
        if (loc.type() == BtrfsKey.ROOT_ITEM) {
            long id = loc.objectId();
            if (id == dir.tree() || Long.compareUnsigned(id, BtrfsKey.FIRST_FREE_OBJECTID) < 0) {
                throw new DiskException(ErrorKind.CORRUPT, BtrfsFilesystem.structure(dir) + " directory item", at,
                        "entry names subvolume " + Long.toUnsignedString(id) + " from inside it");
            }
            Optional<RootItem> item = volume.rootItem(id);
            if (item.isEmpty() || !volume.isSubvolumeEntry(dir.tree(), id, dir.ino(), d.name())) {
                // As the kernel does (new_simple_dir): an entry without a matching ROOT_REF (a snapshot's
                // copy of an entry for a subvolume nested in its source, a subvolume being deleted) shows
                // as an empty directory.
                return emptyDirectory(dir);
            }
            return node(id, item.get().rootDirId());
        }
        if (loc.type() != BtrfsKey.INODE_ITEM || Long.compareUnsigned(loc.objectId(), BtrfsKey.FIRST_FREE_OBJECTID) < 0) {
            throw new DiskException(ErrorKind.CORRUPT, BtrfsFilesystem.structure(dir) + " directory item", at, "entry points at key "
                    + loc + ", neither an inode nor a subvolume");
        }
        return node(dir.tree(), loc.objectId());
    }

    /** The kernel's stand-in for a subvolume that is not there: an empty directory, inode 2, mode 0755. */
    private static BtrfsNode emptyDirectory(BtrfsNode parent) {
        InodeItem p = parent.inode();
        InodeItem stub = new InodeItem(EMPTY_SUBVOL_DIR, 0, 0, 1, 0, 0, 0040755, 0, 0, p.atime(), p.ctime(), p.mtime(),
                p.otime());
        return new BtrfsNode(parent.tree(), EMPTY_SUBVOL_DIR, stub);
    }

    @Override
    public FileType typeOf(BtrfsNode node) {
        return node.type();
    }

    @Override
    public List<DirEntry> entries(BtrfsNode dir) throws IOException {
        List<DirEntry> out = new ArrayList<>();
        TreeReader.Cursor c = volume.trees.seek(volume.treeRoot(dir.tree()), new BtrfsKey(dir.ino(), BtrfsKey.DIR_INDEX, 0));
        for (Optional<TreeReader.Item> i = c.next(); i.isPresent() && i.get().key().sameItem(dir.ino(), BtrfsKey.DIR_INDEX);
                i = c.next()) {
            if (out.size() >= MAX_DIR_ENTRIES) {
                throw new DiskException(ErrorKind.LIMIT_EXCEEDED, BtrfsFilesystem.structure(dir), i.get().at(), "more than "
                        + MAX_DIR_ENTRIES + " directory entries");
            }
            for (DirItem d : DirItem.parseAll(i.get().data(), i.get().at(), BtrfsFilesystem.structure(dir) + " directory index")) {
                String name = new String(d.name(), StandardCharsets.UTF_8);
                boolean subvolume = d.location().type() == BtrfsKey.ROOT_ITEM;
                long ino = subvolume ? BtrfsKey.FIRST_FREE_OBJECTID : d.location().objectId();
                out.add(new DirEntry(name, subvolume ? FileType.DIRECTORY : FileType.fromDirectoryEntryType(d.type()), ino));
            }
        }
        return out;
    }

}
