package io.vhdflow.disk.container;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Mutated qcow2 images (compressed, extended L2, with a backing file): only typed errors. See {@link ContainerMutations}. */
class Qcow2MutationPropertiesTest {
    private static final class Pristine {
        static final Path DIR = ContainerMutations.temp("vhdflow-qcow2-mutation");
        static final List<byte[]> IMAGES = new ArrayList<>();

        static {
            try {
                for (String n : new String[] {"zlib.qcow2", "extl2.qcow2", "child.qcow2"}) {
                    IMAGES.add(Files.readAllBytes(ContainerFixtures.extract(n, DIR)));
                }
                ContainerFixtures.extractAs("plain.qcow2", "base.qcow2", DIR);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Provide
    Arbitrary<ContainerMutations.Mutation> mutations() {
        return ContainerMutations.mutations(Pristine.IMAGES.size());
    }

    /** Header, L1 table, first L2 table, first data or compressed cluster, anywhere. */
    static List<long[]> regions(byte[] b) {
        List<long[]> r = new ArrayList<>();
        r.add(new long[] {0, 512});
        long l1 = ContainerMutations.u64be(b, 40);
        r.add(new long[] {l1, 64});
        long l2 = ContainerMutations.u64be(b, (int) l1) & Qcow2DiskSource.OFFSET_MASK;
        if (l2 > 0 && l2 < b.length) {
            r.add(new long[] {l2, 256});
            long e = ContainerMutations.u64be(b, (int) l2);
            long data = (e & Qcow2DiskSource.COMPRESSED) != 0 ? e & ((1L << 54) - 1) : e & Qcow2DiskSource.OFFSET_MASK;
            r.add(new long[] {data, 4096});
        }
        r.add(new long[] {0, b.length});
        return r;
    }

    @Property(tries = 120)
    void mutatedQcow2GivesOnlyTypedErrors(@ForAll("mutations") ContainerMutations.Mutation m) throws Exception {
        byte[] src = Pristine.IMAGES.get(m.base());
        byte[] b = ContainerMutations.apply(src, regions(src), m, x -> { });
        Path p = Pristine.DIR.resolve(m.base() == 2 ? "child.qcow2" : "mutant.qcow2");
        Files.write(p, b);
        net.jqwik.api.statistics.Statistics.collect(ContainerMutations.outcome(p));
    }

    @AfterContainer
    static void cleanUp() throws IOException {
        ContainerMutations.delete(Pristine.DIR);
    }
}
