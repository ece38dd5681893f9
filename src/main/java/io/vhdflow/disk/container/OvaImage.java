package io.vhdflow.disk.container;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.Finding;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Opens an OVA: lists the tar ({@link OvaArchive}), reads the OVF descriptor
 * ({@link OvfDescriptor}), and opens the OS disk in place, as a slice of the archive, in whatever
 * single-file format it is (streamOptimized VMDK usually; VHD, VHDX, qcow2 or raw too). Every disk
 * is listed in the facts and by {@link DiskImages#ovaDisks(Path)}; the image's virtual disk is the
 * OS disk.
 */
final class OvaImage {
    private OvaImage() {
    }

    /**
     * What {@code vhd info} shows of an OVA.
     *
     * @param descriptor the OVF member's name
     * @param disks      the disks in boot order
     * @param osDisk     the OS disk's own container facts
     * @param osFormat   the OS disk's container format
     */
    record OvaFacts(String descriptor, List<OvaDisk> disks, Optional<ContainerFacts> osDisk, DiskFormat osFormat)
            implements ContainerFacts {
        @Override
        public Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("descriptor", descriptor);
            List<Object> list = new ArrayList<>();
            for (OvaDisk d : disks) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("index", d.index());
                e.put("diskId", d.diskId());
                e.put("member", d.member());
                e.put("osDisk", d.osDisk());
                e.put("bytes", d.size());
                d.capacity().ifPresent(c -> e.put("capacity", c));
                d.format().ifPresent(f -> e.put("format", f));
                d.controller().ifPresent(c -> e.put("controller", c));
                d.address().ifPresent(a -> e.put("address", a));
                list.add(e);
            }
            m.put("disks", list);
            m.put("osDiskFormat", osFormat.displayName());
            osDisk.ifPresent(f -> m.put("osDiskContainer", f.describe()));
            return m;
        }
    }

    /** The descriptor member and the disks, in boot order. */
    record Contents(String descriptor, List<OvaDisk> disks) {
    }

    static Contents contents(ByteSource file, String name) throws IOException {
        List<OvaArchive.Member> members = OvaArchive.members(file);
        List<OvaArchive.Member> ovfs = members.stream()
                .filter(m -> m.regular() && m.name().toLowerCase(Locale.ROOT).endsWith(".ovf")).toList();
        if (ovfs.isEmpty()) {
            throw new DiskException(ErrorKind.CORRUPT, "OVA " + name, 0, "the tar archive holds no .ovf descriptor,"
                    + " so it is not an OVA (members: " + names(members) + ")");
        }
        if (ovfs.size() > 1) {
            throw new DiskException(ErrorKind.UNSUPPORTED, "OVA " + name, ovfs.get(1).dataOffset(), "the archive holds "
                    + ovfs.size() + " .ovf descriptors (" + names(ovfs) + "); an OVA has one");
        }
        OvaArchive.Member ovf = ovfs.get(0);
        if (ovf.size() > OvfDescriptor.MAX_BYTES) {
            throw new DiskException(ErrorKind.LIMIT_EXCEEDED, "OVF descriptor " + ovf.name(), ovf.dataOffset(), "the"
                    + " descriptor is " + ovf.size() + " bytes; OVF descriptors are a few KiB");
        }
        byte[] xml = file.readBytes(ovf.dataOffset(), (int) ovf.size(), "OVF descriptor " + ovf.name());
        List<OvfDescriptor.Disk> described;
        try {
            described = OvfDescriptor.disks(xml, ovf.name());
        } catch (DiskException e) {
            // The XML has no byte offsets of its own: the operator is pointed at the descriptor in the archive.
            throw new DiskException(e.kind(), e.structure(), e.offset() >= 0 ? e.offset() : ovf.dataOffset(),
                    problemOf(e), e);
        }
        List<OvaDisk> disks = new ArrayList<>();
        for (OvfDescriptor.Disk d : described) {
            String where = "OVF disk " + d.diskId();
            if (d.compression().isPresent() || d.chunked()) {
                throw new DiskException(ErrorKind.UNSUPPORTED, where, ovf.dataOffset(), "its file " + d.href() + " is "
                        + (d.chunked() ? "split in chunks" : d.compression().get() + "-compressed")
                        + ", which cannot be read in place; re-export the OVA without compression or chunking");
            }
            OvaArchive.Member m = members.stream().filter(x -> x.name().equals(d.href())
                    || x.name().equals("./" + d.href())).findFirst().orElseThrow(() -> new DiskException(
                    ErrorKind.CORRUPT, where, ovf.dataOffset(), "its file " + d.href() + " is not in the archive (members: "
                    + names(members) + ")"));
            if (!m.regular() || m.sparse()) {
                throw new DiskException(ErrorKind.UNSUPPORTED, "OVA member " + m.name(), m.dataOffset(), "the disk's"
                        + " member is not a plain contiguous file (a link or a sparse tar member)");
            }
            disks.add(new OvaDisk(disks.size(), d.diskId(), m.name(), m.dataOffset(), m.size(), d.capacity(),
                    d.format(), d.controller(), d.address()));
        }
        return new Contents(ovf.name(), disks);
    }

    /** The problem alone, without the structure the message starts with. */
    private static String problemOf(DiskException e) {
        String prefix = e.structure() + ": ";
        return e.getMessage().startsWith(prefix) ? e.getMessage().substring(prefix.length()) : e.getMessage();
    }

    private static String names(List<OvaArchive.Member> members) {
        List<String> n = members.stream().limit(10).map(OvaArchive.Member::name).toList();
        return String.join(", ", n) + (members.size() > 10 ? ", …" : "");
    }

    static DiskImage open(ByteSource file, Path path) throws IOException {
        Contents c = contents(file, path.getFileName().toString());
        DiskImage os = openDisk(file, path, c.disks().get(0));
        List<Finding> findings = new ArrayList<>(os.findings());
        if (c.disks().size() > 1) {
            findings.add(new Finding("ova.more-disks", -1, "the OVA holds " + c.disks().size() + " disks; the OS disk "
                    + c.disks().get(0).member() + " is the one read here, the others ("
                    + String.join(", ", c.disks().subList(1, c.disks().size()).stream().map(OvaDisk::member).toList())
                    + ") are listed but not packaged"));
        }
        OvaDisk first = c.disks().get(0);
        if (first.capacity().isPresent() && first.capacity().get() != os.virtualSize()) {
            findings.add(new Finding("ova.capacity-differs", -1, "the OVF gives disk " + first.diskId() + " a capacity"
                    + " of " + first.capacity().get() + " bytes, the disk itself " + os.virtualSize()));
        }
        OvaFacts facts = new OvaFacts(c.descriptor(), c.disks(), os.facts(), os.format());
        return new DiskImage(path, DiskFormat.OVA, file, os.virtualDisk(), Optional.empty(), findings,
                os::allocatedRanges, facts, List.<Closeable>of(os));
    }

    /** Opens one disk of the OVA in place (its member as a slice of the file; parents are refused). */
    static DiskImage openDisk(ByteSource file, Path path, OvaDisk d) throws IOException {
        ByteSource member = new SliceByteSource(file, d.dataOffset(), d.size(), d.member());
        Path inner = path.resolveSibling(path.getFileName() + "!" + d.member().replace('/', '_'));
        DiskImage img = DiskImages.openMember(member, inner);
        if (img.format() == DiskFormat.OVA) {
            img.close();
            throw new DiskException(ErrorKind.UNSUPPORTED, "OVA member " + d.member(), d.dataOffset(), "an OVA inside"
                    + " an OVA");
        }
        return img;
    }
}
