package io.vhdflow.disk.fs.fat;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.container.ByteSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * A file's content through its cluster chain. The chain is followed lazily, only as far as a
 * read needs, and remembered as runs of consecutive clusters (one per fragment), so a read at any
 * position maps to the disk without walking the chain again. Ending early, leaving the volume or
 * revisiting a cluster is a {@link DiskException}.
 */
final class FatChainSource implements ByteSource {
    /** More fragments than this in one file is treated as hostile, not allocated. */
    private static final int MAX_RUNS = 1 << 20;
    private final FatVolume volume;
    private final FatBootSector boot;
    private final FatTable fat;
    private final FatDirectoryEntry file;
    private final String path;
    // Clusters already visited; a BitSet stays small because cluster numbers are bounded by the volume.
    private final BitSet seen = new BitSet();
    /** Fragments found so far: first cluster of each, and the file's cluster index it starts at. */
    private final List<long[]> runs = new ArrayList<>();
    private long clustersKnown;
    private long lastCluster;

    FatChainSource(FatVolume volume, FatBootSector boot, FatTable fat, FatDirectoryEntry file, String path)
            throws DiskException {
        this.volume = volume;
        this.boot = boot;
        this.fat = fat;
        this.file = file;
        this.path = path;
        long first = file.firstCluster();
        if (file.size() > 0) {
            if (!fat.validCluster(first)) {
                throw new DiskException(ErrorKind.CORRUPT, "FAT file " + path, volume.base() + file.entryOffset(),
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
        volume.readFully(boot.clusterOffset(cluster) + within, dst.slice(dst.position(), n), "FAT file " + path);
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
        long next = fat.next(lastCluster, path);
        if (next == -1) {
            throw new DiskException(ErrorKind.CORRUPT, "FAT cluster chain of " + path, volume.base() + fat.entryOffset(lastCluster),
                    "chain ends after " + clustersKnown + " clusters but the file is " + file.size() + " bytes");
        }
        if (seen.get((int) next)) {
            throw new DiskException(ErrorKind.CORRUPT, "FAT cluster chain of " + path, volume.base() + fat.entryOffset(lastCluster),
                    "chain loops back to cluster " + next);
        }
        seen.set((int) next);
        if (next != lastCluster + 1) {
            if (runs.size() >= MAX_RUNS) {
                throw new DiskException(ErrorKind.LIMIT_EXCEEDED, "FAT cluster chain of " + path,
                        volume.base() + fat.entryOffset(lastCluster), "more than " + MAX_RUNS + " fragments");
            }
            runs.add(new long[] {clustersKnown, next});
        }
        clustersKnown++;
        lastCluster = next;
    }
}
