package io.vhdflow.disk.container;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.Finding;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * The VHDX block allocation table: one 64-bit entry per payload block, with a sector bitmap entry
 * after every chunk-ratio payload entries. Little-endian. Source: [MS-VHDX] 2.4, 2.5.
 *
 * <pre>
 * Entry bits
 *    0-2  state     payload: 0 not present, 1 undefined, 2 zero, 3 unmapped (5 in drafts of the
 *                   spec), 6 fully present, 7 partially present (differencing only);
 *                   sector bitmap: 0 not present, 6 present
 *   3-19  reserved
 *  20-63  file offset in MiB
 *
 * chunk ratio   = 2^23 * logical sector size / block size  (payload blocks per sector bitmap block)
 * payload i     -&gt; entry i + i / chunk ratio
 * bitmap of chunk c -&gt; entry c * (chunk ratio + 1) + chunk ratio
 * sector bitmap block: 1 MiB, bit s (bit s % 8 of byte s / 8) set = logical sector s of the chunk
 *                   is in this file, clear = in the parent
 * </pre>
 *
 * Memory: only the payload entries and the bitmap offsets are kept, at most
 * {@link #MAX_PAYLOAD_BLOCKS} blocks (32 MiB).
 */
final class VhdxBat {
    static final int NOT_PRESENT = 0;
    static final int UNDEFINED = 1;
    static final int ZERO = 2;
    static final int UNMAPPED = 3;
    static final int UNMAPPED_DRAFT = 5;
    static final int FULLY_PRESENT = 6;
    static final int PARTIALLY_PRESENT = 7;
    static final int SB_PRESENT = 6;
    static final long MAX_PAYLOAD_BLOCKS = 4L << 20;
    static final long SECTOR_BITMAP_BLOCK = 1L << 20;

    private final long[] payload;
    private final long[] bitmaps;
    private final long blockSize;
    private final long chunkRatio;
    private final long batOffset;

    private VhdxBat(long[] payload, long[] bitmaps, long blockSize, long chunkRatio, long batOffset) {
        this.payload = payload;
        this.bitmaps = bitmaps;
        this.blockSize = blockSize;
        this.chunkRatio = chunkRatio;
        this.batOffset = batOffset;
    }

    /** Reads and validates the BAT in region {@code [at, at + length)} of {@code file}. */
    static VhdxBat read(ByteSource file, long at, long length, VhdxMetadata m, List<Finding> findings)
            throws IOException {
        long blockSize = m.blockSize();
        long chunkRatio = (1L << 23) * m.logicalSectorSize() / blockSize;
        long blocks = (m.virtualSize() + blockSize - 1) / blockSize;
        long chunks = (blocks + chunkRatio - 1) / chunkRatio;
        if (blocks > MAX_PAYLOAD_BLOCKS) {
            throw new DiskException(ErrorKind.LIMIT_EXCEEDED, "VHDX BAT", at, blocks + " payload blocks of " + blockSize
                    + " bytes exceed the " + MAX_PAYLOAD_BLOCKS + " this reader holds");
        }
        long entries = m.hasParent() ? chunks * (chunkRatio + 1) : blocks + (blocks - 1) / chunkRatio;
        if (entries * 8 > length) {
            throw new DiskException(ErrorKind.CORRUPT, "VHDX BAT", at, "the BAT region of " + length + " bytes cannot"
                    + " hold the " + entries + " entries a " + m.virtualSize() + "-byte disk of " + blockSize
                    + "-byte blocks needs");
        }
        long[] payload = new long[(int) blocks];
        long[] bitmaps = new long[(int) chunks];
        long fileSize = file.size();
        // Read in pieces so the raw table and the arrays are never both whole in memory.
        int piece = 1 << 20;
        long index = 0;
        for (long pos = 0; pos < entries * 8; pos += piece) {
            int n = (int) Math.min(piece, entries * 8 - pos);
            ByteBuffer b = file.readBuffer(at + pos, n, "VHDX BAT").order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i += 8, index++) {
                long e = b.getLong(i);
                long entryAt = at + pos + i;
                int state = (int) (e & 7);
                long offset = (e >>> 20) << 20;
                long chunk = index / (chunkRatio + 1);
                if (index % (chunkRatio + 1) == chunkRatio) {
                    if (chunk >= chunks) {
                        continue;
                    }
                    if (state == SB_PRESENT) {
                        if (!m.hasParent()) {
                            findings.add(new Finding("vhdx.stray-sector-bitmap", entryAt, "sector bitmap block of chunk "
                                    + chunk + " is present in a disk without a parent; it is ignored"));
                            continue;
                        }
                        checkOffset(offset, SECTOR_BITMAP_BLOCK, fileSize, entryAt, "sector bitmap block of chunk " + chunk);
                        bitmaps[(int) chunk] = offset;
                    } else if (state != NOT_PRESENT) {
                        throw new DiskException(ErrorKind.CORRUPT, "VHDX BAT entry", entryAt, "sector bitmap state "
                                + state + " is neither 0 (not present) nor 6 (present)");
                    }
                    continue;
                }
                long block = chunk * chunkRatio + index % (chunkRatio + 1);
                if (block >= blocks) {
                    continue;
                }
                switch (state) {
                    case NOT_PRESENT, UNDEFINED, ZERO, UNMAPPED, UNMAPPED_DRAFT -> {
                    }
                    case FULLY_PRESENT -> checkOffset(offset, Math.min(blockSize, m.virtualSize() - block * blockSize),
                            fileSize, entryAt, "payload block " + block);
                    case PARTIALLY_PRESENT -> {
                        if (!m.hasParent()) {
                            throw new DiskException(ErrorKind.CORRUPT, "VHDX BAT entry", entryAt, "payload block " + block
                                    + " is partially present, a state only a differencing disk may use");
                        }
                        checkOffset(offset, Math.min(blockSize, m.virtualSize() - block * blockSize), fileSize, entryAt,
                                "payload block " + block);
                    }
                    default -> throw new DiskException(ErrorKind.CORRUPT, "VHDX BAT entry", entryAt, "payload block "
                            + block + " has the reserved state " + state);
                }
                payload[(int) block] = e;
            }
        }
        VhdxBat bat = new VhdxBat(payload, bitmaps, blockSize, chunkRatio, at);
        for (long b = 0; b < blocks; b++) {
            if (bat.state(b) == PARTIALLY_PRESENT && bitmaps[(int) (b / chunkRatio)] == 0) {
                throw new DiskException(ErrorKind.CORRUPT, "VHDX BAT entry", bat.entryOffset(b), "payload block " + b
                        + " is partially present but its chunk's sector bitmap block is not");
            }
        }
        return bat;
    }

    private static void checkOffset(long offset, long length, long fileSize, long entryAt, String what)
            throws DiskException {
        if (offset < VhdxHeader.MiB || offset > fileSize || length > fileSize - offset) {
            throw new DiskException(ErrorKind.CORRUPT, "VHDX BAT entry", entryAt, what + " at " + offset
                    + " lies in the header section or beyond the end of the file (" + fileSize + " bytes)");
        }
    }

    long blocks() {
        return payload.length;
    }

    long blockSize() {
        return blockSize;
    }

    long chunkRatio() {
        return chunkRatio;
    }

    int state(long block) {
        return (int) (payload[(int) block] & 7);
    }

    /** File offset of a present block's data. */
    long offset(long block) {
        return (payload[(int) block] >>> 20) << 20;
    }

    /** File offset of the sector bitmap block of {@code chunk}, 0 when not present. */
    long bitmapOffset(long chunk) {
        return bitmaps[(int) chunk];
    }

    /** Where block {@code block}'s BAT entry lies in the file. */
    long entryOffset(long block) {
        return batOffset + 8 * (block + block / chunkRatio);
    }

    /** Whether the block holds data in this file (fully or partially present). */
    boolean present(long block) {
        int s = state(block);
        return s == FULLY_PRESENT || s == PARTIALLY_PRESENT;
    }

    /** Blocks per state, for reports. */
    long count(int state) {
        long n = 0;
        for (long e : payload) {
            if ((e & 7) == state) {
                n++;
            }
        }
        return n;
    }
}
