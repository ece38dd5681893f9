package io.vhdflow.disk.container;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.Finding;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Opens a VHDX: both headers (the valid one with the higher sequence number is current), the log
 * (replayed in memory when it has entries), the region table (the second copy when the first is
 * damaged), the metadata, the BAT, and for a differencing disk its parent beside it, identified
 * by the parent's data write GUID.
 */
final class VhdxImage {
    private VhdxImage() {
    }

    /**
     * What {@code vhd info} shows of a VHDX.
     *
     * @param creator     the file type identifier's creator string
     * @param header      the current header
     * @param regionTable the region table used
     * @param metadata    the metadata items
     * @param replay      the log replayed, if any
     * @param blockStates payload blocks per state
     */
    record VhdxFacts(String creator, VhdxHeader header, VhdxRegionTable regionTable, VhdxMetadata metadata,
                     Optional<VhdxLog.Replay> replay, Map<String, Long> blockStates) implements ContainerFacts {
        @Override
        public Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", metadata.type());
            m.put("creator", creator);
            m.put("currentHeader", header.copy());
            m.put("sequenceNumber", Long.toUnsignedString(header.sequenceNumber()));
            m.put("dataWriteGuid", header.dataWriteGuid().toString());
            m.put("virtualSize", metadata.virtualSize());
            m.put("blockSize", metadata.blockSize());
            m.put("logicalSectorSize", metadata.logicalSectorSize());
            m.put("physicalSectorSize", metadata.physicalSectorSize());
            m.put("virtualDiskId", metadata.virtualDiskId().toString());
            m.put("regionTableCopy", regionTable.copy());
            m.put("log", replay.map(r -> "replayed in memory: " + r.entries() + " entries (sequence " + r.firstSeq()
                    + ".." + r.lastSeq() + "), " + r.bytes() + " bytes").orElse("empty"));
            m.put("blockStates", blockStates);
            if (metadata.hasParent()) {
                m.put("parentLocator", new LinkedHashMap<>(metadata.parentLocator()));
            }
            return m;
        }
    }

    static DiskImage open(ByteSource file, Path path, ImageChain chain) throws IOException {
        List<Finding> findings = new ArrayList<>();
        if (file.size() < 1024 * 1024) {
            throw new DiskException(ErrorKind.TRUNCATED, "VHDX header section", 0, "the file is " + file.size()
                    + " bytes, shorter than the 1 MiB header section");
        }
        String creator = VhdxHeader.creator(file.readBytes(0, 520, "VHDX file type identifier"));
        VhdxHeader header = currentHeader(file, findings);
        if (header.version() != 1) {
            throw new DiskException(ErrorKind.UNSUPPORTED, "VHDX header " + header.copy(), (header.copy() == 1
                    ? VhdxHeader.HEADER_1 : VhdxHeader.HEADER_2) + 66, "VHDX version " + header.version()
                    + " (only 1 is defined)");
        }
        Optional<VhdxLog.Replay> replay = VhdxLog.replay(file, header);
        ByteSource source = replay.<ByteSource>map(VhdxLog.Replay::file).orElse(file);
        replay.ifPresent(r -> findings.add(new Finding("vhdx.log-replayed", header.logOffset(), "the log held "
                + r.entries() + " unapplied entr" + (r.entries() == 1 ? "y" : "ies") + " (sequence " + r.firstSeq()
                + ".." + r.lastSeq() + "); they were applied in memory, the file itself is unchanged")));
        VhdxRegionTable regions = regionTable(source, findings);
        VhdxRegionTable.Region meta = regions.region(VhdxRegionTable.METADATA).orElseThrow();
        VhdxRegionTable.Region batRegion = regions.region(VhdxRegionTable.BAT).orElseThrow();
        VhdxMetadata m = VhdxMetadata.read(source, meta.offset(), meta.length());
        VhdxBat bat = VhdxBat.read(source, batRegion.offset(), batRegion.length(), m, findings);
        Map<String, Long> states = new LinkedHashMap<>();
        for (int[] s : new int[][] {{VhdxBat.FULLY_PRESENT}, {VhdxBat.PARTIALLY_PRESENT}, {VhdxBat.NOT_PRESENT},
                {VhdxBat.ZERO}, {VhdxBat.UNMAPPED}, {VhdxBat.UNDEFINED}}) {
            long n = bat.count(s[0]) + (s[0] == VhdxBat.UNMAPPED ? bat.count(VhdxBat.UNMAPPED_DRAFT) : 0);
            if (n > 0) {
                states.put(stateName(s[0]), n);
            }
        }
        VhdxFacts facts = new VhdxFacts(creator, header, regions, m, replay, states);
        RangeList own = new RangeList();
        for (long b = 0; b < bat.blocks(); b++) {
            if (bat.present(b)) {
                own.add(b * m.blockSize(), m.blockSize());
            }
        }
        long size = m.virtualSize();
        String name = path.getFileName().toString();
        if (!m.hasParent()) {
            ByteSource disk = new VhdxDiskSource(source, bat, m, Optional.empty(), name);
            return new DiskImage(path, DiskFormat.VHDX, file, disk, Optional.empty(), findings,
                    () -> own.iterator(size), facts, List.of());
        }
        DiskImage parent = openParent(path, m, chain.below(path, "VHDX parent locator", meta.offset()));
        try {
            ByteSource disk = new VhdxDiskSource(source, bat, m, Optional.of(parent.virtualDisk()), name);
            Supplier<java.util.Iterator<ByteRange>> ranges = () -> AllocatedRanges.union(own.iterator(size),
                    parent.allocatedRanges(), size);
            return new DiskImage(path, DiskFormat.VHDX, file, disk, Optional.of(parent), findings, ranges, facts,
                    List.of());
        } catch (RuntimeException e) {
            parent.close();
            throw e;
        }
    }

    static String stateName(int state) {
        return switch (state) {
            case VhdxBat.FULLY_PRESENT -> "fullyPresent";
            case VhdxBat.PARTIALLY_PRESENT -> "partiallyPresent";
            case VhdxBat.NOT_PRESENT -> "notPresent";
            case VhdxBat.ZERO -> "zero";
            case VhdxBat.UNMAPPED, VhdxBat.UNMAPPED_DRAFT -> "unmapped";
            default -> "undefined";
        };
    }

    /** The current header: the valid one, or of two valid ones the one with the greater sequence number. */
    private static VhdxHeader currentHeader(ByteSource file, List<Finding> findings) throws IOException {
        byte[] b1 = file.readBytes(VhdxHeader.HEADER_1, VhdxHeader.SIZE, "VHDX header 1");
        byte[] b2 = file.readBytes(VhdxHeader.HEADER_2, VhdxHeader.SIZE, "VHDX header 2");
        VhdxHeader h1 = null;
        VhdxHeader h2 = null;
        DiskException e1 = null;
        try {
            h1 = VhdxHeader.parse(b1, 1);
        } catch (DiskException e) {
            e1 = e;
        }
        try {
            h2 = VhdxHeader.parse(b2, 2);
        } catch (DiskException e) {
            if (h1 == null) {
                throw new DiskException(ErrorKind.CORRUPT, "VHDX headers", VhdxHeader.HEADER_1, "neither header is"
                        + " valid: " + e1.getMessage() + "; " + e.getMessage());
            }
            findings.add(new Finding("vhdx.header-damaged", VhdxHeader.HEADER_2, "header 2 is damaged ("
                    + e.getMessage() + "); header 1 is used"));
            return h1;
        }
        if (h1 == null) {
            findings.add(new Finding("vhdx.header-damaged", VhdxHeader.HEADER_1, "header 1 is damaged ("
                    + e1.getMessage() + "); header 2 is used"));
            return h2;
        }
        int c = Long.compareUnsigned(h1.sequenceNumber(), h2.sequenceNumber());
        if (c == 0 && !Arrays.equals(b1, b2)) {
            throw new DiskException(ErrorKind.CORRUPT, "VHDX headers", VhdxHeader.HEADER_1 + 8, "both headers are valid"
                    + " with sequence number " + Long.toUnsignedString(h1.sequenceNumber())
                    + " but differ: neither is current");
        }
        return c >= 0 ? h1 : h2;
    }

    private static VhdxRegionTable regionTable(ByteSource source, List<Finding> findings) throws IOException {
        long size = source.size();
        try {
            return VhdxRegionTable.parse(source.readBytes(VhdxRegionTable.TABLE_1, VhdxRegionTable.SIZE,
                    "VHDX region table 1"), 1, size);
        } catch (DiskException first) {
            if (first.kind() != ErrorKind.CORRUPT) {
                throw first;
            }
            try {
                VhdxRegionTable t = VhdxRegionTable.parse(source.readBytes(VhdxRegionTable.TABLE_2, VhdxRegionTable.SIZE,
                        "VHDX region table 2"), 2, size);
                findings.add(new Finding("vhdx.region-table-damaged", VhdxRegionTable.TABLE_1, "region table 1 is damaged ("
                        + first.getMessage() + "); its copy, region table 2, is used"));
                return t;
            } catch (DiskException second) {
                throw first;
            }
        }
    }

    /**
     * The parent of a differencing VHDX, beside it: its relative path, then the file names of its
     * absolute and volume paths, each accepted only when its data write GUID is the child's
     * parent_linkage (or parent_linkage2).
     */
    private static DiskImage openParent(Path child, VhdxMetadata m, ImageChain chain) throws IOException {
        List<UUID> linkage = new ArrayList<>();
        m.linkage("parent_linkage").ifPresent(linkage::add);
        m.linkage("parent_linkage2").ifPresent(linkage::add);
        if (linkage.isEmpty()) {
            throw new DiskException(ErrorKind.CORRUPT, "VHDX parent locator", m.parentLocatorAt(), "parent_linkage \""
                    + m.parentLocator().get("parent_linkage") + "\" is not a GUID");
        }
        List<String> tried = new ArrayList<>();
        List<Path> candidates = new ArrayList<>();
        for (String key : List.of("relative_path", "volume_path", "absolute_win32_path")) {
            String v = m.parentLocator().get(key);
            if (v != null) {
                tried.add(key + " \"" + v + "\"");
                for (Path p : ImageChain.candidates(child, v)) {
                    if (!candidates.contains(p)) {
                        candidates.add(p);
                    }
                }
            }
        }
        List<String> mismatched = new ArrayList<>();
        for (Path p : candidates) {
            DiskImage parent = chain.open(p, Optional.empty());
            Optional<UUID> id = parent.facts().filter(f -> f instanceof VhdxFacts)
                    .map(f -> ((VhdxFacts) f).header().dataWriteGuid());
            if (id.isPresent() && linkage.contains(id.get())) {
                int childSector = m.logicalSectorSize();
                int parentSector = ((VhdxFacts) parent.facts().get()).metadata().logicalSectorSize();
                if (childSector != parentSector) {
                    parent.close();
                    throw new DiskException(ErrorKind.CORRUPT, "VHDX parent locator", m.parentLocatorAt(), "the child has "
                            + childSector + "-byte sectors, its parent " + p.getFileName() + " " + parentSector);
                }
                return parent;
            }
            mismatched.add(p.getFileName() + " has data write GUID " + id.map(UUID::toString).orElse("none (not a VHDX)"));
            parent.close();
        }
        if (!mismatched.isEmpty()) {
            throw new DiskException(ErrorKind.CORRUPT, "VHDX parent locator", m.parentLocatorAt(), "parent_linkage " + linkage.get(0)
                    + " but " + String.join(", ", mismatched) + ": the parent was modified after the child was made,"
                    + " or is another disk; reconnect the right parent");
        }
        throw new DiskException(ErrorKind.NOT_FOUND, "VHDX parent locator", m.parentLocatorAt(), "the parent of " + child.getFileName()
                + " is not beside it: tried " + (tried.isEmpty() ? "no path (the locator names none)"
                : String.join(", ", tried)) + " in " + child.toAbsolutePath().getParent()
                + "; put the parent VHDX next to the child (only that folder is searched)");
    }
}
