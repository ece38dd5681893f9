package io.vhdflow.disk.container;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Mutated VHDX files (dynamic, with an unreplayed log, differencing): only typed errors. With
 * checksums re-sealed (headers, region tables, log entries) the damage reaches the metadata, the
 * BAT and the log replay. See {@link ContainerMutations}.
 */
class VhdxMutationPropertiesTest {
    private static final class Pristine {
        static final Path DIR = ContainerMutations.temp("vhdflow-vhdx-mutation");
        static final List<byte[]> IMAGES = new ArrayList<>();

        static {
            try {
                for (String n : new String[] {"dynamic.vhdx", "log.vhdx", "diff-child.vhdx"}) {
                    IMAGES.add(Files.readAllBytes(ContainerFixtures.extract(n, DIR)));
                }
                ContainerFixtures.extractAs("dynamic.vhdx", "diff-parent.vhdx", DIR);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Provide
    Arbitrary<ContainerMutations.Mutation> mutations() {
        return ContainerMutations.mutations(Pristine.IMAGES.size());
    }

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Both headers, the region table, the metadata table and items, the BAT, the log, anywhere. */
    static List<long[]> regions(byte[] b) {
        List<long[]> r = new ArrayList<>();
        r.add(new long[] {VhdxHostileTest.H1, 128});
        r.add(new long[] {VhdxHostileTest.H2, 128});
        r.add(new long[] {VhdxHostileTest.RT1, 96});
        long meta = VhdxHostileTest.region(b, VhdxRegionTable.METADATA);
        r.add(new long[] {meta, 256});
        r.add(new long[] {meta + 65536, 512});
        r.add(new long[] {VhdxHostileTest.region(b, VhdxRegionTable.BAT), 256});
        int cur = VhdxHostileTest.current(b);
        r.add(new long[] {le(b).getLong(cur + 72), 12288});
        r.add(new long[] {0, b.length});
        return r;
    }

    /** Re-seals the headers, region tables and every log entry (by the length its header claims, if it fits). */
    static void seal(byte[] b) {
        VhdxHostileTest.seal(b);
        int cur = VhdxHostileTest.current(b);
        long off = le(b).getLong(cur + 72);
        long len = Integer.toUnsignedLong(le(b).getInt(cur + 68));
        if (off <= 0 || len <= 0 || off + len > b.length || len > (8 << 20)) {
            return;
        }
        for (long p = off; p < off + len; p += 4096) {
            int at = (int) p;
            if (b[at] == 'l' && b[at + 1] == 'o' && b[at + 2] == 'g' && b[at + 3] == 'e') {
                long entry = Integer.toUnsignedLong(le(b).getInt(at + 8));
                if (entry > 0 && entry % 4096 == 0 && p + entry <= off + len) {
                    le(b).putInt(at + 4, VhdxHeader.crc32c(b, at, (int) entry, 4));
                }
            }
        }
    }

    @Property(tries = 120)
    void mutatedVhdxGivesOnlyTypedErrors(@ForAll("mutations") ContainerMutations.Mutation m) throws Exception {
        byte[] src = Pristine.IMAGES.get(m.base());
        byte[] b = ContainerMutations.apply(src, regions(src), m, VhdxMutationPropertiesTest::seal);
        Path p = Pristine.DIR.resolve("mutant-" + m.base() + ".vhdx");
        Files.write(p, b);
        net.jqwik.api.statistics.Statistics.collect(ContainerMutations.outcome(p));
    }

    @AfterContainer
    static void cleanUp() throws IOException {
        ContainerMutations.delete(Pristine.DIR);
    }
}
