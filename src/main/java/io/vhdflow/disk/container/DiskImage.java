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
    private final Optional<ContainerFacts> facts;
    private final List<Closeable> resources;

    DiskImage(Path path, DiskFormat format, ByteSource file, ByteSource virtualDisk, Optional<VhdFooter> footer,
              Optional<VhdDynamicHeader> dynamicHeader, Optional<BlockAllocationTable> bat, Optional<DiskImage> parent,
              List<Finding> findings, Supplier<Iterator<ByteRange>> allocated) {
        this(path, format, file, virtualDisk, footer, dynamicHeader, bat, parent, findings, allocated, Optional.empty(),
                List.of());
    }

    /**
     * An image of a format other than VHD.
     *
     * @param facts     the format's own structures, for reports
     * @param resources closed with the image besides {@code file} and the parent (extent files, pools)
     */
    DiskImage(Path path, DiskFormat format, ByteSource file, ByteSource virtualDisk, Optional<DiskImage> parent,
              List<Finding> findings, Supplier<Iterator<ByteRange>> allocated, ContainerFacts facts,
              List<Closeable> resources) {
        this(path, format, file, virtualDisk, Optional.empty(), Optional.empty(), Optional.empty(), parent, findings,
                allocated, Optional.of(facts), resources);
    }

    private DiskImage(Path path, DiskFormat format, ByteSource file, ByteSource virtualDisk, Optional<VhdFooter> footer,
                      Optional<VhdDynamicHeader> dynamicHeader, Optional<BlockAllocationTable> bat,
                      Optional<DiskImage> parent, List<Finding> findings, Supplier<Iterator<ByteRange>> allocated,
                      Optional<ContainerFacts> facts, List<Closeable> resources) {
        this.facts = facts;
        this.resources = List.copyOf(resources);
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

    /** This image, also closing {@code resource} when it closes (the archive a member image was opened from). */
    DiskImage owning(Closeable resource) {
        List<Closeable> all = new java.util.ArrayList<>(resources);
        all.add(resource);
        return new DiskImage(path, format, file, virtualDisk, footer, dynamicHeader, bat, parent, findings, allocated,
                facts, all);
    }

    /** The image file. */
    public Path path() {
        return path;
    }

    /** The container format. */
    public DiskFormat format() {
        return format;
    }

    /**
     * Size of the virtual disk in bytes (a VHD's footer current size, a VHDX's or qcow2's virtual
     * size, a VMDK's capacity; a raw file's length).
     */
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

    /** The structures of a VHDX, qcow2, VMDK or OVA, for reports. */
    public Optional<ContainerFacts> facts() {
        return facts;
    }

    /** The opened parent of a differencing VHD or VHDX, or the backing file of a qcow2. */
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
     * else is known to read as zeros. Sparse formats give their allocated blocks, clusters or
     * grains (of the whole chain); fixed VHDs, flat extents and raw images give the whole disk.
     * Cheap: no data is read.
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

    /** Depth of the parent chain: 0 for an image without a parent. */
    public int chainDepth() {
        return parent.map(p -> 1 + p.chainDepth()).orElse(0);
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        List<Closeable> all = new java.util.ArrayList<>(resources);
        all.add(file);
        parent.ifPresent(all::add);
        for (Closeable c : all) {
            try {
                c.close();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public String toString() {
        return format.displayName() + " " + path + " (" + virtualSize() + " bytes virtual)";
    }
}
