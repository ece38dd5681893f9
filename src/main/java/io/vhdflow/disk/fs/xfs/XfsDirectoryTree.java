package io.vhdflow.disk.fs.xfs;

import io.vhdflow.disk.fs.DirEntry;
import io.vhdflow.disk.fs.FileType;
import io.vhdflow.disk.fs.NodeFilesystem;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * XFS directories as a tree of inodes, answering the node API's lookups and listings through
 * {@link XfsDirectory}. Listings are kept between lookups, so that resolving many paths under one
 * directory reads it once: entries in disk order and by name, least recently used evicted first, at most
 * {@value #DIR_CACHE_ENTRIES} entries over all directories. A directory of more than
 * {@value #DIR_CACHE_MAX_DIR} entries is not cached: a lookup in it scans its blocks (stopping at
 * the name) and a listing reads it whole through {@link XfsDirectory#entries}.
 *
 * <p>Safe for concurrent use: the cache is synchronized and listings are immutable.
 */
final class XfsDirectoryTree implements NodeFilesystem.DirectoryTree<XfsInode> {
    /** Directory entries kept in the lookup cache, over all cached directories. */
    private static final int DIR_CACHE_ENTRIES = 262_144;
    /** Bigger directories are not cached: lookups in them stream their blocks instead. */
    private static final int DIR_CACHE_MAX_DIR = DIR_CACHE_ENTRIES / 4;

    /** A cached directory: entries in disk order and by name. */
    private record Listing(List<XfsDirectory.Entry> entries, Map<String, XfsDirectory.Entry> byName) {
    }

    private final XfsDirectory directories;
    private final XfsInodes inodes;
    private final LinkedHashMap<Long, Listing> cache = new LinkedHashMap<>(16, 0.75f, true);
    private long cachedEntries;

    XfsDirectoryTree(XfsDirectory directories, XfsInodes inodes) {
        this.directories = directories;
        this.inodes = inodes;
    }

    @Override
    public FileType typeOf(XfsInode node) {
        return node.type();
    }

    /** The inode named exactly {@code name} in {@code dir} (XFS names are byte strings: no case folding). */
    @Override
    public Optional<XfsInode> child(XfsInode dir, String name) throws IOException {
        Optional<XfsDirectory.Entry> e = lookup(dir, name);
        return e.isPresent() ? Optional.of(inodes.inode(e.get().ino())) : Optional.empty();
    }

    /** The entries in disk order; types from the entries' ftype, or from the inodes when the filesystem stores none. */
    @Override
    public List<DirEntry> entries(XfsInode dir) throws IOException {
        Optional<Listing> cached = listing(dir);
        List<DirEntry> out = new ArrayList<>();
        for (XfsDirectory.Entry e : cached.isPresent() ? cached.get().entries() : directories.entries(dir)) {
            FileType t = FileType.fromDirectoryEntryType(e.ftype());
            if (t == FileType.UNKNOWN) {
                t = inodes.inode(e.ino()).type();
            }
            out.add(new DirEntry(e.name(), t, e.ino()));
        }
        return out;
    }


    /** The entry of {@code dir} named exactly {@code name}. */
    private Optional<XfsDirectory.Entry> lookup(XfsInode dir, String name) throws IOException {
        Optional<Listing> cached = listing(dir);
        if (cached.isPresent()) {
            return Optional.ofNullable(cached.get().byName().get(name));
        }
        XfsDirectory.Entry[] found = new XfsDirectory.Entry[1];
        directories.scan(dir, e -> {
            if (e.name().equals(name)) {
                found[0] = e;
                return false;
            }
            return true;
        });
        return Optional.ofNullable(found[0]);
    }

    /**
     * The directory's entries from the cache, reading them if the directory is small enough to
     * cache; empty for directories too big to cache.
     */
    private Optional<Listing> listing(XfsInode dir) throws IOException {
        synchronized (cache) {
            Listing hit = cache.get(dir.ino);
            if (hit != null) {
                return Optional.of(hit);
            }
        }
        List<XfsDirectory.Entry> list = new ArrayList<>();
        boolean complete = directories.scan(dir, e -> list.size() < DIR_CACHE_MAX_DIR && list.add(e));
        if (!complete) {
            return Optional.empty();
        }
        Map<String, XfsDirectory.Entry> byName = new HashMap<>();
        for (XfsDirectory.Entry e : list) {
            byName.putIfAbsent(e.name(), e);
        }
        Listing l = new Listing(Collections.unmodifiableList(list), byName);
        synchronized (cache) {
            if (cache.put(dir.ino, l) == null) {
                cachedEntries += list.size();
            }
            var it = cache.entrySet().iterator();
            while (cachedEntries > DIR_CACHE_ENTRIES && it.hasNext()) {
                cachedEntries -= it.next().getValue().entries().size();
                it.remove();
            }
        }
        return Optional.of(l);
    }
}
