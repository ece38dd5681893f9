package io.vhdflow.disk.container;

import java.io.IOException;
import java.util.Optional;

/**
 * The virtual disk of a VHDX ({@link VhdxBat} gives each block's state): fully present blocks
 * are read from the file; partially present blocks of a differencing disk sector by sector from
 * the file or the parent, as the chunk's sector bitmap says; not-present blocks from the parent
 * of a differencing disk; everything else (undefined, zero, unmapped, and not present without a
 * parent) reads as zeros, as [MS-VHDX] allows and qemu does.
 */
final class VhdxDiskSource extends MappedDiskSource {
    /** Sector bitmap blocks cached (1 MiB each). */
    static final long BITMAP_CACHE_BYTES = 4L << 20;

    private final VhdxBat bat;
    private final boolean differencing;
    private final int sector;
    private final BlockCache bitmaps = new BlockCache(BITMAP_CACHE_BYTES);

    VhdxDiskSource(ByteSource file, VhdxBat bat, VhdxMetadata m, Optional<ByteSource> parent, String name) {
        super(file, m.virtualSize(), parent, name);
        this.bat = bat;
        this.differencing = m.hasParent();
        this.sector = m.logicalSectorSize();
    }

    @Override
    Run locate(long offset, long max) throws IOException {
        long blockSize = bat.blockSize();
        long block = offset / blockSize;
        long within = offset % blockSize;
        int state = bat.state(block);
        switch (state) {
            case VhdxBat.FULLY_PRESENT -> {
                long host = bat.offset(block);
                long length = blockSize - within;
                // Blocks that follow one another in the file too are one run.
                for (long b = block + 1; b < bat.blocks() && length < max && bat.state(b) == VhdxBat.FULLY_PRESENT
                        && bat.offset(b) == host + (b - block) * blockSize; b++) {
                    length += blockSize;
                }
                return Run.data(Math.min(max, length), host + within);
            }
            case VhdxBat.PARTIALLY_PRESENT -> {
                return partial(block, within, max);
            }
            case VhdxBat.NOT_PRESENT -> {
                long length = blockSize - within;
                for (long b = block + 1; b < bat.blocks() && length < max && bat.state(b) == VhdxBat.NOT_PRESENT; b++) {
                    length += blockSize;
                }
                length = Math.min(max, length);
                return differencing ? Run.parent(length) : Run.zero(length);
            }
            default -> {
                return Run.zero(Math.min(max, blockSize - within));
            }
        }
    }

    private Run partial(long block, long within, long max) throws IOException {
        long blockSize = bat.blockSize();
        long chunk = block / bat.chunkRatio();
        long at = bat.bitmapOffset(chunk);
        byte[] bitmap = bitmaps.get(at, k -> file().readBytes(k, (int) VhdxBat.SECTOR_BITMAP_BLOCK,
                "VHDX sector bitmap of chunk " + chunk));
        long base = (block % bat.chunkRatio()) * blockSize; // the block's first byte within its chunk
        boolean inFile = bit(bitmap, (base + within) / sector);
        long end = within + Math.min(max, blockSize - within);
        long runEnd = Math.min(end, (within / sector + 1) * sector);
        while (runEnd < end && bit(bitmap, (base + runEnd) / sector) == inFile) {
            runEnd = Math.min(end, runEnd + sector);
        }
        long length = runEnd - within;
        return inFile ? Run.data(length, bat.offset(block) + within) : Run.parent(length);
    }

    private static boolean bit(byte[] bitmap, long index) {
        return (bitmap[(int) (index >>> 3)] & (1 << (index & 7))) != 0;
    }

    @Override
    String dataStructure(long virtualOffset) {
        return "VHDX payload block " + virtualOffset / bat.blockSize();
    }
}
