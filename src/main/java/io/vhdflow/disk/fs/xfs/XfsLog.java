package io.vhdflow.disk.fs.xfs;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.Finding;
import io.vhdflow.disk.container.ByteSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * Decides offline, without replaying anything, whether the internal log was cleanly unmounted:
 * the same test the kernel makes at mount time, in a few reads.
 * <ol>
 *   <li>Every 512-byte log block starts with its cycle number (a record header holds it at byte
 *       4 after the magic). Written blocks carry cycle {@code c}, older ones {@code c-1}, so the
 *       head, the first block of the older cycle, is found by binary search (about log2(blocks)
 *       reads of 8 bytes).</li>
 *   <li>The last record header before the head is found by searching backwards for its magic
 *       {@code 0xFEEDBABE} (at most {@link #MAX_BACK_BLOCKS} blocks, the largest record).</li>
 *   <li>The log is clean when that record holds exactly one operation and the operation header
 *       carries the unmount flag {@code XLOG_UNMOUNT_TRANS} (0x20): the unmount record the kernel
 *       writes last. Anything else means transactions may need recovery.</li>
 * </ol>
 * Record header ({@code xlog_rec_header}, big-endian): 0 4 h_magicno, 4 4 h_cycle, 8 4 h_version,
 * 12 4 h_len, 16 8 h_lsn, 24 8 h_tail_lsn, 32 4 h_crc, 36 4 h_prev_block, 40 4 h_num_logops,
 * 44 256 h_cycle_data, 300 4 h_fmt, 304 16 h_fs_uuid, 320 4 h_size. Operation header
 * ({@code xlog_op_header}): 0 4 oh_tid, 4 4 oh_len, 8 1 oh_clientid, 9 1 oh_flags, 10 2 pad.
 * Blocks of a header span {@code h_size / 32768} basic blocks for v2 logs with big buffers.
 */
final class XfsLog {
    static final int RECORD_MAGIC = 0xFEEDBABE;
    private static final int BB = 512;
    private static final int UNMOUNT_TRANS = 0x20;
    /** Largest log record: 256 KiB of data plus up to 8 header blocks. */
    static final int MAX_BACK_BLOCKS = 256 * 1024 / BB + 16;

    private XfsLog() {
    }

    /** The finding to report for the internal log, or empty when it was cleanly unmounted. */
    static Optional<Finding> check(XfsSuperblock sb, ByteSource source) throws IOException {
        if (sb.logStart() == 0) {
            return Optional.of(new Finding("xfs.log-external", -1,
                    "the log is on an external device, so whether it was cleanly unmounted cannot be checked"));
        }
        long start = sb.fsbToByte(sb.logStart(), sb.logBlocks(), "xfs log", 48);
        long bbs = sb.logBlocks() * sb.blockSize() / BB;
        if (bbs < 2) {
            throw new DiskException(ErrorKind.CORRUPT, "xfs log", start, "log of " + sb.logBlocks() + " blocks is too small");
        }
        long head = head(source, start, bbs);
        // Walk back from the head (wrapping) to the last record header.
        for (long back = 1; back <= Math.min(MAX_BACK_BLOCKS, bbs); back++) {
            long blk = Math.floorMod(head - back, bbs);
            ByteBuffer h = source.readBuffer(start + blk * BB, BB, "xfs log record").order(ByteOrder.BIG_ENDIAN);
            if (h.getInt(0) != RECORD_MAGIC) {
                continue;
            }
            long recordAt = start + blk * BB;
            int version = h.getInt(8);
            int hsize = h.getInt(320);
            int numLogops = h.getInt(40);
            long hblks = 1;
            if ((version & 2) != 0 && hsize > 32768) {
                hblks = Math.min(8, (hsize + 32767L) / 32768);
            }
            long dataBlk = Math.floorMod(blk + hblks, bbs);
            ByteBuffer op = source.readBuffer(start + dataBlk * BB, 12, "xfs log operation header")
                    .order(ByteOrder.BIG_ENDIAN);
            int flags = op.get(9) & 0xFF;
            if (numLogops == 1 && (flags & UNMOUNT_TRANS) != 0) {
                return Optional.empty();
            }
            return Optional.of(new Finding("xfs.log-dirty", recordAt,
                    "the log was not cleanly unmounted: its last record (cycle " + h.getInt(4) + ", " + numLogops
                            + " operations) is not an unmount record, so transactions may need replay; files read"
                            + " offline may miss or partly show the last changes (mount once or run xfs_repair to"
                            + " replay the log)"));
        }
        return Optional.of(new Finding("xfs.log-dirty", start,
                "no log record header found before the log head at block " + head
                        + ": the log state is unknown, treat it as not cleanly unmounted"));
    }

    /**
     * The log head: the first 512-byte block (relative to the log start) after the newest record,
     * i.e. the first block stamped with the older cycle; {@code bbs} when the whole log carries one.
     */
    static long head(ByteSource source, long start, long bbs) throws IOException {
        long firstCycle = cycle(source, start, 0);
        long lastCycle = cycle(source, start, bbs - 1);
        if (firstCycle == lastCycle) {
            return bbs; // the whole log carries one cycle: the newest record ends at the physical end
        }
        // Invariant: block lo has the newer cycle, block hi does not.
        long lo = 0;
        long hi = bbs - 1;
        while (hi - lo > 1) {
            long mid = (lo + hi) >>> 1;
            if (cycle(source, start, mid) == firstCycle) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return hi;
    }

    /** The cycle number stamped on basic block {@code blk} of the log. */
    private static long cycle(ByteSource source, long start, long blk) throws IOException {
        ByteBuffer b = source.readBuffer(start + blk * BB, 8, "xfs log block").order(ByteOrder.BIG_ENDIAN);
        int w0 = b.getInt(0);
        return (w0 == RECORD_MAGIC ? b.getInt(4) : w0) & 0xFFFFFFFFL;
    }
}
