package io.vhdflow.disk.container;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.Finding;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Optional;

/**
 * One hosted sparse VMDK extent (monolithicSparse, streamOptimized, a twoGbMaxExtentSparse
 * piece) as flat bytes: grain → grain directory entry → grain table → grain. Field layout in
 * {@link VmdkSparseHeader}. Opening reads the grain directory and every grain table once,
 * validating each entry and collecting the allocated grains; reads go through a small cache of
 * grain tables and of inflated grains.
 */
final class VmdkSparseExtent extends MappedDiskSource {
    /** Grain directory entries held at most (8 MiB). */
    static final long MAX_GD_ENTRIES = 2L << 20;
    static final long GT_CACHE_BYTES = 4L << 20;
    static final long GRAIN_CACHE_BYTES = 4L << 20;
    static final long ZEROED_GRAIN = 1;

    private final VmdkSparseHeader header;
    private final int[] gd;
    private final long grainBytes;
    private final long gtBytes;
    private final long fileSize;
    private final BlockCache tables = new BlockCache(GT_CACHE_BYTES);
    private final BlockCache grains = new BlockCache(GRAIN_CACHE_BYTES);
    private final Inflation inflation;
    private final RangeList allocated = new RangeList();
    private long dataGrains;

    private VmdkSparseExtent(ByteSource file, VmdkSparseHeader header, int[] gd, Inflation inflation, String name) {
        super(file, header.capacity() * 512, Optional.empty(), name);
        this.header = header;
        this.gd = gd;
        this.grainBytes = header.grainBytes();
        this.gtBytes = header.gtesPerGt() * 4;
        this.fileSize = file.size();
        this.inflation = inflation;
    }

    VmdkSparseHeader header() {
        return header;
    }

    RangeList allocated() {
        return allocated;
    }

    long dataGrains() {
        return dataGrains;
    }

    /**
     * Opens the sparse extent in {@code file}, whose header is at 0 (and, for a streamOptimized
     * extent written by VMware, whose grain directory is named by the footer near the end).
     */
    static VmdkSparseExtent open(ByteSource file, Inflation inflation, String name, List<Finding> findings)
            throws IOException {
        String s = "VMDK sparse header of " + name;
        VmdkSparseHeader h = VmdkSparseHeader.parse(file.readBytes(0, VmdkSparseHeader.SIZE, s), 0, s);
        if (h.gdOffset() == VmdkSparseHeader.GD_AT_END) {
            h = footer(file, h, name);
        }
        if (h.uncleanShutdown()) {
            findings.add(new Finding("vmdk.unclean-shutdown", 72, name + ": the unclean-shutdown flag is set; the"
                    + " extent was not closed cleanly and may miss recent writes"));
        }
        long gtCoverage = h.grainSize() * h.gtesPerGt();
        long gdEntries = (h.capacity() + gtCoverage - 1) / gtCoverage;
        if (gdEntries > MAX_GD_ENTRIES) {
            throw new DiskException(ErrorKind.LIMIT_EXCEEDED, s, 20, gdEntries + " grain directory entries exceed the "
                    + MAX_GD_ENTRIES + " this reader holds (grains of " + h.grainSize() + " sectors are too small for"
                    + " this capacity)");
        }
        long gdAt = h.gdOffset() * 512;
        if (h.gdOffset() <= 0 || gdAt > file.size() - gdEntries * 4) {
            throw new DiskException(ErrorKind.CORRUPT, s, 56, "the grain directory at sector "
                    + Long.toUnsignedString(h.gdOffset()) + " (" + gdEntries + " entries) lies outside the file ("
                    + file.size() + " bytes)");
        }
        ByteBuffer b = file.readBuffer(gdAt, (int) (gdEntries * 4), "VMDK grain directory of " + name)
                .order(ByteOrder.LITTLE_ENDIAN);
        int[] gd = new int[(int) gdEntries];
        for (int i = 0; i < gdEntries; i++) {
            gd[i] = b.getInt(i * 4);
        }
        VmdkSparseExtent x = new VmdkSparseExtent(file, h, gd, inflation, name);
        x.walk(gdAt);
        return x;
    }

    /** The header copy at the end of a streamOptimized extent: footer marker, footer, end-of-stream marker. */
    private static VmdkSparseHeader footer(ByteSource file, VmdkSparseHeader first, String name) throws IOException {
        String s = "VMDK footer of " + name;
        long size = file.size();
        if (!first.markers() || size < 3 * 512 + VmdkSparseHeader.SIZE) {
            throw new DiskException(ErrorKind.CORRUPT, s, 56, "the header puts the grain directory at the end, but the"
                    + " extent has no markers or is too short for a footer");
        }
        ByteBuffer marker = file.readBuffer(size - 1536, 512, s).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer eos = file.readBuffer(size - 512, 512, s).order(ByteOrder.LITTLE_ENDIAN);
        if (marker.getInt(8) != 0 || marker.getInt(12) != 3 || eos.getLong(0) != 0 || eos.getInt(12) != 0) {
            throw new DiskException(ErrorKind.TRUNCATED, s, size - 1536, "no footer marker and end-of-stream marker in"
                    + " the last 1536 bytes: the stream was cut short (an incomplete download or export?)");
        }
        VmdkSparseHeader f = VmdkSparseHeader.parse(file.readBytes(size - 1024, 512, s), size - 1024, s);
        if (f.gdOffset() == VmdkSparseHeader.GD_AT_END) {
            throw new DiskException(ErrorKind.CORRUPT, s, size - 1024 + 56, "the footer does not say where the grain"
                    + " directory is either");
        }
        return f;
    }

