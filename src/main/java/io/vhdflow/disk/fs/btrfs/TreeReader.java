package io.vhdflow.disk.fs.btrfs;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.Finding;
import io.vhdflow.disk.container.ByteSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Reads tree blocks (checksum verified, the other DUP copy tried when one fails, checked by
 * {@link TreeBlock}) and searches trees by key. A small LRU cache of parsed blocks keeps the
 * memory flat in filesystem size.
 *
 * <p>Descending from a node checks what the kernel checks: the child's level is one less, its
 * generation is the one the pointer expects, its first key is the pointer's key and its last key
 * sorts before the next pointer's key. Keys therefore only grow along a walk, so no walk can loop.
 */
final class TreeReader {
    /** Parsed blocks kept: 256 × 16 KiB nodes = 4 MiB. */
    private static final int CACHE_BLOCKS = 256;

    /** Where a tree's root block is. */
    record Root(String name, long logical, int level, long generation) {
    }

    /**
     * One leaf item: its key, its data (a view of the block), the data's physical offset and the
     * logical address of the leaf holding it.
     */
    record Item(BtrfsKey key, ByteBuffer data, long at, long leaf) {
    }

    private final ByteSource source;
    private final BtrfsSuperblock sb;
    private final ChunkMap chunks;
    private final Consumer<Finding> report;
    private final Map<Long, TreeBlock> cache = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, TreeBlock> eldest) {
            return size() > CACHE_BLOCKS;
        }
    };

    TreeReader(ByteSource source, BtrfsSuperblock sb, ChunkMap chunks, Consumer<Finding> report) {
        this.source = source;
        this.sb = sb;
        this.chunks = chunks;
        this.report = report;
    }

    /**
     * The block at {@code logical}, checked against what its referrer expects.
     *
     * @param level      the level the referrer expects
     * @param generation the generation the referrer expects
     */
    TreeBlock block(long logical, int level, long generation) throws IOException {
        TreeBlock b;
        synchronized (cache) {
            b = cache.get(logical);
        }
        if (b == null) {
            b = readBlock(logical);
            synchronized (cache) {
                cache.put(logical, b);
            }
        }
        String s = TreeBlock.structure(logical);
        if (b.level != level) {
            throw new DiskException(ErrorKind.CORRUPT, s, b.physical + 100, "level " + b.level + " where level "
                    + level + " was expected");
        }
        if (b.generation != generation) {
            throw new DiskException(ErrorKind.CORRUPT, s, b.physical + 80, "generation "
                    + Long.toUnsignedString(b.generation) + " where its parent expects " + Long.toUnsignedString(generation)
                    + " (a stale or lost write)");
        }
        return b;
    }

    private TreeBlock readBlock(long logical) throws IOException {
        String s = TreeBlock.structure(logical);
        int size = sb.nodeSize();
        if (Long.remainderUnsigned(logical, sb.sectorSize()) != 0) {
            throw new DiskException(ErrorKind.CORRUPT, s, -1, "logical address is not sector-aligned");
        }
        ChunkMap.Mapping m = chunks.map(logical, s);
        if (m.contiguous() < size) {
            throw new DiskException(ErrorKind.CORRUPT, s, m.copies()[0], "block crosses the end of its chunk");
        }
        DiskException first = null;
        for (int copy = 0; copy < m.copies().length; copy++) {
            long phys = m.copies()[copy];
            try {
                byte[] raw = source.readBytes(phys, size, s);
                if (!sb.checksum().verify(raw, size)) {
                    throw new DiskException(ErrorKind.CORRUPT, s, phys, sb.checksum().label + " checksum mismatch");
                }
                TreeBlock b = TreeBlock.parse(raw, logical, phys, sb.metadataUuid());
                if (copy > 0) {
                    report.accept(new Finding("btrfs.metadata-copy-used", m.copies()[0], "tree block "
                            + Long.toUnsignedString(logical) + " read from its DUP copy at " + phys + ": the first copy "
                            + "failed (" + first.getMessage() + ")"));
                }
                return b;
            } catch (DiskException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        throw first;
    }

    private TreeBlock rootBlock(Root root) throws IOException {
        return block(root.logical(), root.level(), root.generation());
    }

    /** The child {@code i} of node {@code parent}, with the key-range checks. */
    private TreeBlock child(TreeBlock parent, int i) throws IOException {
        TreeBlock c = block(parent.childPointer(i), parent.level - 1, parent.childGeneration(i));
        String s = TreeBlock.structure(c.logical);
        if (c.count == 0) {
            throw new DiskException(ErrorKind.CORRUPT, s, c.physical + 96, "an empty block below a node");
        }
        if (!c.key(0).equals(parent.key(i))) {
            throw new DiskException(ErrorKind.CORRUPT, s, c.physical + TreeBlock.HEADER, "first key " + c.key(0)
                    + " is not its parent's key " + parent.key(i));
        }
        if (i + 1 < parent.count && c.key(c.count - 1).compareTo(parent.key(i + 1)) >= 0) {
            throw new DiskException(ErrorKind.CORRUPT, s, c.physical + TreeBlock.HEADER, "last key "
                    + c.key(c.count - 1) + " does not sort before its parent's next key " + parent.key(i + 1));
        }
        return c;
    }

    /** The item with exactly {@code key}. */
    Optional<Item> find(Root root, BtrfsKey key) throws IOException {
        Cursor c = seek(root, key);
        Optional<Item> i = c.next();
        return i.isPresent() && i.get().key().equals(key) ? i : Optional.empty();
    }

    /** The item with the greatest key at or before {@code key}. */
    Optional<Item> floor(Root root, BtrfsKey key) throws IOException {
        TreeBlock b = rootBlock(root);
        while (b.level > 0) {
            int i = b.search(key);
            i = i >= 0 ? i : -i - 2;
            if (i < 0) {
                return Optional.empty();
            }
            b = child(b, i);
        }
        int i = b.search(key);
        i = i >= 0 ? i : -i - 2;
        return i < 0 ? Optional.empty() : Optional.of(item(b, i));
    }

    /** A cursor at the first item at or after {@code key}. */
    Cursor seek(Root root, BtrfsKey key) throws IOException {
        return new Cursor(rootBlock(root), key);
    }

    private static Item item(TreeBlock leaf, int i) {
        return new Item(leaf.key(i), leaf.itemData(i), leaf.itemOffset(i), leaf.logical);
    }

    /** Walks leaf items in key order from a starting key. */
    final class Cursor {
        private final TreeBlock[] blocks = new TreeBlock[BtrfsSuperblock.MAX_LEVEL];
        private final int[] slots = new int[BtrfsSuperblock.MAX_LEVEL];
        private final int top;
        private boolean done;

        private Cursor(TreeBlock root, BtrfsKey key) throws IOException {
            top = root.level;
            TreeBlock b = root;
            while (true) {
                blocks[b.level] = b;
                int i = b.search(key);
                if (b.level == 0) {
                    slots[0] = i >= 0 ? i : -i - 1;
                    break;
                }
                i = i >= 0 ? i : Math.max(0, -i - 2);
                slots[b.level] = i;
                b = child(b, i);
            }
            done = false;
        }

        /** The next item, or empty at the end of the tree. */
        Optional<Item> next() throws IOException {
            if (done) {
                return Optional.empty();
            }
            if (slots[0] >= blocks[0].count && !advanceLeaf()) {
                done = true;
                return Optional.empty();
            }
            return Optional.of(item(blocks[0], slots[0]++));
        }

        /** Moves to the first item of the next leaf; false at the end of the tree. */
        private boolean advanceLeaf() throws IOException {
            int l = 1;
            while (l <= top && slots[l] + 1 >= blocks[l].count) {
                l++;
            }
            if (l > top) {
                return false;
            }
            slots[l]++;
            while (l > 0) {
                TreeBlock c = child(blocks[l], slots[l]);
                l--;
                blocks[l] = c;
                slots[l] = 0;
            }
            return true;
        }
    }
}
