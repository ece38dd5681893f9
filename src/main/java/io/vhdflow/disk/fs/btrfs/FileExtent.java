package io.vhdflow.disk.fs.btrfs;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;

import java.nio.ByteBuffer;

/**
 * A file extent ({@code struct btrfs_file_extent_item}, key {@code (ino, EXTENT_DATA, file offset)}):
 * <pre>
 *   0  8  generation
 *   8  8  ram_bytes        uncompressed size of the whole extent (inline: of the inline data)
 *  16  1  compression      0 none, 1 zlib, 2 lzo, 3 zstd
 *  17  1  encryption       0 (nothing else is defined)
 *  18  2  other_encoding   0 (nothing else is defined)
 *  20  1  type             0 inline, 1 regular, 2 prealloc
 *  21     inline: the data (compressed when compression is set) up to the item's end
 *  21  8  disk_bytenr      regular/prealloc: logical start of the (compressed) extent; 0 = a hole
 *  29  8  disk_num_bytes   its size on disk
 *  37  8  offset           where this file range starts within the uncompressed extent
 *  45  8  num_bytes        length of this file range
 * </pre>
 * Without {@code NO_HOLES}, holes are explicit extents with {@code disk_bytenr} 0; with it, a range
 * with no extent item is a hole. A prealloc extent reads as zeros.
 */
record FileExtent(long fileOffset, long ramBytes, int compression, int type, long diskBytenr, long diskNumBytes,
                  long offset, long numBytes, byte[] inline, long at) {

    static final int INLINE = 0;
    static final int REGULAR = 1;
    static final int PREALLOC = 2;
    static final int INLINE_DATA = 21;
    static final int SIZE = 53;

    static FileExtent parse(long ino, long fileOffset, ByteBuffer b, long at, int sectorSize) throws DiskException {
        String s = "btrfs file extent of inode " + ino + " at file offset " + Long.toUnsignedString(fileOffset);
        int size = b.remaining();
        if (size < INLINE_DATA) {
            throw new DiskException(ErrorKind.CORRUPT, s, at, "extent item of " + size + " bytes");
        }
        long ram = b.getLong(8);
        int compression = b.get(16) & 0xFF;
        int encryption = b.get(17) & 0xFF;
        int other = b.getShort(18) & 0xFFFF;
        int type = b.get(20) & 0xFF;
        if (encryption != 0 || other != 0) {
            throw new DiskException(ErrorKind.UNSUPPORTED, s, at + 17, "encryption " + encryption + " / other encoding "
                    + other + " (btrfs defines neither)");
        }
        if (compression > Decompressor.ZSTD) {
            throw new DiskException(ErrorKind.UNSUPPORTED, s, at + 16, "compression type " + compression
                    + " is not one btrfs defines (zlib, lzo, zstd)");
        }
        if (fileOffset % sectorSize != 0 || fileOffset < 0) {
            throw new DiskException(ErrorKind.CORRUPT, s, at, "file offset is not sector-aligned");
        }
        if (type == INLINE) {
            if (fileOffset != 0) {
                throw new DiskException(ErrorKind.CORRUPT, s, at + 20, "an inline extent not at file offset 0");
            }
            int len = size - INLINE_DATA;
            if (compression == Decompressor.NONE && ram != len) {
                throw new DiskException(ErrorKind.CORRUPT, s, at + 8, "uncompressed inline extent of " + len
                        + " bytes says ram_bytes " + Long.toUnsignedString(ram));
            }
            if (ram <= 0 || ram > Decompressor.MAX_UNCOMPRESSED) {
                throw new DiskException(ErrorKind.CORRUPT, s, at + 8, "inline ram_bytes " + Long.toUnsignedString(ram)
                        + " is outside 1.." + Decompressor.MAX_UNCOMPRESSED);
            }
            byte[] data = new byte[len];
            b.get(INLINE_DATA, data);
            return new FileExtent(fileOffset, ram, compression, type, 0, 0, 0, ram, data, at);
        }
        if (type != REGULAR && type != PREALLOC) {
            throw new DiskException(ErrorKind.CORRUPT, s, at + 20, "extent type " + type + " (0 inline, 1 regular, 2 prealloc)");
        }
        if (size < SIZE) {
            throw new DiskException(ErrorKind.CORRUPT, s, at, "regular extent item of " + size + " bytes, " + SIZE + " needed");
        }
        long disk = b.getLong(21);
        long diskBytes = b.getLong(29);
        long off = b.getLong(37);
        long num = b.getLong(45);
        if (num <= 0 || num % sectorSize != 0 || fileOffset + num < fileOffset) {
            throw new DiskException(ErrorKind.CORRUPT, s, at + 45, "num_bytes " + Long.toUnsignedString(num)
                    + " is not a positive multiple of the sector size");
        }
        if (type == PREALLOC && compression != Decompressor.NONE) {
            throw new DiskException(ErrorKind.CORRUPT, s, at + 16, "a prealloc extent cannot be compressed");
        }
        if (disk != 0) {
            if (diskBytes <= 0 || disk + diskBytes < disk || off < 0 || off + num < off) {
                throw new DiskException(ErrorKind.CORRUPT, s, at + 21, "disk range " + Long.toUnsignedString(disk) + "+"
                        + Long.toUnsignedString(diskBytes) + " / offset " + Long.toUnsignedString(off) + " overflows");
            }
            if (compression != Decompressor.NONE) {
                if (diskBytes > Decompressor.MAX_UNCOMPRESSED || ram <= 0 || ram > Decompressor.MAX_UNCOMPRESSED
                        || off + num > ram) {
                    throw new DiskException(ErrorKind.CORRUPT, s, at + 8, "compressed extent of "
                            + Long.toUnsignedString(diskBytes) + " bytes on disk, ram_bytes " + Long.toUnsignedString(ram)
                            + ", range " + off + "+" + num + " (at most " + Decompressor.MAX_UNCOMPRESSED + " each)");
                }
            } else if (off + num > diskBytes) {
                throw new DiskException(ErrorKind.CORRUPT, s, at + 37, "range " + off + "+" + num
                        + " reaches beyond the extent's " + Long.toUnsignedString(diskBytes) + " bytes on disk");
            }
        }
        return new FileExtent(fileOffset, ram, compression, type, disk, diskBytes, off, num, new byte[0], at);
    }

    /** The file bytes this extent covers. */
    long length() {
        return type == INLINE ? ramBytes : numBytes;
    }

    long end() {
        return fileOffset + length();
    }

    /** Reads as zeros: a hole extent ({@code disk_bytenr} 0) or a prealloc extent. */
    boolean zeros() {
        return type == PREALLOC || (type == REGULAR && diskBytenr == 0);
    }
}
