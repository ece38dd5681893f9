package io.vhdflow.disk.fs.ntfs;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.container.FileByteSource;
import io.vhdflow.disk.fs.DirEntry;
import io.vhdflow.disk.fs.FileAttributes;
import io.vhdflow.disk.fs.FileTooLargeException;
import io.vhdflow.disk.fs.FileType;
import io.vhdflow.testing.Fixtures;
import io.vhdflow.testing.PatchedByteSource;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Mutates the metadata of the real fixture (boot sector, MFT records, INDX blocks, compressed
 * clusters) and walks the whole tree: only typed errors may come out, never a runtime exception,
 * a hang or a huge allocation (the surefire heap is 1 GiB; the walk caps each read).
 */
class NtfsMutationPropertyTest {

    static Path dir;
    static final List<Target> TARGETS = new ArrayList<>();

    /**
     * One fixture and its metadata regions by kind: boot sector, system MFT records, other MFT
     * records, INDX blocks, LZNT1 data (each region {start, length}).
     */
    record Target(FileByteSource src, List<List<long[]>> regions) {
    }

    @BeforeContainer
    static void setUp() throws IOException {
        dir = Files.createTempDirectory("ntfs-prop");
        TARGETS.add(target("ntfs/ntfs-main.img.zst", List.of("/bigdir", "/"), "/compressed/text.txt"));
        TARGETS.add(target("ntfs/ntfs-attrlist.img.zst", List.of("/attrlist", "/attrlist/holes", "/"), null));
    }

