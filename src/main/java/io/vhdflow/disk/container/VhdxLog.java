package io.vhdflow.disk.container;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * The VHDX metadata log, replayed in memory: a file whose header names a log (non-zero log GUID)
 * was closed with metadata updates that may not have reached their place, and must not be read
 * before they are applied. vhdflow never writes its input, so the updates go into an
 * {@link OverlayByteSource} over the file; when the log holds no valid, complete sequence the file
 * is refused. Little-endian. Source: [MS-VHDX] 2.3.
 *
 * <pre>
 * The log is a ring of 4 KiB sectors at the header's log offset, of the header's log length.
 * Entry header (first 64 bytes of an entry's first sector):
 * Offset Size Field
 *      0    4 signature            "loge"
 *      4    4 checksum             CRC-32C of the whole entry (entry length bytes) with this field 0
 *      8    4 entry length         a multiple of 4 KiB
 *     12    4 tail                 log offset of the first entry of the sequence this entry ends
 *     16    8 sequence number      &gt; 0, one more than the previous entry of its sequence
 *     24    4 descriptor count
 *     28    4 reserved
 *     32   16 log GUID             must equal the header's
 *     48    8 flushed file offset  the file was at least this long when the entry was written
 *     56    8 last file offset     every structure fits below this
 * Descriptors (32 bytes each) follow the header: 126 in the first sector, 128 in each further one.
 *   zero descriptor: 0 "zero" (4), 4 reserved (4), 8 zero length (8), 16 file offset (8),
 *                    24 sequence number (8)
 *   data descriptor: 0 "desc" (4), 4 trailing bytes (4: bytes 4092-4095 of the sector),
 *                    8 leading bytes (8: bytes 0-7), 16 file offset (8), 24 sequence number (8)
 * Data sectors (4 KiB each, one per data descriptor, after the descriptor sectors):
 *      0    4 "data"
 *      4    4 sequence high        upper 32 bits of the entry's sequence number
 *      8 4084 bytes 8-4091 of the update
 *   4092    4 sequence low         lower 32 bits
 * </pre>
 *
 * The active sequence is found as [MS-VHDX] 2.3.3 describes: from each 4 KiB position, the longest
 * run of valid entries with consecutive sequence numbers; it is valid when its head entry's tail
 * lies within it; the valid one with the highest sequence number wins and is replayed from that
 * tail to its head.
 */
final class VhdxLog {
    static final int SECTOR = 4096;
    /** Largest log read (it is held in memory while it is searched): Hyper-V and qemu write 1 MiB. */
    static final long MAX_LOG = 32L << 20;
    /**
     * CRC work allowed while searching, in multiples of the log length: each position is checked
     * once, so a real log costs at most one length; overlapping entries only a crafted log has
     * cannot make the search quadratic.
     */
    static final int MAX_SCAN_FACTOR = 8;

    /**
     * The result of a replay.
     *
     * @param file     the file with the log applied
     * @param entries  entries replayed
     * @param firstSeq sequence number of the tail entry
     * @param lastSeq  sequence number of the head entry
     * @param bytes    bytes of data the log wrote (zeroed ranges not counted)
     */
    record Replay(OverlayByteSource file, int entries, long firstSeq, long lastSeq, long bytes) {
    }

    /** A validated entry: where it is and what its header says; its descriptors are read again to replay it. */
    private record Entry(int position, int length, int tail, long seq, long flushed, long last, long descriptors,
                         long descriptorSectors) {
    }

    private final byte[] log;
    private final java.util.Map<Integer, Optional<Entry>> checked = new java.util.HashMap<>();
    private final int length;
    private final long logOffset;
    private final UUID guid;
    private long crcBudget;

    private VhdxLog(byte[] log, long logOffset, UUID guid) {
        this.log = log;
        this.length = log.length;
        this.logOffset = logOffset;
        this.guid = guid;
        this.crcBudget = (long) MAX_SCAN_FACTOR * log.length;
    }

    /** Replays the log {@code header} names, or returns empty when it names none. */
    static Optional<Replay> replay(ByteSource file, VhdxHeader header) throws IOException {
        if (!header.hasLog()) {
            return Optional.empty();
        }
        long at = header.copy() == 1 ? VhdxHeader.HEADER_1 : VhdxHeader.HEADER_2;
        String s = "VHDX header " + header.copy();
        if (header.logVersion() != 0) {
            throw new DiskException(ErrorKind.UNSUPPORTED, s, at + 64, "log version " + header.logVersion()
                    + " (only 0 is defined) with a log to replay");
        }
        long off = header.logOffset();
        long len = header.logLength();
        if (len == 0 || off < VhdxHeader.MiB || off % VhdxHeader.MiB != 0 || len % VhdxHeader.MiB != 0
                || off > file.size() || len > file.size() - off) {
            throw new DiskException(ErrorKind.CORRUPT, s, at + 68, "the log of " + len + " bytes at "
                    + Long.toUnsignedString(off) + " is empty, not 1 MiB aligned or outside the file ("
                    + file.size() + " bytes)");
        }
        if (len > MAX_LOG) {
            throw new DiskException(ErrorKind.LIMIT_EXCEEDED, s, at + 68, "the log is " + len + " bytes; this reader"
                    + " replays logs of at most " + MAX_LOG + " bytes. Open the disk once in Hyper-V (or a copy with"
                    + " qemu-img check -r all) to apply it");
        }
        VhdxLog l = new VhdxLog(file.readBytes(off, (int) len, "VHDX log"), off, header.logGuid());
        List<Entry> active = l.activeSequence();
        if (active.isEmpty()) {
            throw new DiskException(ErrorKind.CORRUPT, "VHDX log", off, "the header names a log (GUID "
                    + header.logGuid() + ") but the log holds no valid, complete sequence of entries to replay:"
                    + " the file is damaged. Open it in Hyper-V to repair it, or use an earlier copy");
        }
        Entry head = active.get(active.size() - 1);
        if (file.size() < head.flushed()) {
            throw new DiskException(ErrorKind.TRUNCATED, "VHDX log entry", off + head.position() + 48, "the file is "
                    + file.size() + " bytes but the log says it was at least " + head.flushed()
                    + " bytes long: the file was truncated");
        }
        OverlayByteSource overlay = new OverlayByteSource(file);
        for (Entry e : active) {
            l.apply(e, overlay);
        }
        long bytes = overlay.heldBytes();
        overlay.extendTo(head.last());
        return Optional.of(new Replay(overlay, active.size(), active.get(0).seq(), head.seq(), bytes));
    }

    /** The active sequence, oldest entry first, or empty when there is none. */
    private List<Entry> activeSequence() throws DiskException {
        List<Entry> candidate = List.of();
        long candidateSeq = 0;
        int tail = 0;
        int oldTail = 0;
        while (true) {
            List<Entry> current = new ArrayList<>();
            int head = tail;
            for (int steps = 0; steps * SECTOR < length; steps++) {
                Optional<Entry> e = entryAt(head);
                if (e.isEmpty() || (!current.isEmpty() && e.get().seq() != current.get(current.size() - 1).seq() + 1)) {
                    break;
                }
                current.add(e.get());
                head = (head + e.get().length()) % length;
                if (head == tail) {
                    break; // the whole ring is one sequence
                }
            }
            List<Entry> valid = List.of();
            if (!current.isEmpty()) {
                int t = current.get(current.size() - 1).tail();
                for (int i = 0; i < current.size(); i++) {
                    if (current.get(i).position() == t) {
                        valid = current.subList(i, current.size());
                        break;
                    }
                }
            }
            if (!valid.isEmpty() && valid.get(valid.size() - 1).seq() > candidateSeq) {
                candidate = List.copyOf(valid);
                candidateSeq = valid.get(valid.size() - 1).seq();
            }
            if (valid.isEmpty()) {
                tail = (tail + SECTOR) % length;
            } else {
                tail = head;
            }
            if (tail <= oldTail) {
                return candidate;
            }
            oldTail = tail;
        }
    }

    private int intAt(int pos) {
        return ByteBuffer.wrap(log).order(ByteOrder.LITTLE_ENDIAN).getInt(pos % length);
    }

    private long longAt(int pos) {
        return (Integer.toUnsignedLong(intAt(pos))) | ((long) intAt(pos + 4) << 32);
    }

    /** Bytes {@code [pos, pos + n)} of the ring (n within one sector, sector-aligned pos: never wraps inside). */
    private byte[] bytes(int pos, int n) {
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            out[i] = log[(pos + i) % length];
        }
        return out;
    }

    /** The valid entry starting at ring position {@code pos}, or empty; each position is checked once. */
    private Optional<Entry> entryAt(int pos) throws DiskException {
        Optional<Entry> known = checked.get(pos);
        if (known == null) {
            known = check(pos);
            checked.put(pos, known);
        }
        return known;
    }

    private Optional<Entry> check(int pos) throws DiskException {
        if (log[pos] != 'l' || log[pos + 1] != 'o' || log[pos + 2] != 'g' || log[pos + 3] != 'e') {
            return Optional.empty();
        }
        long entryLength = Integer.toUnsignedLong(intAt(pos + 8));
        long tail = Integer.toUnsignedLong(intAt(pos + 12));
        long seq = longAt(pos + 16);
        long count = Integer.toUnsignedLong(intAt(pos + 24));
        if (entryLength == 0 || entryLength % SECTOR != 0 || entryLength > length || tail % SECTOR != 0
                || tail >= length || seq == 0 || !VhdxHeader.guid(bytes(pos + 32, 16), 0).equals(guid)) {
            return Optional.empty();
        }
        long descSectors = (count + 2 + 127) / 128;
        if (descSectors * SECTOR > entryLength) {
            return Optional.empty();
        }
        crcBudget -= entryLength;
        if (crcBudget < 0) {
            throw new DiskException(ErrorKind.LIMIT_EXCEEDED, "VHDX log", logOffset, "searching the log for its active"
                    + " sequence read more than " + MAX_SCAN_FACTOR + " times its length: it is not a log a writer makes");
        }
        CRC32C crc = new CRC32C();
        for (long i = 0; i < entryLength; i += SECTOR) {
            byte[] sector = bytes((int) ((pos + i) % length), SECTOR);
            if (i == 0) {
                sector[4] = sector[5] = sector[6] = sector[7] = 0;
            }
            crc.update(sector);
        }
        if ((int) crc.getValue() != intAt(pos + 4)) {
            return Optional.empty();
        }
        int dataSector = (int) descSectors;
        for (long d = 0; d < count; d++) {
            int at = (int) ((pos + 64 + 32 * d) % length);
            long fileOffset = longAt(at + 16);
            if (longAt(at + 24) != seq || fileOffset % SECTOR != 0 || fileOffset < 0) {
                return Optional.empty();
            }
            if (isSignature(at, "zero")) {
                long zeroLength = longAt(at + 8);
                if (zeroLength % SECTOR != 0 || zeroLength < 0 || zeroLength > DiskImages.MAX_VIRTUAL_SIZE
                        || fileOffset > DiskImages.MAX_VIRTUAL_SIZE) {
                    return Optional.empty();
                }
            } else if (isSignature(at, "desc")) {
                if ((long) (dataSector + 1) * SECTOR > entryLength || fileOffset > DiskImages.MAX_VIRTUAL_SIZE) {
                    return Optional.empty();
                }
                int sp = (int) ((pos + (long) dataSector * SECTOR) % length);
                long sectorSeq = (Integer.toUnsignedLong(intAt(sp + 4)) << 32) | Integer.toUnsignedLong(intAt(sp + 4092));
                if (!isSignature(sp, "data") || sectorSeq != seq) {
                    return Optional.empty();
                }
                dataSector++;
            } else {
                return Optional.empty();
            }
        }
        return Optional.of(new Entry(pos, (int) entryLength, (int) tail, seq, longAt(pos + 48), longAt(pos + 56),
                count, descSectors));
    }

    private boolean isSignature(int at, String sig) {
        for (int i = 0; i < 4; i++) {
            if (log[(at + i) % length] != sig.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Writes one validated entry's updates, in descriptor order, into {@code overlay}. */
    private void apply(Entry e, OverlayByteSource overlay) {
        int dataSector = (int) e.descriptorSectors();
        for (long d = 0; d < e.descriptors(); d++) {
            int at = (int) ((e.position() + 64 + 32 * d) % length);
            long fileOffset = longAt(at + 16);
            if (isSignature(at, "zero")) {
                overlay.zero(fileOffset, longAt(at + 8));
            } else {
                byte[] sector = bytes((int) ((e.position() + (long) dataSector * SECTOR) % length), SECTOR);
                // The update's first 8 and last 4 bytes live in the descriptor.
                System.arraycopy(bytes(at + 8, 8), 0, sector, 0, 8);
                System.arraycopy(bytes(at + 4, 4), 0, sector, 4092, 4);
                overlay.write(fileOffset, sector);
                dataSector++;
            }
        }
    }
}
