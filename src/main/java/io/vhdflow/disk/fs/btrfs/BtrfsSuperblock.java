package io.vhdflow.disk.fs.btrfs;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The btrfs superblock ({@code struct btrfs_super_block}, 4096 bytes, little-endian) at 64 KiB,
 * with mirrors at 64 MiB and 256 GiB. Only the fields a reader needs are kept:
 *
 * <pre>
 *  0x000  32  csum                   checksum of bytes 0x20..0x1000 (algorithm: csum_type)
 *  0x020  16  fsid                   filesystem UUID
 *  0x030   8  bytenr                 physical offset of this copy (must equal where it was read)
 *  0x038   8  flags
 *  0x040   8  magic                  "_BHRfS_M"
 *  0x048   8  generation
 *  0x050   8  root                   logical address of the root tree's root block
 *  0x058   8  chunk_root             logical address of the chunk tree's root block
 *  0x060   8  log_root               logical address of the tree log (0 = nothing to replay)
 *  0x070   8  total_bytes
 *  0x078   8  bytes_used
 *  0x080   8  root_dir_objectid      6
 *  0x088   8  num_devices
 *  0x090   4  sectorsize             data block size
 *  0x094   4  nodesize               tree block size
 *  0x09C   4  stripesize
 *  0x0A0   4  sys_chunk_array_size   valid bytes of sys_chunk_array
 *  0x0A4   8  chunk_root_generation
 *  0x0AC   8  compat_flags
 *  0x0B4   8  compat_ro_flags
 *  0x0BC   8  incompat_flags
 *  0x0C4   2  csum_type              0 crc32c, 1 xxhash64, 2 sha256, 3 blake2b
 *  0x0C6   1  root_level
 *  0x0C7   1  chunk_root_level
 *  0x0C8   1  log_root_level
 *  0x0C9  98  dev_item               this device: devid u64 at +0, uuid at +66, fsid at +82
 *  0x12B 256  label                  NUL-terminated
 *  0x23B  16  metadata_uuid          UUID in tree block headers when METADATA_UUID is set
 *  0x32B 2048 sys_chunk_array        (key, chunk item) pairs mapping the SYSTEM chunks
 * </pre>
 */