    static Target target(String fixture, List<String> dirs, String compressed) throws IOException {
        FileByteSource src = FileByteSource.open(Fixtures.extract(fixture, Files.createTempDirectory(dir, "img")));
        List<List<long[]>> regions = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            regions.add(new ArrayList<>());
        }
        NtfsFilesystem fs = NtfsFilesystem.open(src);
        int cs = fs.bootSector().clusterSize();
        int rs = fs.bootSector().mftRecordSize();
        regions.get(0).add(new long[]{0, 512});
        NonResidentData mft = (NonResidentData) fs.record(0).stream(AttributeRecord.DATA, "", src, cs).orElseThrow();
        for (long n = 0; n < mft.size() / rs; n++) {
            long abs = mft.physicalOffset(n * rs);
            if (abs >= 0) {
                regions.get(n < 16 ? 1 : 2).add(new long[]{abs, rs});
            }
        }
        for (String d : dirs) {
            NtfsFile f = fs.record(fs.stat(d).inode());
            f.stream(AttributeRecord.INDEX_ALLOCATION, "$I30", src, cs).ifPresent(a -> {
                NonResidentData nr = (NonResidentData) a;
                for (long p = 0; p < nr.size(); p += 4096) {
                    regions.get(3).add(new long[]{nr.physicalOffset(p), 4096});
                }
            });
        }
        if (compressed != null) {
            NtfsFile text = fs.record(fs.stat(compressed).inode());
            NonResidentData t = (NonResidentData) text.stream(AttributeRecord.DATA, "", src, cs).orElseThrow();
            regions.get(4).add(new long[]{t.physicalOffset(0), 4 * cs});
        } else {
            regions.set(4, regions.get(2));
        }
        return new Target(src, regions);
    }

    @AfterContainer
    static void tearDown() throws IOException {
        for (Target t : TARGETS) {
            t.src.close();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    record Mutation(int kind, int region, int at, byte[] bytes) {
    }

    @Provide
    Arbitrary<Mutation> mutation() {
        Arbitrary<byte[]> values = Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(4),
                Arbitraries.of(new byte[]{0, 0}, new byte[]{(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF},
                        new byte[]{(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x7F}, new byte[]{0, 0, 0, (byte) 0x80},
                        new byte[]{1}, new byte[]{(byte) 0x80}));
        return Combinators.combine(Arbitraries.integers().between(0, 4),
                Arbitraries.integers().between(0, Integer.MAX_VALUE),
                Arbitraries.integers().between(0, Integer.MAX_VALUE), values).as(Mutation::new);
    }

    @Property(tries = 150)
    void mutatedMetadataOnlyEverGivesTypedErrors(@ForAll("mutationList") List<Mutation> mutations,
                                                 @ForAll @IntRange(max = 1) int image) throws IOException {
        Target target = TARGETS.get(image);
        PatchedByteSource bad = new PatchedByteSource(target.src);
        for (Mutation m : mutations) {
            List<long[]> kind = target.regions.get(m.kind);
            long[] r = kind.get(m.region % kind.size());
            bad.patch(r[0] + m.at % r[1], m.bytes);
        }
        NtfsFilesystem fs;
        try {
            fs = NtfsFilesystem.open(bad);
        } catch (DiskException e) {
            Statistics.collect("open refused");
            return;
        }
        int[] budget = {3000};
        int[] errors = {0};
        walk(fs, "/", 0, budget, errors);
        fs.findings();
        Statistics.collect(errors[0] == 0 ? "walked clean" : "walked, DiskException on some files");
    }

    @Provide
    Arbitrary<List<Mutation>> mutationList() {
        return mutation().list().ofMinSize(1).ofMaxSize(6);
    }

    private static void walk(NtfsFilesystem fs, String path, int depth, int[] budget, int[] errors) throws IOException {
        if (depth > 8 || --budget[0] < 0) {
            return;
        }
        List<DirEntry> entries;
        try {
            entries = fs.list(path);
        } catch (IOException e) {
            expectTyped(e);
            errors[0] += e instanceof DiskException ? 1 : 0;
            return;
        }
        for (DirEntry e : entries) {
            if (--budget[0] < 0) {
                return;
            }
            String child = (path.equals("/") ? "" : path) + "/" + e.name();
            try {
                FileAttributes a = fs.lstat(child);
                if (a.type() == FileType.DIRECTORY) {
                    walk(fs, child, depth + 1, budget, errors);
                } else if (a.type() == FileType.SYMLINK) {
                    fs.readlink(child);
                    fs.find(child);
                } else {
                    try (InputStream in = fs.newInputStream(child)) {
                        byte[] buf = new byte[65536];
                        long total = 0;
                        for (int n; total < (2 << 20) && (n = in.read(buf)) > 0; ) {
                            total += n;
                        }
                    }
                    fs.readAllBytes(child, 1 << 16);
                }
            } catch (IOException ex) {
                expectTyped(ex);
                errors[0] += ex instanceof DiskException ? 1 : 0;
            }
        }
    }

    private static void expectTyped(IOException e) {
        if (e instanceof DiskException || e instanceof NoSuchFileException || e instanceof NotDirectoryException
                || e instanceof FileSystemLoopException || e instanceof FileTooLargeException
                || e instanceof NtfsUnsupportedException || e instanceof NotLinkException) {
            return;
        }
        if (e instanceof java.nio.file.FileSystemException f && "is a directory".equals(f.getReason())) {
            return; // the index said file, the record says directory
        }
        throw new AssertionError("untyped error " + e, e);
    }

    // ------------------------------------------------------------------ structure-level fuzzing

    @Property(tries = 2000)
    void lznt1OnlyThrowsTyped(@ForAll @Size(max = 9000) byte[] in) {
        byte[] out = new byte[65536];
        try {
            int n = Lznt1.decompress(in, in.length, out, "test", 0);
            if (n < 0 || n > out.length) {
                throw new AssertionError("bad length " + n);
            }
        } catch (DiskException expected) {
            // typed
        }
    }

    @Property(tries = 2000)
    void runlistsOnlyThrowTyped(@ForAll @Size(max = 64) byte[] in) {
        try {
            for (DataRun r : DataRun.decode(in, 0, in.length, 0, 8191, "test", 0)) {
                if (!r.sparse() && (r.lcn() < 0 || r.lcn() + r.length() > 8191)) {
                    throw new AssertionError("run outside the volume accepted: " + r);
                }
            }
        } catch (DiskException expected) {
            // typed
        }
    }

    @Property(tries = 2000)
    void indexNodesOnlyThrowTyped(@ForAll @Size(min = 16, max = 600) byte[] in) {
        try {
            IndexNode.parse(in, 0, in.length, "test", 0);
        } catch (DiskException expected) {
            // typed
        }
    }

    @Property(tries = 2000)
    void mftRecordsOnlyThrowTyped(@ForAll @Size(min = 1024, max = 1024) byte[] in) {
        in[0] = 'F';
        in[1] = 'I';
        in[2] = 'L';
        in[3] = 'E';
        in[4] = 0x30;
        in[5] = 0;
        in[6] = 3;
        in[7] = 0;
        in[510] = in[0x30];
        in[511] = in[0x31];
        in[1022] = in[0x30];
        in[1023] = in[0x31];
        try {
            MftRecord.parse(in, 42, 8191, 0);
        } catch (DiskException expected) {
            // typed
        }
    }
}
