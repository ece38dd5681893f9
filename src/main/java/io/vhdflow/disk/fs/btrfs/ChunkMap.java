package io.vhdflow.disk.fs.btrfs;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.TreeMap;

/**
 * Logical to physical addresses: every btrfs address above the superblock is logical and falls in
 * one chunk, which maps it to one stripe per copy. The map starts from the superblock's system
 * chunk array (enough to read the chunk tree) and is completed from the chunk tree.
 *
 * <p>A chunk item ({@code struct btrfs_chunk}, key {@code (256, CHUNK_ITEM, logical start)}):
 * <pre>
 *   0  8  length        bytes of logical address space
 *   8  8  owner         2 (the extent tree)
 *  16  8  stripe_len
 *  24  8  type          DATA 0x1, SYSTEM 0x2, METADATA 0x4 | profile: RAID0 0x8, RAID1 0x10, DUP 0x20,
 *                       RAID10 0x40, RAID5 0x80, RAID6 0x100, RAID1C3 0x200, RAID1C4 0x400 (none = single)
 *  32  4  io_align
 *  36  4  io_width
 *  40  4  sector_size
 *  44  2  num_stripes
 *  46  2  sub_stripes
 *  48     stripes, 32 bytes each: devid u64, offset u64 (physical), dev_uuid[16]
 * </pre>
 * Only the single (one stripe) and DUP (two stripes on the one device, each a full copy) profiles
 * are read; a chunk with any other profile is refused with {@link ErrorKind#UNSUPPORTED} when the
 * map is built, so an image using them is refused at open, not half-read.
 */
final class ChunkMap {
    static final int CHUNK_HEADER = 48;
    static final int STRIPE = 32;
    /** Chunks kept at most: 1 GiB data chunks would make this 256 TiB. */
    static final int MAX_CHUNKS = 262_144;
    static final long DUP = 0x20;
    private static final long PROFILES = 0x8 | 0x10 | 0x20 | 0x40 | 0x80 | 0x100 | 0x200 | 0x400;

    /**
     * One chunk.
     *
     * @param logical  first logical address
     * @param length   bytes
     * @param type     type and profile bits
     * @param copies   physical start of each copy (1 for single, 2 for DUP)
     * @param at       where the chunk item was read (physical), for errors
     */
    record Chunk(long logical, long length, long type, long[] copies, long at) {
        long end() {
            return logical + length;
        }
    }

    /** A physical location of logical bytes: every copy's offset, and how many bytes stay in the chunk. */
    record Mapping(long[] copies, long contiguous) {
    }

    private final TreeMap<Long, Chunk> chunks = new TreeMap<>(Long::compareUnsigned);
    private final int sectorSize;
    private final long devId;

    ChunkMap(int sectorSize, long devId) {
        this.sectorSize = sectorSize;
        this.devId = devId;
    }

