package io.vhdflow.disk.fs.ntfs;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.container.ByteSource;
import io.vhdflow.disk.fs.FileType;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A file as NTFS stores it: a base MFT record plus the attributes moved into extension records by
 * an {@code $ATTRIBUTE_LIST}, merged. Immutable.
 */
final class NtfsFile {
    private final MftRecord base;
    private final List<AttributeRecord> attributes;
    private final FileType type;
    private final Optional<String> interixTarget;

    /** Interix symbolic links (what ntfs-3g's {@code ln -s} makes): a system file starting with this. */
    static final byte[] INTERIX_MAGIC = {'I', 'n', 't', 'x', 'L', 'N', 'K', 1};

    NtfsFile(MftRecord base, List<AttributeRecord> attributes, ByteSource volume, int clusterSize)
            throws java.io.IOException {
        this.base = base;
        this.attributes = List.copyOf(attributes);
        Optional<ReparsePoint> rp = reparsePoint();
        Optional<String> interix = Optional.empty();
        FileType t;
        if (rp.isPresent() && rp.get().isLink()) {
            t = FileType.SYMLINK;
        } else if (base.isDirectory()) {
            t = FileType.DIRECTORY;
        } else {
            t = FileType.REGULAR;
            interix = interix(volume, clusterSize);
            if (interix.isPresent()) {
                t = FileType.SYMLINK;
            }
        }
        this.type = t;
        this.interixTarget = interix;
    }

    long number() {
        return base.number();
    }

    /** How errors name this file's attribute of {@code type}: {@code NTFS MFT record 35 attribute 0x80}. */
    String structure(int attributeType) {
        return "NTFS MFT record " + number() + " attribute 0x" + Integer.toHexString(attributeType);
    }

    MftRecord base() {
        return base;
    }

    FileType type() {
        return type;
    }

    List<AttributeRecord> attributes() {
        return attributes;
    }

    Optional<String> interixTarget() {
        return interixTarget;
    }

    Optional<StandardInformation> standardInformation() {
        return first(AttributeRecord.STANDARD_INFORMATION).filter(AttributeRecord::resident)
                .map(a -> StandardInformation.parse(a.value()));
    }

    Optional<ReparsePoint> reparsePoint() {
        return first(AttributeRecord.REPARSE_POINT).filter(AttributeRecord::resident)
                .map(a -> ReparsePoint.parse(a.value()));
    }

    /** All $FILE_NAME values (one per hard link, plus DOS 8.3 duplicates). */
    List<FileName> fileNames() throws DiskException {
        List<FileName> out = new ArrayList<>();
        for (AttributeRecord a : attributes) {
            if (a.type() == AttributeRecord.FILE_NAME && a.resident()) {
                out.add(FileName.parse(a.value(), 0, a.value().length, a.structure(), a.valueOffset()));
            }
        }
        return out;
    }

    /** Hard links: $FILE_NAME values that are not DOS-only duplicates. */
    int linkCount() throws DiskException {
        int n = 0;
        for (FileName f : fileNames()) {
            if (!f.dosOnly()) {
                n++;
            }
        }
        return Math.max(1, n);
    }

    Optional<AttributeRecord> first(int type) {
        return attributes.stream().filter(a -> a.type() == type).findFirst();
    }

    boolean has(int type, String name) {
        return attributes.stream().anyMatch(a -> a.type() == type && a.name().equals(name));
    }

    /**
     * The value of attribute {@code type} named {@code name}, its extents merged, or empty.
     */
    Optional<StreamData> stream(int type, String name, ByteSource volume, int clusterSize) throws DiskException {
        List<AttributeRecord> parts = new ArrayList<>();
        for (AttributeRecord a : attributes) {
            if (a.type() == type && a.name().equals(name)) {
                parts.add(a);
            }
        }
        if (parts.isEmpty()) {
            return Optional.empty();
        }
        if (parts.get(0).resident()) {
            if (parts.size() != 1) {
                throw new DiskException(ErrorKind.CORRUPT, parts.get(1).structure(), parts.get(1).offset(),
                        "a resident attribute has more than one instance");
            }
            return Optional.of(new StreamData.Resident(parts.get(0).value()));
        }
        parts.sort(Comparator.comparingLong(AttributeRecord::startVcn));
        AttributeRecord head = parts.get(0);
        List<DataRun> runs = new ArrayList<>();
        long nextVcn = 0;
        for (AttributeRecord a : parts) {
            if (a.resident() || a.startVcn() != nextVcn) {
                throw new DiskException(ErrorKind.CORRUPT, a.structure(), a.offset(), "attribute extent starts at VCN " + a.startVcn()
                        + " but " + nextVcn + " was expected");
            }
            runs.addAll(a.runs());
            nextVcn = a.lastVcn() + 1;
        }
        long mapped = 0;
        for (DataRun r : runs) {
            mapped += r.length();
        }
        // Every byte of the stream must be mapped (by data or holes): a size beyond the runlist is corruption,
        // and refusing it here keeps a hostile size from becoming an endless stream of zeros.
        if (mapped > Long.MAX_VALUE / clusterSize || head.dataSize() > mapped * clusterSize) {
            throw new DiskException(ErrorKind.CORRUPT, head.structure(), head.offset() + 0x30, "data size " + head.dataSize()
                    + " exceeds the " + mapped + " clusters mapped by the runlist");
        }
        int cu = head.compressed() ? head.compressionUnit() : 0;
        return Optional.of(new NonResidentData(volume, clusterSize, runs, head.dataSize(), head.initializedSize(), cu,
                head.structure(), head.offset()));
    }

    private Optional<String> interix(ByteSource volume, int clusterSize) throws java.io.IOException {
        boolean system = standardInformation().map(s -> (s.flags() & FileName.ATTR_SYSTEM) != 0).orElse(false);
        if (!system) {
            return Optional.empty();
        }
        Optional<StreamData> data = stream(AttributeRecord.DATA, "", volume, clusterSize);
        if (data.isEmpty() || data.get().size() < 10 || data.get().size() > 8 + 2 * 4096) {
            return Optional.empty();
        }
        byte[] b = new byte[(int) data.get().size()];
        data.get().readFully(0, b, 0, b.length, structure(AttributeRecord.DATA));
        if (!java.util.Arrays.equals(b, 0, 8, INTERIX_MAGIC, 0, 8)) {
            return Optional.empty();
        }
        return Optional.of(new String(b, 8, (b.length - 8) & ~1, java.nio.charset.StandardCharsets.UTF_16LE));
    }
}
