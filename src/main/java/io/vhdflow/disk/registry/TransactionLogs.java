package io.vhdflow.disk.registry;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.Finding;
import io.vhdflow.disk.container.ByteSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Replays a dirty hive's transaction logs ({@code .LOG1}/{@code .LOG2}, or an old {@code .LOG})
 * into an in-memory overlay of replaced pages, so the hive reads as Windows would load it, without
 * writing anything. Follows the Windows registry file format specification, "Format of
 * transaction log files" and "Dirty state of a hive".
 *
 * <p>Every log starts with a 512-byte copy of the base block (file type 1 or 2 for the old
 * format, 6 for the new one). <b>New format</b> (Windows 8.1 on): log entries from offset 512,
 * each at a 512-byte boundary:
 *
 * <pre>
 *  0 4 signature "HvLE"           20 4 dirty pages count
 *  4 4 size of this entry          24 8 Hash-1: Marvin32 of bytes 40..size
 *  8 4 base block flags            32 8 Hash-2: Marvin32 of bytes 0..31
 * 12 4 sequence number            40 . count x { u32 page offset (hive bins relative), u32 page size }
 * 16 4 hive bins data size         .. . the pages, back to back
 * </pre>
 *
 * Entries apply in sequence-number order starting at the primary file's secondary sequence
 * number; replay stops at a gap, a bad hash or a malformed entry, keeping what came before.
 * <b>Old format</b>: "DIRT" at 512, then a bitmap with one bit per 512-byte page of the hive bins
 * data, then (from the next 512-byte boundary) one 512-byte page per set bit. It applies only
 * when its base block is consistent and its timestamp equals the primary's.
 */
final class TransactionLogs {
    /** Replay refuses to keep more than this many replaced 512-byte units (128 MiB of pages). */
    static final int MAX_OVERLAY_UNITS = 256 * 1024;
    private static final int ENTRY_HEADER = 40;

    private TransactionLogs() {
    }

    /** What a replay produced: the overlay for {@link HiveStorage} and the hive's new shape. */
    record Replay(Map<Long, long[]> overlay, ByteSource[] sources, long dataSize, long sequence,
                  int entries, int pages, long rootCellOffset) {
    }

    private record Entry(int log, long position, long sequence, long dataSize, int flags, long[] pageOffsets,
                         long[] pageSizes, long pagesStart) {
    }

    /**
     * @param primary   the primary file's base block (may have a bad checksum)
     * @param logs      candidate logs, in the order Windows tries them (LOG1, LOG2; or LOG)
     * @param findings  receives a finding for every log that cannot be used and why
     * @return the replay, or null when no log applies
     */
    static Replay replay(BaseBlock primary, List<ByteSource> logs, List<Finding> findings) throws IOException {
        ByteSource[] sources = logs.toArray(new ByteSource[0]);
        List<Entry> entries = new ArrayList<>();
        BaseBlock oldestNewLog = null;
        Replay old = null;
        for (int i = 0; i < sources.length; i++) {
            ByteSource log = sources[i];
            if (log.size() < BaseBlock.HEADER_BYTES) {
                findings.add(new Finding("regf.log-unusable", 0, log.describe() + " is shorter than a base block"));
                continue;
            }
            byte[] head = log.readBytes(0, BaseBlock.HEADER_BYTES, "regf log base block");
            BaseBlock lb;
            try {
                lb = BaseBlock.parse(head, "regf log base block of " + log.describe());
            } catch (DiskException e) {
                findings.add(new Finding("regf.log-unusable", 0, e.getMessage()));
                continue;
            }
            if (!lb.checksumValid()) {
                findings.add(new Finding("regf.log-unusable", 508, log.describe() + ": base block checksum is wrong"));
                continue;
            }
            if (lb.fileType() == BaseBlock.FILE_TYPE_LOG_NEW) {
                readEntries(i, log, entries, findings);
                if (oldestNewLog == null || lb.secondarySequence() < oldestNewLog.secondarySequence()) {
                    oldestNewLog = lb;
                }
            } else if (lb.fileType() == BaseBlock.FILE_TYPE_LOG_OLD || lb.fileType() == BaseBlock.FILE_TYPE_LOG_OLD_ALT) {
                if (old == null) {
                    old = oldFormat(i, log, lb, primary, sources, findings);
                }
            } else {
                findings.add(new Finding("regf.log-unusable", 28, log.describe() + ": file type " + lb.fileType()
                        + " is not a transaction log"));
            }
        }
        if (!entries.isEmpty()) {
            Replay r = applyNew(primary, oldestNewLog, entries, sources, findings);
            if (r != null) {
                return r;
            }
        }
        return old;
    }