    /** Reads each grain table once: validates every entry and collects the allocated grains. */
    private void walk(long gdAt) throws IOException {
        long grains = (header.capacity() + header.grainSize() - 1) / header.grainSize();
        long tableBytes = 0;
        for (int i = 0; i < gd.length; i++) {
            long gt = Integer.toUnsignedLong(gd[i]);
            if (gt == 0) {
                continue;
            }
            tableBytes += gtBytes;
            if (gt * 512 > fileSize - gtBytes || tableBytes > fileSize) {
                throw new DiskException(ErrorKind.CORRUPT, "VMDK grain directory entry " + i + " of " + describe(),
                        gdAt + 4L * i, "grain table at sector " + gt + " lies outside the file, or the directory"
                        + " points at more table bytes than the file holds");
            }
            ByteBuffer t = ByteBuffer.wrap(table(i)).order(ByteOrder.LITTLE_ENDIAN);
            for (int j = 0; j < header.gtesPerGt(); j++) {
                long grain = (long) i * header.gtesPerGt() + j;
                if (grain >= grains) {
                    break;
                }
                long g = Integer.toUnsignedLong(t.getInt(j * 4));
                if (g == 0 || (g == ZEROED_GRAIN && zeroedGrains())) {
                    continue;
                }
                if (g * 512 >= fileSize) {
                    throw new DiskException(ErrorKind.CORRUPT, "VMDK grain table entry of " + describe(),
                            gt * 512 + 4L * j, "grain " + grain + " at sector " + g + " lies beyond the end of the file ("
                            + fileSize + " bytes)");
                }
                dataGrains++;
                allocated.add(grain * grainBytes, grainBytes);
            }
        }
    }

    private boolean zeroedGrains() {
        return (header.flags() & VmdkSparseHeader.FLAG_ZEROED_GRAINS) != 0;
    }

    private byte[] table(int i) throws IOException {
        long at = Integer.toUnsignedLong(gd[i]) * 512;
        return tables.get(at, k -> file().readBytes(k, (int) gtBytes, "VMDK grain table " + i + " of " + describe()));
    }

    @Override
    Run locate(long offset, long max) throws IOException {
        long grain = offset / grainBytes;
        long within = offset % grainBytes;
        int table = (int) (grain / header.gtesPerGt());
        int index = (int) (grain % header.gtesPerGt());
        if (gd[table] == 0) {
            long coverEnd = (table + 1L) * header.gtesPerGt() * grainBytes;
            return Run.zero(Math.min(max, coverEnd - offset));
        }
        ByteBuffer t = ByteBuffer.wrap(table(table)).order(ByteOrder.LITTLE_ENDIAN);
        long g = Integer.toUnsignedLong(t.getInt(index * 4));
        long length = Math.min(max, grainBytes - within);
        if (g == 0 || (g == ZEROED_GRAIN && zeroedGrains())) {
            return Run.zero(length);
        }
        if (header.compressed()) {
            return Run.compressed(length, grain << 32 | g, within);
        }
        // Uncompressed grains that follow one another in the file too are one run.
        long run = grainBytes - within;
        for (int j = index + 1; j < header.gtesPerGt() && run < max; j++) {
            if (Integer.toUnsignedLong(t.getInt(j * 4)) != g + (j - index) * header.grainSize()) {
                break;
            }
            run += grainBytes;
        }
        return Run.data(Math.min(max, run), g * 512 + within);
    }

    @Override
    void readCompressed(Run run, ByteBuffer dst, int len) throws IOException {
        long grain = run.host() >>> 32;
        long sector = run.host() & 0xFFFF_FFFFL;
        byte[] data = grains.get(sector, k -> inflate(grain, sector));
        dst.put(data, (int) run.within(), len);
    }

    private byte[] inflate(long grain, long sector) throws IOException {
        long at = sector * 512;
        String what = "VMDK compressed grain " + grain + " of " + describe();
        long dataAt = at;
        long length;
        if (header.markers()) {
            ByteBuffer m = file().readBuffer(at, 12, what).order(ByteOrder.LITTLE_ENDIAN);
            long lba = m.getLong(0);
            length = Integer.toUnsignedLong(m.getInt(8));
            if (lba != grain * header.grainSize()) {
                throw new DiskException(ErrorKind.CORRUPT, what, at, "the grain marker says sector " + lba + ", the grain"
                        + " table says " + grain * header.grainSize());
            }
            if (length == 0 || length > 2 * grainBytes + 1024 || length > fileSize - at - 12) {
                throw new DiskException(ErrorKind.CORRUPT, what, at + 8, "compressed size " + length + " is empty, far"
                        + " larger than a grain, or runs past the end of the file");
            }
            dataAt = at + 12;
        } else {
            length = Math.min(2 * grainBytes + 1024, fileSize - at);
        }
        byte[] src = file().readBytes(dataAt, (int) length, what);
        byte[] out = new byte[(int) grainBytes];
        long inExtent = Math.min(grainBytes, size() - grain * grainBytes);
        inflation.inflate(Inflation.Algorithm.ZLIB, src, (int) length, out, (int) grainBytes, (int) inExtent, what, dataAt);
        return out;
    }

    @Override
    String dataStructure(long virtualOffset) {
        return "VMDK grain " + virtualOffset / grainBytes + " of " + describe();
    }
}
