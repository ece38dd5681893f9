package io.vhdflow.disk.container;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * The virtual disk of a qcow2 image: guest cluster → L1 entry → L2 table → L2 entry. The entries
 * (source: QEMU {@code docs/interop/qcow2.rst}, all big-endian):
 *
 * <pre>
 * L1 entry (64 bits)       bits 9-55 file offset of the L2 table (cluster aligned; 0: not allocated)
 *                          bit 63 refcount-is-one flag; other bits reserved
 * L2 entry (64 bits)       bit 62 compressed, bit 63 refcount-is-one flag
 *   standard cluster       bit 0 reads as zeros (version 3, not with extended L2)
 *                          bits 9-55 host cluster offset (cluster aligned; 0: not allocated)
 *   compressed cluster     x = 62 - (cluster_bits - 8)
 *                          bits 0..x-1 host byte offset of the compressed data (any alignment)
 *                          bits x..61 additional 512-byte sectors it occupies after the first
 * extended L2 entry        the 64 bits above (bit 0 unused), then a 64-bit subcluster bitmap:
 *   (128 bits)             bits 0-31 subcluster allocated, bits 32-63 subcluster reads as zeros;
 *                          32 subclusters a cluster; ignored for compressed clusters
 * </pre>
 *
 * A cluster (subcluster) that is not allocated and not zero comes from the backing file, or reads
 * as zeros without one. L2 tables and inflated clusters are kept in small byte-bounded caches.
 */
final class Qcow2DiskSource extends MappedDiskSource {
    static final long OFFSET_MASK = 0x00FF_FFFF_FFFF_FE00L;
    static final long COMPRESSED = 1L << 62;
    static final long ZERO_FLAG = 1L;
    /** L2 tables cached: 8 MiB (128 tables of 64 KiB, at least 4 of the largest 2 MiB clusters). */
    static final long L2_CACHE_BYTES = 8L << 20;
    /** Inflated clusters cached (reads smaller than a cluster, e.g. by a filesystem parser, hit it). */
    static final long INFLATED_CACHE_BYTES = 4L << 20;

    private final Qcow2Header header;
    private final long[] l1;
    private final int clusterBits;
    private final int clusterSize;
    private final int l2Entries;
    private final int entryBytes;
    private final boolean extended;
    private final int subclusterSize;
    private final int compressedOffsetBits;
    private final long fileSize;
    private final BlockCache l2Cache = new BlockCache(L2_CACHE_BYTES);
    private final BlockCache inflated = new BlockCache(INFLATED_CACHE_BYTES);
    private final Inflation inflation;

    Qcow2DiskSource(ByteSource file, Qcow2Header header, long[] l1, Optional<ByteSource> parent, Inflation inflation,
                    String name) {
        super(file, header.size(), parent, name);
        this.header = header;
        this.l1 = l1;
        this.clusterBits = header.clusterBits();
        this.clusterSize = header.clusterSize();
        this.extended = header.extendedL2();
        this.entryBytes = extended ? 16 : 8;
        this.l2Entries = clusterSize / entryBytes;
        this.subclusterSize = clusterSize / 32;
        this.compressedOffsetBits = 62 - (clusterBits - 8);
        this.fileSize = file.size();
        this.inflation = inflation;
    }

    int l2Entries() {
        return l2Entries;
    }

    /** The L2 table of L1 index {@code i}, cached. */
    byte[] l2Table(int i) throws IOException {
        long at = l1[i];
        return l2Cache.get(at, k -> file().readBytes(k, clusterSize, "qcow2 L2 table " + i));
    }

    @Override
    Run locate(long offset, long max) throws IOException {
        long cluster = offset >>> clusterBits;
        int within = (int) (offset & (clusterSize - 1));
        int l1Index = (int) (cluster / l2Entries);
        int l2Index = (int) (cluster % l2Entries);
        if (l1[l1Index] == 0) {
            long coverEnd = (l1Index + 1L) * l2Entries * clusterSize;
            return Run.parent(Math.min(max, coverEnd - offset));
        }
        byte[] table = l2Table(l1Index);
        ByteBuffer t = ByteBuffer.wrap(table);
        long entry = t.getLong(l2Index * entryBytes);
        long entryAt = l1[l1Index] + (long) l2Index * entryBytes;
        if ((entry & COMPRESSED) != 0) {
            return Run.compressed(Math.min(max, clusterSize - within), entry, within);
        }
        if (extended) {
            return locateSubclusters(entry, t.getLong(l2Index * 16 + 8), within, max, entryAt);
        }
        Run first = standard(entry, within, entryAt);
        // Extend over the following clusters of this table while they continue the same run.
        long length = clusterSize - within;
        long host = first.host();
        for (int i = l2Index + 1; i < l2Entries && length < max; i++) {
            long next = t.getLong(i * 8);
            if ((next & COMPRESSED) != 0) {
                break;
            }
            Run r = standard(next, 0, l1[l1Index] + (long) i * 8);
            if (r.kind() != first.kind() || (r.kind() == Kind.DATA && r.host() != host + length)) {
                break;
            }
            length += clusterSize;
        }
        length = Math.min(length, max);
        return switch (first.kind()) {
            case DATA -> Run.data(length, host);
            case ZERO -> Run.zero(length);
            default -> Run.parent(length);
        };
    }

