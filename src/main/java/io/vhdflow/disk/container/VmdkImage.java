package io.vhdflow.disk.container;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.Finding;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Opens a VMDK: a sparse extent holding its own descriptor (monolithicSparse, streamOptimized),
 * or a text descriptor naming its extents (monolithicFlat, twoGbMaxExtentSparse,
 * twoGbMaxExtentFlat, vmfs), each looked for beside the descriptor. Snapshot deltas (a parent
 * content id), ESX sparse and raw-device extents are refused as unsupported.
 */
final class VmdkImage {
    private VmdkImage() {
    }

    /**
     * What {@code vhd info} shows of a VMDK.
     *
     * @param createType the descriptor's create type
     * @param embedded   whether the descriptor is inside the sparse extent
     * @param extents    one description per extent
     * @param adapter    the disk database's adapter type, if given
     */
    record VmdkFacts(String createType, boolean embedded, List<Map<String, Object>> extents, Optional<String> adapter)
            implements ContainerFacts {
        @Override
        public Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("createType", createType);
            m.put("descriptor", embedded ? "embedded in the sparse extent" : "separate file");
            adapter.ifPresent(a -> m.put("adapterType", a));
            m.put("extents", extents);
            return m;
        }
    }

    static DiskImage open(ByteSource file, Path path, boolean inArchive) throws IOException {
        List<Finding> findings = new ArrayList<>();
        byte[] head = file.readBytes(0, (int) Math.min(file.size(), VmdkSparseHeader.SIZE), "VMDK header");
        Inflation inflation = new Inflation();
        List<Closeable> resources = new ArrayList<>();
        resources.add(inflation);
        try {
            if (VmdkSparseHeader.hasMagic(head)) {
                return openMonolithic(file, path, inflation, resources, findings);
            }
            if (inArchive) {
                throw new DiskException(ErrorKind.UNSUPPORTED, "VMDK descriptor", 0, path.getFileName() + " is a VMDK"
                        + " descriptor inside an archive, whose extents vhdflow does not look for there; re-export the"
                        + " OVA with streamOptimized disks (the OVF default)");
            }
            return openDescriptor(file, path, inflation, resources, findings);
        } catch (IOException | RuntimeException e) {
            for (Closeable c : resources) {
                c.close();
            }
            throw e;
        }
    }

    private static DiskImage openMonolithic(ByteSource file, Path path, Inflation inflation,
                                            List<Closeable> resources, List<Finding> findings) throws IOException {
        String name = path.getFileName().toString();
        VmdkSparseExtent extent = VmdkSparseExtent.open(file, inflation, name, findings);
        VmdkSparseHeader h = extent.header();
        String createType = h.compressed() && h.markers() ? "streamOptimized" : "monolithicSparse";
        Optional<String> adapter = Optional.empty();
        if (h.descriptorOffset() > 0 && h.descriptorSize() > 0) {
            long at = h.descriptorOffset() * 512;
            long len = h.descriptorSize() * 512;
            if (len > VmdkDescriptor.MAX_BYTES || at > file.size() - len) {
                throw new DiskException(ErrorKind.CORRUPT, "VMDK sparse header of " + name, 28, "the embedded"
                        + " descriptor of " + len + " bytes at " + at + " is too large or outside the file");
            }
            String text = new String(file.readBytes(at, (int) len, "VMDK embedded descriptor"), StandardCharsets.UTF_8);
            int nul = text.indexOf('\0');
            text = nul >= 0 ? text.substring(0, nul) : text;
            if (!text.isBlank()) {
                VmdkDescriptor d = VmdkDescriptor.parse(text, "VMDK embedded descriptor", at);
                refuseParent(d, "VMDK embedded descriptor", at);
                if (!d.createType().isEmpty()) {
                    createType = d.createType();
                }
                adapter = Optional.ofNullable(d.fields().get("ddb.adapterType"));
                if (d.extents().size() == 1 && d.extents().get(0).sectors() != h.capacity()) {
                    findings.add(new Finding("vmdk.descriptor-size", at, "the descriptor's extent has "
                            + d.extents().get(0).sectors() + " sectors, the header's capacity " + h.capacity()
                            + "; the header is used"));
                }
                if (d.extents().size() > 1) {
                    throw new DiskException(ErrorKind.UNSUPPORTED, "VMDK embedded descriptor", at, "a sparse extent whose"
                            + " embedded descriptor names " + d.extents().size() + " extents; open the disk's"
                            + " descriptor file instead");
                }
            }
        }
        long size = extent.size();
        RangeList ranges = extent.allocated();
        VmdkFacts facts = new VmdkFacts(createType, true, List.of(describe(name, "SPARSE", extent)), adapter);
        return new DiskImage(path, DiskFormat.VMDK, file, extent, Optional.empty(), findings,
                () -> ranges.iterator(size), facts, resources);
    }

    private static DiskImage openDescriptor(ByteSource file, Path path, Inflation inflation,
                                            List<Closeable> resources, List<Finding> findings) throws IOException {
        String s = "VMDK descriptor";
        if (file.size() > VmdkDescriptor.MAX_BYTES) {
            throw new DiskException(ErrorKind.LIMIT_EXCEEDED, s, 0, "a descriptor file of " + file.size()
                    + " bytes; descriptors are a few hundred bytes (is this a disk with a text header?)");
        }
        VmdkDescriptor d = VmdkDescriptor.parse(new String(file.readBytes(0, (int) file.size(), s),
                StandardCharsets.UTF_8), s, 0);
        refuseParent(d, s, 0);
        if (d.extents().isEmpty()) {
            throw new DiskException(ErrorKind.CORRUPT, s, 0, "the descriptor names no extent");
        }
        List<ByteSource> parts = new ArrayList<>();
        List<Map<String, Object>> described = new ArrayList<>();
        RangeList ranges = new RangeList();
        long start = 0;
        for (VmdkDescriptor.Extent e : d.extents()) {
            String where = s + " line " + e.line();
            long bytes = e.sectors() * 512;
            if (e.access().equals("NOACCESS")) {
                throw new DiskException(ErrorKind.UNSUPPORTED, where, e.at(), "extent " + e.file().orElse("ZERO")
                        + " is marked NOACCESS: its data cannot be read");
            }
            switch (e.type()) {
                case "ZERO" -> {
                    parts.add(new ZeroSource(bytes));
                    described.add(Map.of("type", "ZERO", "sectors", e.sectors()));
                }
                case "FLAT", "VMFS" -> {
                    FileByteSource f = extentFile(path, e, where, resources);
                    long at = e.offset() * 512;
                    if (at > f.size() || bytes > f.size() - at) {
                        throw new DiskException(ErrorKind.TRUNCATED, where, e.at(), "flat extent " + e.file().get() + " is "
                                + f.size() + " bytes, shorter than the " + bytes + " bytes at offset " + at
                                + " the descriptor gives it");
                    }
                    parts.add(new SliceByteSource(f, at, bytes, e.file().get()));
                    ranges.add(start, bytes);
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("type", e.type());
                    m.put("file", e.file().get());
                    m.put("sectors", e.sectors());
                    m.put("offset", e.offset());
                    described.add(m);
                }
                case "SPARSE" -> {
                    FileByteSource f = extentFile(path, e, where, resources);
                    VmdkSparseExtent x = VmdkSparseExtent.open(f, inflation, e.file().get(), findings);
                    if (x.header().capacity() < e.sectors()) {
                        throw new DiskException(ErrorKind.CORRUPT, where, e.at(), "sparse extent " + e.file().get()
                                + " holds " + x.header().capacity() + " sectors, the descriptor gives it "
                                + e.sectors());
                    }
                    parts.add(x.header().capacity() == e.sectors() ? x : new SliceByteSource(x, 0, bytes, e.file().get()));
                    for (Iterator<ByteRange> it = x.allocated().iterator(bytes); it.hasNext(); ) {
                        ByteRange r = it.next();
                        ranges.add(start + r.offset(), r.length());
                    }
                    described.add(describe(e.file().get(), "SPARSE", x));
                }
                default -> throw new DiskException(ErrorKind.UNSUPPORTED, where, e.at(), "extent type " + e.type() + " ("
                        + e.file().orElse("") + ") is not read by vhdflow (ESX sparse, SE sparse and raw-device extents"
                        + " are not); export the VM as OVA or convert the disk with qemu-img");
            }
            start += bytes;
        }
        ByteSource disk = parts.size() == 1 && start == parts.get(0).size() ? parts.get(0)
                : new ConcatByteSource(parts, path.getFileName().toString());
        long size = start;
        VmdkFacts facts = new VmdkFacts(d.createType().isEmpty() ? "unknown" : d.createType(), false, described,
                Optional.ofNullable(d.fields().get("ddb.adapterType")));
        return new DiskImage(path, DiskFormat.VMDK, file, disk, Optional.empty(), findings, () -> ranges.iterator(size),
                facts, resources);
    }

    private static void refuseParent(VmdkDescriptor d, String s, long at) throws DiskException {
        if (d.hasParent()) {
            String hint = d.fields().getOrDefault("parentFileNameHint", "");
            throw new DiskException(ErrorKind.UNSUPPORTED, s, at, "the disk is a VMware snapshot delta (parentCID "
                    + d.parentCid() + (hint.isEmpty() ? "" : ", parent " + hint) + "), which vhdflow does not read;"
                    + " consolidate the snapshots (or export the VM as OVA) and drop the result");
        }
    }

    /** Opens an extent file named by the descriptor: beside it, a regular file, never a link or device. */
    private static FileByteSource extentFile(Path descriptor, VmdkDescriptor.Extent e, String where,
                                             List<Closeable> resources) throws IOException {
        String name = e.file().orElseThrow();
        List<Path> found = ImageChain.candidates(descriptor, name);
        if (found.isEmpty()) {
            Path folder = descriptor.toAbsolutePath().getParent();
            throw new DiskException(ErrorKind.NOT_FOUND, where, e.at(), "extent file \"" + name + "\" is not beside the"
                    + " descriptor in " + folder + (Files.exists(folder.resolve(name), LinkOption.NOFOLLOW_LINKS)
                    ? " as a regular file" : "") + "; a VMDK's extents must stay with its descriptor (or pack the disk"
                    + " as one file: qemu-img convert -O vmdk -o subformat=streamOptimized)");
        }
        FileByteSource f = FileByteSource.open(found.get(0));
        resources.add(f);
        return f;
    }

    private static Map<String, Object> describe(String file, String type, VmdkSparseExtent x) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type);
        m.put("file", file);
        m.put("sectors", x.header().capacity());
        m.put("version", x.header().version());
        m.put("grainSize", x.header().grainBytes());
        m.put("compressed", x.header().compressed());
        m.put("markers", x.header().markers());
        m.put("allocatedGrains", x.dataGrains());
        return m;
    }

    /** An extent of zeros. */
    private static final class ZeroSource implements ByteSource {
        private final long size;

        ZeroSource(long size) {
            this.size = size;
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public int read(long offset, ByteBuffer dst) {
            int n = ByteSource.readableLength(offset, dst.remaining(), size);
            if (n > 0) {
                MappedDiskSource.zero(dst, n);
            }
            return n;
        }

        @Override
        public String describe() {
            return "zero extent";
        }
    }
}
