package io.vhdflow.disk.fs.ntfs;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.container.ByteSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The NTFS boot sector (sector 0 of the volume), holding the geometry everything else needs.
 *
 * <p>On-disk fields (little-endian), offsets from the start of the volume:
 * <pre>
 *   0x03  8  OEM ID: "NTFS    " ("-FVE-FS-" on a BitLocker volume)
 *   0x0B  2  bytes per sector (256..4096, power of two)
 *   0x0D  1  sectors per cluster: 1..128, or 0xF4..0xFF meaning 2^(256-value) (clusters over 64 KiB)
 *   0x28  8  total sectors of the volume
 *   0x30  8  LCN of $MFT
 *   0x38  8  LCN of $MFTMirr
 *   0x40  1  clusters per MFT record, signed: negative n means 2^-n bytes
 *   0x44  1  clusters per index record, same encoding
 *   0x48  8  volume serial number
 *   0x1FE 2  0x55 0xAA
 * </pre>
 *
 * @param bytesPerSector    sector size
 * @param clusterSize       bytes per cluster
 * @param totalClusters     clusters in the volume (total sectors / sectors per cluster)
 * @param mftLcn            first cluster of $MFT
 * @param mftMirrLcn        first cluster of $MFTMirr
 * @param mftRecordSize     bytes per MFT record
 * @param indexRecordSize   bytes per INDX block
 * @param serialNumber      volume serial number
 */
public record NtfsBootSector(int bytesPerSector, int clusterSize, long totalClusters, long mftLcn, long mftMirrLcn,
                             int mftRecordSize, int indexRecordSize, long serialNumber) {

    static final String STRUCTURE = "NTFS boot sector";
    static final byte[] NTFS_OEM = "NTFS    ".getBytes(StandardCharsets.US_ASCII);
    static final byte[] BITLOCKER_OEM = "-FVE-FS-".getBytes(StandardCharsets.US_ASCII);

    /** Largest cluster Windows supports (2 MiB); anything above is corruption. */
    static final int MAX_CLUSTER = 2 * 1024 * 1024;

    /** True when the source starts with an NTFS boot sector OEM ID and signature. */
    public static boolean probe(ByteSource src) throws java.io.IOException {
        return hasOem(src, NTFS_OEM);
    }

    /** True when the OEM ID at offset 3 is BitLocker's {@code -FVE-FS-}. */
    public static boolean isBitLocker(ByteSource src) throws java.io.IOException {
        return hasOem(src, BITLOCKER_OEM);
    }

    private static boolean hasOem(ByteSource src, byte[] oem) throws java.io.IOException {
        if (src.size() < 512) {
            return false;
        }
        byte[] b = src.readBytes(0, 512, STRUCTURE);
        return java.util.Arrays.equals(b, 3, 11, oem, 0, 8) && (b[510] & 0xFF) == 0x55 && (b[511] & 0xFF) == 0xAA;
    }

    /** Reads and validates the boot sector at offset 0 of {@code src}. */
    public static NtfsBootSector read(ByteSource src) throws java.io.IOException {
        if (isBitLocker(src)) {
            throw new EncryptedVolumeException(STRUCTURE, 3);
        }
        ByteBuffer b = src.readBuffer(0, 512, STRUCTURE);
        byte[] oem = new byte[8];
        b.get(3, oem);
        if (!java.util.Arrays.equals(oem, NTFS_OEM)) {
            throw new DiskException(ErrorKind.CORRUPT, STRUCTURE, 3, "OEM ID is '" + new String(oem, StandardCharsets.ISO_8859_1)
                    + "', not 'NTFS    ': not an NTFS volume");
        }
        if ((b.get(510) & 0xFF) != 0x55 || (b.get(511) & 0xFF) != 0xAA) {
            throw new DiskException(ErrorKind.CORRUPT, STRUCTURE, 510, "missing 0x55AA boot signature");
        }
        int bps = b.getShort(0x0B) & 0xFFFF;
        if (bps < 256 || bps > 4096 || Integer.bitCount(bps) != 1) {
            throw new DiskException(ErrorKind.CORRUPT, STRUCTURE, 0x0B, "bytes per sector " + bps + " is not a power of two in 256..4096");
        }
        int spcRaw = b.get(0x0D) & 0xFF;
        long spc;
        if (spcRaw >= 1 && spcRaw <= 0x80) {
            if (Integer.bitCount(spcRaw) != 1) {
                throw new DiskException(ErrorKind.CORRUPT, STRUCTURE, 0x0D, "sectors per cluster " + spcRaw + " is not a power of two");
            }
            spc = spcRaw;
        } else if (spcRaw >= 0xF4) {
            spc = 1L << (256 - spcRaw);
        } else {
            throw new DiskException(ErrorKind.CORRUPT, STRUCTURE, 0x0D, "invalid sectors-per-cluster value 0x" + Integer.toHexString(spcRaw));
        }
        long cs = spc * bps;
        if (cs > MAX_CLUSTER) {
            throw new DiskException(ErrorKind.CORRUPT, STRUCTURE, 0x0D, "cluster size " + cs + " exceeds the NTFS maximum of 2 MiB");
        }
        int clusterSize = (int) cs;
        long totalSectors = b.getLong(0x28);
        if (totalSectors <= 0) {
            throw new DiskException(ErrorKind.CORRUPT, STRUCTURE, 0x28, "total sector count " + totalSectors + " is not positive");
        }
        long totalClusters = totalSectors / spc;
        long mftLcn = b.getLong(0x30);
        long mirrLcn = b.getLong(0x38);
        if (mftLcn < 0 || mftLcn >= totalClusters) {
            throw new DiskException(ErrorKind.CORRUPT, STRUCTURE, 0x30, "$MFT cluster " + mftLcn + " is outside the volume of "
                    + totalClusters + " clusters");
        }
        int recSize = recordSize(b.get(0x40), clusterSize, 0x40, "MFT record");
        int idxSize = recordSize(b.get(0x44), clusterSize, 0x44, "index record");
        if (recSize < 512 || recSize > 65536) {
            throw new DiskException(ErrorKind.CORRUPT, STRUCTURE, 0x40, "MFT record size " + recSize + " outside 512..65536");
        }
        if (idxSize < 512 || idxSize > 65536) {
            throw new DiskException(ErrorKind.CORRUPT, STRUCTURE, 0x44, "index record size " + idxSize + " outside 512..65536");
        }
        return new NtfsBootSector(bps, clusterSize, totalClusters, mftLcn, mirrLcn, recSize, idxSize, b.getLong(0x48));
    }

    /** Decodes the "clusters per record" byte: positive = clusters, negative n = 2^-n bytes. */
    private static int recordSize(byte raw, int clusterSize, int offset, String what) throws DiskException {
        if (raw > 0) {
            long size = (long) raw * clusterSize;
            if (size > 65536) {
                throw new DiskException(ErrorKind.CORRUPT, STRUCTURE, offset, what + " size " + size + " is too large");
            }
            return (int) size;
        }
        int exp = -raw;
        if (exp < 9 || exp > 16) {
            throw new DiskException(ErrorKind.CORRUPT, STRUCTURE, offset, "invalid clusters-per-" + what + " value " + raw);
        }
        return 1 << exp;
    }

    /** Volume size in bytes. */
    public long volumeSize() {
        return totalClusters * clusterSize;
    }
}
