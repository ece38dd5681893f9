package io.vhdflow.disk.fs.fat;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.Finding;
import io.vhdflow.disk.container.ByteSource;
import io.vhdflow.disk.fs.DirEntry;
import io.vhdflow.disk.fs.FileAttributes;
import io.vhdflow.disk.fs.FileType;
import io.vhdflow.disk.fs.NodeFilesystem;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.FileSystemException;
import java.nio.file.NotLinkException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Read-only FAT12/16/32 with VFAT long names: enough for the EFI System Partition
 * ({@code /EFI/BOOT/BOOTX64.EFI}, {@code /EFI/ubuntu/grub.cfg}, the Windows boot manager).
 * Names match case-insensitively against the long or the short (8.3) name; {@code \} separates
 * like {@code /}.
 *
 * <p>Hostile input: every cluster number is checked against the volume, directory chains are cut
 * at 65536 entries (the FAT limit) and checked for loops, a file chain is followed only as far as
 * its size needs and must not revisit a cluster. Thread-safe.
 */
public final class FatFilesystem extends NodeFilesystem<FatDirectoryEntry> {
    /** FAT directories hold at most 65536 entries of 32 bytes. */
    static final int MAX_DIR_BYTES = 65536 * 32;
    private static final int MAX_CACHED_DIRS = 128;
    /** Bounds the cache by entries too: 128 hostile directories of 65536 entries each would not fit in memory. */
    private static final int MAX_CACHED_ENTRIES = 100_000;

    private final ByteSource volume;
    private final FatBootSector boot;
    private final FatTable fat;
    private final long base;
    private final Optional<String> label;
    private final List<Finding> findings;
    private final FatDirectoryEntry root;
    private final Map<Long, List<FatDirectoryEntry>> dirCache = new LinkedHashMap<>(32, 0.75f, true);
    private int cachedEntries;

    private FatFilesystem(ByteSource volume, FatBootSector boot, long base) throws IOException {
        super(PathSyntax.WINDOWS);
        this.volume = volume;
        this.boot = boot;
        this.base = base;
        this.fat = new FatTable(volume, boot, base);
        this.root = new FatDirectoryEntry("/", "/", FatDirectoryEntry.ATTR_DIRECTORY, boot.bits() == 32 ? boot.rootCluster() : 0,
                0, Optional.empty(), Optional.empty(), Optional.empty(), -1);
        List<Finding> f = new ArrayList<>();
        if (boot.volumeBytes() > volume.size()) {
            f.add(new Finding("fat.truncated", base, "the boot sector describes " + boot.volumeBytes()
                    + " bytes but the volume holds " + volume.size() + "; files past the end cannot be read"));
        }
        checkDirtyBits(f);
        FatDirectoryEntry.Parsed rootDir = readDirectory(root, "/");
        cache(root.firstCluster(), rootDir.entries());
        this.label = rootDir.volumeLabel().or(boot::label);
        this.findings = List.copyOf(f);
    }

    /** True when {@code volume} starts with a valid FAT boot sector. */
    public static boolean probe(ByteSource volume) throws IOException {
        if (volume.size() < 512) {
            return false;
        }
        ByteBuffer b = volume.readBuffer(0, 512, "FAT boot sector");
        if ((b.get(510) & 0xFF) != 0x55 || (b.get(511) & 0xFF) != 0xAA) {
            return false;
        }
        try {
            FatBootSector.read(volume);
            return true;
        } catch (DiskException e) {
            return false;
        }
    }

    /** Opens the FAT filesystem on {@code volume}. */
    public static FatFilesystem open(ByteSource volume) throws IOException {
        return open(volume, 0);
    }

    /**
     * Opens the FAT filesystem on {@code volume}.
     *
     * @param base absolute offset of the volume in the disk, added to offsets in errors and findings
     */
    public static FatFilesystem open(ByteSource volume, long base) throws IOException {
        FatBootSector boot;
        try {
            boot = FatBootSector.read(volume);
        } catch (DiskException e) {
            throw new DiskException(ErrorKind.CORRUPT, e.structure(), base + e.offset(), problemOf(e));
        }
        return new FatFilesystem(volume, boot, base);
    }

    /** Reads from the volume, reporting a failure at its absolute disk offset rather than the volume's. */
    static void readFully(ByteSource volume, long base, long at, ByteBuffer dst, String structure) throws IOException {
        try {
            volume.readFully(at, dst, structure);
        } catch (DiskException e) {
            throw new DiskException(ErrorKind.CORRUPT, structure, base + at, problemOf(e), e);
        }
    }

    private static String problemOf(DiskException e) {
        String m = e.getMessage();
        int i = m.indexOf(": ");
        return i >= 0 ? m.substring(i + 2) : m;
    }

