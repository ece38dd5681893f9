package io.vhdflow.disk.fs.btrfs;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.Finding;
import io.vhdflow.disk.container.ByteSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One btrfs filesystem as opened from a device: the superblock chosen, the chunk map, the tree
 * reader, the root tree, and the state every subvolume view shares (inode cache, findings). The
 * subvolume views ({@link BtrfsFilesystem}) are thin: each names the tree it walks.
 */
final class BtrfsVolume {
    private static final int MAX_FINDINGS = 1000;
    private static final int ROOT_CACHE = 1024;
    private static final int INODE_CACHE = 4096;
    /** Subvolumes listed at most (snapper keeps hundreds; thousands would be unusual). */
    static final int MAX_SUBVOLUMES = 100_000;
    /** Directory levels followed when naming a subvolume's place in its parent. */
    private static final int MAX_PATH_DEPTH = 2048;

    final ByteSource source;
    final BtrfsSuperblock sb;
    final ChunkMap chunks;
    final TreeReader trees;
    final TreeReader.Root rootTree;
    private final Set<Finding> findings = new LinkedHashSet<>();
    private final Map<Long, TreeReader.Root> roots = lru(ROOT_CACHE);
    private final Map<List<Long>, InodeItem> inodes = lru(INODE_CACHE);

    private BtrfsVolume(ByteSource source, BtrfsSuperblock sb, ChunkMap chunks) {
        this.source = source;
        this.sb = sb;
        this.chunks = chunks;
        this.trees = new TreeReader(source, sb, chunks, this::report);
        this.rootTree = new TreeReader.Root("root tree", sb.root(), sb.rootLevel(), sb.generation());
    }

