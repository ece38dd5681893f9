package io.vhdflow.disk.container;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * The virtual disk of a dynamic or differencing VHD presented as flat bytes.
 *
 * <p>Unallocated blocks read as zeros without any I/O (dynamic) or come from the parent
 * (differencing). In an allocated block of a differencing disk each 512-byte sector whose bitmap
 * bit is 0 comes from the parent. For dynamic disks the bitmap is not consulted and the block
 * data is read as stored, as qemu and Hyper-V do: writers zero the data of unset sectors.
 * Thread-safe: no shared position, the BAT is immutable.
 */
final class VhdBlockSource implements ByteSource {

    private final ByteSource file;
    private final BlockAllocationTable bat;
    private final long size;
    private final ByteSource parent; // null for dynamic disks
    private final String name;

    VhdBlockSource(ByteSource file, BlockAllocationTable bat, long size, Optional<ByteSource> parent, String name) {
        this.file = file;
        this.bat = bat;
        this.size = size;
        this.parent = parent.orElse(null);
        this.name = name;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public String describe() {
        return name;
    }

    @Override
    public int read(long offset, ByteBuffer dst) throws IOException {
        int total = ByteSource.readableLength(offset, dst.remaining(), size);
        if (total < 0) {
            return -1;
        }
        long pos = offset;
        long end = offset + total;
        long blockSize = bat.blockSize();
        while (pos < end) {
            int block = (int) (pos / blockSize);
            long within = pos - block * blockSize;
            int len = (int) Math.min(end - pos, blockSize - within);
            if (!bat.allocated(block)) {
                fromParentOrZero(pos, dst, len);
            } else if (parent == null) {
                readFile(bat.dataOffset(block) + within, dst, len, block);
            } else {
                readDifferencing(block, within, pos, dst, len);
            }
            pos += len;
        }
        return total;
    }

    private void readDifferencing(int block, long within, long pos, ByteBuffer dst, int len) throws IOException {
        // Sectors touched by [within, within + len) and their bitmap bytes.
        long firstSector = within / 512;
        long lastSector = (within + len - 1) / 512;
        int firstByte = (int) (firstSector / 8);
        int lastByte = (int) (lastSector / 8);
        byte[] bitmap = file.readBytes(bat.bitmapOffset(block) + firstByte, lastByte - firstByte + 1,
                "VHD sector bitmap of block " + block);
        long p = within;
        long stop = within + len;
        while (p < stop) {
            long sector = p / 512;
            boolean inChild = bit(bitmap, sector - firstByte * 8L);
            // Extend the run while sectors keep the same source.
            long runEnd = Math.min(stop, (sector + 1) * 512);
            while (runEnd < stop && bit(bitmap, runEnd / 512 - firstByte * 8L) == inChild) {
                runEnd = Math.min(stop, (runEnd / 512 + 1) * 512);
            }
            int n = (int) (runEnd - p);
            if (inChild) {
                readFile(bat.dataOffset(block) + p, dst, n, block);
            } else {
                fromParentOrZero(pos + (p - within), dst, n);
            }
            p = runEnd;
        }
    }

    private static boolean bit(byte[] bitmap, long index) {
        return (bitmap[(int) (index >>> 3)] & (0x80 >>> (index & 7))) != 0;
    }

    private void readFile(long at, ByteBuffer dst, int len, int block) throws IOException {
        ByteBuffer view = dst.duplicate();
        view.limit(view.position() + len);
        file.readFully(at, view, "VHD block " + block);
        dst.position(dst.position() + len);
    }

    private void fromParentOrZero(long pos, ByteBuffer dst, int len) throws IOException {
        MappedDiskSource.fromParentOrZero(parent, pos, dst, len, name);
    }
}