    /** The system chunks of the superblock's {@code sys_chunk_array}: (key, chunk) pairs back to back. */
    static ChunkMap fromSuperblock(BtrfsSuperblock sb) throws DiskException {
        ChunkMap map = new ChunkMap(sb.sectorSize(), sb.devId());
        ByteBuffer b = ByteBuffer.wrap(sb.sysChunkArray()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int p = 0;
        int n = sb.sysChunkArray().length;
        long base = sb.offset() + BtrfsSuperblock.SYS_CHUNK_ARRAY;
        while (p < n) {
            String s = "btrfs system chunk array";
            if (n - p < BtrfsKey.SIZE + CHUNK_HEADER) {
                throw new DiskException(ErrorKind.CORRUPT, s, base + p, (n - p) + " trailing bytes, too few for a chunk");
            }
            BtrfsKey key = BtrfsKey.read(b, p);
            if (key.type() != BtrfsKey.CHUNK_ITEM) {
                throw new DiskException(ErrorKind.CORRUPT, s, base + p, "holds a key of type " + key.type()
                        + ", not a chunk item");
            }
            p += BtrfsKey.SIZE;
            int size = itemSize(b, p, n - p, s, base + p);
            map.add(map.parse(b, p, size, key, base + p));
            p += size;
        }
        return map;
    }

    /** The size of the chunk item at {@code at} given its stripe count, checked against {@code avail}. */
    static int itemSize(ByteBuffer b, int at, int avail, String s, long offset) throws DiskException {
        if (avail < CHUNK_HEADER) {
            throw new DiskException(ErrorKind.CORRUPT, s, offset, "a chunk item needs " + CHUNK_HEADER
                    + " bytes, " + avail + " remain");
        }
        int stripes = b.getShort(at + 44) & 0xFFFF;
        int size = CHUNK_HEADER + stripes * STRIPE;
        if (stripes == 0 || size > avail) {
            throw new DiskException(ErrorKind.CORRUPT, s, offset + 44, "chunk item with " + stripes
                    + " stripes needs " + size + " bytes, " + avail + " available");
        }
        return size;
    }

    /**
     * Parses one chunk item and checks it for this reader.
     *
     * @param at     where the item starts in {@code b}
     * @param size   its size (from {@link #itemSize} or the leaf item)
     * @param offset its physical offset, for errors
     */
    Chunk parse(ByteBuffer b, int at, int size, BtrfsKey key, long offset) throws DiskException {
        String s = "btrfs chunk item for logical " + Long.toUnsignedString(key.offset());
        if (key.objectId() != BtrfsKey.FIRST_CHUNK_TREE_OBJECTID) {
            throw new DiskException(ErrorKind.CORRUPT, s, offset, "key object id " + Long.toUnsignedString(key.objectId())
                    + " is not 256");
        }
        int actual = itemSize(b, at, size, s, offset);
        if (actual != size) {
            throw new DiskException(ErrorKind.CORRUPT, s, offset + 44, "item is " + size + " bytes but "
                    + ((b.getShort(at + 44) & 0xFFFF)) + " stripes take " + actual);
        }
        long logical = key.offset();
        long length = b.getLong(at);
        long type = b.getLong(at + 24);
        int stripes = b.getShort(at + 44) & 0xFFFF;
        if (length <= 0 || length % sectorSize != 0 || logical % sectorSize != 0
                || Long.compareUnsigned(logical + length, logical) < 0) {
            throw new DiskException(ErrorKind.CORRUPT, s, offset, "length " + Long.toUnsignedString(length)
                    + " at " + Long.toUnsignedString(logical) + " is not a positive, sector-aligned range");
        }
        long profile = type & PROFILES;
        if (profile != 0 && profile != DUP) {
            throw new DiskException(ErrorKind.UNSUPPORTED, s, offset + 24, "uses the " + profileName(profile)
                    + " profile: only single and DUP chunks are read (a multi-device or RAID filesystem)");
        }
        int expected = profile == DUP ? 2 : 1;
        if (stripes != expected) {
            throw new DiskException(ErrorKind.CORRUPT, s, offset + 44, profileName(profile) + " chunk with "
                    + stripes + " stripes (expected " + expected + ")");
        }
        long[] copies = new long[stripes];
        for (int i = 0; i < stripes; i++) {
            int st = at + CHUNK_HEADER + i * STRIPE;
            long dev = b.getLong(st);
            long phys = b.getLong(st + 8);
            if (dev != devId) {
                throw new DiskException(ErrorKind.CORRUPT, s, offset + CHUNK_HEADER + (long) i * STRIPE,
                        "stripe " + i + " is on device " + Long.toUnsignedString(dev) + ", this device is "
                                + Long.toUnsignedString(devId));
            }
            if (phys < 0 || phys + length < phys) {
                throw new DiskException(ErrorKind.CORRUPT, s, offset + CHUNK_HEADER + (long) i * STRIPE + 8,
                        "stripe " + i + " at physical " + Long.toUnsignedString(phys) + " overflows");
            }
            copies[i] = phys;
        }
        return new Chunk(logical, length, type, copies, offset);
    }

    /** Adds a chunk; the same chunk twice (system chunks are in the array and the tree) is kept once. */
    void add(Chunk c) throws DiskException {
        Chunk same = chunks.get(c.logical());
        if (same != null && same.length() == c.length() && java.util.Arrays.equals(same.copies(), c.copies())) {
            return;
        }
        Map.Entry<Long, Chunk> before = chunks.floorEntry(c.logical());
        Map.Entry<Long, Chunk> after = chunks.ceilingEntry(c.logical());
        if ((before != null && Long.compareUnsigned(before.getValue().end(), c.logical()) > 0)
                || (after != null && Long.compareUnsigned(after.getKey(), c.end()) < 0)) {
            throw new DiskException(ErrorKind.CORRUPT, "btrfs chunk item for logical " + Long.toUnsignedString(c.logical()),
                    c.at(), "overlaps another chunk");
        }
        if (chunks.size() >= MAX_CHUNKS) {
            throw new DiskException(ErrorKind.LIMIT_EXCEEDED, "btrfs chunk tree", c.at(), "more than " + MAX_CHUNKS + " chunks");
        }
        chunks.put(c.logical(), c);
    }

    /**
     * Where logical address {@code logical} is.
     *
     * @param structure what is being read, for the error when no chunk maps it
     */
    Mapping map(long logical, String structure) throws DiskException {
        Map.Entry<Long, Chunk> e = chunks.floorEntry(logical);
        if (e == null || Long.compareUnsigned(logical, e.getValue().end()) >= 0) {
            throw new DiskException(ErrorKind.CORRUPT, structure, -1, "logical address "
                    + Long.toUnsignedString(logical) + " is in no chunk");
        }
        Chunk c = e.getValue();
        long into = logical - c.logical();
        long[] phys = new long[c.copies().length];
        for (int i = 0; i < phys.length; i++) {
            phys[i] = c.copies()[i] + into;
        }
        return new Mapping(phys, c.length() - into);
    }

    int size() {
        return chunks.size();
    }

    static String profileName(long profile) {
        if (profile == 0) {
            return "single";
        }
        String[] names = {"raid0", "raid1", "dup", "raid10", "raid5", "raid6", "raid1c3", "raid1c4"};
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < names.length; i++) {
            if ((profile & (0x8L << i)) != 0) {
                sb.append(sb.length() == 0 ? "" : "+").append(names[i].toUpperCase(java.util.Locale.ROOT));
            }
        }
        return sb.toString();
    }
}
