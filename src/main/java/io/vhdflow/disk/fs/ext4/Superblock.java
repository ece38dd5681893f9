package io.vhdflow.disk.fs.ext4;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.Finding;
import io.vhdflow.disk.container.ByteSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The ext2/3/4 superblock, 1024 bytes at byte 1024 of the filesystem. Fields used here (all
 * little-endian; offsets from the start of the superblock):
 *
 * <pre>
 * 0x000 4  s_inodes_count          0x004 4  s_blocks_count_lo
 * 0x014 4  s_first_data_block      0x018 4  s_log_block_size (block = 1024 &lt;&lt; n)
 * 0x01C 4  s_log_cluster_size      0x020 4  s_blocks_per_group
 * 0x024 4  s_clusters_per_group    0x028 4  s_inodes_per_group
 * 0x038 2  s_magic (0xEF53)        0x03A 2  s_state (1 clean, 2 errors, 4 orphans)
 * 0x04C 4  s_rev_level             0x054 4  s_first_ino (rev 1)
 * 0x058 2  s_inode_size (rev 1)    0x05C 4  s_feature_compat
 * 0x060 4  s_feature_incompat      0x064 4  s_feature_ro_compat
 * 0x068 16 s_uuid                  0x078 16 s_volume_name
 * 0x0E8 4  s_last_orphan           0x0FE 2  s_desc_size (64bit)
 * 0x104 4  s_first_meta_bg         0x150 4  s_blocks_count_hi (64bit)
 * 0x175 1  s_checksum_type (1 = crc32c)
 * 0x24C 8  s_backup_bgs[2] (sparse_super2)
 * 0x270 4  s_checksum_seed (csum_seed)
 * 0x3FC 4  s_checksum (crc32c of bytes 0..0x3FB, metadata_csum)
 * </pre>
 */
final class Superblock {
    static final long OFFSET = 1024;
    static final int SIZE = 1024;
    static final int MAGIC = 0xEF53;

    // s_feature_compat
    static final int COMPAT_HAS_JOURNAL = 0x4;
    static final int COMPAT_SPARSE_SUPER2 = 0x200;
    // s_feature_incompat
    static final int INCOMPAT_COMPRESSION = 0x1;
    static final int INCOMPAT_FILETYPE = 0x2;
    static final int INCOMPAT_RECOVER = 0x4;
    static final int INCOMPAT_JOURNAL_DEV = 0x8;
    static final int INCOMPAT_META_BG = 0x10;
    static final int INCOMPAT_EXTENTS = 0x40;
    static final int INCOMPAT_64BIT = 0x80;
    static final int INCOMPAT_MMP = 0x100;
    static final int INCOMPAT_FLEX_BG = 0x200;
    static final int INCOMPAT_EA_INODE = 0x400;
    static final int INCOMPAT_DIRDATA = 0x1000;
    static final int INCOMPAT_CSUM_SEED = 0x2000;
    static final int INCOMPAT_LARGEDIR = 0x4000;
    static final int INCOMPAT_INLINE_DATA = 0x8000;
    static final int INCOMPAT_ENCRYPT = 0x10000;
    static final int INCOMPAT_CASEFOLD = 0x20000;
    // s_feature_ro_compat
    static final int RO_COMPAT_SPARSE_SUPER = 0x1;
    static final int RO_COMPAT_LARGE_FILE = 0x2;
    static final int RO_COMPAT_BTREE_DIR = 0x4;
    static final int RO_COMPAT_HUGE_FILE = 0x8;
    static final int RO_COMPAT_GDT_CSUM = 0x10;
    static final int RO_COMPAT_BIGALLOC = 0x200;
    static final int RO_COMPAT_METADATA_CSUM = 0x400;
    static final int RO_COMPAT_ORPHAN_PRESENT = 0x10000;