    private static <K, V> Map<K, V> lru(int max) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > max;
            }
        };
    }

    static BtrfsVolume open(ByteSource source) throws IOException {
        List<Finding> early = new ArrayList<>();
        BtrfsSuperblock sb = superblock(source, early);
        if (sb.numDevices() != 1) {
            throw new DiskException(ErrorKind.UNSUPPORTED, "btrfs superblock", sb.offset() + 0x88, "the filesystem spans "
                    + Long.toUnsignedString(sb.numDevices()) + " devices; only single-device filesystems are read");
        }
        ChunkMap chunks = ChunkMap.fromSuperblock(sb);
        BtrfsVolume v = new BtrfsVolume(source, sb, chunks);
        early.forEach(v::report);
        v.loadChunkTree();
        if (sb.logRoot() != 0) {
            v.report(new Finding("btrfs.log-tree", sb.offset() + 0x60, "the tree log at logical "
                    + Long.toUnsignedString(sb.logRoot()) + " holds fsync'd changes not yet in the subvolume trees"
                    + " (not cleanly unmounted); they are not replayed"));
        }
        if (Long.compareUnsigned(sb.totalBytes(), source.size()) > 0) {
            v.report(new Finding("btrfs.truncated", source.size(), "the filesystem claims "
                    + Long.toUnsignedString(sb.totalBytes()) + " bytes but " + source.describe() + " holds only "
                    + source.size()));
        }
        return v;
    }

    /**
     * The primary superblock, or the newest valid mirror when the primary's checksum fails (the
     * kernel would refuse to mount; {@code btrfs rescue super-recover} would copy the mirror back).
     */
    private static BtrfsSuperblock superblock(ByteSource source, List<Finding> notes) throws IOException {
        DiskException primaryProblem = null;
        BtrfsSuperblock primary = null;
        try {
            primary = read(source, 0);
        } catch (DiskException e) {
            if (e.kind() == ErrorKind.UNSUPPORTED) {
                throw e;
            }
            primaryProblem = e;
        }
        if (primary != null && primary.checksumValid()) {
            return primary;
        }
        BtrfsSuperblock best = null;
        for (int m = 1; m <= 2; m++) {
            long off = BtrfsSuperblock.mirrorOffset(m);
            if (off + BtrfsSuperblock.SIZE > source.size()) {
                break;
            }
            try {
                BtrfsSuperblock c = read(source, m);
                if (c.checksumValid() && (primary == null || c.fsid().equals(primary.fsid()))
                        && (best == null || Long.compareUnsigned(c.generation(), best.generation()) > 0)) {
                    best = c;
                }
            } catch (DiskException e) {
                // a missing or damaged mirror is simply not used
            }
        }
        if (best == null) {
            if (primaryProblem != null) {
                throw primaryProblem;
            }
            throw new DiskException(ErrorKind.CORRUPT, "btrfs superblock", BtrfsSuperblock.PRIMARY, primary.checksum().label
                    + " checksum mismatch, and no mirror is valid");
        }
        notes.add(new Finding("btrfs.superblock-mirror-used", BtrfsSuperblock.PRIMARY, "the primary superblock is "
                + (primaryProblem != null ? "unreadable (" + primaryProblem.getMessage() + ")" : "damaged (checksum mismatch)")
                + "; read from the mirror at " + best.offset() + ", generation " + Long.toUnsignedString(best.generation())));
        return best;
    }

    private static BtrfsSuperblock read(ByteSource source, int mirror) throws IOException {
        long off = BtrfsSuperblock.mirrorOffset(mirror);
        byte[] raw = source.readBytes(off, BtrfsSuperblock.SIZE, "btrfs superblock");
        BtrfsSuperblock sb = BtrfsSuperblock.parse(raw, off);
        if (sb.bytenr() != off) {
            throw new DiskException(ErrorKind.CORRUPT, "btrfs superblock", off + 0x30, "copy says it is at "
                    + Long.toUnsignedString(sb.bytenr()) + ", read at " + off);
        }
        return sb;
    }

    /** Adds every chunk of the chunk tree to the map built from the system chunk array. */
    private void loadChunkTree() throws IOException {
        TreeReader.Root chunkTree = new TreeReader.Root("chunk tree", sb.chunkRoot(), sb.chunkRootLevel(),
                sb.chunkRootGeneration());
        TreeReader.Cursor c = trees.seek(chunkTree, new BtrfsKey(BtrfsKey.FIRST_CHUNK_TREE_OBJECTID, BtrfsKey.CHUNK_ITEM, 0));
        int seen = 0;
        for (Optional<TreeReader.Item> i = c.next(); i.isPresent(); i = c.next()) {
            TreeReader.Item item = i.get();
            if (!item.key().sameItem(BtrfsKey.FIRST_CHUNK_TREE_OBJECTID, BtrfsKey.CHUNK_ITEM)) {
                break;
            }
            if (++seen > ChunkMap.MAX_CHUNKS) {
                throw new DiskException(ErrorKind.LIMIT_EXCEEDED, "btrfs chunk tree", item.at(), "more than "
                        + ChunkMap.MAX_CHUNKS + " chunks");
            }
            chunks.add(chunks.parse(item.data(), 0, item.data().remaining(), item.key(), item.at()));
        }
    }

    void report(Finding f) {
        synchronized (findings) {
            if (findings.size() < MAX_FINDINGS) {
                findings.add(f);
            }
        }
    }

    List<Finding> findings() {
        synchronized (findings) {
            return List.copyOf(findings);
        }
    }

    // ------------------------------------------------------------------ subvolumes

    /** The root item of tree {@code id}: the last {@code (id, ROOT_ITEM, *)} item (snapshots key it by transid). */
    Optional<RootItem> rootItem(long id) throws IOException {
        TreeReader.Cursor c = trees.seek(rootTree, new BtrfsKey(id, BtrfsKey.ROOT_ITEM, 0));
        Optional<TreeReader.Item> last = Optional.empty();
        int n = 0;
        for (Optional<TreeReader.Item> i = c.next(); i.isPresent() && i.get().key().sameItem(id, BtrfsKey.ROOT_ITEM)
                && n < 1024; i = c.next(), n++) {
            last = i;
        }
        if (last.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(RootItem.parse(id, last.get().data(), last.get().at()));
    }

    /** Where the tree of subvolume {@code id} starts; NOT_FOUND when the root tree has no such subvolume. */
    TreeReader.Root treeRoot(long id) throws IOException {
        synchronized (roots) {
            TreeReader.Root r = roots.get(id);
            if (r != null) {
                return r;
            }
        }
        RootItem item = rootItem(id).orElseThrow(() -> new DiskException(ErrorKind.NOT_FOUND, "btrfs root tree", -1,
                "no subvolume with id " + Long.toUnsignedString(id)));
        TreeReader.Root r = new TreeReader.Root("tree " + Long.toUnsignedString(id), item.bytenr(), item.level(),
                item.generation());
        synchronized (roots) {
            roots.put(id, r);
        }
        return r;
    }

    /** The default subvolume: the root tree directory's {@code default} entry, or 5 when there is none. */
    long defaultSubvolume() throws IOException {
        byte[] name = "default".getBytes(StandardCharsets.US_ASCII);
        BtrfsKey key = new BtrfsKey(BtrfsKey.ROOT_TREE_DIR_OBJECTID, BtrfsKey.DIR_ITEM, BtrfsChecksum.nameHash(name));
        Optional<TreeReader.Item> item = trees.find(rootTree, key);
        if (item.isPresent()) {
            for (DirItem d : DirItem.parseAll(item.get().data(), item.get().at(), "btrfs default subvolume entry")) {
                if (java.util.Arrays.equals(d.name(), name)) {
                    return d.location().objectId();
                }
            }
        }
        return BtrfsKey.FS_TREE_OBJECTID;
    }

    /**
     * Whether the root tree records subvolume {@code child} as entered from directory {@code dirIno}
     * of tree {@code parent} under {@code name} (a ROOT_REF item {@code (parent, ROOT_REF, child)}:
     * dirid u64, sequence u64, name_len u16, name).
     */
    boolean isSubvolumeEntry(long parent, long child, long dirIno, byte[] name) throws IOException {
        Optional<TreeReader.Item> ref = trees.find(rootTree, new BtrfsKey(parent, BtrfsKey.ROOT_REF, child));
        if (ref.isEmpty()) {
            return false;
        }
        ByteBuffer d = ref.get().data();
        if (d.remaining() < 18) {
            return false;
        }
        int len = d.getShort(16) & 0xFFFF;
        if (d.getLong(0) != dirIno || len != name.length || 18 + len > d.remaining()) {
            return false;
        }
        byte[] stored = new byte[len];
        d.get(18, stored);
        return java.util.Arrays.equals(stored, name);
    }

    /** Every subvolume but the top level, with its path from the top level, in id order. */
    List<Subvolume> subvolumes() throws IOException {
        Map<Long, Subvolume> byId = new LinkedHashMap<>();
        byId.put(BtrfsKey.FS_TREE_OBJECTID, new Subvolume(BtrfsKey.FS_TREE_OBJECTID, 0, "", false, Optional.empty(),
                Optional.empty()));
        TreeReader.Cursor c = trees.seek(rootTree, new BtrfsKey(BtrfsKey.FIRST_FREE_OBJECTID, 0, 0));
        List<long[]> refs = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Optional<TreeReader.Item> i = c.next(); i.isPresent(); i = c.next()) {
            BtrfsKey k = i.get().key();
            if (Long.compareUnsigned(k.objectId(), BtrfsKey.LAST_FREE_OBJECTID) > 0) {
                break;
            }
            if (k.type() != BtrfsKey.ROOT_BACKREF) {
                continue;
            }
            if (refs.size() >= MAX_SUBVOLUMES) {
                throw new DiskException(ErrorKind.LIMIT_EXCEEDED, "btrfs root tree", i.get().at(), "more than "
                        + MAX_SUBVOLUMES + " subvolumes");
            }
            ByteBuffer d = i.get().data();
            String s = "btrfs root backref of subvolume " + Long.toUnsignedString(k.objectId());
            if (d.remaining() < 18) {
                throw new DiskException(ErrorKind.CORRUPT, s, i.get().at(), "backref of " + d.remaining() + " bytes");
            }
            int len = d.getShort(16) & 0xFFFF;
            if (len == 0 || len > DirItem.MAX_NAME || 18 + len > d.remaining()) {
                throw new DiskException(ErrorKind.CORRUPT, s, i.get().at() + 16, "name of " + len + " bytes in a "
                        + d.remaining() + "-byte backref");
            }
            byte[] name = new byte[len];
            d.get(18, name);
            refs.add(new long[] {k.objectId(), k.offset(), d.getLong(0)});
            names.add(new String(name, StandardCharsets.UTF_8));
        }
        // Breadth-first from the top level, so each backref is used once whatever the id order.
        Map<Long, List<Integer>> children = new LinkedHashMap<>();
        for (int i = 0; i < refs.size(); i++) {
            children.computeIfAbsent(refs.get(i)[1], k -> new ArrayList<>()).add(i);
        }
        java.util.ArrayDeque<Long> queue = new java.util.ArrayDeque<>(List.of(BtrfsKey.FS_TREE_OBJECTID));
        while (!queue.isEmpty()) {
            long parentId = queue.poll();
            Subvolume parent = byId.get(parentId);
            for (int i : children.getOrDefault(parentId, List.of())) {
                long[] r = refs.get(i);
                if (byId.containsKey(r[0])) {
                    continue;
                }
                String path = join(parent.path(), join(dirPath(r[1], r[2]), names.get(i)));
                Optional<RootItem> item = rootItem(r[0]);
                byId.put(r[0], new Subvolume(r[0], r[1], path, item.map(RootItem::readOnly).orElse(false),
                        item.flatMap(RootItem::uuid), item.flatMap(RootItem::parentUuid)));
                queue.add(r[0]);
            }
        }
        byId.remove(BtrfsKey.FS_TREE_OBJECTID);
        List<Subvolume> out = new ArrayList<>(byId.values());
        out.sort((a, b) -> Long.compareUnsigned(a.id(), b.id()));
        return out;
    }

    /** The path of directory {@code ino} within tree {@code tree}, from its root directory, by INODE_REF items. */
    private String dirPath(long tree, long ino) throws IOException {
        TreeReader.Root root = treeRoot(tree);
        RootItem item = rootItem(tree).orElseThrow();
        List<String> parts = new ArrayList<>();
        long cur = ino;
        int length = 0;
        for (int depth = 0; cur != item.rootDirId(); depth++) {
            if (depth >= MAX_PATH_DEPTH || length > 4096) {
                throw new DiskException(ErrorKind.LIMIT_EXCEEDED, "btrfs inode " + ino + " in tree " + tree, -1,
                        "directory path deeper than " + MAX_PATH_DEPTH + " levels or longer than 4096 bytes");
            }
            TreeReader.Cursor c = trees.seek(root, new BtrfsKey(cur, BtrfsKey.INODE_REF, 0));
            Optional<TreeReader.Item> ref = c.next();
            if (ref.isEmpty() || !ref.get().key().sameItem(cur, BtrfsKey.INODE_REF)) {
                throw new DiskException(ErrorKind.CORRUPT, "btrfs inode " + cur + " in tree " + tree, -1,
                        "directory has no INODE_REF naming its parent");
            }
            ByteBuffer d = ref.get().data();
            int len = d.remaining() >= 10 ? d.getShort(8) & 0xFFFF : -1;
            if (len <= 0 || 10 + len > d.remaining()) {
                throw new DiskException(ErrorKind.CORRUPT, "btrfs inode ref of " + cur + " in tree " + tree,
                        ref.get().at(), "name of " + len + " bytes in a " + d.remaining() + "-byte ref");
            }
            byte[] name = new byte[len];
            d.get(10, name);
            parts.add(0, new String(name, StandardCharsets.UTF_8));
            length += len + 1;
            long parent = ref.get().key().offset();
            if (parent == cur) {
                throw new DiskException(ErrorKind.CORRUPT, "btrfs inode ref of " + cur + " in tree " + tree,
                        ref.get().at(), "directory is its own parent");
            }
            cur = parent;
        }
        return String.join("/", parts);
    }

    private static String join(String a, String b) {
        return a.isEmpty() ? b : b.isEmpty() ? a : a + "/" + b;
    }

    // ------------------------------------------------------------------ inodes and data

    /** The inode {@code ino} of tree {@code tree}; NOT_FOUND when it has no inode item. */
    InodeItem inode(long tree, long ino) throws IOException {
        List<Long> key = List.of(tree, ino);
        synchronized (inodes) {
            InodeItem hit = inodes.get(key);
            if (hit != null) {
                return hit;
            }
        }
        Optional<TreeReader.Item> i = trees.find(treeRoot(tree), new BtrfsKey(ino, BtrfsKey.INODE_ITEM, 0));
        if (i.isEmpty()) {
            throw new DiskException(ErrorKind.CORRUPT, "btrfs inode " + ino + " in tree " + Long.toUnsignedString(tree), -1,
                    "a directory entry names it but it has no inode item");
        }
        InodeItem parsed = InodeItem.parse(ino, i.get().data(), i.get().at());
        synchronized (inodes) {
            inodes.put(key, parsed);
        }
        return parsed;
    }

    /** Reads logical bytes (data extents) into {@code dst}, from the first copy. */
    void readLogical(long logical, ByteBuffer dst, String structure) throws IOException {
        long pos = logical;
        while (dst.hasRemaining()) {
            ChunkMap.Mapping m = chunks.map(pos, structure);
            int n = (int) Math.min(dst.remaining(), m.contiguous());
            source.readFully(m.copies()[0], dst.slice(dst.position(), n), structure);
            dst.position(dst.position() + n);
            pos += n;
        }
    }
}
