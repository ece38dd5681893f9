package io.vhdflow.disk.fs.ntfs;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.Finding;
import io.vhdflow.disk.container.ByteSource;
import io.vhdflow.disk.fs.FileAttributes;
import io.vhdflow.disk.fs.FileType;
import io.vhdflow.disk.fs.NodeFilesystem;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotLinkException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Read-only NTFS (versions 3.0/3.1) over a {@link ByteSource} holding one volume.
 *
 * <p>Paths are matched case-insensitively through the volume's own {@code $UpCase} table, '\' is
 * accepted as a separator, alternate data streams are ignored (only the unnamed {@code $DATA} is
 * read), DOS 8.3 duplicate names are left out of listings (but still resolve, as in Windows), and
 * the NTFS metafiles (records 0-15: {@code $MFT}, {@code $Bitmap}, ...) are left out of listings of
 * the root but resolve by name.
 *
 * <p>Symbolic links and junctions (reparse tags 0xA000000C / 0xA0000003) and Interix symbolic
 * links (made by ntfs-3g) are presented as symbolic links and followed only inside this volume.
 * Assumption, since drive letters live in the SYSTEM hive and not on the volume: this volume is
 * {@code C:}, so an absolute target {@code \??\C:\dir} resolves to {@code /dir} here. Targets on
 * other drive letters, volume GUID paths and UNC paths are not followed
 * ({@link NoSuchFileException} saying so). {@link #readlink} returns the stored target.
 *
 * <p>{@link FileAttributes#mode()} is 0: NTFS stores Windows ACLs, not POSIX modes. Times come from
 * {@code $STANDARD_INFORMATION}, the inode is the MFT record number and the link count is the
 * number of non-DOS {@code $FILE_NAME} attributes.
 *
 * <p>The node API over two halves: {@link MasterFileTable} reads MFT records ({@code $MFT}'s own
 * runlist, {@code $MFTMirr} fallback, attribute lists, a record cache) and {@link NtfsIndex} walks
 * the {@code $I30} B-trees. What stays here is what Windows makes of them: types, attributes, link
 * targets, and which data streams can be read.
 *
 * <p>Safe for concurrent use: all state is immutable apart from a bounded, synchronized cache of
 * parsed MFT records.
 */
public final class NtfsFilesystem extends NodeFilesystem<NtfsFile> {

    private final NtfsBootSector boot;
    private final MasterFileTable mft;
    private final Optional<String> label;
    private final int volumeFlags;
    private final long volumeInfoOffset;
    private final HibernationState hibernation;
    private final List<Finding> findings;

    /** True when {@code src} starts with an NTFS boot sector ("NTFS    " OEM ID, 0x55AA). */
    public static boolean probe(ByteSource src) throws IOException {
        return NtfsBootSector.probe(src);
    }

    /**
     * Opens the NTFS volume in {@code src}.
     *
     * @throws EncryptedVolumeException when the volume is BitLocker-encrypted
     * @throws DiskException      when a structure needed to read it is corrupt
     */
    public static NtfsFilesystem open(ByteSource src) throws IOException {
        NtfsBootSector boot = NtfsBootSector.read(src);
        if (boot.volumeSize() > src.size()) {
            throw new DiskException(ErrorKind.TRUNCATED, NtfsBootSector.STRUCTURE, 0x28, "the volume claims " + boot.volumeSize()
                    + " bytes but " + src.describe() + " holds only " + src.size() + " (truncated image?)");
        }
        List<Finding> f = new ArrayList<>();
        MasterFileTable mft = MasterFileTable.open(src, boot, f);
        return new NtfsFilesystem(mft, NtfsIndex.open(mft), f);
    }

    private NtfsFilesystem(MasterFileTable mft, NtfsIndex index, List<Finding> f) throws IOException {
        super(PathSyntax.WINDOWS, index);
        this.boot = mft.boot();
        this.mft = mft;
        NtfsFile vol = mft.mirroredFile(3, f);
        this.label = vol.first(AttributeRecord.VOLUME_NAME).filter(AttributeRecord::resident)
                .map(a -> new String(a.value(), 0, a.value().length & ~1, StandardCharsets.UTF_16LE))
                .filter(s -> !s.isEmpty());
        Optional<AttributeRecord> info = vol.first(AttributeRecord.VOLUME_INFORMATION).filter(AttributeRecord::resident);
        this.volumeFlags = info.filter(a -> a.value().length >= 12).map(a -> Fixups.u16(a.value(), 10)).orElse(0);
        // $VOLUME_INFORMATION: 0x00 8 reserved, 0x08 1 major version, 0x09 1 minor version, 0x0A 2 flags (0x0001 dirty)
        this.volumeInfoOffset = info.map(a -> a.valueOffset() + 10).orElse(-1L);
        NtfsFile root = mft.file(MasterFileTable.ROOT);
        if (root.type() != FileType.DIRECTORY) {
            throw new DiskException(ErrorKind.CORRUPT, "NTFS MFT record 5", root.base().offset(),
                    "the root directory record is not a directory");
        }

        if (dirty()) {
            f.add(new Finding("ntfs.dirty", volumeInfoOffset, "the NTFS dirty flag is set in $Volume: the volume was "
                    + "not cleanly unmounted (or chkdsk was scheduled); Windows will run chkdsk at boot"));
        }
        HibernationState h;
        try {
            h = HibernationState.of(this);
        } catch (IOException e) {
            h = HibernationState.UNKNOWN;
            f.add(new Finding("windows.hiberfil-unreadable", -1, "hiberfil.sys could not be read: " + e.getMessage()));
        }
        this.hibernation = h;
        h.finding().ifPresent(f::add);
        this.findings = List.copyOf(f);
    }

    /** The boot sector geometry. */
    public NtfsBootSector bootSector() {
        return boot;
    }

    /** True when $Volume's $VOLUME_INFORMATION has the dirty flag (0x0001). */
    public boolean dirty() {
        return (volumeFlags & 0x0001) != 0;
    }

    /** The state of {@code \hiberfil.sys}. */
    public HibernationState hibernation() {
        return hibernation;
    }

    @Override
    public String type() {
        return "ntfs";
    }

    @Override
    public Optional<String> label() {
        return label;
    }

    /** The 64-bit volume serial number as 16 hex digits (Windows shows the low 32 bits as XXXX-XXXX). */
    @Override
    public Optional<String> uuid() {
        return Optional.of(String.format("%016X", boot.serialNumber()));
    }

    @Override
    public List<Finding> findings() {
        return findings;
    }

    /** The reparse tag of the file at {@code path} (not following a final link), if it is a reparse point. */
    public Optional<Integer> reparseTag(String path) throws IOException {
        return resolve(path, false).reparsePoint().map(ReparsePoint::tag);
    }

    /** The file whose base record is {@code n} (diagnostics and tests). */
    NtfsFile record(long n) throws IOException {
        return mft.file(n);
    }

    // ------------------------------------------------------------------------------ node API (directories: NtfsIndex)

    @Override
    protected NtfsFile root() throws IOException {
        return mft.file(MasterFileTable.ROOT);
    }

    @Override
    protected FileAttributes attributesOf(NtfsFile f) throws IOException {
        long size = 0;
        if (f.type() == FileType.REGULAR) {
            size = mft.stream(f, AttributeRecord.DATA, "").map(StreamData::size).orElse(0L);
        } else if (f.type() == FileType.SYMLINK) {
            size = f.interixTarget().map(String::length)
                    .orElseGet(() -> f.reparsePoint().flatMap(ReparsePoint::target).map(String::length).orElse(0));
        }
        Optional<StandardInformation> si = f.standardInformation();
        return new FileAttributes(f.type(), size, 0, 0, 0,
                si.flatMap(StandardInformation::modified), si.flatMap(StandardInformation::accessed),
                si.flatMap(StandardInformation::changed), si.flatMap(StandardInformation::created),
                f.number(), f.linkCount());
    }

    @Override
    protected String linkTarget(NtfsFile f) throws IOException {
        if (f.interixTarget().isPresent()) {
            return f.interixTarget().get();
        }
        Optional<ReparsePoint> rp = f.reparsePoint();
        if (rp.isPresent() && rp.get().isLink()) {
            return storedTarget(f, rp.get());
        }
        throw new NotLinkException("MFT record " + f.number());
    }

    /** Absolute Windows targets are mapped onto this volume, assumed to be C: (see the class comment). */
    @Override
    protected String followedTarget(NtfsFile link) throws IOException {
        if (link.interixTarget().isPresent()) {
            return link.interixTarget().get();
        }
        ReparsePoint rp = link.reparsePoint().orElseThrow();
        String t = storedTarget(link, rp);
        return rp.relative() ? t : mapTarget(t, "MFT record " + link.number());
    }

    private static String storedTarget(NtfsFile f, ReparsePoint rp) throws DiskException {
        return rp.target().orElseThrow(() -> new DiskException(ErrorKind.CORRUPT,
                f.structure(AttributeRecord.REPARSE_POINT), -1, "reparse point has no readable target"));
    }

    /**
     * The unnamed data stream read in place, for parsers that seek (registry hives). Refuses WOF,
     * deduplicated and encrypted files.
     */
    @Override
    protected ByteSource content(NtfsFile f, String path) throws IOException {
        return new StreamByteSource(data(f, path), "ntfs:" + path);
    }

    /** The unnamed data stream of {@code f}, refusing WOF-compressed and encrypted files. */
    StreamData data(NtfsFile f, String path) throws IOException {
        if (f.type() == FileType.DIRECTORY) {
            throw new FileSystemException(path, null, "is a directory");
        }
        Optional<ReparsePoint> rp = f.reparsePoint();
        if (rp.isPresent() && rp.get().tag() == ReparsePoint.TAG_WOF) {
            long wofSize = mft.stream(f, AttributeRecord.DATA, "WofCompressedData").map(StreamData::size).orElse(-1L);
            throw new NtfsUnsupportedException(ErrorKind.UNSUPPORTED, path, "WOF/CompactOS-compressed file (reparse tag 0x80000017, "
                    + rp.get().wofDescription() + ", WofCompressedData stream of " + wofSize
                    + " bytes); this reader does not decode XPRESS/LZX. Expand it in Windows (compact /u) to inspect it");
        }
        if (rp.isPresent() && rp.get().tag() == 0x80000013) {
            throw new NtfsUnsupportedException(ErrorKind.UNSUPPORTED, path, "Data Deduplication reparse point (0x80000013): content lives in "
                    + "the volume's chunk store, which this reader does not follow");
        }
        Optional<AttributeRecord> d = f.attributes().stream()
                .filter(a -> a.type() == AttributeRecord.DATA && a.name().isEmpty()).findFirst();
        if (d.isPresent() && d.get().encrypted()
                || f.standardInformation().map(s -> (s.flags() & 0x4000) != 0).orElse(false)) {
            throw new NtfsUnsupportedException(ErrorKind.ENCRYPTED, path, "EFS-encrypted file: its content cannot be read offline");
        }
        if (d.isPresent() && (d.get().flags() & AttributeRecord.FLAG_COMPRESSED) != 0 && !d.get().resident()
                && d.get().compressionUnit() != 4) {
            throw new NtfsUnsupportedException(ErrorKind.UNSUPPORTED, path, "compressed with a compression unit of 2^"
                    + d.get().compressionUnit() + " clusters; NTFS uses 16-cluster units");
        }
        return mft.stream(f, AttributeRecord.DATA, "").orElse(new StreamData.Resident(new byte[0]));
    }

    // ------------------------------------------------------------------------------ link targets

    /** Maps an absolute Windows link target onto this volume (assumed to be C:), or refuses it. */
    private static final Pattern DRIVE_PATH = Pattern.compile("^(?:\\\\\\?\\?\\\\|\\\\\\\\\\?\\\\)?([A-Za-z]):(\\\\.*)?$");

    static String mapTarget(String target, String linkName) throws NoSuchFileException {
        Matcher m = DRIVE_PATH.matcher(target);
        if (m.matches()) {
            if (!m.group(1).equalsIgnoreCase("C")) {
                throw new NoSuchFileException(linkName, null, "link target " + target + " is on drive "
                        + m.group(1).toUpperCase() + ":, outside this volume (assumed C:)");
            }
            return m.group(2) == null ? "\\" : m.group(2);
        }
        if (target.startsWith("\\??\\") || target.startsWith("\\\\")) {
            throw new NoSuchFileException(linkName, null, "link target " + target
                    + " names another volume or a network path; not followed");
        }
        return target;
    }
}
