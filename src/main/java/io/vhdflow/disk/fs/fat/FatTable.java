package io.vhdflow.disk.fs.fat;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The active file allocation table, read on demand through a small bounded block cache (a FAT32
 * table can be megabytes; only the parts a chain touches are read).
 */
final class FatTable {
    private static final int BLOCK = 4096;
    private static final int MAX_CACHED_BLOCKS = 256;

    private final FatVolume volume;
    private final FatBootSector boot;
    private final long fatOffset;
    private final long fatBytes;
    private final Map<Long, byte[]> cache = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
            return size() > MAX_CACHED_BLOCKS;
        }
    };

    FatTable(FatVolume volume, FatBootSector boot) {
        this.volume = volume;
        this.boot = boot;
        this.fatOffset = boot.fatOffset();
        this.fatBytes = boot.fatSectors() * boot.bytesPerSector();
        long size = volume.bytes().size();
        long inVolume = size > boot.dataOffset() ? (size - boot.dataOffset()) / boot.clusterSize() : 0;
        this.lastCluster = Math.min(boot.clusterCount(), inVolume) + 1;
    }

    /** Highest cluster number that is both in the filesystem and inside the volume's bytes. */
    private final long lastCluster;

    /** Value at or above which an entry marks the end of a chain. */
    long endOfChain() {
        return switch (boot.bits()) {
            case 12 -> 0xFF8;
            case 16 -> 0xFFF8;
            default -> 0x0FFFFFF8L;
        };
    }

    /** Byte offset of the FAT entry for {@code cluster} within the volume, for error messages. */
    long entryOffset(long cluster) {
        return fatOffset + switch (boot.bits()) {
            case 12 -> cluster + cluster / 2;
            case 16 -> cluster * 2;
            default -> cluster * 4;
        };
    }

    /** The raw FAT entry of {@code cluster} (0 free, >= {@link #endOfChain()} end, otherwise the next cluster). */
    long get(long cluster) throws IOException {
        long at = entryOffset(cluster) - fatOffset;
        return switch (boot.bits()) {
            case 12 -> {
                int v = (byte0(at) & 0xFF) | (byte0(at + 1) & 0xFF) << 8;
                yield (cluster & 1) == 0 ? v & 0xFFF : v >>> 4;
            }
            case 16 -> (byte0(at) & 0xFF) | (byte0(at + 1) & 0xFF) << 8;
            default -> ((byte0(at) & 0xFFL) | (byte0(at + 1) & 0xFFL) << 8 | (byte0(at + 2) & 0xFFL) << 16
                    | (byte0(at + 3) & 0xFFL) << 24) & 0x0FFFFFFFL;
        };
    }

    /**
     * The cluster after {@code cluster} in a chain, or -1 at the end of the chain.
     *
     * @param what the chain's owner, e.g. {@code "/EFI/BOOT/BOOTX64.EFI"}, for errors
     */
    long next(long cluster, String what) throws IOException {
        long v = get(cluster);
        if (v >= endOfChain()) {
            return -1;
        }
        if (v < 2 || v > lastCluster) {
            throw new DiskException(ErrorKind.CORRUPT, "FAT cluster chain of " + what, volume.base() + entryOffset(cluster), "cluster " + cluster
                    + " links to " + (v == 0 ? "a free cluster" : v == endOfChain() - 1 ? "a bad cluster" : "cluster " + v)
                    + ", outside the volume's readable clusters 2.." + lastCluster);
        }
        return v;
    }

    boolean validCluster(long c) {
        return c >= 2 && c <= lastCluster;
    }

    private byte byte0(long at) throws IOException {
        if (at < 0 || at >= fatBytes) {
            throw new DiskException(ErrorKind.CORRUPT, "FAT", volume.base() + fatOffset + at, "entry lies beyond the FAT's " + fatBytes + " bytes");
        }
        long block = at / BLOCK;
        byte[] data;
        synchronized (cache) {
            data = cache.get(block);
        }
        if (data == null) {
            long start = fatOffset + block * BLOCK;
            int len = (int) Math.min(BLOCK, fatOffset + fatBytes - start);
            data = new byte[len];
            volume.readFully(start, ByteBuffer.wrap(data), "FAT");
            synchronized (cache) {
                cache.put(block, data);
            }
        }
        return data[(int) (at % BLOCK)];
    }
}