    /** FAT[1] carries "cleanly unmounted" and "no I/O errors" bits on FAT16 and FAT32. */
    private void checkDirtyBits(List<Finding> f) throws IOException {
        if (boot.bits() == 12) {
            return;
        }
        long v = fat.get(1);
        long clean = boot.bits() == 16 ? 0x8000 : 0x08000000L;
        long noErrors = boot.bits() == 16 ? 0x4000 : 0x04000000L;
        if ((v & clean) == 0) {
            f.add(new Finding("fat.not-cleanly-unmounted", base + fat.entryOffset(1),
                    "the volume was not cleanly unmounted (FAT[1] clean bit is clear)"));
        }
        if ((v & noErrors) == 0) {
            f.add(new Finding("fat.io-errors", base + fat.entryOffset(1),
                    "the last mount reported I/O errors (FAT[1] error bit is clear)"));
        }
    }

    @Override
    public String type() {
        return "fat" + boot.bits();
    }

    @Override
    public Optional<String> label() {
        return label;
    }

    @Override
    public Optional<String> uuid() {
        return boot.serial().map(s -> String.format("%04X-%04X", s >>> 16, s & 0xFFFF));
    }

    @Override
    public List<Finding> findings() {
        return findings;
    }

    /** Number of data clusters; cluster size in bytes. Informative. */
    public long clusterCount() {
        return boot.clusterCount();
    }

    public int clusterSize() {
        return boot.clusterSize();
    }

    // ------------------------------------------------------------------ node API

    @Override
    protected FatDirectoryEntry root() {
        return root;
    }

