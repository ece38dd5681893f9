package io.vhdflow.disk.fs.xfs;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The XFS superblock ({@code struct xfs_dsb}), the first sector of allocation group 0. All fields
 * are big-endian except {@code sb_crc}. Only the fields a reader needs are kept; every one used is
 * listed here with its offset and size:
 *
 * <pre>
 *   0  4 sb_magicnum        "XFSB"
 *   4  4 sb_blocksize       filesystem block size in bytes
 *   8  8 sb_dblocks         data blocks in the filesystem
 *  32 16 sb_uuid
 *  48  8 sb_logstart        first block of the internal log (0: external log)
 *  56  8 sb_rootino         root directory inode
 *  84  4 sb_agblocks        blocks per allocation group (last AG may be shorter)
 *  88  4 sb_agcount
 *  96  4 sb_logblocks
 * 100  2 sb_versionnum      low nibble: 4 or 5; v4 feature bits above
 * 102  2 sb_sectsize
 * 104  2 sb_inodesize
 * 106  2 sb_inopblock
 * 108 12 sb_fname           label, NUL padded
 * 120  1 sb_blocklog   121 1 sb_sectlog   122 1 sb_inodelog   123 1 sb_inopblog   124 1 sb_agblklog
 * 126  1 sb_inprogress      mkfs did not finish
 * 192  1 sb_dirblklog       directory block = block size &lt;&lt; dirblklog
 * 200  4 sb_features2       v4 extra features (0x200 = ftype on v4)
 * 204  4 sb_bad_features2   copy of features2 written here by old kernels
 * 208  4 sb_features_compat
 * 212  4 sb_features_ro_compat
 * 216  4 sb_features_incompat
 * 220  4 sb_features_log_incompat
 * 224  4 sb_crc             CRC32c over the sector (little-endian)
 * 248 16 sb_meta_uuid       uuid stamped in metadata when the META_UUID feature is set
 * </pre>
 */
