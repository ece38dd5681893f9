package io.vhdflow.disk.container;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.Finding;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Opens a qcow2 image: the header ({@link Qcow2Header}), the active L1 table, every L2 table it
 * points to (each entry validated once, and the allocated clusters collected for
 * {@link DiskImage#allocatedRanges()}), and the backing file beside it. Refcounts and internal
 * snapshots are not needed to read the active disk and are not read.
 */
final class Qcow2Image {
    /** Largest L1 table held in memory: 8 MiB (1 Mi entries, 512 TiB of 64 KiB clusters). */
    static final long MAX_L1_BYTES = 8L << 20;

    private Qcow2Image() {
    }

    /**
     * What the walk of the L2 tables found.
     *
     * @param dataClusters       standard clusters holding data
     * @param compressedClusters compressed clusters
     * @param zeroClusters       clusters (or subclusters, counted in clusters) marked zero
     */
    record Counts(long dataClusters, long compressedClusters, long zeroClusters) {
    }

    /** The facts {@code vhd info} shows of a qcow2 image. */
    record Qcow2Facts(Qcow2Header header, Counts counts, Optional<String> backingFile) implements ContainerFacts {
        @Override
        public Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("version", header.version());
            m.put("clusterSize", header.clusterSize());
            m.put("virtualSize", header.size());
            m.put("compression", header.compression());
            m.put("extendedL2", header.extendedL2());
            m.put("l1Entries", header.l1Size());
            m.put("dataClusters", counts.dataClusters());
            m.put("compressedClusters", counts.compressedClusters());
            m.put("zeroClusters", counts.zeroClusters());
            m.put("internalSnapshots", header.snapshots());
            m.put("dirty", (header.incompatible() & Qcow2Header.DIRTY) != 0);
            m.put("lazyRefcounts", (header.compatible() & Qcow2Header.LAZY_REFCOUNTS) != 0);
            m.put("backingFile", backingFile.orElse("none"));
            m.put("backingFormat", header.backingFormat().orElse(backingFile.isPresent() ? "probed" : "none"));
            return m;
        }
    }

    static DiskImage open(ByteSource file, Path path, ImageChain chain) throws IOException {
        long fileSize = file.size();
        byte[] first = file.readBytes(0, (int) Math.min(fileSize, 1 << 21), "qcow2 header");
        Qcow2Header h = Qcow2Header.parse(first, fileSize);
        List<Finding> findings = new ArrayList<>();
        if ((h.incompatible() & Qcow2Header.DIRTY) != 0) {
            findings.add(new Finding("qcow2.dirty", 72, "the dirty bit is set: the image was not closed cleanly;"
                    + " its refcounts may be stale, which does not matter for reading it"));
        }
        if (h.snapshots() > 0) {
            findings.add(new Finding("qcow2.internal-snapshots", 60, h.snapshots() + " internal snapshot(s): only the"
                    + " active disk is read and packaged"));
        }
        long clusters = (h.size() + h.clusterSize() - 1) >>> h.clusterBits();
        int entryBytes = h.extendedL2() ? 16 : 8;
        long l2Entries = h.clusterSize() / entryBytes;
        long needed = (clusters + l2Entries - 1) / l2Entries;
        if (h.l1Size() < needed) {
            throw new DiskException(ErrorKind.CORRUPT, "qcow2 header", 36, "l1_size " + h.l1Size() + " is smaller than the "
                    + needed + " entries a " + h.size() + "-byte disk of " + h.clusterSize() + "-byte clusters needs");
        }
        if (needed * 8 > MAX_L1_BYTES) {
            throw new DiskException(ErrorKind.LIMIT_EXCEEDED, "qcow2 L1 table", h.l1TableOffset(), needed + " L1 entries"
                    + " (" + needed * 8 + " bytes) exceed the " + MAX_L1_BYTES + " bytes this reader holds");
        }
        long[] l1 = readL1(file, h, (int) needed);

        Optional<DiskImage> parent = Optional.empty();
        Optional<String> backingName = Optional.empty();
        if (h.backingFileOffset() != 0) {
            String recorded = new String(file.readBytes(h.backingFileOffset(), h.backingFileSize(), "qcow2 backing file name"),
                    StandardCharsets.UTF_8);
            backingName = Optional.of(recorded);
            parent = Optional.of(openBacking(path, h, recorded, chain));
        }
        Inflation inflation = new Inflation();
        try {
            Qcow2DiskSource disk = new Qcow2DiskSource(file, h, l1, parent.map(DiskImage::virtualDisk), inflation,
                    path.getFileName().toString());
            RangeList own = new RangeList();
            Counts counts = walk(disk, h, l1, clusters, fileSize, own);
            long size = h.size();
            Optional<DiskImage> p = parent;
            java.util.function.Supplier<java.util.Iterator<ByteRange>> ranges = p.isEmpty()
                    ? () -> own.iterator(size)
                    : () -> AllocatedRanges.union(own.iterator(size), p.get().allocatedRanges(), size);
            return new DiskImage(path, DiskFormat.QCOW2, file, disk, parent, findings, ranges,
                    new Qcow2Facts(h, counts, backingName), List.<Closeable>of(inflation));
        } catch (IOException | RuntimeException e) {
            inflation.close();
            if (parent.isPresent()) {
                parent.get().close();
            }
            throw e;
        }
    }

    private static long[] readL1(ByteSource file, Qcow2Header h, int entries) throws IOException {
        ByteBuffer b = file.readBuffer(h.l1TableOffset(), entries * 8, "qcow2 L1 table").order(java.nio.ByteOrder.BIG_ENDIAN);
        long[] l1 = new long[entries];
        for (int i = 0; i < entries; i++) {
            long e = b.getLong(i * 8);
            long off = e & Qcow2DiskSource.OFFSET_MASK;
            if (off != 0 && ((off & (h.clusterSize() - 1)) != 0 || off > file.size() - h.clusterSize())) {
                throw new DiskException(ErrorKind.CORRUPT, "qcow2 L1 entry " + i, h.l1TableOffset() + 8L * i, "L2 table"
                        + " offset " + off + " is not cluster aligned or the table runs past the end of the file ("
                        + file.size() + " bytes)");
            }
            l1[i] = off;
        }
        return l1;
    }

    /**
     * Reads every L2 table once: validates each entry and collects the allocated (sub)clusters.
     * The tables of a valid image are distinct clusters of the file, so more table bytes than the
     * file holds means tables are shared or looped, and is refused rather than read forever.
     */
    private static Counts walk(Qcow2DiskSource disk, Qcow2Header h, long[] l1, long clusters, long fileSize,
                               RangeList ranges) throws IOException {
        long data = 0;
        long compressed = 0;
        long zero = 0;
        long tableBytes = 0;
        int cs = h.clusterSize();
        int l2Entries = disk.l2Entries();
        int sub = cs / 32;
        for (int i = 0; i < l1.length; i++) {
            if (l1[i] == 0) {
                continue;
            }
            tableBytes += cs;
            if (tableBytes > fileSize) {
                throw new DiskException(ErrorKind.CORRUPT, "qcow2 L1 entry " + i, h.l1TableOffset() + 8L * i, "the L1 table"
                        + " points at more L2 table bytes than the file holds: tables are shared or repeated");
            }
            ByteBuffer t = ByteBuffer.wrap(disk.l2Table(i));
            for (int j = 0; j < l2Entries; j++) {
                long cluster = (long) i * l2Entries + j;
                if (cluster >= clusters) {
                    break;
                }
                long entryAt = l1[i] + (long) j * (h.extendedL2() ? 16 : 8);
                long e = t.getLong(j * (h.extendedL2() ? 16 : 8));
                long virtual = cluster * cs;
                if ((e & Qcow2DiskSource.COMPRESSED) != 0) {
                    long at = disk.compressedOffset(e);
                    if (at == 0 || at >= fileSize) {
                        throw new DiskException(ErrorKind.CORRUPT, "qcow2 L2 entry", entryAt, "compressed cluster data at "
                                + at + " lies outside the file (" + fileSize + " bytes)");
                    }
                    compressed++;
                    ranges.add(virtual, cs);
                    continue;
                }
                long host = e & Qcow2DiskSource.OFFSET_MASK;
                if (h.extendedL2()) {
                    long bitmap = t.getLong(j * 16 + 8);
                    int alloc = (int) bitmap;
                    int zeros = (int) (bitmap >>> 32);
                    if ((alloc & zeros) != 0) {
                        throw new DiskException(ErrorKind.CORRUPT, "qcow2 extended L2 entry", entryAt + 8, String.format(
                                Locale.ROOT, "subclusters 0x%08x are marked both allocated and zero", alloc & zeros));
                    }
                    if (alloc != 0) {
                        checkHost(host, cs, fileSize, entryAt);
                        data++;
                        for (int k = 0; k < 32; k++) {
                            if ((alloc & (1 << k)) != 0) {
                                ranges.add(virtual + (long) k * sub, sub);
                            }
                        }
                    } else if (zeros != 0) {
                        zero++;
                    }
                    continue;
                }
                if (h.version() == 3 && (e & Qcow2DiskSource.ZERO_FLAG) != 0) {
                    zero++;
                } else if (host != 0) {
                    checkHost(host, cs, fileSize, entryAt);
                    data++;
                    ranges.add(virtual, cs);
                }
            }
        }
        return new Counts(data, compressed, zero);
    }

    private static void checkHost(long host, int cs, long fileSize, long entryAt) throws DiskException {
        if (host == 0 || (host & (cs - 1)) != 0 || host >= fileSize) {
            throw new DiskException(ErrorKind.CORRUPT, "qcow2 L2 entry", entryAt, "host cluster offset " + host
                    + " is not a cluster-aligned offset inside the file (" + fileSize + " bytes)");
        }
    }

    /** Opens the backing file beside the image; its format from the header extension, else by magic. */
    private static DiskImage openBacking(Path path, Qcow2Header h, String recorded, ImageChain chain) throws IOException {
        String s = "qcow2 backing file name";
        if (recorded.startsWith("json:") || recorded.matches("^[a-z+]+://.*")) {
            throw new DiskException(ErrorKind.UNSUPPORTED, s, h.backingFileOffset(), "the backing file \"" + recorded
                    + "\" is a protocol or JSON specification, not a file; flatten the image first"
                    + " (qemu-img convert -O qcow2 IN OUT)");
        }
        ImageChain next = chain.below(path, s, h.backingFileOffset());
        Optional<DiskFormat> forced = Optional.empty();
        if (h.backingFormat().isPresent()) {
            forced = switch (h.backingFormat().get()) {
                case "raw" -> Optional.of(DiskFormat.RAW);
                case "qcow2", "vpc", "vhdx", "vmdk" -> Optional.empty();
                default -> throw new DiskException(ErrorKind.UNSUPPORTED, "qcow2 header extensions", h.headerLength(),
                        "backing file format \"" + h.backingFormat().get() + "\" is not one vhdflow reads");
            };
        }
        List<Path> found = ImageChain.candidates(path, recorded);
        if (found.isEmpty()) {
            throw new DiskException(ErrorKind.NOT_FOUND, s, h.backingFileOffset(), "the backing file \"" + recorded
                    + "\" of " + path.getFileName() + " is not beside it in " + path.toAbsolutePath().getParent()
                    + "; put the backing file next to the image (only that folder is searched), or flatten the image"
                    + " (qemu-img convert -O qcow2 IN OUT)");
        }
        return next.open(found.get(0), forced);
    }
}
