package io.vhdflow.disk.fs.xfs;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.fs.FileType;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.Optional;

/**
 * One on-disk inode ({@code struct xfs_dinode}), big-endian. The fields read, with offsets:
 *
 * <pre>
 *   0 2 di_magic        "IN"
 *   2 2 di_mode         POSIX type and permissions
 *   4 1 di_version      1, 2 (v4) or 3 (v5)
 *   5 1 di_format       data fork: 0 dev, 1 local, 2 extents, 3 btree
 *   6 2 di_onlink       link count on version 1 inodes
 *   8 4 di_uid    12 4 di_gid
 *  16 4 di_nlink        link count on version 2 and 3 inodes
 *  24 8 di_big_nextents data fork extent count when flags2 NREXT64 is set
 *  32 8 di_atime  40 8 di_mtime  48 8 di_ctime   (s32 seconds + u32 ns, or u64 ns with BIGTIME)
 *  56 8 di_size         bytes
 *  64 8 di_nblocks      blocks used, data and attribute forks
 *  76 4 di_nextents     data fork extent count (without NREXT64)
 *  82 1 di_forkoff      attribute fork offset in 8-byte units from the literal area (0: none)
 *  83 1 di_aformat
 *  90 2 di_flags
 * v3 only:
 * 100 4 di_crc          CRC32c over the whole inode (little-endian)
 * 120 8 di_flags2       0x8 BIGTIME, 0x10 NREXT64
 * 144 8 di_crtime       creation time
 * 152 8 di_ino          the inode's own number
 * 176   literal area (data fork, then attribute fork); v1/v2 literal area starts at 100
 * </pre>
 */
final class XfsInode {
    static final int MAGIC = 0x494E;
    static final int FMT_DEV = 0;
    static final int FMT_LOCAL = 1;
    static final int FMT_EXTENTS = 2;
    static final int FMT_BTREE = 3;

    private static final long FLAGS2_BIGTIME = 0x8;
    private static final long FLAGS2_NREXT64 = 0x10;
    /** Bigtime counts nanoseconds from the old 32-bit epoch minimum, 1901-12-13T20:45:52Z. */
    private static final long BIGTIME_EPOCH_OFFSET = 1L << 31;

    final long ino;
    final long offset;
    final int mode;
    final int version;
    final int format;
    final long uid;
    final long gid;
    final long nlink;
    final long size;
    final long nextents;
    final boolean crcValid;
    private final byte[] raw;
    private final int forkOffset;
    private final int forkSize;
    private final long flags2;

    private XfsInode(long ino, long offset, byte[] raw, int forkOffset, int forkSize, int mode, int version, int format,
                     long uid, long gid, long nlink, long size, long nextents, long flags2, boolean crcValid) {
        this.ino = ino;
        this.offset = offset;
        this.raw = raw;
        this.forkOffset = forkOffset;
        this.forkSize = forkSize;
        this.mode = mode;
        this.version = version;
        this.format = format;
        this.uid = uid;
        this.gid = gid;
        this.nlink = nlink;
        this.size = size;
        this.nextents = nextents;
        this.flags2 = flags2;
        this.crcValid = crcValid;
    }

    static String structure(long ino) {
        return "xfs inode " + ino;
    }

    /** Parses inode {@code ino} from its {@code sb.inodeSize()} bytes read at absolute {@code offset}. */
    static XfsInode parse(XfsSuperblock sb, long ino, long offset, byte[] raw) throws DiskException {
        String s = structure(ino);
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.BIG_ENDIAN);
        if ((b.getShort(0) & 0xFFFF) != MAGIC) {
            throw new DiskException(ErrorKind.CORRUPT, s, offset, "no IN magic: not an inode (unallocated or corrupt inode number)");
        }
        int version = raw[4] & 0xFF;
        if (sb.isV5() ? version != 3 : version < 1 || version > 2) {
            throw new DiskException(ErrorKind.CORRUPT, s, offset + 4, "inode version " + version + " on a v" + sb.version() + " filesystem");
        }
        int core = version == 3 ? 176 : 100;
        boolean crcValid = true;
        long flags2 = 0;
        if (version == 3) {
            crcValid = XfsChecksum.verify(raw, raw.length, 100);
            long self = b.getLong(152);
            if (self != ino) {
                throw new DiskException(ErrorKind.CORRUPT, s, offset + 152, "inode records its own number as " + self
                        + ": the inode number points at the wrong place");
            }
            flags2 = b.getLong(120);
        }
        int mode = b.getShort(2) & 0xFFFF;
        int format = raw[5] & 0xFF;
        long nlink = version == 1 ? b.getShort(6) & 0xFFFF : b.getInt(16) & 0xFFFFFFFFL;
        long size = b.getLong(56);
        if (size < 0) {
            throw new DiskException(ErrorKind.CORRUPT, s, offset + 56, "negative size " + size);
        }
        long nextents = (flags2 & FLAGS2_NREXT64) != 0 ? b.getLong(24) : b.getInt(76) & 0xFFFFFFFFL;
        if (nextents < 0) {
            throw new DiskException(ErrorKind.CORRUPT, s, offset + 24, "extent count " + nextents + " is impossible");
        }
        int forkoff = raw[82] & 0xFF;
        int literal = raw.length - core;
        int dataForkSize = forkoff == 0 ? literal : forkoff * 8;
        if (dataForkSize > literal) {
            throw new DiskException(ErrorKind.CORRUPT, s, offset + 82, "attribute fork offset " + forkoff * 8
                    + " lies beyond the " + literal + "-byte literal area");
        }
        if (format > FMT_BTREE) {
            throw new DiskException(ErrorKind.CORRUPT, s, offset + 5, "unknown data fork format " + format);
        }
        return new XfsInode(ino, offset, raw, core, dataForkSize, mode, version, format,
                b.getInt(8) & 0xFFFFFFFFL, b.getInt(12) & 0xFFFFFFFFL, nlink, size, nextents, flags2, crcValid);
    }

    FileType type() {
        return FileType.fromPosixMode(mode);
    }

    /** Absolute byte offset of the data fork's first byte. */
    long forkByteOffset() {
        return offset + forkOffset;
    }

    int forkSize() {
        return forkSize;
    }

    /** The data fork's bytes (inline data, extent records or the B+tree root). */
    ByteBuffer fork() {
        return ByteBuffer.wrap(raw, forkOffset, forkSize).slice().order(ByteOrder.BIG_ENDIAN);
    }

    Instant atime() {
        return time(32);
    }

    Instant mtime() {
        return time(40);
    }

    Instant ctime() {
        return time(48);
    }

    Optional<Instant> crtime() {
        return version == 3 ? Optional.of(time(144)) : Optional.empty();
    }

    private Instant time(int at) {
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.BIG_ENDIAN);
        if ((flags2 & FLAGS2_BIGTIME) != 0) {
            long ns = b.getLong(at);
            return Instant.ofEpochSecond(Long.divideUnsigned(ns, 1_000_000_000L) - BIGTIME_EPOCH_OFFSET,
                    Long.remainderUnsigned(ns, 1_000_000_000L));
        }
        return Instant.ofEpochSecond(b.getInt(at), b.getInt(at + 4) & 0xFFFFFFFFL);
    }
}
