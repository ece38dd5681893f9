package io.vhdflow.disk.fs.ext4;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.container.ByteSource;
import io.vhdflow.disk.container.FileByteSource;
import io.vhdflow.disk.fs.DirEntry;
import io.vhdflow.disk.fs.FileAttributes;
import io.vhdflow.disk.fs.FileTooLargeException;
import io.vhdflow.disk.fs.FileType;
import io.vhdflow.testing.Fixtures;
import io.vhdflow.testing.PatchedByteSource;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Flips bytes in the metadata of valid images (the superblock, descriptors, inode tables,
 * directory and extent/indirect blocks: exactly the blocks a metadata walk reads) and walks the
 * damaged filesystem. Only typed errors may come out, and each example must end quickly.
 */
class Ext4MutationPropertyTest {
    private static final List<String> IMAGES = List.of("ext4", "ext2", "ext4-metabg", "ext4-inline", "ext4-32");
    private static Path dir;
    private static final List<ByteSource> SOURCES = new ArrayList<>();
    private static final List<List<long[]>> METADATA = new ArrayList<>();

    @BeforeContainer
    static void setUp() throws IOException {
        dir = Files.createTempDirectory("ext4-mutation");
        for (String name : IMAGES) {
            ByteSource src = FileByteSource.open(Fixtures.extract("ext4/" + name + ".img.zst", dir));
            SOURCES.add(src);
            PatchedByteSource rec = new PatchedByteSource(src).recordReads();
            Ext4Filesystem fs = Ext4Filesystem.open(rec);
            walk(fs, "/", 0, new int[] {0, 0}, true);
            List<long[]> ranges = rec.recordedReads().stream()
                    .filter(r -> r[1] == fs.blockSize() || (r[0] == 1024 && r[1] == 1024)).toList();
            assertTrue(ranges.size() >= 4, name + " metadata ranges: " + ranges.size());
            METADATA.add(ranges);
        }
    }

    @AfterContainer
    static void tearDown() throws IOException {
        for (ByteSource s : SOURCES) {
            s.close();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Property(tries = 400)
    void mutatedMetadataYieldsOnlyTypedErrors(@ForAll @IntRange(min = 0, max = 4) int image,
                                              @ForAll @IntRange(min = 1, max = 12) int flips,
                                              @ForAll long seed) {
        String outcome = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            Random rnd = new Random(seed);
            List<long[]> ranges = METADATA.get(image);
            PatchedByteSource p = new PatchedByteSource(SOURCES.get(image));
            for (int i = 0; i < flips; i++) {
                long[] r = ranges.get(rnd.nextInt(ranges.size()));
                p.xor(r[0] + rnd.nextInt((int) r[1]), 1 + rnd.nextInt(255));
            }
            Ext4Filesystem fs;
            try {
                Ext4Filesystem.probe(p);
                fs = Ext4Filesystem.open(p);
            } catch (DiskException expected) {
                return "refused at open";
            }
            fs.type();
            fs.label();
            int[] budget = {0, 0};
            walk(fs, "/", 0, budget, false);
            return budget[1] > 0 ? "typed errors while walking"
                    : fs.findings().isEmpty() ? "walked without notice" : "walked with findings only";
        });
        Statistics.collect(outcome);
    }

    /**
     * Lists every directory, stats every entry, reads links and (up to 1 MiB of) files, tolerating
     * only the typed failures a corrupt image may produce. Depth and entry caps keep a corrupt
     * directory graph from making the walk itself endless.
     */
    private static void walk(Ext4Filesystem fs, String path, int depth, int[] budget, boolean mustSucceed)
            throws IOException {
        if (depth > 12 || budget[0] > 3000) {
            return;
        }
        List<DirEntry> entries;
        try {
            entries = fs.list(path);
        } catch (IOException e) {
            tolerate(e, mustSucceed, budget);
            return;
        }
        for (DirEntry e : entries) {
            if (++budget[0] > 3000) {
                return;
            }
            String child = (path.equals("/") ? "" : path) + "/" + e.name();
            try {
                FileAttributes a = fs.lstat(child);
                a.modified();
                if (a.type() == FileType.DIRECTORY) {
                    walk(fs, child, depth + 1, budget, mustSucceed);
                } else if (a.type() == FileType.SYMLINK) {
                    fs.readlink(child);
                    if (!mustSucceed) {
                        try {
                            fs.find(child);  // follows the link
                        } catch (FileSystemLoopException onPurpose) {
                            // the fixtures hold a symlink loop on purpose; not a sign of corruption
                        }
                    }
                } else if (a.type() == FileType.REGULAR) {
                    try (InputStream in = fs.newInputStream(child)) {
                        if (mustSucceed) {
                            in.read();  // maps the first run: reads the extent/indirect blocks
                            Inode inode = fs.inode(a.inode());
                            long blocks = (a.size() + fs.blockSize() - 1) / fs.blockSize();
                            if (!inode.hasFlag(Inode.FLAG_INLINE_DATA) && blocks > 0) {
                                BlockMap map = fs.blockMap(inode);
                                for (long b = 0; b < blocks; b += Math.max(1, map.find(b).length())) {
                                    // visits every extent leaf / indirect block
                                }
                            }
                        } else {
                            in.readNBytes(1 << 20);
                            in.skip(a.size());
                            in.read();
                        }
                    }
                }
            } catch (IOException ex) {
                tolerate(ex, mustSucceed, budget);
            }
        }
    }

    private static void tolerate(IOException e, boolean mustSucceed, int[] budget) throws IOException {
        budget[1]++;
        boolean typed = e instanceof DiskException || e instanceof NoSuchFileException
                || e instanceof NotDirectoryException || e instanceof FileSystemLoopException
                || e instanceof FileTooLargeException;
        if (mustSucceed || !typed) {
            throw e;
        }
    }
}
