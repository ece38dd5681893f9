package io.vhdflow.disk.fs.ext4;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.fs.FileType;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.Optional;

/**
 * One on-disk inode, {@code s_inode_size} bytes in its group's inode table. Fields (little-endian,
 * offsets from the start of the inode; "extra" fields exist only when {@code i_extra_isize} covers them):
 *
 * <pre>
 * 0x00 2  i_mode              0x02 2  i_uid (low 16 bits)
 * 0x04 4  i_size_lo           0x08 4  i_atime
 * 0x0C 4  i_ctime             0x10 4  i_mtime
 * 0x18 2  i_gid (low 16)      0x1A 2  i_links_count
 * 0x1C 4  i_blocks_lo         0x20 4  i_flags
 * 0x28 60 i_block (block map, extent tree root, inline data or fast symlink target)
 * 0x64 4  i_generation        0x68 4  i_file_acl_lo
 * 0x6C 4  i_size_high         0x74 2  l_i_blocks_high
 * 0x76 2  l_i_file_acl_high   0x78 2  l_i_uid_high
 * 0x7A 2  l_i_gid_high        0x7C 2  l_i_checksum_lo
 * 0x80 2  i_extra_isize       0x82 2  i_checksum_hi      (extra >= 4)
 * 0x84 4  i_ctime_extra (8)   0x88 4  i_mtime_extra (12) 0x8C 4 i_atime_extra (16)
 * 0x90 4  i_crtime (20)       0x94 4  i_crtime_extra (24)
 * </pre>
 * A "_extra" time holds two epoch bits (added as bits 32-33 of the seconds) and 30 bits of nanoseconds.
 */
final class Inode {
    static final int I_BLOCK = 0x28;
    static final int I_BLOCK_SIZE = 60;
    static final int GOOD_OLD_SIZE = 128;

    static final int FLAG_INDEX = 0x1000;
    static final int FLAG_HUGE_FILE = 0x40000;
    static final int FLAG_EXTENTS = 0x80000;
    static final int FLAG_EA_INODE = 0x200000;
    static final int FLAG_INLINE_DATA = 0x10000000;

    final long number;
    /** Absolute byte offset of this inode in the source. */
    final long offset;
    final byte[] raw;
    final int mode;
    final long uid;
    final long gid;
    final long size;
    final int links;
    final int flags;
    final int generation;
    final long fileAcl;
    final long blocks512;
    final int extraIsize;

    private Inode(long number, long offset, byte[] raw) throws DiskException {
        this.number = number;
        this.offset = offset;
        this.raw = raw;
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        mode = b.getShort(0x00) & 0xFFFF;
        uid = (b.getShort(0x02) & 0xFFFF) | ((long) (b.getShort(0x78) & 0xFFFF) << 16);
        gid = (b.getShort(0x18) & 0xFFFF) | ((long) (b.getShort(0x7A) & 0xFFFF) << 16);
        long sz = Integer.toUnsignedLong(b.getInt(0x04)) | ((long) b.getInt(0x6C) << 32);
        if (sz < 0) {
            throw new DiskException(ErrorKind.CORRUPT, structure(number), offset + 0x6C, "file size " + Long.toUnsignedString(sz)
                    + " is beyond any ext4 limit");
        }
        size = sz;
        links = b.getShort(0x1A) & 0xFFFF;
        flags = b.getInt(0x20);
        generation = b.getInt(0x64);
        fileAcl = Integer.toUnsignedLong(b.getInt(0x68)) | ((long) (b.getShort(0x76) & 0xFFFF) << 32);
        blocks512 = Integer.toUnsignedLong(b.getInt(0x1C)) | ((long) (b.getShort(0x74) & 0xFFFF) << 32);
        if (raw.length > GOOD_OLD_SIZE) {
            extraIsize = b.getShort(0x80) & 0xFFFF;
            if (extraIsize > raw.length - GOOD_OLD_SIZE || (extraIsize & 3) != 0) {
                throw new DiskException(ErrorKind.CORRUPT, structure(number), offset + 0x80, "i_extra_isize " + extraIsize
                        + " does not fit a " + raw.length + "-byte inode");
            }
        } else {
            extraIsize = 0;
        }
    }

    static Inode parse(long number, long offset, byte[] raw) throws DiskException {
        return new Inode(number, offset, raw);
    }

    static String structure(long number) {
        return "ext4 inode " + number;
    }

    FileType type() {
        return FileType.fromPosixMode(mode);
    }

    boolean hasFlag(int flag) {
        return (flags & flag) != 0;
    }

    int u32(int off) {
        return (raw[off] & 0xFF) | (raw[off + 1] & 0xFF) << 8 | (raw[off + 2] & 0xFF) << 16 | (raw[off + 3] & 0xFF) << 24;
    }

    int u16(int off) {
        return (raw[off] & 0xFF) | (raw[off + 1] & 0xFF) << 8;
    }

    /** True when the 256-byte-style extra area is large enough to hold a field ending at {@code end}. */
    private boolean extraCovers(int end) {
        return raw.length > GOOD_OLD_SIZE && GOOD_OLD_SIZE + extraIsize >= end;
    }

    Optional<Instant> mtime() {
        return Optional.of(time(0x10, 0x88));
    }

    Optional<Instant> atime() {
        return Optional.of(time(0x08, 0x8C));
    }

    Optional<Instant> ctime() {
        return Optional.of(time(0x0C, 0x84));
    }

    Optional<Instant> crtime() {
        return extraCovers(0x94) ? Optional.of(time(0x90, 0x94)) : Optional.empty();
    }

    private Instant time(int secondsOff, int extraOff) {
        long seconds = u32(secondsOff);  // signed: before 1970 when no epoch bits are set
        long nanos = 0;
        if (extraCovers(extraOff + 4)) {
            int extra = u32(extraOff);
            seconds += (long) (extra & 3) << 32;
            nanos = Integer.toUnsignedLong(extra) >>> 2;
        }
        return Instant.ofEpochSecond(seconds, nanos);
    }

    /** Checksum over this inode as metadata_csum defines it; returns null when it matches. */
    String checksumProblem(int fsSeed) {
        int seed = Checksums.crc32cInt(Checksums.crc32cInt(fsSeed, (int) number), generation);
        boolean hasHi = raw.length > GOOD_OLD_SIZE && extraIsize >= 4;
        byte[] copy = raw.clone();
        copy[0x7C] = 0;
        copy[0x7D] = 0;
        if (hasHi) {
            copy[0x82] = 0;
            copy[0x83] = 0;
        }
        int crc = Checksums.crc32c(seed, copy, 0, copy.length);
        int stored = u16(0x7C) | (hasHi ? u16(0x82) << 16 : 0);
        int actual = hasHi ? crc : crc & 0xFFFF;
        if (stored == actual) {
            return null;
        }
        return String.format("stored 0x%08x, computed 0x%08x", stored, actual);
    }

    /** Seed for checksums of blocks owned by this inode (extent tree and directory blocks). */
    int checksumSeed(int fsSeed) {
        return Checksums.crc32cInt(Checksums.crc32cInt(fsSeed, (int) number), generation);
    }
}