    private static void readEntries(int logIndex, ByteSource log, List<Entry> out, List<Finding> findings)
            throws IOException {
        long pos = BaseBlock.HEADER_BYTES;
        long size = log.size();
        while (size - pos >= ENTRY_HEADER) {
            byte[] h = log.readBytes(pos, ENTRY_HEADER, "regf log entry");
            if (h[0] != 'H' || h[1] != 'v' || h[2] != 'L' || h[3] != 'E') {
                return;     // end of the entries (the rest of the file is old or zero)
            }
            ByteBuffer b = ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN);
            long entrySize = Integer.toUnsignedLong(b.getInt(4));
            long dataSize = Integer.toUnsignedLong(b.getInt(16));
            long count = Integer.toUnsignedLong(b.getInt(20));
            String where = log.describe() + " entry at byte " + pos;
            if (entrySize < ENTRY_HEADER || entrySize % 512 != 0 || entrySize > size - pos
                    || entrySize > HiveStorage.MAX_CELL * 4L || dataSize % 4096 != 0 || dataSize == 0
                    || count * 8 > entrySize - ENTRY_HEADER) {
                findings.add(new Finding("regf.log-entry-bad", pos, where + ": malformed header (size " + entrySize
                        + ", hive bins data size " + dataSize + ", " + count + " pages); later entries ignored"));
                return;
            }
            byte[] body = log.readBytes(pos, (int) entrySize, "regf log entry");
            long hash1 = Marvin32.hash(body, ENTRY_HEADER, body.length - ENTRY_HEADER, Marvin32.LOG_SEED);
            long hash2 = Marvin32.hash(body, 0, 32, Marvin32.LOG_SEED);
            if (hash1 != b.getLong(24) || hash2 != b.getLong(32)) {
                findings.add(new Finding("regf.log-entry-bad", pos, where + ": hash mismatch (torn or damaged entry);"
                        + " it and later entries in this log are ignored"));
                return;
            }
            ByteBuffer e = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
            long[] offs = new long[(int) count];
            long[] sizes = new long[(int) count];
            long total = 0;
            for (int i = 0; i < count; i++) {
                offs[i] = Integer.toUnsignedLong(e.getInt(ENTRY_HEADER + i * 8));
                sizes[i] = Integer.toUnsignedLong(e.getInt(ENTRY_HEADER + i * 8 + 4));
                total += sizes[i];
                // Windows logs whole 4096-byte pages; refusing empty or partial pages also bounds
                // the number of references an entry can carry by its size.
                if (offs[i] % 4096 != 0 || sizes[i] == 0 || sizes[i] % 4096 != 0 || offs[i] + sizes[i] > dataSize) {
                    findings.add(new Finding("regf.log-entry-bad", pos, where + ": page " + i + " (offset " + offs[i]
                            + ", size " + sizes[i] + ") is outside the hive bins data; later entries ignored"));
                    return;
                }
            }
            long pagesStart = ENTRY_HEADER + count * 8;
            if (total > entrySize - pagesStart) {
                findings.add(new Finding("regf.log-entry-bad", pos, where + ": its pages need " + total
                        + " bytes but the entry holds " + (entrySize - pagesStart) + "; later entries ignored"));
                return;
            }
            out.add(new Entry(logIndex, pos, Integer.toUnsignedLong(b.getInt(12)), dataSize, b.getInt(8), offs, sizes,
                    pos + pagesStart));
            pos += entrySize;
        }
    }

    private static Replay applyNew(BaseBlock primary, BaseBlock logBase, List<Entry> all, ByteSource[] sources,
                                   List<Finding> findings) throws IOException {
        List<Entry> sorted = new ArrayList<>(all);
        sorted.sort(Comparator.comparingLong(Entry::sequence));   // stable: LOG1 before LOG2 on a tie
        long expected = primary.secondarySequence();
        long rootCellOffset = primary.rootCellOffset();
        if (!primary.checksumValid()) {
            // The primary's base block cannot be trusted: as Windows does, take the base block
            // copy from the (oldest) log and replay the entries that follow it.
            expected = logBase.secondarySequence();
            rootCellOffset = logBase.rootCellOffset();
            findings.add(new Finding("regf.base-block-from-log", 508, "primary base block checksum is wrong;"
                    + " using the base block of the log, sequence " + expected));
        }
        long oldestNeeded = expected;
        long firstLater = sorted.stream().mapToLong(Entry::sequence).filter(q -> q >= oldestNeeded).min().orElse(-1);
        if (firstLater > expected) {
            // "Missing log entries for a dirty primary file" (msuhanov/regf): when Windows rotated
            // the logs twice it reconciles the primary partially without touching its base block,
            // so the primary already holds everything before the oldest surviving entry and
            // replay starts there.
            findings.add(new Finding("regf.log-partial-reconcile", -1, "primary secondary sequence is " + expected
                    + " but the oldest later log entry is " + firstLater + ": the primary was partially reconciled;"
                    + " replaying from " + firstLater));
            expected = firstLater;
        }
        Map<Long, long[]> overlay = new HashMap<>();
        long dataSize = primary.hiveBinsDataSize();
        int applied = 0;
        int pages = 0;
        long last = -1;
        for (Entry e : sorted) {
            if (e.sequence() < expected || e.sequence() == last) {
                continue;       // already in the primary file, or the same entry in both logs
            }
            if (e.sequence() != expected) {
                findings.add(new Finding("regf.log-gap", e.position(), "log entry sequence " + e.sequence()
                        + " does not follow " + (expected - 1) + "; replay stops there"));
                break;
            }
            for (int i = 0; i < e.pageOffsets().length; i++) {
                long src = e.pagesStart();
                for (int k = 0; k < i; k++) {
                    src += e.pageSizes()[k];
                }
                for (long u = 0; u < e.pageSizes()[i]; u += HiveStorage.UNIT) {
                    overlay.put((e.pageOffsets()[i] + u) / HiveStorage.UNIT, new long[]{e.log(), src + u});
                }
                pages++;
                if (overlay.size() > MAX_OVERLAY_UNITS) {
                    throw new DiskException(ErrorKind.LIMIT_EXCEEDED, "regf log entry in " + sources[e.log()].describe(), e.position(),
                            "transaction logs replace more than " + MAX_OVERLAY_UNITS * 512L + " bytes of the hive");
                }
            }
            dataSize = e.dataSize();
            last = e.sequence();
            expected = e.sequence() + 1;
            applied++;
        }
        if (applied == 0) {
            findings.add(new Finding("regf.log-no-entry", -1, "no log entry with sequence number "
                    + primary.secondarySequence() + " (the primary's secondary sequence number) was found"));
            return null;
        }
        return new Replay(overlay, sources, dataSize, last, applied, pages, rootCellOffset);
    }

    private static Replay oldFormat(int logIndex, ByteSource log, BaseBlock lb, BaseBlock primary, ByteSource[] sources,
                                    List<Finding> findings) throws IOException {
        if (!lb.sequenceNumbersMatch()) {
            findings.add(new Finding("regf.log-unusable", 4, log.describe() + ": old-format log was not completely"
                    + " written (sequence numbers " + lb.primarySequence() + "/" + lb.secondarySequence() + ")"));
            return null;
        }
        if (lb.lastWrittenRaw() != primary.lastWrittenRaw()) {
            findings.add(new Finding("regf.log-unusable", 12, log.describe() + ": old-format log belongs to another"
                    + " write of the hive (its timestamp differs from the primary's)"));
            return null;
        }
        long dataSize = lb.hiveBinsDataSize();
        if (dataSize == 0 || dataSize % 4096 != 0) {
            findings.add(new Finding("regf.log-unusable", 40, log.describe() + ": hive bins data size " + dataSize
                    + " is not a multiple of 4096"));
            return null;
        }
        long bits = dataSize / 512;
        long bitmapBytes = (bits + 7) / 8;
        if (log.size() < 516 + bitmapBytes) {
            findings.add(new Finding("regf.log-unusable", 512, log.describe() + ": dirty vector is truncated"));
            return null;
        }
        byte[] sig = log.readBytes(512, 4, "regf log dirty vector");
        if (sig[0] != 'D' || sig[1] != 'I' || sig[2] != 'R' || sig[3] != 'T') {
            findings.add(new Finding("regf.log-unusable", 512, log.describe() + ": no 'DIRT' dirty vector"));
            return null;
        }
        // dataSize is a u32, so the bitmap is at most 1 MiB.
        byte[] bitmap = log.readBytes(516, (int) bitmapBytes, "regf log dirty vector");
        long pagesStart = (516 + bitmapBytes + 511) / 512 * 512;
        Map<Long, long[]> overlay = new HashMap<>();
        long n = 0;
        for (long bit = 0; bit < bits; bit++) {
            if ((bitmap[(int) (bit / 8)] & (1 << (bit % 8))) == 0) {
                continue;
            }
            long src = pagesStart + n * 512;
            if (src + 512 > log.size()) {
                findings.add(new Finding("regf.log-unusable", src, log.describe() + ": dirty page " + n
                        + " is missing (log truncated)"));
                return null;
            }
            overlay.put(bit, new long[]{logIndex, src});
            n++;
            if (overlay.size() > MAX_OVERLAY_UNITS) {
                throw new DiskException(ErrorKind.LIMIT_EXCEEDED, "regf log dirty vector of " + log.describe(), 516,
                        "transaction log replaces more than " + MAX_OVERLAY_UNITS * 512L + " bytes of the hive");
            }
        }
        return new Replay(overlay, sources, dataSize, lb.secondarySequence(), 1, (int) n, lb.rootCellOffset());
    }
}
