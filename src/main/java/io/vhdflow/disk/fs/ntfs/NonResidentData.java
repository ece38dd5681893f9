package io.vhdflow.disk.fs.ntfs;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.container.ByteSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * A non-resident attribute value read through its runlist: plain, sparse (holes read as zeros),
 * or LZNT1-compressed in compression units. Bytes past the initialized size read as zeros.
 * Immutable apart from a one-unit cache of the last decompressed compression unit.
 */
final class NonResidentData implements StreamData {
    private final ByteSource volume;
    private final int clusterSize;
    private final DataRun[] runs;
    private final long dataSize;
    private final long initializedSize;
    private final int compressionUnit;
    private final String structure;
    private final long offset;
    private volatile CachedUnit cached;

    private record CachedUnit(long index, byte[] bytes) {
    }

    /**
     * @param runs            the runs of all extents, in VCN order
     * @param compressionUnit log2 clusters per compression unit, 0 when not compressed
     */
    NonResidentData(ByteSource volume, int clusterSize, List<DataRun> runs, long dataSize, long initializedSize,
                    int compressionUnit, String structure, long offset) throws DiskException {
        this.volume = volume;
        this.clusterSize = clusterSize;
        this.runs = runs.toArray(new DataRun[0]);
        this.dataSize = dataSize;
        this.initializedSize = Math.min(initializedSize, dataSize);
        this.compressionUnit = compressionUnit;
        this.structure = structure;
        this.offset = offset;
        for (int i = 1; i < this.runs.length; i++) {
            if (this.runs[i].vcn() < this.runs[i - 1].vcn() + this.runs[i - 1].length()) {
                throw new DiskException(ErrorKind.CORRUPT, structure, offset, "runs overlap at VCN " + this.runs[i].vcn());
            }
        }
        if (compressionUnit != 0 && (long) clusterSize << compressionUnit > 1 << 20) {
            throw new DiskException(ErrorKind.LIMIT_EXCEEDED, structure, offset, "compression unit of " + ((long) clusterSize << compressionUnit)
                    + " bytes exceeds 1 MiB");
        }
    }

    @Override
    public long size() {
        return dataSize;
    }

    /** Number of runs (extents on disk), for fragmentation reports and tests. */
    int runCount() {
        return runs.length;
    }

    List<DataRun> runs() {
        return List.of(runs);
    }

    /** Absolute offset of byte {@code pos} of the stream, or -1 when it is in a hole or unmapped. */
    long physicalOffset(long pos) {
        DataRun r = find(pos / clusterSize);
        if (r == null || r.sparse()) {
            return -1;
        }
        return r.lcn() * clusterSize + (pos - r.vcn() * clusterSize);
    }

    @Override
    public int read(long pos, byte[] b, int off, int len) throws IOException {
        if (pos < 0) {
            throw new IllegalArgumentException("negative position");
        }
        if (pos >= dataSize) {
            return -1;
        }
        len = (int) Math.min(len, dataSize - pos);
        if (compressionUnit != 0) {
            return readCompressed(pos, b, off, len);
        }
        if (pos >= initializedSize) {
            Arrays.fill(b, off, off + len, (byte) 0);
            return len;
        }
        len = (int) Math.min(len, initializedSize - pos);
        long vcn = pos / clusterSize;
        DataRun r = find(vcn);
        if (r == null) {
            throw new DiskException(ErrorKind.CORRUPT, structure, offset, "byte " + pos + " (VCN " + vcn
                    + ") of the stream is not mapped by its runlist");
        }
        long runEnd = (r.vcn() + r.length()) * clusterSize;
        int n = (int) Math.min(len, runEnd - pos);
        if (r.sparse()) {
            Arrays.fill(b, off, off + n, (byte) 0);
        } else {
            volume.readFully(r.lcn() * clusterSize + (pos - r.vcn() * clusterSize), ByteBuffer.wrap(b, off, n), structure);
        }
        return n;
    }

    private int readCompressed(long pos, byte[] b, int off, int len) throws IOException {
        int unitBytes = clusterSize << compressionUnit;
        long index = pos / unitBytes;
        byte[] unit = unit(index, unitBytes);
        int inUnit = (int) (pos - index * unitBytes);
        int n = Math.min(len, unitBytes - inUnit);
        System.arraycopy(unit, inUnit, b, off, n);
        return n;
    }

    /** The decompressed bytes of compression unit {@code index}. */
    private byte[] unit(long index, int unitBytes) throws IOException {
        CachedUnit c = cached;
        if (c != null && c.index == index) {
            return c.bytes;
        }
        int unitClusters = 1 << compressionUnit;
        long firstVcn = index * unitClusters;
        long unitAbs = -1;
        // Stored clusters of the unit, in VCN order; a hole ends the stored part.
        byte[] stored = new byte[unitBytes];
        int real = 0;
        boolean hole = false;
        for (long vcn = firstVcn; vcn < firstVcn + unitClusters; ) {
            DataRun r = find(vcn);
            if (r == null) {
                if (vcn * clusterSize < dataSize) {
                    // Beyond the runlist but inside the data: treat like a hole only at the very end.
                    hole = true;
                }
                break;
            }
            long k = Math.min(r.vcn() + r.length(), firstVcn + unitClusters) - vcn;
            if (r.sparse()) {
                hole = true;
            } else {
                if (hole) {
                    throw new DiskException(ErrorKind.CORRUPT, structure, offset, "compression unit " + index
                            + " has stored clusters after a hole");
                }
                long at = r.lcn() * clusterSize + (vcn - r.vcn()) * clusterSize;
                if (unitAbs < 0) {
                    unitAbs = at;
                }
                volume.readFully(at, ByteBuffer.wrap(stored, real * clusterSize, (int) k * clusterSize), structure);
                real += (int) k;
            }
            vcn += k;
        }
        byte[] out;
        if (real == 0) {
            out = new byte[unitBytes];
        } else if (real == unitClusters || !hole) {
            out = stored; // a unit that did not compress is stored whole
        } else {
            out = new byte[unitBytes];
            Lznt1.decompress(stored, real * clusterSize, out, structure, unitAbs);
        }
        cached = new CachedUnit(index, out);
        return out;
    }

    private DataRun find(long vcn) {
        int lo = 0;
        int hi = runs.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            DataRun r = runs[mid];
            if (vcn < r.vcn()) {
                hi = mid - 1;
            } else if (vcn >= r.vcn() + r.length()) {
                lo = mid + 1;
            } else {
                return r;
            }
        }
        return null;
    }
}
