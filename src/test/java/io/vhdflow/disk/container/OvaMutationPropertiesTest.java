package io.vhdflow.disk.container;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Mutated OVAs (tar headers, the OVF, the disk inside): only typed errors. With "checksums
 * re-sealed" the tar headers' own checksums are recomputed, so the damage reaches the listing and
 * the OVF. See {@link ContainerMutations}.
 */
class OvaMutationPropertiesTest {
    private static final class Pristine {
        static final Path DIR = ContainerMutations.temp("vhdflow-ova-mutation");
        static final List<byte[]> IMAGES = new ArrayList<>();

        static {
            try {
                for (String n : new String[] {"linux.ova", "two-disks.ova"}) {
                    IMAGES.add(Files.readAllBytes(ContainerFixtures.extract(n, DIR)));
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

    /** The tar headers, the OVF, the first member's disk header, anywhere. */
    static List<long[]> regions(byte[] b) {
        List<long[]> r = new ArrayList<>();
        for (long h : headers(b)) {
            r.add(new long[] {h, 512});
            r.add(new long[] {h + 512, 2048});
        }
        r.add(new long[] {0, b.length});
        return r;
    }

    /** Offsets of the ustar headers of the pristine archive. */
    static List<Long> headers(byte[] b) {
        List<Long> out = new ArrayList<>();
        long at = 0;
        while (at + 512 <= b.length && b[(int) at] != 0 && out.size() < 16) {
            out.add(at);
            String size = new String(b, (int) at + 124, 11, StandardCharsets.US_ASCII).trim();
            long n;
            try {
                n = Long.parseLong(size, 8);
            } catch (NumberFormatException e) {
                break;
            }
            at += 512 + (n + 511) / 512 * 512;
        }
        return out;
    }

    /** Recomputes the checksum of every header that still parses. */
    static void seal(byte[] b) {
        for (long h : headers(b)) {
            int at = (int) h;
            java.util.Arrays.fill(b, at + 148, at + 156, (byte) ' ');
            long sum = 0;
            for (int i = 0; i < 512; i++) {
                sum += b[at + i] & 0xFF;
            }
            byte[] field = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(field, 0, b, at + 148, 8);
        }
    }

    @Property(tries = 100)
    void mutatedOvaGivesOnlyTypedErrors(@ForAll("mutations") ContainerMutations.Mutation m) throws Exception {
        byte[] src = Pristine.IMAGES.get(m.base());
        byte[] b = ContainerMutations.apply(src, regions(src), m, OvaMutationPropertiesTest::seal);
        Path p = Pristine.DIR.resolve("mutant-" + m.base() + ".ova");
        Files.write(p, b);
        net.jqwik.api.statistics.Statistics.collect(ContainerMutations.outcome(p));
    }

    @AfterContainer
    static void cleanUp() throws IOException {
        ContainerMutations.delete(Pristine.DIR);
    }
}
