package io.vhdflow.disk.container;

import io.vhdflow.disk.DiskException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The mutation harness every container reader's property uses: a valid image has random bytes
 * changed, mostly inside the structures that matter (the regions a format names), its checksums
 * sometimes re-sealed so the damage reaches deeper structures, or is cut short; opening it,
 * reading the whole virtual disk, scanning it and judging its container must then succeed or
 * fail with a typed {@link DiskException} within seconds, nothing else.
 */
final class ContainerMutations {
    private ContainerMutations() {
    }

    /**
     * One mutation.
     *
     * @param base  which pristine image
     * @param edits (region selector, position in the region, new byte) triples
     * @param fix   re-seal the format's checksums afterwards
     * @param cut   bytes cut from the end (0: none)
     */
    record Mutation(int base, List<Tuple.Tuple3<Integer, Integer, Byte>> edits, boolean fix, int cut) {
    }

    static Arbitrary<Mutation> mutations(int bases) {
        Arbitrary<Tuple.Tuple3<Integer, Integer, Byte>> edit = Combinators.combine(
                Arbitraries.integers().between(0, 1 << 16), Arbitraries.integers().between(0, Integer.MAX_VALUE),
                Arbitraries.oneOf(Arbitraries.bytes(), Arbitraries.of((byte) 0, (byte) 0xFF, (byte) 1))).as(Tuple::of);
        Arbitrary<Integer> cut = Arbitraries.frequencyOf(Tuple.of(5, Arbitraries.just(0)),
                Tuple.of(1, Arbitraries.integers().between(1, 1 << 20)));
        return Combinators.combine(Arbitraries.integers().between(0, bases - 1), edit.list().ofMinSize(1).ofMaxSize(8),
                Arbitraries.frequency(Tuple.of(3, true), Tuple.of(1, false)), cut).as(Mutation::new);
    }

    /** {@code pristine} with {@code m} applied; {@code regions} are {start, length} pairs to aim at. */
    static byte[] apply(byte[] pristine, List<long[]> regions, Mutation m, Consumer<byte[]> fixer) {
        byte[] b = pristine.clone();
        for (Tuple.Tuple3<Integer, Integer, Byte> e : m.edits()) {
            long[] r = regions.get(e.get1() % regions.size());
            long start = Math.min(r[0], b.length - 1);
            long len = Math.max(1, Math.min(r[1], b.length - start));
            b[(int) (start + e.get2() % len)] = e.get3();
        }
        if (m.fix()) {
            fixer.accept(b);
        }
        if (m.cut() > 0) {
            b = java.util.Arrays.copyOf(b, Math.max(0, b.length - m.cut()));
        }
        return b;
    }

    /** Opens, reads, scans and judges {@code p}: "read fully" or "rejected: <structure>". */
    static String outcome(Path p) {
        return org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(15), () -> {
            try {
                new io.vhdflow.inspect.VerificationService().readiness(p, "azure-platform");
                try (DiskImage img = DiskImages.open(p)) {
                    readAll(img.virtualDisk());
                    DataRangeScanner.scan(img, (o, l) -> { }, 10, ProgressListener.NONE, 2);
                    img.allocatedBytes();
                }
                return "read fully";
            } catch (DiskException expected) {
                return "rejected: " + expected.kind() + " " + expected.structure().replaceAll("\\d+", "N");
            }
        });
    }

    private static void readAll(ByteSource src) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(1 << 20);
        for (long pos = 0; pos < src.size(); pos += buf.capacity()) {
            buf.clear().limit((int) Math.min(buf.capacity(), src.size() - pos));
            src.readFully(pos, buf, "mutant");
        }
    }

    static Path temp(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void delete(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    static long u32be(byte[] b, int at) {
        return Integer.toUnsignedLong(ByteBuffer.wrap(b).getInt(at));
    }

    static long u64be(byte[] b, int at) {
        return ByteBuffer.wrap(b).getLong(at);
    }
}
