package io.vhdflow.disk.fs.ntfs;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;

import java.util.ArrayList;
import java.util.List;

/**
 * One run of a non-resident attribute: {@code length} clusters starting at virtual cluster
 * {@code vcn}, stored at logical cluster {@code lcn}, or a hole (sparse, reads as zeros) when
 * {@code lcn} is {@link #SPARSE}.
 *
 * <p>Runlist encoding (mapping pairs): each run starts with a header byte whose low nibble is
 * the size in bytes of the run length (unsigned) and whose high nibble is the size of the LCN
 * delta (signed, relative to the previous run's LCN; 0 bytes = sparse). A zero header ends the list.
 */
record DataRun(long vcn, long lcn, long length) {
    static final long SPARSE = -1;

    /** Largest VCN / cluster count accepted (NTFS addresses at most 2^48 clusters per file in practice). */
    private static final long MAX_CLUSTERS = 1L << 48;

    boolean sparse() {
        return lcn == SPARSE;
    }

    /**
     * Decodes mapping pairs from {@code buf[start, end)}.
     *
     * @param startVcn      the attribute extent's first VCN
     * @param totalClusters clusters in the volume: runs beyond it are corruption
     * @param abs           absolute byte offset of {@code buf[0]}, for errors
     */
    static List<DataRun> decode(byte[] buf, int start, int end, long startVcn, long totalClusters, String structure,
                                long abs) throws DiskException {
        List<DataRun> runs = new ArrayList<>();
        long vcn = startVcn;
        long lcn = 0;
        int p = start;
        while (true) {
            if (p >= end) {
                throw new DiskException(ErrorKind.CORRUPT, structure, abs + p, "runlist is not terminated inside the attribute");
            }
            int h = buf[p] & 0xFF;
            if (h == 0) {
                break;
            }
            int lenSize = h & 0x0F;
            int offSize = h >>> 4;
            if (lenSize == 0 || lenSize > 8 || offSize > 8 || p + 1 + lenSize + offSize > end) {
                throw new DiskException(ErrorKind.CORRUPT, structure, abs + p, "malformed runlist header byte 0x" + Integer.toHexString(h));
            }
            long len = 0;
            for (int i = lenSize - 1; i >= 0; i--) {
                len = len << 8 | (buf[p + 1 + i] & 0xFF);
            }
            if (len <= 0 || len > MAX_CLUSTERS || vcn + len > MAX_CLUSTERS) {
                throw new DiskException(ErrorKind.CORRUPT, structure, abs + p, "run length " + len + " clusters is invalid");
            }
            if (offSize == 0) {
                runs.add(new DataRun(vcn, SPARSE, len));
            } else {
                long delta = buf[p + lenSize + offSize] ; // sign from the most significant byte
                for (int i = offSize - 2; i >= 0; i--) {
                    delta = delta << 8 | (buf[p + 1 + lenSize + i] & 0xFF);
                }
                lcn += delta;
                if (lcn < 0 || lcn >= totalClusters || len > totalClusters - lcn) {
                    throw new DiskException(ErrorKind.CORRUPT, structure, abs + p, "run at VCN " + vcn + " points to clusters " + lcn
                            + ".." + (lcn + len - 1) + ", outside the volume of " + totalClusters + " clusters");
                }
                runs.add(new DataRun(vcn, lcn, len));
            }
            vcn += len;
            p += 1 + lenSize + offSize;
        }
        return runs;
    }
}