    /**
     * Incompatible features that change only how metadata is found, not how file data and names
     * read, so a read-only reader that implements them is correct. Casefold changes lookups'
     * hashing, which a linear directory scan does not use; MMP and ea_inode only matter to writers
     * and to extended attributes this reader does not expose; recover is reported as a finding.
     */
    private static final int INCOMPAT_SUPPORTED = INCOMPAT_FILETYPE | INCOMPAT_RECOVER | INCOMPAT_META_BG
            | INCOMPAT_EXTENTS | INCOMPAT_64BIT | INCOMPAT_MMP | INCOMPAT_FLEX_BG | INCOMPAT_EA_INODE
            | INCOMPAT_CSUM_SEED | INCOMPAT_LARGEDIR | INCOMPAT_INLINE_DATA | INCOMPAT_CASEFOLD;
    private static final String[] INCOMPAT_NAMES = {
        "compression", "filetype", "needs_recovery", "journal_dev", "meta_bg", "incompat_0x20", "extent", "64bit",
        "mmp", "flex_bg", "ea_inode", "incompat_0x800", "dirdata", "metadata_csum_seed", "large_dir", "inline_data",
        "encrypt", "casefold"};
    /** What ext3 understands; anything beyond it makes a filesystem "ext4" (same rule as blkid). */
    private static final int EXT3_INCOMPAT = INCOMPAT_FILETYPE | INCOMPAT_RECOVER | INCOMPAT_META_BG;
    private static final int EXT3_RO_COMPAT = RO_COMPAT_SPARSE_SUPER | RO_COMPAT_LARGE_FILE | RO_COMPAT_BTREE_DIR;

    final byte[] raw;
    final long inodesCount;
    final long blocksCount;
    final long firstDataBlock;
    final int blockSize;
    final long blocksPerGroup;
    final long inodesPerGroup;
    final int state;
    final int revLevel;
    final long firstIno;
    final int inodeSize;
    final int compat;
    final int incompat;
    final int roCompat;
    final byte[] uuid;
    final String volumeName;
    final long lastOrphan;
    final int descSize;
    final long firstMetaBg;
    final int checksumType;
    final long[] backupBgs;
    final int checksumSeed;
    final int storedChecksum;
    final long groupCount;

