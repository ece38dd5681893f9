package io.vhdflow.disk.fs.fat;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.container.ByteSource;
import io.vhdflow.testing.Fixtures;
import io.vhdflow.testing.PatchedByteSource;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * FAT12/16/32 fixtures with bytes of the boot sector, the FATs and the directories mutated:
 * opening, listing, resolving and reading everything ends in data or typed errors only.
 */
class FatMutationProperties {
    static final Map<String, ByteSource> IMAGES = new HashMap<>();
    /** Bytes up to here hold the boot sector, FATs, root directory and the first directories written. */
    static final Map<String, Integer> METADATA = Map.of("fat12", 48 * 1024, "fat16", 160 * 1024, "fat32", 400 * 1024);

    @BeforeContainer
    static void load() throws IOException {
        Path dir = Files.createTempDirectory("vhdflow-fat-props");
        for (String f : List.of("fat12", "fat16", "fat32")) {
            Path p = Fixtures.extract("fat/" + f + ".img.zst", dir);
            IMAGES.put(f, Fixtures.inMemory(p));
            Files.delete(p);
        }
        Files.delete(dir);
    }

    @Provide
    Arbitrary<Map.Entry<String, Map<Long, Byte>>> mutated() {
        return Arbitraries.of("fat12", "fat16", "fat32").flatMap(name -> {
            // Uniform over the metadata, with one mutation in twenty aimed at the boot sector itself.
            Arbitrary<Long> anywhere = Arbitraries.longs().between(0, METADATA.get(name) - 1)
                    .withDistribution(net.jqwik.api.RandomDistribution.uniform()).withoutEdgeCases();
            Arbitrary<Long> bootSector = Arbitraries.longs().between(0, 511)
                    .withDistribution(net.jqwik.api.RandomDistribution.uniform());
            Arbitrary<Long> offset = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(19, anywhere),
                    net.jqwik.api.Tuple.of(1, bootSector));
            Arbitrary<Byte> value = Arbitraries.oneOf(Arbitraries.bytes(),
                    Arbitraries.of((byte) 0, (byte) 0xFF, (byte) 0xE5, (byte) 0x0F, (byte) 0x10, (byte) 2));
            return Combinators.combine(offset, value).as(Map::entry).list().ofMinSize(1).ofMaxSize(16).map(l -> {
                Map<Long, Byte> m = new HashMap<>();
                l.forEach(e -> m.put(e.getKey(), e.getValue()));
                return Map.entry(name, m);
            });
        });
    }

    @Property(tries = 600)
    void mutatedFatGivesDataOrTypedErrors(@ForAll("mutated") Map.Entry<String, Map<Long, Byte>> m) throws Exception {
        ByteSource src = new PatchedByteSource(IMAGES.get(m.getKey())).patch(m.getValue());
        if (!FatFilesystem.probe(src)) {
            Statistics.label("outcome").collect(m.getKey() + " not FAT any more");
            return;
        }
        try (FatFilesystem fs = FatFilesystem.open(src)) {
            int[] budget = {0};
            io.vhdflow.disk.volume.VolumeMutationProperties.walk(fs, "/", 0, budget);
            fs.exists("/EFI/BOOT/BOOTX64.EFI");
            fs.exists("\\many\\ENTRY N~1.TXT");
            Statistics.label("outcome").collect("walked");
        } catch (DiskException e) {
            Statistics.label("outcome").collect("refused at open");
        }
    }
}