    /** FAT names compare case-insensitively, long or 8.3 alike ({@link FatDirectoryEntry#matches}). */
    @Override
    protected Optional<FatDirectoryEntry> child(FatDirectoryEntry dir, String name) throws IOException {
        for (FatDirectoryEntry e : entries(dir, dir.name())) {
            if (e.matches(name)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    @Override
    protected FileType typeOf(FatDirectoryEntry node) {
        return node.isDirectory() ? FileType.DIRECTORY : FileType.REGULAR;
    }

    @Override
    protected List<DirEntry> entries(FatDirectoryEntry dir) throws IOException {
        List<DirEntry> out = new ArrayList<>();
        for (FatDirectoryEntry e : entries(dir, dir.name())) {
            out.add(new DirEntry(e.name(), typeOf(e), e.firstCluster()));
        }
        return out;
    }

    @Override
    protected FileAttributes attributesOf(FatDirectoryEntry e) {
        return new FileAttributes(typeOf(e), e.size(), 0, 0, 0,
                e.modified(), e.accessed(), Optional.empty(), e.created(), e.firstCluster(), 1);
    }

    /** FAT has no symbolic links: {@link #typeOf} never says SYMLINK, so this is never reached by a walk. */
    @Override
    protected String linkTarget(FatDirectoryEntry link) throws IOException {
        throw new NotLinkException(link.name(), null, "FAT has no symbolic links");
    }

    @Override
    protected ByteSource content(FatDirectoryEntry file, String path) throws IOException {
        return new ChainSource(file, path);
    }

    private List<FatDirectoryEntry> entries(FatDirectoryEntry dir, String path) throws IOException {
        long key = dir.firstCluster();
        synchronized (dirCache) {
            List<FatDirectoryEntry> cached = dirCache.get(key);
            if (cached != null) {
                return cached;
            }
        }
        List<FatDirectoryEntry> list = readDirectory(dir, path).entries();
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
    private FatDirectoryEntry.Parsed readDirectory(FatDirectoryEntry dir, String path) throws IOException {
        if (dir.firstCluster() == 0) {
            if (boot.bits() == 32) {
                throw new DiskException(ErrorKind.CORRUPT, "FAT directory " + path, base + dir.entryOffset(), "directory has no first cluster");
            }
            long at = boot.rootDirOffset();
            int len = (int) boot.rootDirBytes();
            ByteBuffer b = ByteBuffer.allocate(len).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            readFully(volume, base, at, b, "FAT root directory");
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
            throw new DiskException(ErrorKind.CORRUPT, "FAT directory " + path, base + dir.entryOffset(), "first cluster " + c
                    + " outside the volume's clusters 2.." + (boot.clusterCount() + 1));
        }
        while (c != -1) {
            if (!seen.add(c)) {
                throw new DiskException(ErrorKind.CORRUPT, "FAT cluster chain of " + what, base + fat.entryOffset(chain.get(chain.size() - 1)),
                        "chain loops back to cluster " + c);
            }
            if (chain.size() >= maxClusters) {
                throw new DiskException(ErrorKind.CORRUPT, "FAT cluster chain of " + what, base + fat.entryOffset(c),
                        "directory is longer than " + MAX_DIR_BYTES + " bytes (65536 entries), the FAT limit");
            }
            chain.add(c);
            c = fat.next(c, what, base);
        }
        ByteBuffer b = ByteBuffer.allocate(chain.size() * cs).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long[] offsets = new long[chain.size() * cs / 32];
        int slot = 0;
        for (long cl : chain) {
            long at = boot.clusterOffset(cl);
            ByteBuffer view = b.duplicate();
            view.limit(view.position() + cs);
            readFully(volume, base, at, view, "FAT directory " + path);
            b.position(b.position() + cs);
            for (int i = 0; i < cs / 32; i++) {
                offsets[slot++] = at + 32L * i;
            }
        }
        b.flip();
        return FatDirectoryEntry.parse(b, offsets);
    }

    /**
     * A file's content through its cluster chain. The chain is followed lazily, only as far as a
     * read needs, and remembered as runs of consecutive clusters (one per fragment), so a read at any
     * position maps to the disk without walking the chain again. Ending early, leaving the volume or
     * revisiting a cluster is a {@link DiskException}.
     */
    private final class ChainSource implements ByteSource {
        /** More fragments than this in one file is treated as hostile, not allocated. */
        private static final int MAX_RUNS = 1 << 20;
        private final FatDirectoryEntry file;
        private final String path;
        // Clusters already visited; a BitSet stays small because cluster numbers are bounded by the volume.
        private final java.util.BitSet seen = new java.util.BitSet();
        /** Fragments found so far: first cluster of each, and the file's cluster index it starts at. */
        private final List<long[]> runs = new ArrayList<>();
        private long clustersKnown;
        private long lastCluster;

        ChainSource(FatDirectoryEntry file, String path) throws DiskException {
            this.file = file;
            this.path = path;
            long first = file.firstCluster();
            if (file.size() > 0) {
                if (!fat.validCluster(first)) {
                    throw new DiskException(ErrorKind.CORRUPT, "FAT file " + path, base + file.entryOffset(),
                            "first cluster " + first + " outside the volume's clusters 2.." + (boot.clusterCount() + 1)
                                    + " for a file of " + file.size() + " bytes");
                }
                seen.set((int) first);
                runs.add(new long[] {0, first});
                clustersKnown = 1;
                lastCluster = first;
            }
        }

        @Override
        public long size() {
            return file.size();
        }

        @Override
        public String describe() {
            return "fat:" + path;
        }

        @Override
        public synchronized int read(long pos, ByteBuffer dst) throws IOException {
            int len = ByteSource.readableLength(pos, dst.remaining(), file.size());
            if (len <= 0) {
                return len;
            }
            int cs = boot.clusterSize();
            long index = pos / cs;
            while (clustersKnown <= index) {
                advance();
            }
            long[] run = runs.get(runFor(index));
            long cluster = run[1] + (index - run[0]);
            int within = (int) (pos % cs);
            int n = (int) Math.min(len, cs - within);
            FatFilesystem.readFully(volume, base, boot.clusterOffset(cluster) + within, dst.slice(dst.position(), n), "FAT file " + path);
            dst.position(dst.position() + n);
            return n;
        }

        /** The run holding the file's cluster {@code index} (runs are in file order). */
        private int runFor(long index) {
            int lo = 0;
            int hi = runs.size() - 1;
            while (lo < hi) {
                int mid = (lo + hi + 1) >>> 1;
                if (runs.get(mid)[0] <= index) {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
            return lo;
        }

        private void advance() throws IOException {
            long next = fat.next(lastCluster, path, base);
            if (next == -1) {
                throw new DiskException(ErrorKind.CORRUPT, "FAT cluster chain of " + path, base + fat.entryOffset(lastCluster),
                        "chain ends after " + clustersKnown + " clusters but the file is " + file.size() + " bytes");
            }
            if (seen.get((int) next)) {
                throw new DiskException(ErrorKind.CORRUPT, "FAT cluster chain of " + path, base + fat.entryOffset(lastCluster),
                        "chain loops back to cluster " + next);
            }
            seen.set((int) next);
            if (next != lastCluster + 1) {
                if (runs.size() >= MAX_RUNS) {
                    throw new DiskException(ErrorKind.LIMIT_EXCEEDED, "FAT cluster chain of " + path,
                            base + fat.entryOffset(lastCluster), "more than " + MAX_RUNS + " fragments");
                }
                runs.add(new long[] {clustersKnown, next});
            }
            clustersKnown++;
            lastCluster = next;
        }
    }
}
