package io.vhdflow.disk.registry;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The regf base block: the first 4096 bytes of a hive file (and, partially, the first sector of
 * its transaction logs). All numbers little-endian. Layout (Windows registry file format
 * specification, "Base block"):
 *
 * <pre>
 * offset size field
 *      0    4 signature "regf"
 *      4    4 primary sequence number   (incremented when a write starts)
 *      8    4 secondary sequence number (incremented when it ends; equal = consistent)
 *     12    8 last written timestamp, FILETIME UTC
 *     20    4 major version (1)
 *     24    4 minor version (3, 4, 5, 6); big data (db) cells exist from minor 4 on
 *     28    4 file type: 0 primary, 1 old-format log, 2 alternate/old log, 6 new-format log
 *     32    4 file format (1 = direct memory load)
 *     36    4 root cell offset, relative to the start of the hive bins data (file offset 4096)
 *     40    4 hive bins data size in bytes (a multiple of 4096)
 *     44    4 clustering factor (sector size / 512)
 *     48   64 file name, UTF-16LE, for debugging only
 *    144    4 flags (Windows 10: KTM state)
 *    508    4 checksum: XOR of the 127 little-endian u32 words before it (0 maps to 1, -1 to -2)
 * </pre>
 *
 * @param offset              absolute offset of this base block in its file (0)
 * @param primarySequence     field at +4
 * @param secondarySequence   field at +8
 * @param lastWritten         field at +12, as an instant (FILETIME converted)
 * @param lastWrittenRaw      field at +12, raw FILETIME (logs match the primary by it)
 * @param majorVersion        field at +20
 * @param minorVersion        field at +24
 * @param fileType            field at +28
 * @param fileFormat          field at +32
 * @param rootCellOffset      field at +36, unsigned
 * @param hiveBinsDataSize    field at +40, unsigned
 * @param clusteringFactor    field at +44
 * @param fileName            field at +48, up to the first NUL
 * @param flags               field at +144
 * @param storedChecksum      field at +508
 * @param computedChecksum    checksum recomputed over bytes 0..507
 */
public record BaseBlock(long offset, long primarySequence, long secondarySequence, Instant lastWritten,
                        long lastWrittenRaw, int majorVersion, int minorVersion, int fileType, int fileFormat,
                        long rootCellOffset, long hiveBinsDataSize, int clusteringFactor, String fileName,
                        int flags, long storedChecksum, long computedChecksum) {

    /** Size of the base block in a primary file; the hive bins data starts right after it. */
    public static final int SIZE = 4096;
    /** Bytes of the base block covered by the checksum and copied into a log's first sector. */
    public static final int HEADER_BYTES = 512;
    static final int FILE_TYPE_PRIMARY = 0;
    static final int FILE_TYPE_LOG_OLD = 1;
    static final int FILE_TYPE_LOG_OLD_ALT = 2;
    static final int FILE_TYPE_LOG_NEW = 6;

    /** True when {@code b} starts with the {@code regf} signature. */
    static boolean hasSignature(byte[] b) {
        return b.length >= 4 && b[0] == 'r' && b[1] == 'e' && b[2] == 'g' && b[3] == 'f';
    }

    /**
     * Parses the first 512 bytes of {@code header}.
     *
     * @param what how to name the file in errors, e.g. "regf base block" or "regf log base block"
     */
    static BaseBlock parse(byte[] header, String what) throws DiskException {
        if (header.length < HEADER_BYTES) {
            throw new DiskException(ErrorKind.TRUNCATED, what, 0, "only " + header.length + " bytes, a base block needs 512");
        }
        if (!hasSignature(header)) {
            throw new DiskException(ErrorKind.CORRUPT, what, 0, "signature is not 'regf': not a registry hive file");
        }
        ByteBuffer b = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        int nameEnd = 48;
        while (nameEnd + 1 < 112 && (header[nameEnd] != 0 || header[nameEnd + 1] != 0)) {
            nameEnd += 2;
        }
        String name = new String(header, 48, nameEnd - 48, StandardCharsets.UTF_16LE);
        long raw = b.getLong(12);
        return new BaseBlock(0, Integer.toUnsignedLong(b.getInt(4)), Integer.toUnsignedLong(b.getInt(8)),
                filetimeToInstant(raw), raw, b.getInt(20), b.getInt(24), b.getInt(28), b.getInt(32),
                Integer.toUnsignedLong(b.getInt(36)), Integer.toUnsignedLong(b.getInt(40)), b.getInt(44), name,
                b.getInt(144), Integer.toUnsignedLong(b.getInt(508)), checksum(header));
    }

    /** XOR-32 of the first 508 bytes, with Windows' two special cases (0 becomes 1, -1 becomes -2). */
    static long checksum(byte[] header) {
        ByteBuffer b = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        int x = 0;
        for (int i = 0; i < 508; i += 4) {
            x ^= b.getInt(i);
        }
        if (x == -1) {
            x = -2;
        } else if (x == 0) {
            x = 1;
        }
        return Integer.toUnsignedLong(x);
    }

    /** FILETIME (100 ns ticks since 1601-01-01 UTC) to an instant; out-of-range values clamp. */
    static Instant filetimeToInstant(long filetime) {
        final long epochDiffSeconds = 11_644_473_600L;
        long ticks = filetime;
        if (ticks < 0) {
            return Instant.MAX;
        }
        long seconds = ticks / 10_000_000L - epochDiffSeconds;
        long nanos = (ticks % 10_000_000L) * 100;
        return Instant.ofEpochSecond(seconds, nanos);
    }

    /** True when the stored checksum matches the bytes. */
    public boolean checksumValid() {
        return storedChecksum == computedChecksum;
    }

    /** True when the sequence numbers agree: the last write to the hive completed. */
    public boolean sequenceNumbersMatch() {
        return primarySequence == secondarySequence;
    }

    /** Dirty in the specification's sense: a write was interrupted or the base block is damaged. */
    public boolean dirty() {
        return !sequenceNumbersMatch() || !checksumValid();
    }
}
