package io.vhdflow.disk.container;

import io.vhdflow.disk.Finding;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * An opened disk image: its container facts and its virtual disk as a {@link ByteSource}. Every
 * later layer (partitions, LVM, filesystems) reads through {@link #virtualDisk()}. Open one with
 * {@link DiskImages#open(Path)}; closing it closes the file and any parent.
 */
public final class DiskImage implements Closeable {
    private final Path path;
    private final DiskFormat format;
    private final long fileSize;
    private final Optional<VhdFooter> footer;
    private final Optional<VhdDynamicHeader> dynamicHeader;
    private final Optional<BlockAllocationTable> bat;
    private final Optional<DiskImage> parent;
    private final ByteSource file;
    private final ByteSource virtualDisk;
    private final List<Finding> findings;
    private final Supplier<Iterator<ByteRange>> allocated;

    DiskImage(Path path, DiskFormat format, ByteSource file, ByteSource virtualDisk, Optional<VhdFooter> footer,
              Optional<VhdDynamicHeader> dynamicHeader, Optional<BlockAllocationTable> bat, Optional<DiskImage> parent,
              List<Finding> findings, Supplier<Iterator<ByteRange>> allocated) {
        this.path = path;
        this.format = format;
        this.file = file;
        this.fileSize = file.size();
        this.virtualDisk = virtualDisk;
        this.footer = footer;
        this.dynamicHeader = dynamicHeader;
        this.bat = bat;
        this.parent = parent;
        this.findings = List.copyOf(findings);
        this.allocated = allocated;
    }

    /** The image file. */
    public Path path() {
        return path;
    }

    /** The container format. */
    public DiskFormat format() {
        return format;
    }

    /** Size of the virtual disk in bytes (a VHD's footer current size; a raw file's length). */
    public long virtualSize() {
        return virtualDisk.size();
    }

    /** Length of the image file. */
    public long fileSize() {
        return fileSize;
    }

    /** The trailing footer of a VHD. */
    public Optional<VhdFooter> footer() {
        return footer;
    }

    /** The dynamic header of a dynamic or differencing VHD. */
    public Optional<VhdDynamicHeader> dynamicHeader() {
        return dynamicHeader;
    }

    /** The block allocation table of a dynamic or differencing VHD. */
    public Optional<BlockAllocationTable> blockAllocationTable() {
        return bat;
    }

    /** The opened parent of a differencing VHD. */
    public Optional<DiskImage> parent() {
        return parent;
    }

    /** Non-fatal observations made while opening. */
    public List<Finding> findings() {
        return findings;
    }

    /** The virtual disk as flat bytes; valid until this image is closed. */
    public ByteSource virtualDisk() {
        return virtualDisk;
    }

    /** The image file's own bytes (container structures included). */
    public ByteSource file() {
        return file;
    }

    /**
     * Ranges of the virtual disk that may hold non-zero bytes, ascending and merged; everything
     * else is known to read as zeros. Dynamic and differencing VHDs give their allocated blocks
     * (of the whole chain); fixed VHDs and raw images give the whole disk. Cheap: no data is read.
     */
    public Iterator<ByteRange> allocatedRanges() {
        return allocated.get();
    }

    /** Bytes covered by {@link #allocatedRanges()}. */
    public long allocatedBytes() {
        long n = 0;
        for (Iterator<ByteRange> it = allocatedRanges(); it.hasNext(); ) {
            n += it.next().length();
        }
        return n;
    }

    /** Depth of the parent chain: 0 for anything but a differencing VHD. */
    public int chainDepth() {
        return parent.map(p -> 1 + p.chainDepth()).orElse(0);
    }

    @Override
    public void close() throws IOException {
        try {
            file.close();
        } finally {
            if (parent.isPresent()) {
                parent.get().close();
            }
        }
    }

    @Override
    public String toString() {
        return format.displayName() + " " + path + " (" + virtualSize() + " bytes virtual)";
    }
}
