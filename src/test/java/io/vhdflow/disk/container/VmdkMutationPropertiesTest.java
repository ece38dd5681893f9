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
 * Mutated VMDKs (monolithicSparse, qemu's and VMware's streamOptimized, a descriptor with split
 * flat extents): only typed errors. See {@link ContainerMutations}.
 */
class VmdkMutationPropertiesTest {
    private static final class Pristine {
        static final Path DIR = ContainerMutations.temp("vhdflow-vmdk-mutation");
        static final List<byte[]> IMAGES = new ArrayList<>();

        static {
            try {
                for (String n : new String[] {"sparse.vmdk", "stream.vmdk", "vmware-stream.vmdk", "split.vmdk"}) {
                    IMAGES.add(Files.readAllBytes(ContainerFixtures.extract(n, DIR)));
                }
                for (int i = 1; i <= 3; i++) {
                    ContainerFixtures.extract("split-f00" + i + ".vmdk", DIR);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Provide
    Arbitrary<ContainerMutations.Mutation> mutations() {
        return ContainerMutations.mutations(Pristine.IMAGES.size());
    }

    /** Header, embedded descriptor, grain directory and first grain table, first grain, footer, anywhere. */
    static List<long[]> regions(byte[] b) {
        List<long[]> r = new ArrayList<>();
        if (!VmdkSparseHeader.hasMagic(b)) {
            r.add(new long[] {0, b.length}); // a text descriptor
            return r;
        }
        ByteBuffer le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        r.add(new long[] {0, 80});
        r.add(new long[] {512, 1024});
        long gd = le.getLong(56);
        if (gd == -1) {
            r.add(new long[] {b.length - 1536, 1536});
            gd = ByteBuffer.wrap(b, b.length - 1024, 512).order(ByteOrder.LITTLE_ENDIAN).getLong(b.length - 1024 + 56);
        }
        if (gd > 0 && gd * 512 < b.length) {
            r.add(new long[] {gd * 512, 64});
            long gt = Integer.toUnsignedLong(le.getInt((int) (gd * 512))) * 512;
            if (gt > 0 && gt < b.length - 2048) {
                r.add(new long[] {gt, 2048});
                long g = Integer.toUnsignedLong(le.getInt((int) gt)) * 512;
                r.add(new long[] {g, 512});
            }
        }
        r.add(new long[] {0, b.length});
        return r;
    }

    @Property(tries = 120)
    void mutatedVmdkGivesOnlyTypedErrors(@ForAll("mutations") ContainerMutations.Mutation m) throws Exception {
        byte[] src = Pristine.IMAGES.get(m.base());
        byte[] b = ContainerMutations.apply(src, regions(src), m, x -> { });
        Path p = Pristine.DIR.resolve(m.base() == 3 ? "mutant-split.vmdk" : "mutant-" + m.base() + ".vmdk");
        Files.write(p, b);
        net.jqwik.api.statistics.Statistics.collect(ContainerMutations.outcome(p));
    }

    @AfterContainer
    static void cleanUp() throws IOException {
        ContainerMutations.delete(Pristine.DIR);
    }
}
