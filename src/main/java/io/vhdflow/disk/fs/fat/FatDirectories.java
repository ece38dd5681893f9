package io.vhdflow.disk.fs.fat;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.fs.DirEntry;
import io.vhdflow.disk.fs.FileType;
import io.vhdflow.disk.fs.NodeFilesystem;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * FAT directories: the fixed root region of FAT12/16, or a cluster chain of at most
 * {@value #MAX_DIR_BYTES} bytes (65536 entries, the FAT limit), checked for loops. Parsed
 * directories are cached, at most {@value #MAX_CACHED_DIRS} of them and
 * {@value #MAX_CACHED_ENTRIES} entries in all. Thread-safe.
 */
final class FatDirectories implements NodeFilesystem.DirectoryTree<FatDirectoryEntry> {
    /** FAT directories hold at most 65536 entries of 32 bytes. */
    static final int MAX_DIR_BYTES = 65536 * 32;
    private static final int MAX_CACHED_DIRS = 128;
    /** Bounds the cache by entries too: 128 hostile directories of 65536 entries each would not fit in memory. */
    private static final int MAX_CACHED_ENTRIES = 100_000;

    private final FatVolume volume;
    private final FatBootSector boot;
    private final FatTable fat;
    private final Map<Long, List<FatDirectoryEntry>> dirCache = new LinkedHashMap<>(32, 0.75f, true);
    private int cachedEntries;

    FatDirectories(FatVolume volume, FatBootSector boot, FatTable fat) {
        this.volume = volume;
        this.boot = boot;
        this.fat = fat;
    }

    /** Reads the root directory (and caches it): its entries and the volume label it holds. */
    FatDirectoryEntry.Parsed root(FatDirectoryEntry root) throws IOException {
        FatDirectoryEntry.Parsed parsed = read(root, "/");
        cache(root.firstCluster(), parsed.entries());
        return parsed;
    }

    /** FAT knows directories and files only. */
    @Override
    public FileType typeOf(FatDirectoryEntry node) {
        return node.isDirectory() ? FileType.DIRECTORY : FileType.REGULAR;
    }

    /** FAT names compare case-insensitively, long or 8.3 alike ({@link FatDirectoryEntry#matches}). */
    @Override
    public Optional<FatDirectoryEntry> child(FatDirectoryEntry dir, String name) throws IOException {
        for (FatDirectoryEntry e : list(dir, dir.name())) {
            if (e.matches(name)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /** Listed by long name; the inode number shown is the first cluster. */
    @Override
    public List<DirEntry> entries(FatDirectoryEntry dir) throws IOException {
        List<DirEntry> out = new ArrayList<>();
        for (FatDirectoryEntry e : list(dir, dir.name())) {
            out.add(new DirEntry(e.name(), typeOf(e), e.firstCluster()));
        }
        return out;
    }

    /** The entries of {@code dir} (whose path is {@code path}, for errors), from the cache or the volume. */
    private List<FatDirectoryEntry> list(FatDirectoryEntry dir, String path) throws IOException {
        long key = dir.firstCluster();
        synchronized (dirCache) {
            List<FatDirectoryEntry> cached = dirCache.get(key);
            if (cached != null) {
                return cached;
            }
        }
        List<FatDirectoryEntry> list = read(dir, path).entries();
        cache(key, list);
        return list;
    }

    private void cache(long key, List<FatDirectoryEntry> list) {
        synchronized (dirCache) {
            List<FatDirectoryEntry> old = dirCache.put(key, list);
            cachedEntries += list.size() - (old == null ? 0 : old.size());
            var eldest = dirCache.entrySet().iterator();
            while ((dirCache.size() > MAX_CACHED_DIRS || cachedEntries > MAX_CACHED_ENTRIES) && dirCache.size() > 1) {
                var e = eldest.next();
                if (e.getKey() == key) {
                    continue;
                }
                cachedEntries -= e.getValue().size();
                eldest.remove();
            }
        }
    }

    /** Reads a whole directory: the fixed FAT12/16 root region, or a cluster chain of at most {@link #MAX_DIR_BYTES}. */
    private FatDirectoryEntry.Parsed read(FatDirectoryEntry dir, String path) throws IOException {
        if (dir.firstCluster() == 0) {
            if (boot.bits() == 32) {
                throw new DiskException(ErrorKind.CORRUPT, "FAT directory " + path, volume.base() + dir.entryOffset(), "directory has no first cluster");
            }
            long at = boot.rootDirOffset();
            int len = (int) boot.rootDirBytes();
            ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
            volume.readFully(at, b, "FAT root directory");
            b.flip();
            long[] offsets = new long[len / 32];
            for (int i = 0; i < offsets.length; i++) {
                offsets[i] = at + 32L * i;
            }
            return FatDirectoryEntry.parse(b, offsets);
        }
        int cs = boot.clusterSize();
        int maxClusters = Math.max(1, MAX_DIR_BYTES / cs);
        List<Long> chain = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        long c = dir.firstCluster();
        String what = "directory " + path;
        if (!fat.validCluster(c)) {
            throw new DiskException(ErrorKind.CORRUPT, "FAT directory " + path, volume.base() + dir.entryOffset(), "first cluster " + c
                    + " outside the volume's clusters 2.." + (boot.clusterCount() + 1));
        }
        while (c != -1) {
            if (!seen.add(c)) {
                throw new DiskException(ErrorKind.CORRUPT, "FAT cluster chain of " + what, volume.base() + fat.entryOffset(chain.get(chain.size() - 1)),
                        "chain loops back to cluster " + c);
            }
            if (chain.size() >= maxClusters) {
                throw new DiskException(ErrorKind.CORRUPT, "FAT cluster chain of " + what, volume.base() + fat.entryOffset(c),
                        "directory is longer than " + MAX_DIR_BYTES + " bytes (65536 entries), the FAT limit");
            }
            chain.add(c);
            c = fat.next(c, what);
        }
        ByteBuffer b = ByteBuffer.allocate(chain.size() * cs).order(ByteOrder.LITTLE_ENDIAN);
        long[] offsets = new long[chain.size() * cs / 32];
        int slot = 0;
        for (long cl : chain) {
            long at = boot.clusterOffset(cl);
            ByteBuffer view = b.duplicate();
            view.limit(view.position() + cs);
            volume.readFully(at, view, "FAT directory " + path);
            b.position(b.position() + cs);
            for (int i = 0; i < cs / 32; i++) {
                offsets[slot++] = at + 32L * i;
            }
        }
        b.flip();
        return FatDirectoryEntry.parse(b, offsets);
    }
}
