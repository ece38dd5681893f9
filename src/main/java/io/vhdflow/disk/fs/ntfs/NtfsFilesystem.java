package io.vhdflow.disk.fs.ntfs;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.Finding;
import io.vhdflow.disk.container.ByteSource;
import io.vhdflow.disk.fs.DirEntry;
import io.vhdflow.disk.fs.FileAttributes;
import io.vhdflow.disk.fs.FileType;
import io.vhdflow.disk.fs.NodeFilesystem;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
 * <p>Safe for concurrent use: all state is immutable apart from a bounded, synchronized cache of
 * parsed MFT records.
 */
public final class NtfsFilesystem extends NodeFilesystem<NtfsFile> {

    static final long ROOT = 5;
    private static final int FIRST_USER_RECORD = 16;
    private static final int MAX_INDEX_DEPTH = 32;
    private static final int MAX_EXTENSION_RECORDS = 1024;
    private static final int MAX_ATTRIBUTE_LIST = 4 << 20;
    private static final int MAX_LIST_ENTRIES = 5_000_000;
    private static final int CACHE_RECORDS = 1024;

    private final ByteSource volume;
    private final NtfsBootSector boot;
    private final StreamData mft;
    private final long mftRecords;
    private final UpCaseTable upcase;
    private final Optional<String> label;
    private final int volumeFlags;
    private final long volumeInfoOffset;
    private final HibernationState hibernation;
    private final List<Finding> findings;
    private final Map<Long, NtfsFile> cache = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, NtfsFile> e) {
            return size() > CACHE_RECORDS;
        }
    };

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
        return new NtfsFilesystem(src);
    }

    private NtfsFilesystem(ByteSource src) throws IOException {
        super(PathSyntax.WINDOWS);
        this.volume = src;
        this.boot = NtfsBootSector.read(src);
        if (boot.volumeSize() > src.size()) {
            throw new DiskException(ErrorKind.TRUNCATED, NtfsBootSector.STRUCTURE, 0x28, "the volume claims " + boot.volumeSize()
                    + " bytes but " + src.describe() + " holds only " + src.size() + " (truncated image?)");
        }
        // $MFT describes itself: read record 0 where the boot sector says, then map the rest through it.
        long mft0 = boot.mftLcn() * boot.clusterSize();
        List<Finding> f = new ArrayList<>();
        MftRecord rec0;
        try {
            rec0 = MftRecord.parse(src.readBytes(mft0, boot.mftRecordSize(), "NTFS MFT record 0"), 0,
                    boot.totalClusters(), mft0);
        } catch (DiskException primary) {
            rec0 = fromMirror(0, primary);
            f.add(mirrorFinding(0, primary));
        }
        NtfsFile bootstrapFile = new NtfsFile(rec0, rec0.attributes(), src, boot.clusterSize());
        StreamData bootstrap = bootstrapFile.stream(AttributeRecord.DATA, "", src, boot.clusterSize())
                .orElseThrow(() -> new DiskException(ErrorKind.CORRUPT, "NTFS MFT record 0", mft0, "$MFT has no $DATA attribute"));
        NtfsFile mftFile = withExtensions(rec0, bootstrap);
        this.mft = mftFile.stream(AttributeRecord.DATA, "", src, boot.clusterSize()).orElseThrow();
        if (mft.size() < (long) FIRST_USER_RECORD * boot.mftRecordSize()) {
            throw new DiskException(ErrorKind.CORRUPT, "NTFS MFT record 0", mft0, "$MFT of " + mft.size()
                    + " bytes cannot hold the 16 system records");
        }
        this.mftRecords = mft.size() / boot.mftRecordSize();

        NtfsFile upcaseFile = record(10);
        StreamData up = upcaseFile.stream(AttributeRecord.DATA, "", src, boot.clusterSize())
                .orElseThrow(() -> new DiskException(ErrorKind.CORRUPT, "NTFS MFT record 10", upcaseFile.base().offset(),
                        "$UpCase has no data"));
        byte[] upBytes = new byte[(int) Math.min(up.size(), 131072)];
        up.readFully(0, upBytes, 0, upBytes.length, "NTFS $UpCase");
        this.upcase = new UpCaseTable(upBytes);

        NtfsFile vol;
        try {
            vol = record(3);
        } catch (DiskException primary) {
            MftRecord r = fromMirror(3, primary);
            vol = new NtfsFile(r, r.attributes(), src, boot.clusterSize());
            f.add(mirrorFinding(3, primary));
        }
        this.label = vol.first(AttributeRecord.VOLUME_NAME).filter(AttributeRecord::resident)
                .map(a -> new String(a.value(), 0, a.value().length & ~1, StandardCharsets.UTF_16LE))
                .filter(s -> !s.isEmpty());
        Optional<AttributeRecord> info = vol.first(AttributeRecord.VOLUME_INFORMATION).filter(AttributeRecord::resident);
        this.volumeFlags = info.filter(a -> a.value().length >= 12).map(a -> Fixups.u16(a.value(), 10)).orElse(0);
        // $VOLUME_INFORMATION: 0x00 8 reserved, 0x08 1 major version, 0x09 1 minor version, 0x0A 2 flags (0x0001 dirty)
        this.volumeInfoOffset = info.map(a -> a.valueOffset() + 10).orElse(-1L);
        if (record(ROOT).type() != FileType.DIRECTORY) {
            throw new DiskException(ErrorKind.CORRUPT, "NTFS MFT record 5", record(ROOT).base().offset(),
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

    /**
     * Record {@code n} (0-3) from $MFTMirr, which mirrors the first four MFT records; used when
     * the primary copy is corrupt. Rethrows {@code primary} if the mirror is unusable too.
     */
    private MftRecord fromMirror(int n, DiskException primary) throws DiskException {
        long lcn = boot.mftMirrLcn();
        long abs = lcn * boot.clusterSize() + (long) n * boot.mftRecordSize();
        try {
            if (lcn <= 0 || lcn >= boot.totalClusters() || lcn == boot.mftLcn()) {
                throw new DiskException(ErrorKind.CORRUPT, NtfsBootSector.STRUCTURE, 0x38, "no usable $MFTMirr");
            }
            return MftRecord.parse(volume.readBytes(abs, boot.mftRecordSize(), "NTFS $MFTMirr record " + n), n,
                    boot.totalClusters(), abs);
        } catch (IOException mirror) {
            primary.addSuppressed(mirror);
            throw primary;
        }
    }

    private static Finding mirrorFinding(int n, DiskException primary) {
        return new Finding("ntfs.mft-mirror-used", primary.offset(), "MFT record " + n + " is damaged ("
                + primary.getMessage() + "); its copy in $MFTMirr was used. Run chkdsk on the volume");
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

    // ------------------------------------------------------------------------------ node API

    @Override
    protected NtfsFile root() throws IOException {
        return record(ROOT);
    }

    @Override
    protected Optional<NtfsFile> child(NtfsFile dir, String name) throws IOException {
        return lookup(dir, name);
    }

    @Override
    protected FileType typeOf(NtfsFile node) {
        return node.type();
    }

    @Override
    protected List<DirEntry> entries(NtfsFile dir) throws IOException {
        List<DirEntry> out = new ArrayList<>();
        walk(dir, entry -> {
            FileName k = entry.key().orElseThrow();
            if (k.dosOnly() || k.name().equals(".")
                    || (dir.number() == ROOT && entry.recordNumber() < FIRST_USER_RECORD)) {
                return;
            }
            if (out.size() >= MAX_LIST_ENTRIES) {
                throw new DiskException(ErrorKind.LIMIT_EXCEEDED, indexStructure(dir), -1, "more than "
                        + MAX_LIST_ENTRIES + " entries");
            }
            out.add(new DirEntry(k.name(), entryType(entry), entry.recordNumber()));
        });
        return out;
    }

    /**
     * The unnamed data stream read in place, for parsers that seek (registry hives). Refuses WOF,
     * deduplicated and encrypted files.
     */
    @Override
    protected ByteSource content(NtfsFile f, String path) throws IOException {
        return new StreamByteSource(data(f, path), "ntfs:" + path);
    }

    @Override
    protected String linkTarget(NtfsFile f) throws IOException {
        if (f.interixTarget().isPresent()) {
            return f.interixTarget().get();
        }
        Optional<ReparsePoint> rp = f.reparsePoint();
        if (rp.isPresent() && rp.get().isLink()) {
            return rp.get().target().orElseThrow(() -> new DiskException(ErrorKind.CORRUPT,
                    attrStructure(f, AttributeRecord.REPARSE_POINT), -1, "reparse point has no readable target"));
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
        String t = rp.target().orElseThrow(() -> new DiskException(ErrorKind.CORRUPT,
                attrStructure(link, AttributeRecord.REPARSE_POINT), -1, "reparse point has no readable target"));
        return rp.relative() ? t : mapTarget(t, "MFT record " + link.number());
    }

    /** The reparse tag of the file at {@code path} (not following a final link), if it is a reparse point. */
    public Optional<Integer> reparseTag(String path) throws IOException {
        return resolve(path, false).reparsePoint().map(ReparsePoint::tag);
    }

    // ---------------------------------------------------------------------------------------------

    /** The unnamed data stream of {@code f}, refusing WOF-compressed and encrypted files. */
    StreamData data(NtfsFile f, String path) throws IOException {
        if (f.type() == FileType.DIRECTORY) {
            throw new FileSystemException(path, null, "is a directory");
        }
        Optional<ReparsePoint> rp = f.reparsePoint();
        if (rp.isPresent() && rp.get().tag() == ReparsePoint.TAG_WOF) {
            long wofSize = f.stream(AttributeRecord.DATA, "WofCompressedData", volume, boot.clusterSize())
                    .map(StreamData::size).orElse(-1L);
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
        return f.stream(AttributeRecord.DATA, "", volume, boot.clusterSize()).orElse(new StreamData.Resident(new byte[0]));
    }

    @Override
    protected FileAttributes attributesOf(NtfsFile f) throws IOException {
        long size = 0;
        if (f.type() == FileType.REGULAR) {
            Optional<StreamData> d = f.stream(AttributeRecord.DATA, "", volume, boot.clusterSize());
            size = d.map(StreamData::size).orElse(0L);
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

    private FileType entryType(IndexNode.Entry e) throws IOException {
        FileName k = e.key().orElseThrow();
        if ((k.flags() & FileName.ATTR_REPARSE) != 0
                && (k.reparseTag() == ReparsePoint.TAG_SYMLINK || k.reparseTag() == ReparsePoint.TAG_MOUNT_POINT)) {
            return FileType.SYMLINK;
        }
        if ((k.flags() & FileName.ATTR_DIRECTORY) != 0) {
            return FileType.DIRECTORY;
        }
        if ((k.flags() & FileName.ATTR_SYSTEM) != 0) {
            return fileFor(e).type(); // may be an Interix symlink: look at the record
        }
        return FileType.REGULAR;
    }

    // ------------------------------------------------------------------------------ MFT records

    /** The file whose base record is {@code n}, cached. */
    NtfsFile record(long n) throws IOException {
        synchronized (cache) {
            NtfsFile f = cache.get(n);
            if (f != null) {
                return f;
            }
        }
        MftRecord r = readRecord(n, mft);
        if (!r.inUse()) {
            throw new DiskException(ErrorKind.CORRUPT, "NTFS MFT record " + n, r.offset(), "record is not in use");
        }
        if (r.baseRecord() != 0) {
            throw new DiskException(ErrorKind.CORRUPT, "NTFS MFT record " + n, r.offset(), "is an extension record of record "
                    + r.baseRecord() + ", not a file");
        }
        NtfsFile f = withExtensions(r, mft);
        synchronized (cache) {
            cache.put(n, f);
        }
        return f;
    }

    private MftRecord readRecord(long n, StreamData mftData) throws IOException {
        int size = boot.mftRecordSize();
        if (n < 0 || n >= mftData.size() / size) {
            throw new DiskException(ErrorKind.CORRUPT, "NTFS MFT record " + n, -1, "record number is beyond the $MFT's "
                    + mftData.size() / size + " records");
        }
        byte[] raw = new byte[size];
        mftData.readFully(n * size, raw, 0, size, "NTFS MFT record " + n);
        long abs = mftData instanceof NonResidentData nr ? nr.physicalOffset(n * size) : -1;
        return MftRecord.parse(raw, n, boot.totalClusters(), abs);
    }

    /** Merges the attributes of {@code base} with those its $ATTRIBUTE_LIST places in extension records. */
    private NtfsFile withExtensions(MftRecord base, StreamData mftData) throws IOException {
        Optional<AttributeRecord> listAttr = base.attributes().stream()
                .filter(a -> a.type() == AttributeRecord.ATTRIBUTE_LIST).findFirst();
        if (listAttr.isEmpty()) {
            return new NtfsFile(base, base.attributes(), volume, boot.clusterSize());
        }
        AttributeRecord la = listAttr.get();
        StreamData listData = new NtfsFile(base, List.of(la), volume, boot.clusterSize())
                .stream(AttributeRecord.ATTRIBUTE_LIST, la.name(), volume, boot.clusterSize()).orElseThrow();
        if (listData.size() > MAX_ATTRIBUTE_LIST) {
            throw new DiskException(ErrorKind.LIMIT_EXCEEDED, la.structure(), la.offset(), "$ATTRIBUTE_LIST of " + listData.size()
                    + " bytes exceeds the " + MAX_ATTRIBUTE_LIST + "-byte limit");
        }
        byte[] list = new byte[(int) listData.size()];
        listData.readFully(0, list, 0, list.length, la.structure());
        // $ATTRIBUTE_LIST entry: 0x00 4 type, 0x04 2 entry length, 0x06 1 name length, 0x07 1 name offset,
        // 0x08 8 first VCN, 0x10 8 file reference of the record holding the attribute, 0x18 2 attribute id.
        Set<Long> extensions = new LinkedHashSet<>();
        int p = 0;
        while (p + 0x1A <= list.length) {
            int len = Fixups.u16(list, p + 4);
            if (len < 0x1A || p + len > list.length) {
                throw new DiskException(ErrorKind.CORRUPT, la.structure(), la.resident() ? la.offset() : -1,
                        "$ATTRIBUTE_LIST entry at +" + p + " has invalid length " + len);
            }
            long rec = AttributeRecord.i64(list, p + 0x10) & 0xFFFF_FFFF_FFFFL;
            if (rec != base.number()) {
                extensions.add(rec);
                if (extensions.size() > MAX_EXTENSION_RECORDS) {
                    throw new DiskException(ErrorKind.LIMIT_EXCEEDED, la.structure(), la.offset(), "more than " + MAX_EXTENSION_RECORDS
                            + " extension records");
                }
            }
            p += len;
        }
        List<AttributeRecord> all = new ArrayList<>();
        for (AttributeRecord a : base.attributes()) {
            if (a.type() != AttributeRecord.ATTRIBUTE_LIST) {
                all.add(a);
            }
        }
        for (long ext : extensions) {
            MftRecord r = readRecord(ext, mftData);
            if (!r.inUse() || r.baseRecord() != base.number()) {
                throw new DiskException(ErrorKind.CORRUPT, "NTFS MFT record " + ext, r.offset(), "listed as an extension of record "
                        + base.number() + " but its base reference is " + r.baseRecord());
            }
            all.addAll(r.attributes());
        }
        return new NtfsFile(base, all, volume, boot.clusterSize());
    }

    private NtfsFile fileFor(IndexNode.Entry e) throws IOException {
        NtfsFile f = record(e.recordNumber());
        if (e.sequence() != 0 && f.base().sequence() != e.sequence()) {
            throw new DiskException(ErrorKind.CORRUPT, "NTFS MFT record " + e.recordNumber(), f.base().offset(), "index entry '"
                    + e.key().map(FileName::name).orElse("") + "' refers to sequence " + e.sequence()
                    + " but the record has sequence " + f.base().sequence() + " (stale index entry)");
        }
        return f;
    }

    // ------------------------------------------------------------------------------ $I30 index

    private static String indexStructure(NtfsFile dir) {
        return "NTFS MFT record " + dir.number() + " $I30 index";
    }

    private static String attrStructure(NtfsFile f, int type) {
        return "NTFS MFT record " + f.number() + " attribute 0x" + Integer.toHexString(type);
    }

    /** The $INDEX_ROOT node, plus what is needed to read child INDX blocks. */
    private record Index(NtfsFile dir, IndexNode root, int blockSize, Optional<StreamData> allocation) {
    }

    private Index index(NtfsFile dir) throws IOException {
        AttributeRecord ir = dir.attributes().stream()
                .filter(a -> a.type() == AttributeRecord.INDEX_ROOT && a.name().equals("$I30")).findFirst()
                .orElseThrow(() -> new DiskException(ErrorKind.CORRUPT, indexStructure(dir), dir.base().offset(),
                        "directory has no $I30 $INDEX_ROOT"));
        String structure = attrStructure(dir, AttributeRecord.INDEX_ROOT);
        if (!ir.resident()) {
            throw new DiskException(ErrorKind.CORRUPT, structure, ir.offset(), "$INDEX_ROOT is not resident");
        }
        byte[] v = ir.value();
        // $INDEX_ROOT: 0x00 4 indexed attribute type (0x30), 0x04 4 collation rule (1 = file name),
        // 0x08 4 index block size, 0x0C 1 clusters per index block, 0x10 index header.
        if (v.length < 0x20) {
            throw new DiskException(ErrorKind.CORRUPT, structure, ir.offset(), "$INDEX_ROOT of " + v.length + " bytes is too short");
        }
        int block = AttributeRecord.i32(v, 8);
        if (block < 512 || block > 65536 || Integer.bitCount(block) != 1) {
            throw new DiskException(ErrorKind.CORRUPT, structure, ir.offset(), "index block size " + block + " is invalid");
        }
        IndexNode root = IndexNode.parse(v, 0x10, v.length, structure, ir.valueOffset());
        Optional<StreamData> alloc = dir.stream(AttributeRecord.INDEX_ALLOCATION, "$I30", volume, boot.clusterSize());
        return new Index(dir, root, block, alloc);
    }

    private IndexNode block(Index ix, long vcn) throws IOException {
        String structure = "NTFS MFT record " + ix.dir.number() + " INDX block VCN " + vcn;
        StreamData alloc = ix.allocation.orElseThrow(() -> new DiskException(ErrorKind.CORRUPT, structure, -1,
                "an index entry points to a child block but the directory has no $INDEX_ALLOCATION"));
        // VCNs count clusters, or 512-byte units when index blocks are smaller than a cluster.
        long unit = ix.blockSize >= boot.clusterSize() ? boot.clusterSize() : 512;
        if (vcn > Long.MAX_VALUE / unit || vcn * unit > alloc.size() - ix.blockSize) {
            throw new DiskException(ErrorKind.CORRUPT, structure, -1, "child VCN " + vcn + " lies beyond the "
                    + alloc.size() + "-byte $INDEX_ALLOCATION");
        }
        long pos = vcn * unit;
        long abs = alloc instanceof NonResidentData nr ? nr.physicalOffset(pos) : -1;
        byte[] b = new byte[ix.blockSize];
        alloc.readFully(pos, b, 0, b.length, structure);
        if (!IndexNode.isIndx(b)) {
            throw new DiskException(ErrorKind.CORRUPT, structure, abs, "missing INDX magic");
        }
        Fixups.apply(b, b.length, structure, abs);
        long stored = AttributeRecord.i64(b, 0x10);
        if (stored != vcn) {
            throw new DiskException(ErrorKind.CORRUPT, structure, abs + 0x10, "block says it is VCN " + stored);
        }
        return IndexNode.parse(b, 0x18, b.length, structure, abs);
    }

    /** Looks {@code name} up by descending the B-tree; an exact-case match wins over a case-insensitive one. */
    private Optional<NtfsFile> lookup(NtfsFile dir, String name) throws IOException {
        Index ix = index(dir);
        IndexNode node = ix.root;
        Set<Long> visited = new HashSet<>();
        IndexNode.Entry candidate = null;
        for (int depth = 0; ; depth++) {
            long next = -1;
            for (IndexNode.Entry e : node.entries()) {
                if (e.key().isEmpty()) {
                    next = e.childVcn();
                    break;
                }
                String key = e.key().get().name();
                int c = upcase.compare(name, key);
                if (c == 0) {
                    if (key.equals(name)) {
                        return Optional.of(fileFor(e));
                    }
                    if (candidate == null) {
                        candidate = e;
                    }
                } else if (c < 0) {
                    next = e.childVcn();
                    break;
                }
            }
            if (next < 0) {
                break;
            }
            if (depth >= MAX_INDEX_DEPTH || !visited.add(next)) {
                throw new DiskException(ErrorKind.CORRUPT, indexStructure(dir), -1, "index B-tree cycle or depth over "
                        + MAX_INDEX_DEPTH + " at VCN " + next);
            }
            node = block(ix, next);
        }
        return candidate == null ? Optional.empty() : Optional.of(fileFor(candidate));
    }

    private interface EntryVisitor {
        void visit(IndexNode.Entry e) throws IOException;
    }

    /** Visits every keyed entry in collation order; each INDX block is visited at most once. */
    private void walk(NtfsFile dir, EntryVisitor v) throws IOException {
        Index ix = index(dir);
        walkNode(ix, ix.root, v, new HashSet<>(), 0);
    }

    private void walkNode(Index ix, IndexNode node, EntryVisitor v, Set<Long> visited, int depth) throws IOException {
        for (IndexNode.Entry e : node.entries()) {
            if (e.childVcn() >= 0) {
                if (depth >= MAX_INDEX_DEPTH || !visited.add(e.childVcn())) {
                    throw new DiskException(ErrorKind.CORRUPT, indexStructure(ix.dir), -1, "index B-tree cycle or depth over "
                            + MAX_INDEX_DEPTH + " at VCN " + e.childVcn());
                }
                walkNode(ix, block(ix, e.childVcn()), v, visited, depth + 1);
            }
            if (e.key().isPresent()) {
                v.visit(e);
            }
        }
    }

    // ------------------------------------------------------------------------------ path resolution

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
