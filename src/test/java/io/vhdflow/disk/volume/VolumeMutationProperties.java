package io.vhdflow.disk.volume;

import io.vhdflow.disk.detect.DiskLayout;

import io.vhdflow.disk.detect.VolumeSystems;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.container.ByteSource;
import io.vhdflow.disk.container.FileByteSource;
import io.vhdflow.disk.fs.DirEntry;
import io.vhdflow.disk.fs.FileTooLargeException;
import io.vhdflow.disk.fs.FileType;
import io.vhdflow.disk.fs.fat.FatFilesystem;
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

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Valid fixture disks with bytes of their metadata regions (MBR/EBRs, GPT headers and arrays, the
 * LVM label and metadata area, FAT boot sectors, tables and directories) mutated: opening the
 * layout, reading every volume and walking every FAT filesystem must end in results or typed
 * errors, never a RuntimeException, a hang or a huge allocation.
 */
public class VolumeMutationProperties {
    static final List<String> FIXTURES = List.of("mbr-logical", "gpt-esp-root", "gpt-esp-lvm", "gpt-windows");
    static Path dir;
    static final Map<String, FileByteSource> SOURCES = new HashMap<>();

    @BeforeContainer
    static void extract() throws IOException {
        dir = Files.createTempDirectory("vhdflow-volume-props");
        for (String f : FIXTURES) {
            SOURCES.put(f, FileByteSource.open(Fixtures.extract("volume/" + f + ".img.zst", dir)));
        }
    }

    @AfterContainer
    static void cleanup() throws IOException {
        for (FileByteSource s : SOURCES.values()) {
            s.close();
        }
        try (var w = Files.walk(dir)) {
            w.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Where the metadata of each fixture lives: the first 64 KiB, the last 17 KiB, and each partition's first 1.1 MiB. */
    static List<long[]> regions(ByteSource disk) throws IOException {
        List<long[]> r = new java.util.ArrayList<>();
        r.add(new long[] {0, 64 * 1024});
        r.add(new long[] {disk.size() - 17 * 1024, 17 * 1024});
        for (Volume v : VolumeSystems.open(disk).partitions()) {
            r.add(new long[] {v.diskOffset().getAsLong(), Math.min(v.length(), 1100 * 1024)});
        }
        return r;
    }

    @Provide
    Arbitrary<Map.Entry<String, Map<Long, Byte>>> mutatedDisk() {
        return Arbitraries.of(FIXTURES).flatMap(name -> {
            List<long[]> regions;
            try {
                regions = regions(SOURCES.get(name));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            Arbitrary<Long> offset = Arbitraries.integers().between(0, regions.size() - 1).flatMap(i ->
                    Arbitraries.longs().between(regions.get(i)[0], regions.get(i)[0] + regions.get(i)[1] - 1).withDistribution(net.jqwik.api.RandomDistribution.uniform()).withoutEdgeCases());
            Arbitrary<Byte> value = Arbitraries.oneOf(Arbitraries.bytes(), Arbitraries.of((byte) 0, (byte) 0xFF, (byte) 1, (byte) 0x80));
            Arbitrary<Map<Long, Byte>> patches = Combinators.combine(offset, value).as(Map::entry)
                    .list().ofMinSize(1).ofMaxSize(24)
                    .map(l -> {
                        Map<Long, Byte> m = new HashMap<>();
                        l.forEach(e -> m.put(e.getKey(), e.getValue()));
                        return m;
                    });
            return patches.map(p -> Map.entry(name, p));
        });
    }

    @Property(tries = 300)
    void mutatedDisksGiveResultsOrTypedErrors(@ForAll("mutatedDisk") Map.Entry<String, Map<Long, Byte>> m) throws Exception {
        ByteSource disk = new PatchedByteSource(SOURCES.get(m.getKey())).patch(m.getValue());
        DiskLayout layout;
        try {
            layout = VolumeSystems.open(disk);
        } catch (DiskException e) {
            return;
        }
        for (Volume v : layout.volumes()) {
            exercise(v);
        }
    }

    static void exercise(Volume v) throws IOException {
        ByteSource s = v.source();
        ByteBuffer buf = ByteBuffer.allocate(4096);
        try {
            if (s.size() > 0) {
                s.read(0, buf.clear());
                s.read(Math.max(0, s.size() - 100), buf.clear());
                s.read(s.size() / 3, buf.clear());
            }
            if (FatFilesystem.probe(s)) {
                try (FatFilesystem fs = FatFilesystem.open(s, v.diskOffset().orElse(0))) {
                    walk(fs, "/", 0, new int[] {0});
                }
            }
        } catch (DiskException | NoSuchFileException | NotDirectoryException | FileSystemLoopException e) {
            // typed: fine
        }
    }

    public static void walk(FatFilesystem fs, String dir, int depth, int[] budget) throws IOException {
        if (depth > 16 || budget[0] > 400) {
            return;
        }
        for (DirEntry e : fs.list(dir)) {
            if (++budget[0] > 400) {
                return;
            }
            String p = (dir.equals("/") ? "/" : dir + "/") + e.name();
            try {
                fs.stat(p);
                if (e.type() == FileType.DIRECTORY) {
                    walk(fs, p, depth + 1, budget);
                } else {
                    try (InputStream in = fs.newInputStream(p)) {
                        in.readNBytes(1 << 20);
                    }
                }
            } catch (DiskException | NoSuchFileException | NotDirectoryException | FileSystemLoopException ex) {
                // a damaged entry: keep walking the others
            }
        }
    }
}