    private Superblock(byte[] raw, ByteBuffer b, ByteSource src) throws DiskException {
        this.raw = raw;
        inodesCount = Integer.toUnsignedLong(b.getInt(0x00));
        int logBlock = b.getInt(0x18);
        if (logBlock < 0 || logBlock > 6) {
            throw err(0x18, "s_log_block_size " + Integer.toUnsignedString(logBlock)
                    + " gives a block size outside 1 KiB..64 KiB");
        }
        blockSize = 1024 << logBlock;
        state = b.getShort(0x3A) & 0xFFFF;
        revLevel = b.getInt(0x4C);
        if (revLevel != 0 && revLevel != 1) {
            throw err(0x4C, "unknown revision level " + Integer.toUnsignedString(revLevel));
        }
        compat = revLevel == 0 ? 0 : b.getInt(0x5C);
        incompat = revLevel == 0 ? 0 : b.getInt(0x60);
        roCompat = revLevel == 0 ? 0 : b.getInt(0x64);
        int unsupported = incompat & ~INCOMPAT_SUPPORTED;
        if (unsupported != 0) {
            List<String> names = new ArrayList<>();
            for (int bit = 0; bit < 32; bit++) {
                if ((unsupported & (1 << bit)) != 0) {
                    names.add(bit < INCOMPAT_NAMES.length ? INCOMPAT_NAMES[bit] : "incompat_0x" + Integer.toHexString(1 << bit));
                }
            }
            throw new Ext4UnsupportedFeatureException(OFFSET + 0x60, names);
        }
        long blocks = Integer.toUnsignedLong(b.getInt(0x04));
        if (has64Bit()) {
            blocks |= Integer.toUnsignedLong(b.getInt(0x150)) << 32;
        }
        blocksCount = blocks;
        firstDataBlock = Integer.toUnsignedLong(b.getInt(0x14));
        if (firstDataBlock > 1) {
            throw err(0x14, "s_first_data_block " + firstDataBlock + " must be 0 or 1");
        }
        if (blocksCount <= firstDataBlock + 1) {
            throw err(0x04, "s_blocks_count " + blocksCount + " is too small for a filesystem");
        }
        long fsBytes = blocksCount > Long.MAX_VALUE / blockSize ? Long.MAX_VALUE : blocksCount * blockSize;
        if (fsBytes > src.size()) {
            throw err(0x04, "the filesystem claims " + blocksCount + " blocks of " + blockSize + " bytes ("
                    + fsBytes + " bytes) but " + src.describe() + " holds only " + src.size()
                    + " bytes; the image is truncated or this is not the right partition");
        }
        int clusterRatio = 1;
        if ((roCompat & RO_COMPAT_BIGALLOC) != 0) {
            int logCluster = b.getInt(0x1C);
            if (logCluster < logBlock || logCluster - logBlock > 16) {
                throw err(0x1C, "s_log_cluster_size " + logCluster + " is inconsistent with the block size");
            }
            clusterRatio = 1 << (logCluster - logBlock);
        }
        blocksPerGroup = Integer.toUnsignedLong(b.getInt(0x20));
        if (blocksPerGroup < 8 || blocksPerGroup > 8L * blockSize * clusterRatio) {
            throw err(0x20, "s_blocks_per_group " + blocksPerGroup + " is outside 8.." + 8L * blockSize * clusterRatio);
        }
        inodesPerGroup = Integer.toUnsignedLong(b.getInt(0x28));
        if (inodesPerGroup < 1 || inodesPerGroup > 8L * blockSize) {
            throw err(0x28, "s_inodes_per_group " + inodesPerGroup + " is outside 1.." + 8L * blockSize);
        }
        groupCount = (blocksCount - firstDataBlock + blocksPerGroup - 1) / blocksPerGroup;
        // Divide rather than multiply: a hostile group count times inodes per group can overflow.
        if (inodesCount < 11 || (inodesCount + inodesPerGroup - 1) / inodesPerGroup > groupCount) {
            throw err(0x00, "s_inodes_count " + inodesCount + " does not fit " + groupCount + " groups of "
                    + inodesPerGroup + " inodes");
        }
        if (revLevel == 0) {
            firstIno = 11;
            inodeSize = 128;
        } else {
            firstIno = Integer.toUnsignedLong(b.getInt(0x54));
            inodeSize = b.getShort(0x58) & 0xFFFF;
            if (inodeSize < 128 || inodeSize > blockSize || Integer.bitCount(inodeSize) != 1) {
                throw err(0x58, "s_inode_size " + inodeSize + " is not a power of two between 128 and the block size");
            }
            if (firstIno < 11 || firstIno > inodesCount) {
                throw err(0x54, "s_first_ino " + firstIno + " is outside 11.." + inodesCount);
            }
        }
        if (has64Bit()) {
            descSize = b.getShort(0xFE) & 0xFFFF;
            if (descSize < 64 || descSize > 1024 || descSize > blockSize || Integer.bitCount(descSize) != 1) {
                throw err(0xFE, "s_desc_size " + descSize + " is not a power of two between 64 and 1024");
            }
        } else {
            descSize = 32;
        }
        uuid = new byte[16];
        b.get(0x68, uuid);
        volumeName = cString(raw, 0x78, 16);
        lastOrphan = Integer.toUnsignedLong(b.getInt(0xE8));
        firstMetaBg = Integer.toUnsignedLong(b.getInt(0x104));
        checksumType = b.get(0x175) & 0xFF;
        backupBgs = new long[] {Integer.toUnsignedLong(b.getInt(0x24C)), Integer.toUnsignedLong(b.getInt(0x250))};
        checksumSeed = b.getInt(0x270);
        storedChecksum = b.getInt(0x3FC);
    }

    /** Reads and validates the primary superblock of {@code src}. */
    static Superblock read(ByteSource src) throws IOException {
        ByteBuffer b = src.readBuffer(OFFSET, SIZE, "ext4 superblock");
        int magic = b.getShort(0x38) & 0xFFFF;
        if (magic != MAGIC) {
            throw new DiskException(ErrorKind.CORRUPT, "ext4 superblock s_magic", OFFSET + 0x38,
                    String.format("magic is 0x%04X, not 0x%04X: this is not an ext2/3/4 filesystem", magic, MAGIC));
        }
        byte[] raw = new byte[SIZE];
        b.get(0, raw);
        return new Superblock(raw, b, src);
    }

    private static DiskException err(int field, String problem) {
        return new DiskException(ErrorKind.CORRUPT, "ext4 superblock", OFFSET + field, problem);
    }

    private static String cString(byte[] b, int off, int max) {
        int n = 0;
        while (n < max && b[off + n] != 0) {
            n++;
        }
        return new String(b, off, n, StandardCharsets.UTF_8);
    }

    boolean has64Bit() {
        return (incompat & INCOMPAT_64BIT) != 0;
    }

