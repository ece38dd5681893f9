package io.vhdflow.disk.fs.ntfs;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;
import io.vhdflow.disk.fs.DirEntry;
import io.vhdflow.disk.fs.FileType;
import io.vhdflow.disk.fs.NodeFilesystem;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Directories as NTFS stores them: the {@code $I30} B-tree of {@code $FILE_NAME} keys, its root in
 * {@code $INDEX_ROOT} and the other nodes in INDX blocks of {@code $INDEX_ALLOCATION}, ordered by
 * the volume's own {@code $UpCase} table.
 *
 * <p>A lookup descends one path of the tree; a listing visits every node once. Both refuse a
 * child VCN seen before on the same walk (a cycle) and trees deeper than {@value #MAX_INDEX_DEPTH}.
 */
final class NtfsIndex implements NodeFilesystem.DirectoryTree<NtfsFile> {
    private static final int MAX_INDEX_DEPTH = 32;
    private static final int MAX_LIST_ENTRIES = 5_000_000;

    private final MasterFileTable mft;
    private final UpCaseTable upcase;

    private NtfsIndex(MasterFileTable mft, UpCaseTable upcase) {
        this.mft = mft;
        this.upcase = upcase;
    }

    /** The indexes of the volume whose table is {@code mft}, collated by its {@code $UpCase} (record 10). */
    static NtfsIndex open(MasterFileTable mft) throws IOException {
        NtfsFile upcaseFile = mft.file(10);
        StreamData up = mft.stream(upcaseFile, AttributeRecord.DATA, "")
                .orElseThrow(() -> new DiskException(ErrorKind.CORRUPT, "NTFS MFT record 10", upcaseFile.base().offset(),
                        "$UpCase has no data"));
        byte[] upBytes = new byte[(int) Math.min(up.size(), 131072)];
        up.readFully(0, upBytes, 0, upBytes.length, "NTFS $UpCase");
        return new NtfsIndex(mft, new UpCaseTable(upBytes));
    }

    @Override
    public FileType typeOf(NtfsFile node) {
        return node.type();
    }

    /**
     * Looks {@code name} up by descending the B-tree, by the volume's $UpCase collation; an
     * exact-case match wins over a case-insensitive one.
     */
    @Override
    public Optional<NtfsFile> child(NtfsFile dir, String name) throws IOException {
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
            enter(ix, next, depth, visited);
            node = block(ix, next);
        }
        return candidate == null ? Optional.empty() : Optional.of(fileFor(candidate));
    }

    /**
     * The directory's entries as Windows lists them: DOS 8.3 duplicates left out, and in the root
     * the metafiles (records 0-15) too.
     */
    @Override
    public List<DirEntry> entries(NtfsFile dir) throws IOException {
        List<DirEntry> out = new ArrayList<>();
        Index ix = index(dir);
        walk(ix, ix.root, entry -> {
            FileName k = entry.key().orElseThrow();
            if (k.dosOnly() || k.name().equals(".")
                    || (dir.number() == MasterFileTable.ROOT && entry.recordNumber() < MasterFileTable.FIRST_USER_RECORD)) {
                return;
            }
            if (out.size() >= MAX_LIST_ENTRIES) {
                throw new DiskException(ErrorKind.LIMIT_EXCEEDED, structure(dir), -1, "more than "
                        + MAX_LIST_ENTRIES + " entries");
            }
            out.add(new DirEntry(k.name(), entryType(entry), entry.recordNumber()));
        }, new HashSet<>(), 0);
        return out;
    }

    /** The type the index entry's key says, reading the record only for system files (maybe Interix links). */
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

    /** The file an index entry names, refusing a stale entry whose sequence number no longer matches. */
    private NtfsFile fileFor(IndexNode.Entry e) throws IOException {
        NtfsFile f = mft.file(e.recordNumber());
        if (e.sequence() != 0 && f.base().sequence() != e.sequence()) {
            throw new DiskException(ErrorKind.CORRUPT, "NTFS MFT record " + e.recordNumber(), f.base().offset(), "index entry '"
                    + e.key().map(FileName::name).orElse("") + "' refers to sequence " + e.sequence()
                    + " but the record has sequence " + f.base().sequence() + " (stale index entry)");
        }
        return f;
    }

    // ------------------------------------------------------------------------------ the B-tree

    private static String structure(NtfsFile dir) {
        return "NTFS MFT record " + dir.number() + " $I30 index";
    }

    /** The $INDEX_ROOT node, plus what is needed to read child INDX blocks. */
    private record Index(NtfsFile dir, IndexNode root, int blockSize, Optional<StreamData> allocation) {
    }

    private Index index(NtfsFile dir) throws IOException {
        AttributeRecord ir = dir.attributes().stream()
                .filter(a -> a.type() == AttributeRecord.INDEX_ROOT && a.name().equals("$I30")).findFirst()
                .orElseThrow(() -> new DiskException(ErrorKind.CORRUPT, structure(dir), dir.base().offset(),
                        "directory has no $I30 $INDEX_ROOT"));
        String structure = dir.structure(AttributeRecord.INDEX_ROOT);
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
        Optional<StreamData> alloc = mft.stream(dir, AttributeRecord.INDEX_ALLOCATION, "$I30");
        return new Index(dir, root, block, alloc);
    }

    private IndexNode block(Index ix, long vcn) throws IOException {
        String structure = "NTFS MFT record " + ix.dir.number() + " INDX block VCN " + vcn;
        StreamData alloc = ix.allocation.orElseThrow(() -> new DiskException(ErrorKind.CORRUPT, structure, -1,
                "an index entry points to a child block but the directory has no $INDEX_ALLOCATION"));
        // VCNs count clusters, or 512-byte units when index blocks are smaller than a cluster.
        int clusterSize = mft.boot().clusterSize();
        long unit = ix.blockSize >= clusterSize ? clusterSize : 512;
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

    /** Refuses entering child {@code vcn} from {@code depth} when it was entered before or the tree is too deep. */
    private static void enter(Index ix, long vcn, int depth, Set<Long> visited) throws DiskException {
        if (depth >= MAX_INDEX_DEPTH || !visited.add(vcn)) {
            throw new DiskException(ErrorKind.CORRUPT, structure(ix.dir), -1, "index B-tree cycle or depth over "
                    + MAX_INDEX_DEPTH + " at VCN " + vcn);
        }
    }

    private interface EntryVisitor {
        void visit(IndexNode.Entry e) throws IOException;
    }

    /** Visits every keyed entry below {@code node} in collation order; each INDX block is visited at most once. */
    private void walk(Index ix, IndexNode node, EntryVisitor v, Set<Long> visited, int depth) throws IOException {
        for (IndexNode.Entry e : node.entries()) {
            if (e.childVcn() >= 0) {
                enter(ix, e.childVcn(), depth, visited);
                walk(ix, block(ix, e.childVcn()), v, visited, depth + 1);
            }
            if (e.key().isPresent()) {
                v.visit(e);
            }
        }
    }
}
