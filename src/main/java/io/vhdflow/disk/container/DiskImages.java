package io.vhdflow.disk.container;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.Finding;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Entry point of the container layer: recognises an image by magic and opens its virtual disk.
 *
 * <p>Recognised, in this order: VHDX ({@code vhdxfile} at 0), qcow2 ({@code QFI\xfb} at 0), a
 * VMDK sparse extent ({@code KDMV} at 0) or descriptor ({@code # Disk DescriptorFile} at 0), an
 * OVA (a tar: {@code ustar} at 257), VDI (recognised, not read), VHD (footer cookie
 * {@code conectix} in the last 512 bytes, or at offset 0 for a dynamic disk whose tail is
 * damaged), and raw images by their extension {@code .raw}/{@code .img} when no magic matches.
 * The file name never decides a format a magic number names; it only helps messages.
 */
public final class DiskImages {

    /** Deepest parent chain followed (Hyper-V checkpoints, qcow2 backing chains rarely go past a handful). */
    public static final int MAX_CHAIN_DEPTH = 16;
    /** Largest virtual size accepted: 64 TiB (Azure's largest disk is 32 TiB). */
    public static final long MAX_VIRTUAL_SIZE = 64L << 40;
    /** Longest parent locator data read (a path). */
    static final int MAX_LOCATOR_BYTES = 64 * 1024;

    private static final byte[] VHDX_MAGIC = "vhdxfile".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] VMDK_SPARSE_MAGIC = "KDMV".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] VMDK_ESX_MAGIC = "COWD".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] VMDK_DESCRIPTOR_MAGIC = "# Disk DescriptorFile".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TAR_MAGIC = "ustar".getBytes(StandardCharsets.US_ASCII);
    private static final int VDI_SIGNATURE = 0xBEDA107F;

    private DiskImages() {
    }

    /**
     * The format of {@code path}, by magic (and extension for raw images).
     *
     * @throws DiskException when the file is empty or matches no known format
     */
    public static DiskFormat detect(Path path) throws IOException {
        try (FileByteSource f = FileByteSource.open(path)) {
            return detect(f, path);
        }
    }

    /** The format of the bytes in {@code f}; {@code path} gives the name and extension. */
    static DiskFormat detect(ByteSource f, Path path) throws IOException {
        long size = f.size();
        String name = path.getFileName().toString();
        if (size == 0) {
            throw new DiskException(ErrorKind.CORRUPT, "disk image", 0, name + " is empty (0 bytes)");
        }
        byte[] head = f.readBytes(0, (int) Math.min(512, size), "disk image header");
        if (startsWith(head, VHDX_MAGIC)) {
            return DiskFormat.VHDX;
        }
        if (startsWith(head, Qcow2Header.MAGIC)) {
            return DiskFormat.QCOW2;
        }
        if (startsWith(head, VMDK_SPARSE_MAGIC) || startsWith(head, VMDK_DESCRIPTOR_MAGIC)) {
            return DiskFormat.VMDK;
        }
        if (startsWith(head, VMDK_ESX_MAGIC)) {
            throw new DiskException(ErrorKind.UNSUPPORTED, "VMDK header", 0, name + " is an ESX \"COWD\" sparse VMDK"
                    + " (a VMFS snapshot delta), which vhdflow does not read; export the VM as OVA or convert the disk"
                    + " with qemu-img convert -O vmdk -o subformat=streamOptimized");
        }
        if (head.length == 512 && Arrays.equals(head, 257, 262, TAR_MAGIC, 0, 5)) {
            return DiskFormat.OVA;
        }
        if (head.length >= 72 && java.nio.ByteBuffer.wrap(head).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(64)
                == VDI_SIGNATURE) {
            return DiskFormat.VDI;
        }
        if (size >= VhdFooter.SIZE) {
            byte[] tail = f.readBytes(size - VhdFooter.SIZE, VhdFooter.SIZE, "VHD footer");
            if (VhdFooter.hasCookie(tail, 0)) {
                return vhdType(tail, size - VhdFooter.SIZE);
            }
        }
        if (VhdFooter.hasCookie(head, 0) && head.length == VhdFooter.SIZE) {
            return vhdType(head, 0);
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".raw") || lower.endsWith(".img")) {
            return DiskFormat.RAW;
        }
        String hint = size % 512 != 0
                ? " The length " + size + " is not a multiple of 512, so a VHD may have been truncated."
                : "";
        throw new DiskException(ErrorKind.CORRUPT, "VHD footer", size >= VhdFooter.SIZE ? size - VhdFooter.SIZE : 0,
                name + " is not a disk image vhdflow recognises: no VHD footer cookie \"conectix\" at its end or"
                        + " start, and no VHDX, qcow2, VMDK or OVA signature at its start." + hint
                        + " A raw disk image must be named *.raw or *.img.");
    }

    private static DiskFormat vhdType(byte[] footer, long at) throws DiskException {
        int type = java.nio.ByteBuffer.wrap(footer).getInt(60);
        return switch (VhdDiskType.fromCode(type).orElseThrow(() -> new DiskException(ErrorKind.CORRUPT, "VHD footer", at + 60,
                "disk type " + type + " is not fixed (2), dynamic (3) or differencing (4)"))) {
            case FIXED -> DiskFormat.VHD_FIXED;
            case DYNAMIC -> DiskFormat.VHD_DYNAMIC;
            case DIFFERENCING -> DiskFormat.VHD_DIFFERENCING;
        };
    }

    private static boolean startsWith(byte[] b, byte[] prefix) {
        return b.length >= prefix.length && Arrays.equals(b, 0, prefix.length, prefix, 0, prefix.length);
    }

    /**
     * Opens the image at {@code path} and validates its container structures (and those of its
     * parents, looked for beside it).
     *
     * @throws UnsupportedDiskFormatException for a format recognised but not read (VDI)
     * @throws DiskException            naming the structure and byte offset of any damage
     */
    public static DiskImage open(Path path) throws IOException {
        return open(path, ImageChain.start(), Optional.empty());
    }

    /**
     * Opens the image whose own bytes are read through {@code file} (for example a view that copies
     * what is read into a backup); {@code path} names it and is where parents are looked for.
     * Closing the image closes {@code file}.
     */
    public static DiskImage open(ByteSource file, Path path) throws IOException {
        return open(file, path, ImageChain.start(), Optional.empty());
    }

    /**
     * The disks of the OVA at {@code path}, in boot order (the first is the OS disk, the one
     * {@link #open(Path)} presents), each read in place from the archive.
     */
    public static List<OvaDisk> ovaDisks(Path path) throws IOException {
        try (FileByteSource f = FileByteSource.open(path)) {
            if (detect(f, path) != DiskFormat.OVA) {
                throw new DiskException(ErrorKind.CORRUPT, "OVA", 257, path.getFileName() + " is not a tar archive");
            }
            return OvaImage.contents(f, path.getFileName().toString()).disks();
        }
    }

    /** Opens disk {@code disk} of the OVA at {@code path} in place (see {@link #ovaDisks(Path)}). */
    public static DiskImage openOvaDisk(Path path, OvaDisk disk) throws IOException {
        FileByteSource f = FileByteSource.open(path);
        try {
            return OvaImage.openDisk(f, path, disk).owning(f);
        } catch (IOException | RuntimeException e) {
            f.close();
            throw e;
        }
    }

    /**
     * The other files an image reads beside it: the extents a VMDK descriptor names (those present).
     * Empty for every other image, and for a descriptor that cannot be parsed.
     */
    public static List<Path> companions(Path image) throws IOException {
        try (FileByteSource f = FileByteSource.open(image)) {
            if (f.size() > VmdkDescriptor.MAX_BYTES || f.size() < VMDK_DESCRIPTOR_MAGIC.length
                    || !startsWith(f.readBytes(0, VMDK_DESCRIPTOR_MAGIC.length, "VMDK descriptor"), VMDK_DESCRIPTOR_MAGIC)) {
                return List.of();
            }
            VmdkDescriptor d = VmdkDescriptor.parse(new String(f.readBytes(0, (int) f.size(), "VMDK descriptor"),
                    StandardCharsets.UTF_8), "VMDK descriptor", 0);
            List<Path> out = new ArrayList<>();
            for (VmdkDescriptor.Extent e : d.extents()) {
                if (e.file().isPresent()) {
                    for (Path p : ImageChain.candidates(image, e.file().get())) {
                        if (!out.contains(p)) {
                            out.add(p);
                        }
                    }
                }
            }
            return out;
        } catch (DiskException e) {
            return List.of();
        }
    }

    /** Opens a disk held inside an archive, as a slice of it; it may have no parent. */
    static DiskImage openMember(ByteSource member, Path name) throws IOException {
        return open(member, name, ImageChain.inArchive(), Optional.empty());
    }

    /** Opens {@code path} as part of {@code chain}; {@code forced} overrides detection (a raw backing file). */
    static DiskImage open(Path path, ImageChain chain, Optional<DiskFormat> forced) throws IOException {
        FileByteSource file = FileByteSource.open(path);
        try {
            return open(file, path, chain, forced);
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    private static DiskImage open(ByteSource file, Path path, ImageChain chain, Optional<DiskFormat> forced)
            throws IOException {
        DiskFormat format = forced.isPresent() ? forced.get() : detect(file, path);
        String name = path.getFileName().toString();
        List<Finding> findings = new ArrayList<>();
        switch (format) {
            case VDI -> throw new UnsupportedDiskFormatException(format, name);
            case VHDX -> {
                return VhdxImage.open(file, path, chain);
            }
            case QCOW2 -> {
                return Qcow2Image.open(file, path, chain);
            }
            case VMDK -> {
                return VmdkImage.open(file, path, chain.archive());
            }
            case OVA -> {
                return OvaImage.open(file, path);
            }
            case RAW -> {
                if (file.size() % 512 != 0) {
                    findings.add(new Finding("raw.unaligned-size", -1, "the image is " + file.size()
                            + " bytes, not a whole number of 512-byte sectors"));
                }
                return new DiskImage(path, format, file, file, Optional.empty(), Optional.empty(), Optional.empty(),
                        Optional.empty(), findings, () -> AllocatedRanges.whole(file.size()));
            }
            default -> {
            }
        }
        long size = file.size();
        if (size % 512 != 0) {
            throw new DiskException(ErrorKind.TRUNCATED, "VHD footer", size - size % 512, "the file is " + size
                    + " bytes, not a whole number of 512-byte sectors: it was truncated or has bytes appended");
        }
        long footerAt = size - VhdFooter.SIZE;
        VhdFooter footer = VhdFooter.parse(file.readBytes(footerAt, VhdFooter.SIZE, "VHD footer"), footerAt, "VHD footer");
        creatorFindings(footer, findings);
        if (footer.currentSize() > MAX_VIRTUAL_SIZE) {
            throw new DiskException(ErrorKind.LIMIT_EXCEEDED, "VHD footer", footerAt + 48, "current size " + footer.currentSize()
                    + " bytes exceeds the " + (MAX_VIRTUAL_SIZE >> 40) + " TiB this reader accepts");
        }
        if (footer.currentSize() % 512 != 0) {
            findings.add(new Finding("vhd.unaligned-size", footerAt + 48, "current size " + footer.currentSize()
                    + " is not a whole number of 512-byte sectors"));
        }
        if (footer.savedState()) {
            findings.add(new Finding("vhd.saved-state", footerAt + 84,
                    "the saved-state flag is set: the disk belongs to a saved (suspended) VM, not a cold image"));
        }
        if (!footer.reservedFeatureBitSet()) {
            findings.add(new Finding("vhd.reserved-feature-bit", footerAt + 8,
                    "the reserved feature bit 0x2, which the spec requires, is not set"));
        }
        if (footer.diskType() == VhdDiskType.FIXED) {
            return openFixed(file, path, footer, findings);
        }
        return openSparse(file, path, footer, findings, chain);
    }

    private static void creatorFindings(VhdFooter footer, List<Finding> findings) {
        if (footer.knownCreator().isEmpty()) {
            findings.add(new Finding("vhd.unknown-creator", -1, "creator application \"" + footer.creatorDisplay()
                    + "\" is not one this reader knows; the size is taken from the footer's current size"));
        }
        long chs = footer.geometry().capacity();
        if (footer.sizedByGeometryInQemu() && chs != footer.currentSize()) {
            findings.add(new Finding("vhd.chs-size-differs", -1, "creator \"" + footer.creatorDisplay()
                    + "\": current size " + footer.currentSize() + " differs from the CHS geometry's " + chs
                    + " bytes; qemu sizes such disks by CHS, vhdflow and Azure by current size"));
        }
    }

    private static DiskImage openFixed(ByteSource file, Path path, VhdFooter footer, List<Finding> findings)
            throws IOException {
        long dataBytes = file.size() - VhdFooter.SIZE;
        long footerAt = dataBytes;
        if (footer.currentSize() > dataBytes) {
            throw new DiskException(ErrorKind.TRUNCATED, "VHD footer", footerAt + 48, "current size " + footer.currentSize()
                    + " but the file holds only " + dataBytes + " bytes before its footer: the file is truncated");
        }
        if (footer.currentSize() < dataBytes) {
            throw new DiskException(ErrorKind.CORRUPT, "VHD footer", footerAt + 48, "current size " + footer.currentSize()
                    + " but the file holds " + dataBytes + " bytes before its footer: a fixed VHD must be exactly"
                    + " current size + 512 bytes");
        }
        if (footer.dataOffset() != VhdFooter.NO_DATA_OFFSET) {
            findings.add(new Finding("vhd.fixed-data-offset", footerAt + 16, "a fixed VHD's data offset should be"
                    + " all ones, found " + Long.toUnsignedString(footer.dataOffset())));
        }
        ByteSource disk = new SliceByteSource(file, 0, footer.currentSize(), "disk");
        long virtual = footer.currentSize();
        return new DiskImage(path, DiskFormat.VHD_FIXED, file, disk, Optional.of(footer), Optional.empty(),
                Optional.empty(), Optional.empty(), findings, () -> AllocatedRanges.whole(virtual));
    }

    private static DiskImage openSparse(ByteSource file, Path path, VhdFooter footer, List<Finding> findings,
                                        ImageChain chain) throws IOException {
        long size = file.size();
        long footerAt = size - VhdFooter.SIZE;
        byte[] copy = file.readBytes(0, VhdFooter.SIZE, "VHD footer copy");
        if (!Arrays.equals(copy, file.readBytes(footerAt, VhdFooter.SIZE, "VHD footer"))) {
            // Parse the copy first, so a damaged copy is reported as such.
            VhdFooter.parse(copy, 0, "VHD footer copy");
            throw new DiskException(ErrorKind.CORRUPT, "VHD footer copy", 0,
                    "the footer copy at offset 0 differs from the trailing footer at byte " + footerAt);
        }
        long headerAt = footer.dataOffset();
        if (headerAt < VhdFooter.SIZE || headerAt > footerAt - VhdDynamicHeader.SIZE) {
            throw new DiskException(ErrorKind.CORRUPT, "VHD footer", footerAt + 16, "data offset " + Long.toUnsignedString(headerAt)
                    + " does not point at a dynamic header inside the file (" + size + " bytes)");
        }
        VhdDynamicHeader header = VhdDynamicHeader.parse(
                file.readBytes(headerAt, VhdDynamicHeader.SIZE, "VHD dynamic header"), headerAt);
        List<ByteRange> metadata = new ArrayList<>();
        metadata.add(new ByteRange(0, VhdFooter.SIZE));
        metadata.add(new ByteRange(headerAt, VhdDynamicHeader.SIZE));
        boolean differencing = footer.diskType() == VhdDiskType.DIFFERENCING;
        List<byte[]> locatorData = new ArrayList<>();
        if (differencing) {
            for (ParentLocator l : header.parentLocators()) {
                long at = headerAt + 576 + 24L * l.index();
                if (l.dataLength() > MAX_LOCATOR_BYTES || l.dataOffset() < 0 || l.dataOffset() > footerAt
                        || l.dataLength() > footerAt - l.dataOffset()) {
                    throw new DiskException(ErrorKind.CORRUPT, "VHD parent locator " + l.index(), at, "data of " + l.dataLength()
                            + " bytes at byte " + l.dataOffset() + " lies outside the file or is too long for a path");
                }
                metadata.add(new ByteRange(l.dataOffset(), (l.dataLength() + 511) / 512 * 512));
                locatorData.add(file.readBytes(l.dataOffset(), (int) l.dataLength(), "VHD parent locator " + l.index()));
            }
        }
        BlockAllocationTable bat = BlockAllocationTable.read(file, header, headerAt, footer, metadata);
        String name = path.getFileName().toString();
        long virtual = footer.currentSize();
        if (!differencing) {
            ByteSource disk = new VhdBlockSource(file, bat, virtual, Optional.empty(), name);
            return new DiskImage(path, DiskFormat.VHD_DYNAMIC, file, disk, Optional.of(footer), Optional.of(header),
                    Optional.of(bat), Optional.empty(), findings, () -> AllocatedRanges.ofBat(bat, virtual));
        }
        ImageChain next = chain.below(path, "VHD parent locator", headerAt + 576);
        DiskImage parent = openParent(path, header, headerAt, locatorData, next);
        try {
            ByteSource disk = new VhdBlockSource(file, bat, virtual, Optional.of(parent.virtualDisk()), name);
            return new DiskImage(path, DiskFormat.VHD_DIFFERENCING, file, disk, Optional.of(footer),
                    Optional.of(header), Optional.of(bat), Optional.of(parent), findings,
                    () -> AllocatedRanges.union(AllocatedRanges.ofBat(bat, virtual), parent.allocatedRanges(), virtual));
        } catch (RuntimeException e) {
            parent.close();
            throw e;
        }
    }

    private static DiskImage openParent(Path child, VhdDynamicHeader header, long headerAt, List<byte[]> locatorData,
                                        ImageChain chain) throws IOException {
        Path folder = child.toAbsolutePath().getParent();
        Set<Path> candidates = new LinkedHashSet<>();
        List<String> tried = new ArrayList<>();
        List<ParentLocator> locators = header.parentLocators();
        // Relative locators first: they survive moving the chain to another folder or machine.
        for (String kind : List.of(ParentLocator.W2RU, ParentLocator.W2KU, ParentLocator.MACX)) {
            for (int i = 0; i < locators.size(); i++) {
                if (!locators.get(i).platform().equals(kind)) {
                    continue;
                }
                String text = decodeLocator(kind, locatorData.get(i));
                tried.add(kind + " \"" + text + "\"");
                resolve(folder, kind, text).forEach(candidates::add);
            }
        }
        if (!header.parentName().isEmpty()) {
            tried.add("parent name \"" + header.parentName() + "\"");
            resolve(folder, ParentLocator.W2RU, header.parentName()).forEach(candidates::add);
        }
        List<String> mismatched = new ArrayList<>();
        for (Path p : candidates) {
            if (!Files.isRegularFile(p)) {
                continue;
            }
            DiskImage parent = chain.open(p, Optional.empty());
            Optional<java.util.UUID> id = parent.footer().map(VhdFooter::uniqueId);
            if (id.isPresent() && id.get().equals(header.parentUniqueId())) {
                return parent;
            }
            // A stale file at one locator does not hide the right parent at another.
            mismatched.add(p + " has " + id.map(Object::toString).orElse("no VHD footer"));
            parent.close();
        }
        if (!mismatched.isEmpty()) {
            throw new DiskException(ErrorKind.CORRUPT, "VHD dynamic header", headerAt + 40, "parent unique id "
                    + header.parentUniqueId() + " but " + String.join(", ", mismatched)
                    + ": the parent was replaced or modified; reconnect the right parent");
        }
        throw new DiskException(ErrorKind.CORRUPT, "VHD parent locator", headerAt + 576, "missing parent of "
                + child.getFileName() + ": tried " + (tried.isEmpty() ? "no locator" : String.join(", ", tried))
                + " relative to " + folder + "; put the parent VHD next to the child or fix its locators");
    }

    private static String decodeLocator(String kind, byte[] data) {
        String s = kind.equals(ParentLocator.MACX)
                ? new String(data, StandardCharsets.UTF_8)
                : new String(data, StandardCharsets.UTF_16LE);
        int nul = s.indexOf('\0');
        return nul >= 0 ? s.substring(0, nul) : s;
    }

    /** Candidate files for one locator: the path as given, then its file name in the child's folder. */
    private static List<Path> resolve(Path folder, String kind, String text) {
        List<Path> out = new ArrayList<>();
        try {
            String p = text;
            if (kind.equals(ParentLocator.MACX)) {
                if (p.startsWith("file://")) {
                    p = URI.create(p).getPath();
                }
                if (p == null) {
                    return out;
                }
            } else {
                p = p.replace('\\', '/');
            }
            boolean windowsAbsolute = p.length() >= 2 && Character.isLetter(p.charAt(0)) && p.charAt(1) == ':';
            String fileName = p.substring(p.lastIndexOf('/') + 1);
            if (!windowsAbsolute && !p.isEmpty()) {
                Path given = Path.of(p);
                out.add(given.isAbsolute() ? given : folder.resolve(given).normalize());
            }
            if (!fileName.isEmpty() && !fileName.equals(".") && !fileName.equals("..")) {
                // The chain was moved together (Hyper-V export, copy to Linux): same folder.
                out.add(folder.resolve(fileName));
            }
        } catch (IllegalArgumentException e) {
            // An unusable locator string is simply not a candidate.
        }
        return out;
    }
}
