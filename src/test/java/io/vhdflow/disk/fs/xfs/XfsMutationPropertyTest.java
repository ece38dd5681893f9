package io.vhdflow.disk.fs.xfs;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.container.FileByteSource;
import io.vhdflow.testing.FilesystemWalk;
import io.vhdflow.testing.Fixtures;
import io.vhdflow.testing.PatchedByteSource;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Mutates the metadata of the real v5 and v4 images (superblock, the inodes, directory blocks,
 * B+tree blocks, remote symlink, log head) and walks the whole tree: only typed errors may come
 * out, never a RuntimeException, an OutOfMemoryError or a hang.
 */
class XfsMutationPropertyTest {
    static Path dir;
    static List<Image> images = new ArrayList<>();

    /** One image and the byte ranges worth mutating in it. */
    record Image(FileByteSource source, List<long[]> regions) {
    }

    /** {@code count} bytes starting at {@code offset} within region {@code region}, set to {@code value}. */
    record Mutation(int image, int region, int offset, byte value, int count) {
    }

    @BeforeContainer
    static void setUp() throws IOException {
        dir = Files.createTempDirectory("xfs-prop");
        images.add(load("xfs/v5.img.zst", List.of("/", "/dir3", "/dir40", "/dir400", "/dir5000", "/frag-small",
                "/frag-btree", "/link-remote", "/link-inline", "/sparse.bin", "/etc", "/etc/os-release", "/deep",
                "/hard1", "/future.txt")));
        images.add(load("xfs/v4.img.zst", List.of("/", "/dir3", "/dir40", "/dir400", "/etc", "/etc/os-release",
                "/numbers.txt", "/link-remote", "/link-inline")));
        images.add(load("xfs/variant.img.zst", List.of("/", "/big", "/numbers.txt", "/long-link", "/short-link")));
        images.add(load("xfs/dirty.img.zst", List.of("/", "/before-crash", "/before-crash/file.txt")));
    }

    private static Image load(String name, List<String> paths) throws IOException {
        FileByteSource src = FileByteSource.open(Fixtures.extract(name, Files.createTempDirectory(dir, "img")));
        XfsFilesystem fs = XfsFilesystem.open(src);
        XfsSuperblock sb = fs.superblock();
        List<long[]> regions = new ArrayList<>();
        regions.add(new long[] {0, sb.sectorSize()});
        for (String p : paths) {
            XfsInode ino = fs.inode(fs.inodeNumber(p));
            regions.add(new long[] {ino.offset, sb.inodeSize()});
            if (ino.format == XfsInode.FMT_EXTENTS || ino.format == XfsInode.FMT_BTREE) {
                // first mapped block (directory, data or remote symlink block)
                XfsBmap map = new XfsBmap(sb, src, ino, f -> { });
                map.next().ifPresent(e -> {
                    try {
                        regions.add(new long[] {sb.fsbToByte(e.startBlock(), 1, "t", -1), sb.blockSize()});
                    } catch (DiskException ex) {
                        throw new IllegalStateException(ex);
                    }
                });
            }
            if (ino.format == XfsInode.FMT_BTREE) {
                int maxrecs = (ino.forkSize() - 4) / 16;
                long node = ino.fork().getLong(4 + 8 * maxrecs);
                long nodeOff = sb.fsbToByte(node, 1, "t", -1);
                regions.add(new long[] {nodeOff, sb.blockSize()});
                ByteBuffer nb = src.readBuffer(nodeOff, sb.blockSize(), "t").order(ByteOrder.BIG_ENDIAN);
                int hdr = sb.isV5() ? 72 : 24;
                if (nb.getShort(4) > 0) {
                    long child = nb.getLong(hdr + 8 * ((sb.blockSize() - hdr) / 16));
                    regions.add(new long[] {sb.fsbToByte(child, 1, "t", -1), sb.blockSize()});
                }
            }
        }
        // the log's first blocks and the newest records before its head (cycle numbers, headers)
        long logStart = sb.fsbToByte(sb.logStart(), sb.logBlocks(), "t", -1);
        long head = XfsLog.head(src, logStart, sb.logBlocks() * sb.blockSize() / 512);
        regions.add(new long[] {logStart, 4096});
        regions.add(new long[] {logStart + Math.max(0, head - 16) * 512, 16 * 512});
        return new Image(src, regions);
    }

    @AfterContainer
    static void tearDown() throws IOException {
        for (Image i : images) {
            i.source().close();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        Arbitrary<Mutation> one = Combinators.combine(
                Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, 1000),
                Arbitraries.integers().between(0, 65535),
                Arbitraries.bytes(),
                Arbitraries.integers().between(1, 4)).as(Mutation::new);
        return one.list().ofMinSize(1).ofMaxSize(6);
    }

    @Property(tries = 150)
    void mutatedImagesOnlyFailWithTypedErrors(@ForAll("mutations") List<Mutation> mutations) {
        int imageIndex = mutations.get(0).image();
        Image image = images.get(imageIndex);
        PatchedByteSource src = new PatchedByteSource(image.source());
        for (Mutation m : mutations) {
            long[] r = image.regions().get(m.region() % image.regions().size());
            long at = r[0] + m.offset() % r[1];
            for (int k = 0; k < m.count(); k++) {
                src.patch(at + k, m.value());
            }
        }
        String outcome = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try {
                XfsFilesystem fs = XfsFilesystem.open(src);
                fs.findings();
                FilesystemWalk.readEverything(fs, 1 << 16, f -> { });
                return fs.findings().isEmpty() ? "walked, no findings" : "walked, findings";
            } catch (DiskException | NoSuchFileException | NotDirectoryException | FileSystemLoopException expected) {
                // a typed error is the correct outcome for a corrupt image
                return expected.getClass().getSimpleName();
            }
        });
        Statistics.collect(outcome);
    }

}
