package io.vhdflow.disk.container;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The block allocation table of a dynamic or differencing VHD: at the header's table offset,
 * {@code max table entries} big-endian u32 entries, each the sector number where a block (its
 * sector bitmap, then its data) starts, or 0xFFFFFFFF when the block is not allocated.
 *
 * <p>Only the entries that cover the current size are kept, as an {@code int[]} (4 bytes per
 * block: 1 Mi entries = 4 MiB for a 2 TiB disk of 2 MiB blocks). Their number is validated
 * against the file size and capped before anything is allocated.
 */
public final class BlockAllocationTable {

    /** Marker of an unallocated block. */
    public static final int UNALLOCATED = 0xFFFF_FFFF;
    /** Most entries loaded: 4 Mi entries (16 MiB), i.e. 8 TiB of 2 MiB blocks. */
    public static final long MAX_ENTRIES = 4L << 20;

    private final int[] entries;
    private final long blockSize;
    private final long bitmapSize;
    private final long tableOffset;

    private BlockAllocationTable(int[] entries, long blockSize, long bitmapSize, long tableOffset) {
        this.entries = entries;
        this.blockSize = blockSize;
        this.bitmapSize = bitmapSize;
        this.tableOffset = tableOffset;
    }

    /**
     * Reads and validates the BAT.
     *
     * @param file       the VHD file
     * @param header     its dynamic header
     * @param headerAt   absolute offset of the header
     * @param footer     the trailing footer
     * @param metadata   regions of the file holding metadata (footer copy, header, locator data);
     *                   blocks must not overlap them
     */
    static BlockAllocationTable read(ByteSource file, VhdDynamicHeader header, long headerAt, VhdFooter footer,
                                     List<ByteRange> metadata) throws java.io.IOException {
        String structure = "VHD block allocation table";
        long blockSize = header.blockSize();
        long needed = (footer.currentSize() + blockSize - 1) / blockSize;
        if (header.maxTableEntries() < needed) {
            throw new DiskException(ErrorKind.CORRUPT, "VHD dynamic header", headerAt + 28, "max table entries "
                    + header.maxTableEntries() + " cover only " + header.maxTableEntries() * blockSize
                    + " bytes but the current size is " + footer.currentSize());
        }
        if (needed > MAX_ENTRIES) {
            throw new DiskException(ErrorKind.LIMIT_EXCEEDED, "VHD footer", file.size() - VhdFooter.SIZE + 48, "current size "
                    + footer.currentSize() + " needs " + needed + " blocks of " + blockSize
                    + " bytes, more than the " + MAX_ENTRIES + " this reader accepts");
        }
        long dataEnd = file.size() - VhdFooter.SIZE;
        long tableOffset = header.tableOffset();
        long tableBytes = header.maxTableEntries() * 4;
        if (tableOffset < 0 || tableOffset > dataEnd || tableBytes > dataEnd - tableOffset) {
            throw new DiskException(ErrorKind.TRUNCATED, "VHD dynamic header", headerAt + 16, "table offset " + tableOffset
                    + " with " + header.maxTableEntries() + " entries lies beyond the end of the data ("
                    + dataEnd + " bytes before the trailing footer)");
        }
        for (ByteRange r : metadata.subList(0, Math.min(2, metadata.size()))) { // footer copy, header
            if (tableOffset < r.end() && r.offset() < tableOffset + Math.max(4, tableBytes)) {
                throw new DiskException(ErrorKind.CORRUPT, "VHD dynamic header", headerAt + 16, "table offset " + tableOffset
                        + " places the block allocation table over the footer copy or the dynamic header");
            }
        }
        ByteBuffer raw = file.readBuffer(tableOffset, (int) (needed * 4), structure).order(ByteOrder.BIG_ENDIAN);
        int[] entries = new int[(int) needed];
        raw.asIntBuffer().get(entries);

        long bitmapSize = header.bitmapSize();
        long span = bitmapSize + blockSize;
        List<ByteRange> reserved = new ArrayList<>(metadata);
        reserved.add(new ByteRange(tableOffset, (tableBytes + 511) / 512 * 512));
        int allocated = 0;
        for (int i = 0; i < entries.length; i++) {
            if (entries[i] == UNALLOCATED) {
                continue;
            }
            allocated++;
            long start = Integer.toUnsignedLong(entries[i]) * 512;
            long at = tableOffset + 4L * i;
            if (start > dataEnd || span > dataEnd - start) {
                throw new DiskException(ErrorKind.TRUNCATED, structure, at, "entry " + i + " places block " + i + " at byte "
                        + start + ", its " + span + " bytes end beyond the data (" + dataEnd
                        + " bytes before the trailing footer): the file is truncated or the table is damaged");
            }
            for (ByteRange r : reserved) {
                if (start < r.end() && r.offset() < start + span) {
                    throw new DiskException(ErrorKind.CORRUPT, structure, at, "entry " + i + " places block " + i + " at byte "
                            + start + ", overlapping metadata at bytes " + r.offset() + ".." + r.end());
                }
            }
        }
        // Overlap between blocks: sort the starts (as unsigned longs) and compare neighbours.
        long[] starts = new long[allocated];
        int k = 0;
        for (int e : entries) {
            if (e != UNALLOCATED) {
                starts[k++] = Integer.toUnsignedLong(e) * 512;
            }
        }
        Arrays.sort(starts);
        for (int i = 1; i < starts.length; i++) {
            if (starts[i] - starts[i - 1] < span) {
                int a = indexOf(entries, starts[i - 1]);
                int b = indexOf(entries, starts[i]);
                throw new DiskException(ErrorKind.CORRUPT, structure, tableOffset + 4L * Math.max(a, b), "blocks " + a + " and " + b
                        + " overlap (bytes " + starts[i - 1] + " and " + starts[i] + ", each " + span + " bytes long)");
            }
        }
        return new BlockAllocationTable(entries, blockSize, bitmapSize, tableOffset);
    }

    private static int indexOf(int[] entries, long start) {
        int want = (int) (start / 512);
        for (int i = 0; i < entries.length; i++) {
            if (entries[i] == want) {
                return i;
            }
        }
        return -1;
    }

    /** Number of blocks covering the virtual disk. */
    public int blockCount() {
        return entries.length;
    }

    /** Bytes of data per block. */
    public long blockSize() {
        return blockSize;
    }

    /** Bytes of sector bitmap before each block's data. */
    public long bitmapSize() {
        return bitmapSize;
    }

    /** Absolute offset of the table in the file. */
    public long tableOffset() {
        return tableOffset;
    }

    /** Whether block {@code i} is allocated in this file. */
    public boolean allocated(int i) {
        return entries[i] != UNALLOCATED;
    }

    /** Absolute file offset of block {@code i}'s sector bitmap; only for allocated blocks. */
    public long bitmapOffset(int i) {
        return Integer.toUnsignedLong(entries[i]) * 512;
    }

    /** Absolute file offset of block {@code i}'s data; only for allocated blocks. */
    public long dataOffset(int i) {
        return bitmapOffset(i) + bitmapSize;
    }

    /** Number of allocated blocks. */
    public int allocatedCount() {
        int n = 0;
        for (int e : entries) {
            if (e != UNALLOCATED) {
                n++;
            }
        }
        return n;
    }
}
