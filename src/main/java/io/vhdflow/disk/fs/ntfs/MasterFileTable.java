package io.vhdflow.disk.fs.ntfs;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.Finding;
import io.vhdflow.disk.container.ByteSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The on-disk side of an NTFS volume: the {@code $MFT} and the files its records describe.
 *
 * <p>{@code $MFT} describes itself: record 0 is read where the boot sector says, and the rest of
 * the table through record 0's own runlist (and its extension records). Records 0-3 have copies in
 * {@code $MFTMirr}, used when the primary copy is damaged. A file is its base record with the
 * attributes its {@code $ATTRIBUTE_LIST} places in extension records merged in.
 *
 * <p>Safe for concurrent use: parsed files are kept in a bounded, synchronized cache of
 * {@value #CACHE_RECORDS} entries.
 */
final class MasterFileTable {
    /** The root directory's record. */
    static final long ROOT = 5;
    /** Records below this are the NTFS metafiles ($MFT ... $Extend) and reserved ones. */
    static final int FIRST_USER_RECORD = 16;
    private static final int MAX_EXTENSION_RECORDS = 1024;
    private static final int MAX_ATTRIBUTE_LIST = 4 << 20;
    private static final int CACHE_RECORDS = 1024;

    private final ByteSource volume;
    private final NtfsBootSector boot;
    /** {@code $MFT}'s unnamed data: the table itself. */
    private final StreamData mft;
    private final Map<Long, NtfsFile> cache = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, NtfsFile> e) {
            return size() > CACHE_RECORDS;
        }
    };

    private MasterFileTable(ByteSource volume, NtfsBootSector boot, StreamData mft) {
        this.volume = volume;
        this.boot = boot;
        this.mft = mft;
    }

    /**
     * Maps the {@code $MFT} of the volume in {@code src}; a damaged record 0 read from
     * {@code $MFTMirr} instead is added to {@code findings}.
     */
    static MasterFileTable open(ByteSource src, NtfsBootSector boot, List<Finding> findings) throws IOException {
        // Until $MFT is mapped only the record-parsing half is usable: its reads take the table as a parameter.
        MasterFileTable t = new MasterFileTable(src, boot, null);
        long mft0 = boot.mftLcn() * boot.clusterSize();
        MftRecord rec0;
        try {
            rec0 = MftRecord.parse(src.readBytes(mft0, boot.mftRecordSize(), "NTFS MFT record 0"), 0,
                    boot.totalClusters(), mft0);
        } catch (DiskException primary) {
            rec0 = t.fromMirror(0, primary);
            findings.add(mirrorFinding(0, primary));
        }
        NtfsFile bootstrapFile = t.file(rec0, rec0.attributes());
        StreamData bootstrap = t.stream(bootstrapFile, AttributeRecord.DATA, "")
                .orElseThrow(() -> new DiskException(ErrorKind.CORRUPT, "NTFS MFT record 0", mft0, "$MFT has no $DATA attribute"));
        StreamData mft = t.stream(t.withExtensions(rec0, bootstrap), AttributeRecord.DATA, "").orElseThrow();
        if (mft.size() < (long) FIRST_USER_RECORD * boot.mftRecordSize()) {
            throw new DiskException(ErrorKind.CORRUPT, "NTFS MFT record 0", mft0, "$MFT of " + mft.size()
                    + " bytes cannot hold the 16 system records");
        }
        return new MasterFileTable(src, boot, mft);
    }

    NtfsBootSector boot() {
        return boot;
    }

    /** The file whose base record is {@code n}, cached. */
    NtfsFile file(long n) throws IOException {
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

    /**
     * System file {@code n} (0-3), read from {@code $MFTMirr} when its primary record is damaged;
     * the damage is then added to {@code findings}.
     */
    NtfsFile mirroredFile(int n, List<Finding> findings) throws IOException {
        try {
            return file(n);
        } catch (DiskException primary) {
            MftRecord r = fromMirror(n, primary);
            findings.add(mirrorFinding(n, primary));
            return file(r, r.attributes());
        }
    }

    /** The value of {@code f}'s attribute {@code type} named {@code name}, its extents merged, or empty. */
    Optional<StreamData> stream(NtfsFile f, int type, String name) throws DiskException {
        return f.stream(type, name, volume, boot.clusterSize());
    }

    private NtfsFile file(MftRecord base, List<AttributeRecord> attributes) throws IOException {
        return new NtfsFile(base, attributes, volume, boot.clusterSize());
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
            return file(base, base.attributes());
        }
        AttributeRecord la = listAttr.get();
        StreamData listData = stream(file(base, List.of(la)), AttributeRecord.ATTRIBUTE_LIST, la.name()).orElseThrow();
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
        return file(base, all);
    }
}