    /** A standard (uncompressed) L2 entry's meaning at {@code within} of its cluster. */
    private Run standard(long entry, int within, long entryAt) throws DiskException {
        long host = entry & OFFSET_MASK;
        if (!extended && (entry & ZERO_FLAG) != 0 && header.version() == 3) {
            return Run.zero(clusterSize - within);
        }
        if (host == 0) {
            return Run.parent(clusterSize - within);
        }
        checkHost(host, entryAt);
        return Run.data(clusterSize - within, host + within);
    }

    private void checkHost(long host, long entryAt) throws DiskException {
        if ((host & (clusterSize - 1)) != 0 || host >= fileSize) {
            throw new DiskException(ErrorKind.CORRUPT, "qcow2 L2 entry", entryAt, "host cluster offset " + host
                    + " is not cluster aligned or lies beyond the end of the file (" + fileSize + " bytes)");
        }
    }

    private Run locateSubclusters(long entry, long bitmap, int within, long max, long entryAt) throws DiskException {
        long host = entry & OFFSET_MASK;
        int alloc = (int) bitmap;
        int zero = (int) (bitmap >>> 32);
        if ((alloc & zero) != 0) {
            throw new DiskException(ErrorKind.CORRUPT, "qcow2 extended L2 entry", entryAt + 8, String.format(
                    "subclusters 0x%08x are marked both allocated and zero", alloc & zero));
        }
        if (alloc != 0) {
            if (host == 0) {
                throw new DiskException(ErrorKind.CORRUPT, "qcow2 extended L2 entry", entryAt, "subclusters are"
                        + " allocated but the cluster has no host offset");
            }
            checkHost(host, entryAt);
        }
        int sc = within / subclusterSize;
        Kind kind = kindOf(alloc, zero, sc);
        int end = sc + 1;
        while (end < 32 && kindOf(alloc, zero, end) == kind) {
            end++;
        }
        long length = Math.min(max, (long) end * subclusterSize - within);
        return switch (kind) {
            case DATA -> Run.data(length, host + within);
            case ZERO -> Run.zero(length);
            default -> Run.parent(length);
        };
    }

    private static Kind kindOf(int alloc, int zero, int sc) {
        if ((alloc & (1 << sc)) != 0) {
            return Kind.DATA;
        }
        return (zero & (1 << sc)) != 0 ? Kind.ZERO : Kind.PARENT;
    }

    /** File offset and length of a compressed cluster's data, from its L2 entry. */
    long compressedOffset(long entry) {
        return entry & ((1L << compressedOffsetBits) - 1);
    }

    int compressedLength(long entry) {
        long extraSectors = (entry >>> compressedOffsetBits) & ((1L << (clusterBits - 8)) - 1);
        long offset = compressedOffset(entry);
        return (int) ((extraSectors + 1) * 512 - (offset & 511));
    }

    @Override
    void readCompressed(Run run, ByteBuffer dst, int len) throws IOException {
        long entry = run.host();
        long at = compressedOffset(entry);
        byte[] cluster = inflated.get(at, k -> inflate(entry));
        dst.put(cluster, (int) run.within(), len);
    }

    private byte[] inflate(long entry) throws IOException {
        long at = compressedOffset(entry);
        String what = "qcow2 compressed cluster";
        if (at <= 0 || at >= fileSize) {
            throw new DiskException(ErrorKind.CORRUPT, what, at, "compressed data offset lies outside the file ("
                    + fileSize + " bytes)");
        }
        // The descriptor's sector count may run past the end of the file for the last cluster.
        int length = (int) Math.min(compressedLength(entry), fileSize - at);
        byte[] src = file().readBytes(at, length, what);
        byte[] out = new byte[clusterSize];
        inflation.inflate(header.compressionType() == 1 ? Inflation.Algorithm.ZSTD : Inflation.Algorithm.DEFLATE_RAW,
                src, length, out, clusterSize, clusterSize, what, at);
        return out;
    }

    @Override
    String dataStructure(long virtualOffset) {
        return "qcow2 data cluster of virtual byte " + virtualOffset;
    }
}
