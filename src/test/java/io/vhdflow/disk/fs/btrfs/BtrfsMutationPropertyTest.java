package io.vhdflow.disk.fs.btrfs;

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
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Mutates the metadata of the real images (superblock, chunk, root and subvolume tree blocks, the
 * blocks holding a file's items) and the compressed data of zstd, lzo and zlib extents, then
 * opens every subvolume and walks it whole, reading every file, link and xattr list: only typed
 * errors may come out, never a RuntimeException, an OutOfMemoryError or a hang. Half the mutated
 * tree blocks are re-signed, so the structure checks are reached and not only the checksum.
 */
class BtrfsMutationPropertyTest {
    static Path dir;
    static List<Image> images = new ArrayList<>();

    /** A region of an image: a superblock, a tree block (by logical address) or raw data bytes. */
    record Region(String kind, long at, int length) {
    }

    record Image(FileByteSource source, BtrfsFilesystem clean, List<Region> regions) {
    }

    record Mutation(int image, int region, int offset, byte value, int count, boolean resign) {
    }

    @BeforeContainer
    static void setUp() throws IOException {
        dir = Files.createTempDirectory("btrfs-prop");
        images.add(load("btrfs/subvol.img.zst", List.of("/etc/os-release", "/etc/inline-compressed.txt", "/etc/doc-link",
                "/usr/share/doc/zstd-text-400k.txt", "/lzo/lzo-text-150k.txt", "/zlib/zlib-text-150k.txt",
                "/usr/share/doc/prealloc.bin", "/usr/share/doc/holes.bin")));
        images.add(load("btrfs/rootdir.img.zst", List.of("/dir2000/entry-with-a-longer-name-7", "/link-1000",
                "/big/text-256k.txt", "/sparse.bin")));
    }

    private static Image load(String name, List<String> paths) throws IOException {
        FileByteSource src = FileByteSource.open(Fixtures.extract(name, Files.createTempDirectory(dir, "img")));
        BtrfsFilesystem fs = BtrfsFilesystem.open(src);
        BtrfsVolume v = fs.volume();
        int node = v.sb.nodeSize();
        List<Region> regions = new ArrayList<>();
        regions.add(new Region("super", BtrfsSuperblock.PRIMARY, BtrfsSuperblock.SIZE));
        regions.add(new Region("block", v.sb.chunkRoot(), node));
        regions.add(new Region("block", v.sb.root(), node));
        for (Subvolume s : fs.subvolumes()) {
            regions.add(new Region("block", v.rootItem(s.id()).orElseThrow().bytenr(), node));
        }
        regions.add(new Region("block", v.rootItem(5).orElseThrow().bytenr(), node));
        for (String p : paths) {
            TreeReader.Item inode = BtrfsPatcherItems.inode(fs, p);
            regions.add(new Region("block", inode.leaf(), node));
            Optional<TreeReader.Item> x = v.trees.find(v.treeRoot(fs.subvolumeId()),
                    new BtrfsKey(inode.key().objectId(), BtrfsKey.EXTENT_DATA, 0));
            if (x.isPresent() && x.get().data().remaining() >= FileExtent.SIZE && x.get().data().get(20) == 1
                    && x.get().data().getLong(21) != 0) {
                long disk = x.get().data().getLong(21);
                regions.add(new Region("data", v.chunks.map(disk, "t").copies()[0], 4096));
            }
        }
        return new Image(src, fs, regions);
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
                Arbitraries.integers().between(0, 1),
                Arbitraries.integers().between(0, 1000),
                Arbitraries.integers().between(0, 65535),
                Arbitraries.bytes(),
                Arbitraries.integers().between(1, 4),
                Arbitraries.of(true, false)).as(Mutation::new);
        return one.list().ofMinSize(1).ofMaxSize(6);
    }

    @Property(tries = 150)
    void mutatedImagesOnlyFailWithTypedErrors(@ForAll("mutations") List<Mutation> mutations) throws IOException {
        Image image = images.get(mutations.get(0).image());
        PatchedByteSource src = new PatchedByteSource(image.source());
        BtrfsPatcher p = new BtrfsPatcher(src, image.clean());
        for (Mutation m : mutations) {
            Region r = image.regions().get(m.region() % image.regions().size());
            int at = m.offset() % r.length();
            byte[] bytes = new byte[Math.min(m.count(), r.length() - at)];
            java.util.Arrays.fill(bytes, m.value());
            switch (r.kind()) {
                case "super" -> {
                    src.patch(r.at() + at, bytes);
                    if (m.resign()) {
                        p.resignSuperblock();
                    }
                }
                case "block" -> {
                    if (m.resign()) {
                        p.block(r.at(), Math.max(32, at), bytes);
                    } else {
                        src.patch(image.clean().volume().chunks.map(r.at(), "t").copies()[0] + at, bytes);
                    }
                }
                default -> src.patch(r.at() + at, bytes);
            }
        }
        String outcome = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try {
                BtrfsFilesystem fs = BtrfsFilesystem.open(src);
                FilesystemWalk.readEverything(fs, 1 << 18, fs::xattrs);
                for (Subvolume s : fs.subvolumes().stream().limit(6).toList()) {
                    try {
                        BtrfsFilesystem sub = fs.openSubvolume(s.id());
                        FilesystemWalk.readEverything(sub, 1 << 18, sub::xattrs);
                    } catch (DiskException e) {
                        // a damaged subvolume is refused with a typed error; the others are still walked
                    }
                }
                return fs.findings().isEmpty() ? "walked, no findings" : "walked, findings";
            } catch (DiskException | NoSuchFileException | NotDirectoryException | FileSystemLoopException expected) {
                return expected.getClass().getSimpleName() + (expected instanceof DiskException d ? " " + d.kind() : "");
            }
        });
        Statistics.collect(outcome);
    }

}