    boolean hasMetadataCsum() {
        return (roCompat & RO_COMPAT_METADATA_CSUM) != 0;
    }

    boolean hasGdtCsum() {
        return (roCompat & RO_COMPAT_GDT_CSUM) != 0 && !hasMetadataCsum();
    }

    boolean hasFiletype() {
        return (incompat & INCOMPAT_FILETYPE) != 0;
    }

    boolean hasMetaBg() {
        return (incompat & INCOMPAT_META_BG) != 0;
    }

    boolean hasHugeFile() {
        return (roCompat & RO_COMPAT_HUGE_FILE) != 0;
    }

    /** Seed for every metadata checksum: s_checksum_seed, or crc32c of the UUID. */
    int csumSeed() {
        return (incompat & INCOMPAT_CSUM_SEED) != 0 ? checksumSeed : Checksums.crc32c(~0, uuid, 0, 16);
    }

    /** ext2, ext3 or ext4, by the same feature rule as blkid. */
    String typeName() {
        if ((incompat & ~EXT3_INCOMPAT) != 0 || (roCompat & ~EXT3_RO_COMPAT) != 0) {
            return "ext4";
        }
        return (compat & COMPAT_HAS_JOURNAL) != 0 ? "ext3" : "ext2";
    }

    Optional<String> label() {
        return volumeName.isEmpty() ? Optional.empty() : Optional.of(volumeName);
    }

    String uuidText() {
        StringBuilder sb = new StringBuilder(36);
        for (int i = 0; i < 16; i++) {
            if (i == 4 || i == 6 || i == 8 || i == 10) {
                sb.append('-');
            }
            sb.append(String.format("%02x", uuid[i] & 0xFF));
        }
        return sb.toString();
    }

    /** Whether group {@code g} carries a superblock backup (and so its descriptor copies). */
    boolean groupHasSuper(long g) {
        if (g == 0) {
            return true;
        }
        if ((compat & COMPAT_SPARSE_SUPER2) != 0) {
            return g == backupBgs[0] || g == backupBgs[1];
        }
        if (g <= 1 || (roCompat & RO_COMPAT_SPARSE_SUPER) == 0) {
            return true;
        }
        if ((g & 1) == 0) {
            return false;
        }
        return isPowerOf(g, 3) || isPowerOf(g, 5) || isPowerOf(g, 7);
    }

    private static boolean isPowerOf(long g, int base) {
        long n = base;
        while (n < g) {
            n *= base;
        }
        return n == g;
    }

    /** State and checksum conditions of the superblock itself. */
    List<Finding> findings() {
        List<Finding> out = new ArrayList<>();
        if ((state & 1) == 0) {
            out.add(new Finding("ext4.not-clean", OFFSET + 0x3A,
                    "the filesystem was not cleanly unmounted (s_state 0x" + Integer.toHexString(state)
                            + "); recent changes may be missing or inconsistent"));
        }
        if ((state & 2) != 0) {
            out.add(new Finding("ext4.errors", OFFSET + 0x3A, "the kernel recorded filesystem errors (s_state 0x"
                    + Integer.toHexString(state) + "); run e2fsck on a copy to see them"));
        }
        if ((incompat & INCOMPAT_RECOVER) != 0) {
            out.add(new Finding("ext4.needs-recovery", OFFSET + 0x60,
                    "the journal needs recovery (needs_recovery is set): the image was taken from a running or "
                            + "crashed system and the journal was not replayed, so recent changes may be missing"));
        }
        if (lastOrphan != 0 || (roCompat & RO_COMPAT_ORPHAN_PRESENT) != 0) {
            out.add(new Finding("ext4.orphans", OFFSET + 0xE8,
                    "orphan inodes are pending deletion (s_last_orphan " + lastOrphan + ")"));
        }
        if (hasMetadataCsum()) {
            if (checksumType != 1) {
                out.add(new Finding("ext4.checksum-type", OFFSET + 0x175,
                        "unknown s_checksum_type " + checksumType + "; checksums were checked as crc32c"));
            }
            int actual = Checksums.crc32c(~0, raw, 0, 0x3FC);
            if (actual != storedChecksum) {
                out.add(Ext4Metadata.mismatch("superblock", OFFSET, storedChecksum, actual));
            }
        }
        return out;
    }
}
