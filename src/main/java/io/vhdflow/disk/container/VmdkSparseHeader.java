package io.vhdflow.disk.container;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The header of a hosted sparse VMDK extent (the first 512 bytes of monolithicSparse,
 * streamOptimized and twoGbMaxExtentSparse extent files; in a streamOptimized file written by
 * VMware the real values are in a copy, the footer, near the end). Little-endian; offsets and
 * sizes named "sectors" are in 512-byte sectors. Source: VMware "Virtual Disk Format 1.1".
 *
 * <pre>
 * Offset Size Field
 *      0    4 magic                "KDMV"
 *      4    4 version              1, 2 or 3
 *      8    4 flags                bit 0 newline test valid, bit 1 redundant grain table,
 *                                  bit 2 zeroed-grain entries (GTE 1), bit 16 compressed grains,
 *                                  bit 17 metadata markers
 *     12    8 capacity             sectors of the extent
 *     20    8 grain size           sectors of a grain, a power of 2 &gt; 8
 *     28    8 descriptor offset    sector of the embedded descriptor, 0: none
 *     36    8 descriptor size      sectors
 *     44    4 GTEs per GT          grain table entries per grain table (512)
 *     48    8 redundant GD offset  sector
 *     56    8 GD offset            sector of the grain directory; all ones (GD_AT_END): in the footer
 *     64    8 overhead             sectors before the first grain
 *     72    1 unclean shutdown
 *     73    1 single end line char '\n'    (the newline test: a text-mode transfer changes them)
 *     74    1 non end line char    ' '
 *     75    1 double end line 1    '\r'
 *     76    1 double end line 2    '\n'
 *     77    2 compress algorithm   0 none, 1 deflate (zlib streams)
 *     79  433 padding
 *
 * Grain directory / grain table entries: u32 sectors. GD entry 0: no grain table (all grains
 * unallocated). GT entry 0: unallocated (zeros), 1: a zeroed grain (with flag bit 2), else the
 * grain's sector (a compressed grain's marker).
 * Markers (streamOptimized, 512-byte aligned):
 *   grain marker   0 lba u64 (sector of the grain in the extent), 8 size u32 (compressed bytes),
 *                  12 the zlib stream
 *   other markers  0 number of sectors u64, 8 size u32 = 0, 12 type u32: 0 end of stream,
 *                  1 grain table, 2 grain directory, 3 footer; the metadata follows in the next sector
 * </pre>
 *
 * @param version          format version
 * @param flags            flag bits
 * @param capacity         capacity in sectors
 * @param grainSize        grain size in sectors
 * @param descriptorOffset sector of the embedded descriptor
 * @param descriptorSize   its size in sectors
 * @param gtesPerGt        entries per grain table
 * @param gdOffset         sector of the grain directory
 * @param uncleanShutdown  whether the extent was not closed cleanly
 * @param compressAlgorithm 0 none, 1 deflate
 */
public record VmdkSparseHeader(int version, int flags, long capacity, long grainSize, long descriptorOffset,
                               long descriptorSize, long gtesPerGt, long gdOffset, boolean uncleanShutdown,
                               int compressAlgorithm) {

    static final int SIZE = 512;
    static final long GD_AT_END = -1L;
    static final int FLAG_NEWLINE_TEST = 1;
    static final int FLAG_ZEROED_GRAINS = 1 << 2;
    static final int FLAG_COMPRESSED = 1 << 16;
    static final int FLAG_MARKERS = 1 << 17;

    /** Whether grains are zlib-compressed. */
    public boolean compressed() {
        return (flags & FLAG_COMPRESSED) != 0;
    }

    /** Whether metadata and grains are preceded by markers (streamOptimized). */
    public boolean markers() {
        return (flags & FLAG_MARKERS) != 0;
    }

    /** Grain size in bytes. */
    public long grainBytes() {
        return grainSize * 512;
    }

    static boolean hasMagic(byte[] b) {
        return b.length >= 4 && b[0] == 'K' && b[1] == 'D' && b[2] == 'M' && b[3] == 'V';
    }

    /** Parses a header (or footer) read at {@code at}. */
    static VmdkSparseHeader parse(byte[] b, long at, String structure) throws DiskException {
        if (b.length < SIZE || !hasMagic(b)) {
            throw new DiskException(ErrorKind.CORRUPT, structure, at, "no \"KDMV\" magic");
        }
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int version = bb.getInt(4);
        if (version < 1 || version > 3) {
            throw new DiskException(ErrorKind.UNSUPPORTED, structure, at + 4, "sparse extent version " + version
                    + " (1 to 3 are read)");
        }
        int flags = bb.getInt(8);
        if ((flags & FLAG_NEWLINE_TEST) != 0 && (b[73] != '\n' || b[74] != ' ' || b[75] != '\r' || b[76] != '\n')) {
            throw new DiskException(ErrorKind.CORRUPT, structure, at + 73, "the newline test characters are changed:"
                    + " the file went through a text-mode (ASCII) transfer, which damaged it; copy it again in binary mode");
        }
        long capacity = bb.getLong(12);
        long grain = bb.getLong(20);
        if (capacity < 0 || capacity > DiskImages.MAX_VIRTUAL_SIZE / 512) {
            throw new DiskException(ErrorKind.LIMIT_EXCEEDED, structure, at + 12, "capacity of "
                    + Long.toUnsignedString(capacity) + " sectors exceeds the " + (DiskImages.MAX_VIRTUAL_SIZE >> 40)
                    + " TiB this reader accepts");
        }
        if (grain < 1 || grain > 1 << 14 || Long.bitCount(grain) != 1) {
            throw new DiskException(ErrorKind.CORRUPT, structure, at + 20, "grain size of " + grain + " sectors is not"
                    + " a power of 2 up to 8 MiB");
        }
        long gtes = Integer.toUnsignedLong(bb.getInt(44));
        if (gtes < 1 || gtes > 1 << 16) {
            throw new DiskException(ErrorKind.CORRUPT, structure, at + 44, gtes + " entries per grain table (VMware"
                    + " writes 512)");
        }
        int algorithm = Short.toUnsignedInt(bb.getShort(77));
        if ((flags & FLAG_COMPRESSED) != 0 && algorithm != 1) {
            throw new DiskException(ErrorKind.UNSUPPORTED, structure, at + 77, "compression algorithm " + algorithm
                    + " (only 1, deflate, is defined)");
        }
        return new VmdkSparseHeader(version, flags, capacity, grain, bb.getLong(28), bb.getLong(36), gtes,
                bb.getLong(56), b[72] != 0, algorithm);
    }
}