record BtrfsSuperblock(long offset, UUID fsid, UUID metadataUuid, long bytenr, long generation, long root,
                       int rootLevel, long chunkRoot, int chunkRootLevel, long chunkRootGeneration, long logRoot, long totalBytes,
                       long numDevices, int sectorSize, int nodeSize, long compatRo, long incompat,
                       BtrfsChecksum checksum, boolean checksumValid, long devId, String label,
                       byte[] sysChunkArray) {

    static final int SIZE = 4096;
    static final long PRIMARY = 0x10000;
    /** The magic "_BHRfS_M" read as a little-endian u64. */
    static final long MAGIC = 0x4D5F53665248425FL;
    static final int SYS_CHUNK_ARRAY = 0x32B;
    static final int SYS_CHUNK_ARRAY_MAX = 2048;
    /** Tree depth limit ({@code BTRFS_MAX_LEVEL}): levels are 0..7. */
    static final int MAX_LEVEL = 8;

    // incompat_flags
    static final long MIXED_BACKREF = 0x1;
    static final long DEFAULT_SUBVOL = 0x2;
    static final long MIXED_GROUPS = 0x4;
    static final long COMPRESS_LZO = 0x8;
    static final long COMPRESS_ZSTD = 0x10;
    static final long BIG_METADATA = 0x20;
    static final long EXTENDED_IREF = 0x40;
    static final long RAID56 = 0x80;
    static final long SKINNY_METADATA = 0x100;
    static final long NO_HOLES = 0x200;
    static final long METADATA_UUID = 0x400;
    static final long RAID1C34 = 0x800;
    static final long ZONED = 0x1000;
    static final long EXTENT_TREE_V2 = 0x2000;
    static final long RAID_STRIPE_TREE = 0x4000;
    static final long SIMPLE_QUOTA = 0x10000;
    /**
     * Incompatible features this reader reads through: they change allocation, back references or
     * which chunk profiles may appear (profiles are checked chunk by chunk), not how a file is found.
     */
    static final long INCOMPAT_READ = MIXED_BACKREF | DEFAULT_SUBVOL | MIXED_GROUPS | COMPRESS_LZO | COMPRESS_ZSTD
            | BIG_METADATA | EXTENDED_IREF | RAID56 | SKINNY_METADATA | NO_HOLES | METADATA_UUID | RAID1C34
            | SIMPLE_QUOTA;

    /** Physical offset of superblock copy {@code mirror} (0 primary, 1 and 2 mirrors). */
    static long mirrorOffset(int mirror) {
        return mirror == 0 ? PRIMARY : 0x4000L << (12 * mirror);
    }

    /** True when {@code raw} (at least 0x48 bytes) carries the btrfs magic. */
    static boolean hasMagic(ByteBuffer raw) {
        return raw.order(ByteOrder.LITTLE_ENDIAN).getLong(0x40) == MAGIC;
    }

    /**
     * Parses and validates one copy.
     *
     * @param raw    the 4096 bytes
     * @param offset where they were read (physical)
     * @throws DiskException CORRUPT for a bad magic or impossible geometry, UNSUPPORTED for an
     *                       unknown checksum type or incompatible feature
     */
    static BtrfsSuperblock parse(byte[] raw, long offset) throws DiskException {
        String s = "btrfs superblock";
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        if (!hasMagic(b)) {
            throw new DiskException(ErrorKind.CORRUPT, s, offset + 0x40, "no _BHRfS_M magic");
        }
        int csumType = b.getShort(0xC4) & 0xFFFF;
        BtrfsChecksum csum = BtrfsChecksum.of(csumType).orElseThrow(() -> new DiskException(ErrorKind.UNSUPPORTED, s,
                offset + 0xC4, "checksum type " + csumType + " is not one btrfs defines (crc32c, xxhash, sha256, blake2)"));
        boolean valid = csum.verify(raw, SIZE);
        long bytenr = b.getLong(0x30);
        int sector = b.getInt(0x90);
        int node = b.getInt(0x94);
        if (!powerOfTwo(sector) || sector < 4096 || sector > 65536) {
            throw new DiskException(ErrorKind.CORRUPT, s, offset + 0x90, "sector size " + Integer.toUnsignedString(sector)
                    + " is not a power of two from 4096 to 65536");
        }
        if (!powerOfTwo(node) || node < sector || node > 65536) {
            throw new DiskException(ErrorKind.CORRUPT, s, offset + 0x94, "node size " + Integer.toUnsignedString(node)
                    + " is not a power of two from the sector size to 65536");
        }
        long root = b.getLong(0x50);
        long chunkRoot = b.getLong(0x58);
        int rootLevel = b.get(0xC6) & 0xFF;
        int chunkLevel = b.get(0xC7) & 0xFF;
        if (root == 0 || root % sector != 0 || rootLevel >= MAX_LEVEL) {
            throw new DiskException(ErrorKind.CORRUPT, s, offset + 0x50, "root tree at " + Long.toUnsignedString(root)
                    + " level " + rootLevel + " (must be sector-aligned, level below " + MAX_LEVEL + ")");
        }
        if (chunkRoot == 0 || chunkRoot % sector != 0 || chunkLevel >= MAX_LEVEL) {
            throw new DiskException(ErrorKind.CORRUPT, s, offset + 0x58, "chunk tree at "
                    + Long.toUnsignedString(chunkRoot) + " level " + chunkLevel
                    + " (must be sector-aligned, level below " + MAX_LEVEL + ")");
        }
        int sysSize = b.getInt(0xA0);
        if (sysSize < BtrfsKey.SIZE + ChunkMap.CHUNK_HEADER + ChunkMap.STRIPE || sysSize > SYS_CHUNK_ARRAY_MAX) {
            throw new DiskException(ErrorKind.CORRUPT, s, offset + 0xA0, "system chunk array size "
                    + Integer.toUnsignedString(sysSize) + " is outside " + (BtrfsKey.SIZE + ChunkMap.CHUNK_HEADER
                    + ChunkMap.STRIPE) + ".." + SYS_CHUNK_ARRAY_MAX);
        }
        long devices = b.getLong(0x88);
        if (devices < 1) {
            throw new DiskException(ErrorKind.CORRUPT, s, offset + 0x88, "number of devices is "
                    + Long.toUnsignedString(devices));
        }
        long incompat = b.getLong(0xBC);
        long unknown = incompat & ~INCOMPAT_READ;
        if (unknown != 0) {
            throw new DiskException(ErrorKind.UNSUPPORTED, s, offset + 0xBC, "incompatible features "
                    + incompatNames(unknown) + " are not read by this reader");
        }
        UUID fsid = uuid(b, 0x20);
        UUID metadata = (incompat & METADATA_UUID) != 0 ? uuid(b, 0x23B) : fsid;
        byte[] label = new byte[256];
        b.get(0x12B, label);
        int end = 0;
        while (end < label.length && label[end] != 0) {
            end++;
        }
        byte[] sys = new byte[sysSize];
        b.get(SYS_CHUNK_ARRAY, sys);
        return new BtrfsSuperblock(offset, fsid, metadata, bytenr, b.getLong(0x48), root, rootLevel, chunkRoot, chunkLevel, b.getLong(0xA4),
                b.getLong(0x60), b.getLong(0x70), devices, sector, node, b.getLong(0xB4), incompat, csum, valid,
                b.getLong(0xC9), new String(label, 0, end, StandardCharsets.UTF_8), sys);
    }

    boolean has(long incompatFlag) {
        return (incompat & incompatFlag) != 0;
    }

    /** The names of the incompat bits in {@code bits}, for messages. */
    static String incompatNames(long bits) {
        String[] names = {"mixed_backref", "default_subvol", "mixed_groups", "compress_lzo", "compress_zstd",
            "big_metadata", "extended_iref", "raid56", "skinny_metadata", "no_holes", "metadata_uuid", "raid1c34",
            "zoned", "extent_tree_v2", "raid_stripe_tree", "0x8000", "simple_quota"};
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            if ((bits & (1L << i)) != 0) {
                out.add((i < names.length ? names[i] : "unknown") + " (0x" + Long.toHexString(1L << i) + ")");
            }
        }
        return String.join(", ", out);
    }

    static UUID uuid(ByteBuffer b, int at) {
        ByteBuffer be = b.duplicate().order(ByteOrder.BIG_ENDIAN);
        return new UUID(be.getLong(at), be.getLong(at + 8));
    }

    private static boolean powerOfTwo(int v) {
        return v > 0 && (v & (v - 1)) == 0;
    }
}
