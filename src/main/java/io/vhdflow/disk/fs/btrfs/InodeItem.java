package io.vhdflow.disk.fs.btrfs;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;

import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * An inode ({@code struct btrfs_inode_item}, 160 bytes, key {@code (ino, INODE_ITEM, 0)}):
 * <pre>
 *   0  8  generation
 *   8  8  transid
 *  16  8  size          bytes
 *  24  8  nbytes        bytes allocated
 *  32  8  block_group
 *  40  4  nlink
 *  44  4  uid
 *  48  4  gid
 *  52  4  mode          POSIX type and permission bits
 *  56  8  rdev
 *  64  8  flags         NODATASUM 0x1, NODATACOW 0x2, READONLY 0x4, NOCOMPRESS 0x8, PREALLOC 0x10, ...
 *  72  8  sequence
 *  80 32  reserved
 * 112 12  atime         timespec: seconds i64, nanoseconds u32
 * 124 12  ctime
 * 136 12  mtime
 * 148 12  otime         creation
 * </pre>
 */
record InodeItem(long ino, long size, long nbytes, long nlink, long uid, long gid, int mode, long rdev, long flags,
                 Instant atime, Instant ctime, Instant mtime, Instant otime) {

    static final int SIZE = 160;

    static InodeItem parse(long ino, ByteBuffer b, long at) throws DiskException {
        if (b.remaining() < SIZE) {
            throw new DiskException(ErrorKind.CORRUPT, "btrfs inode " + ino, at, "inode item of " + b.remaining()
                    + " bytes, " + SIZE + " needed");
        }
        if (b.getLong(16) < 0) {
            throw new DiskException(ErrorKind.CORRUPT, "btrfs inode " + ino, at + 16, "size "
                    + Long.toUnsignedString(b.getLong(16)) + " is above 2^63");
        }
        return new InodeItem(ino, b.getLong(16), b.getLong(24), b.getInt(40) & 0xFFFFFFFFL, b.getInt(44) & 0xFFFFFFFFL,
                b.getInt(48) & 0xFFFFFFFFL, b.getInt(52), b.getLong(56), b.getLong(64), time(b, 112), time(b, 124),
                time(b, 136), time(b, 148));
    }

    /** A timespec, clamped into what {@link Instant} holds (a hostile value never throws). */
    static Instant time(ByteBuffer b, int at) {
        long sec = b.getLong(at);
        long nsec = (b.getInt(at + 8) & 0xFFFFFFFFL) % 1_000_000_000L;
        long max = Instant.MAX.getEpochSecond();
        long min = Instant.MIN.getEpochSecond();
        return Instant.ofEpochSecond(Math.max(min, Math.min(max, sec)), nsec);
    }
}
