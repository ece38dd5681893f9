package io.vhdflow.disk.fs.ntfs;

import java.time.Instant;
import java.util.Optional;

/**
 * {@code $STANDARD_INFORMATION} (attribute 0x10): the times and DOS attributes Windows keeps current.
 * <pre>
 *   0x00 8 creation time   0x08 8 modification time   0x10 8 MFT change time   0x18 8 access time
 *   0x20 4 file attribute flags (0x4 system, 0x200 sparse, 0x400 reparse, 0x800 compressed, 0x4000 encrypted)
 * </pre>
 * Times are FILETIME: 100 ns units since 1601-01-01 UTC.
 */
record StandardInformation(Optional<Instant> created, Optional<Instant> modified, Optional<Instant> changed,
                           Optional<Instant> accessed, int flags) {

    /** Seconds from 1601-01-01 to 1970-01-01. */
    private static final long EPOCH_DIFF = 11_644_473_600L;

    static StandardInformation parse(byte[] v) {
        if (v.length < 0x24) {
            return new StandardInformation(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 0);
        }
        return new StandardInformation(time(AttributeRecord.i64(v, 0)), time(AttributeRecord.i64(v, 8)),
                time(AttributeRecord.i64(v, 0x10)), time(AttributeRecord.i64(v, 0x18)), AttributeRecord.i32(v, 0x20));
    }

    /** FILETIME to Instant; 0 (unset) and negative values are empty. */
    static Optional<Instant> time(long filetime) {
        if (filetime <= 0) {
            return Optional.empty();
        }
        return Optional.of(Instant.ofEpochSecond(filetime / 10_000_000L - EPOCH_DIFF, (filetime % 10_000_000L) * 100));
    }
}