record XfsSuperblock(
        int blockSize,
        long dataBlocks,
        UUID uuid,
        long logStart,
        long rootIno,
        long agBlocks,
        long agCount,
        long logBlocks,
        int version,
        int versionNum,
        int sectorSize,
        int inodeSize,
        int inodesPerBlock,
        String label,
        int blockLog,
        int inodeLog,
        int inopbLog,
        int agBlockLog,
        boolean inProgress,
        int dirBlockLog,
        int features2,
        long incompat,
        long logIncompat,
        boolean hasFtype,
        boolean crcValid) {

    static final int MAGIC = 0x58465342; // "XFSB"
    static final int CRC_OFFSET = 224;

    static final int INCOMPAT_FTYPE = 0x1;
    static final int INCOMPAT_SPINODES = 0x2;
    static final int INCOMPAT_META_UUID = 0x4;
    static final int INCOMPAT_BIGTIME = 0x8;
    static final int INCOMPAT_NEEDSREPAIR = 0x10;
    static final int INCOMPAT_NREXT64 = 0x20;
    static final int INCOMPAT_EXCHRANGE = 0x40;
    static final int INCOMPAT_PARENT = 0x80;
    /**
     * Incompatible features this reader understands. Sparse inode chunks, meta-uuid, exchange-range
     * and parent pointers do not change how files and directories are found; NEEDSREPAIR is read
     * but reported as a finding.
     */
    static final long KNOWN_INCOMPAT = INCOMPAT_FTYPE | INCOMPAT_SPINODES | INCOMPAT_META_UUID
            | INCOMPAT_BIGTIME | INCOMPAT_NEEDSREPAIR | INCOMPAT_NREXT64 | INCOMPAT_EXCHRANGE | INCOMPAT_PARENT;

    private static final int V4_DIRV2 = 0x2000;
    private static final int V4_MOREBITS = 0x8000;
    private static final int F2_FTYPE = 0x200;
    private static final int F2_CRC = 0x100;

    /** Parses and validates the superblock sector {@code raw} read at byte {@code offset}. */
    static XfsSuperblock parse(byte[] raw, long offset) throws DiskException {
        String s = "xfs superblock";
        if (raw.length < 512) {
            throw new DiskException(ErrorKind.CORRUPT, s, offset, "superblock shorter than 512 bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.BIG_ENDIAN);
        if (b.getInt(0) != MAGIC) {
            throw new DiskException(ErrorKind.CORRUPT, s, offset, "no XFSB magic: not an XFS filesystem");
        }
        int blockSize = b.getInt(4);
        int blockLog = raw[120] & 0xFF;
        if (blockLog < 9 || blockLog > 16 || blockSize != 1 << blockLog) {
            throw new DiskException(ErrorKind.CORRUPT, s, offset + 4, "block size " + blockSize + " / blocklog " + blockLog
                    + " is not a power of two from 512 to 65536");
        }
        int sectSize = b.getShort(102) & 0xFFFF;
        int sectLog = raw[121] & 0xFF;
        if (sectLog < 9 || sectLog > 15 || sectSize != 1 << sectLog || sectSize > blockSize) {
            throw new DiskException(ErrorKind.CORRUPT, s, offset + 102, "sector size " + sectSize + " is invalid");
        }
        int inodeSize = b.getShort(104) & 0xFFFF;
        int inodeLog = raw[122] & 0xFF;
        if (inodeLog < 8 || inodeLog > 11 || inodeSize != 1 << inodeLog || inodeSize > blockSize) {
            throw new DiskException(ErrorKind.CORRUPT, s, offset + 104, "inode size " + inodeSize + " is not a power of two from 256 to 2048");
        }
        int inopb = b.getShort(106) & 0xFFFF;
        int inopbLog = raw[123] & 0xFF;
        if (inopb != blockSize / inodeSize || inopbLog != blockLog - inodeLog) {
            throw new DiskException(ErrorKind.CORRUPT, s, offset + 106, "inodes per block " + inopb + " does not match block and inode size");
        }
        long dblocks = b.getLong(8);
        long agBlocks = b.getInt(84) & 0xFFFFFFFFL;
        long agCount = b.getInt(88) & 0xFFFFFFFFL;
        int agBlkLog = raw[124] & 0xFF;
        if (agBlocks < 16 || agBlkLog > 31 || agBlocks > 1L << agBlkLog || agBlocks <= 1L << (agBlkLog - 1)) {
            throw new DiskException(ErrorKind.CORRUPT, s, offset + 84, "AG size " + agBlocks + " blocks does not match agblklog " + agBlkLog);
        }
        if (dblocks <= 0 || dblocks > Long.MAX_VALUE / blockSize) {
            throw new DiskException(ErrorKind.CORRUPT, s, offset + 8, "data block count " + dblocks + " is impossible");
        }
        // The AGs must exactly cover the data blocks: the last one may be short, never empty.
        if (agCount < 1 || agCount > (dblocks + agBlocks - 1) / agBlocks || (agCount - 1) * agBlocks >= dblocks
                || agCount * agBlocks < dblocks) {
            throw new DiskException(ErrorKind.CORRUPT, s, offset + 88, "AG count " + agCount + " x " + agBlocks
                    + " blocks does not cover the " + dblocks + " data blocks");
        }
        int versionNum = b.getShort(100) & 0xFFFF;
        int version = versionNum & 0xF;
        // Old kernels wrote features2 at the misaligned sb_bad_features2 (204); both copies count.
        int features2 = (versionNum & V4_MOREBITS) != 0 ? b.getInt(200) | b.getInt(204) : 0;
        long incompat = 0;
        long logIncompat = 0;
        if (version == 5) {
            incompat = b.getInt(216) & 0xFFFFFFFFL;
            logIncompat = b.getInt(220) & 0xFFFFFFFFL;
            long unknown = incompat & ~KNOWN_INCOMPAT;
            if (unknown != 0) {
                throw new DiskException(ErrorKind.UNSUPPORTED, s, offset + 216, "incompatible features this reader does not understand: "
                        + describeIncompat(unknown) + "; the filesystem cannot be read safely");
            }
        } else if (version == 4) {
            if ((versionNum & V4_DIRV2) == 0) {
                throw new DiskException(ErrorKind.UNSUPPORTED, s, offset + 100, "version 1 directories (no DIRV2 bit) are not supported");
            }
            if ((features2 & F2_CRC) != 0) {
                throw new DiskException(ErrorKind.CORRUPT, s, offset + 200, "v4 superblock claims CRC metadata, which only v5 has");
            }
        } else {
            throw new DiskException(ErrorKind.CORRUPT, s, offset + 100, "superblock version " + version + " is not 4 or 5");
        }
        boolean ftype = version == 5 ? (incompat & INCOMPAT_FTYPE) != 0 : (features2 & F2_FTYPE) != 0;
        int dirBlkLog = raw[192] & 0xFF;
        if (blockLog + dirBlkLog > 16) {
            throw new DiskException(ErrorKind.CORRUPT, s, offset + 192, "directory block size 2^" + (blockLog + dirBlkLog) + " exceeds 64 KiB");
        }
        long rootIno = b.getLong(56);
        boolean crcValid = true;
        if (version == 5) {
            crcValid = raw.length >= sectSize && XfsChecksum.verify(raw, sectSize, CRC_OFFSET);
        }
        long msb = b.getLong(32);
        long lsb = b.getLong(40);
        String label = new String(raw, 108, 12, StandardCharsets.ISO_8859_1);
        int nul = label.indexOf('\0');
        label = nul >= 0 ? label.substring(0, nul) : label;
        return new XfsSuperblock(blockSize, dblocks, new UUID(msb, lsb), b.getLong(48), rootIno, agBlocks, agCount,
                b.getInt(96) & 0xFFFFFFFFL, version, versionNum, sectSize, inodeSize, inopb, label, blockLog, inodeLog,
                inopbLog, agBlkLog, raw[126] != 0, dirBlkLog, features2, incompat, logIncompat, ftype, crcValid);
    }

    static String describeIncompat(long bits) {
        List<String> names = new ArrayList<>();
        String[] known = {"ftype", "sparse-inodes", "meta-uuid", "bigtime", "needsrepair", "nrext64", "exchange-range",
                "parent-pointers", "metadir"};
        for (int i = 0; i < 32; i++) {
            if ((bits & (1L << i)) != 0) {
                names.add(i < known.length ? known[i] + " (0x" + Long.toHexString(1L << i) + ")"
                        : "unknown 0x" + Long.toHexString(1L << i));
            }
        }
        return String.join(", ", names);
    }

    boolean isV5() {
        return version == 5;
    }

    boolean bigtimeFeature() {
        return (incompat & INCOMPAT_BIGTIME) != 0;
    }

    boolean needsRepair() {
        return (incompat & INCOMPAT_NEEDSREPAIR) != 0;
    }

    int dirBlockSize() {
        return blockSize << dirBlockLog;
    }

    /**
     * Absolute byte offset of {@code count} blocks starting at filesystem block {@code fsbno}
     * (AG number in the high bits above agblklog), checked to lie inside one AG and the filesystem.
     */
    long fsbToByte(long fsbno, long count, String structure, long where) throws DiskException {
        if (fsbno < 0 || count < 0) {
            throw new DiskException(ErrorKind.CORRUPT, structure, where, "block number " + fsbno + " is negative");
        }
        long agno = fsbno >>> agBlockLog;
        long agbno = fsbno & ((1L << agBlockLog) - 1);
        if (agno >= agCount || agbno + count > agBlocks) {
            throw new DiskException(ErrorKind.CORRUPT, structure, where, "block " + fsbno + " (AG " + agno + " block " + agbno
                    + ", " + count + " blocks) lies outside the " + agCount + " AGs of " + agBlocks + " blocks");
        }
        long linear = agno * agBlocks + agbno;
        if (linear + count > dataBlocks) {
            throw new DiskException(ErrorKind.CORRUPT, structure, where, "block " + fsbno + " (+" + count
                    + ") lies beyond the end of the filesystem (" + dataBlocks + " blocks)");
        }
        return linear * blockSize;
    }

    /** Absolute byte offset of inode {@code ino}, checked against the AG geometry. */
    long inodeToByte(long ino, String structure, long where) throws DiskException {
        int shift = agBlockLog + inopbLog;
        if (ino <= 0 || shift >= 63 || (ino >>> shift) >= agCount) {
            throw new DiskException(ErrorKind.CORRUPT, structure, where, "inode number " + ino + " lies outside the " + agCount + " AGs");
        }
        long agno = ino >>> shift;
        long agino = ino & ((1L << shift) - 1);
        long agbno = agino >>> inopbLog;
        long index = agino & (inodesPerBlock - 1);
        long fsb = (agno << agBlockLog) | agbno;
        return fsbToByte(fsb, 1, structure, where) + index * inodeSize;
    }
}
