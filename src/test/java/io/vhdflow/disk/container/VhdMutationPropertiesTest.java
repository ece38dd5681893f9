package io.vhdflow.disk.container;

import io.vhdflow.disk.DiskException;
import io.vhdflow.testing.Fixtures;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Valid VHDs with random bytes changed (mostly in their metadata), checksums sometimes fixed up so
 * the damage reaches the deeper structures, or truncated: opening, reading the whole virtual
 * disk, scanning it and judging it must succeed or fail with a typed {@link DiskException},
 * nothing else.
 */
class VhdMutationPropertiesTest {

    /** The pristine fixtures, unpacked once per JVM. */
    private static final class Pristine {
        static final Path DIR;
        static final byte[] DYNAMIC;
        static final byte[] FIXED;
        static final byte[] DIFF;

        static {
            try {
                DIR = Files.createTempDirectory("vhdflow-mutation");
                DYNAMIC = Files.readAllBytes(Fixtures.extract("vhd/dynamic-odd.vhd.zst", DIR));
                FIXED = Files.readAllBytes(Fixtures.extract("vhd/fixed-odd.vhd.zst", DIR));
                // The differencing child's parent stays in DIR under its own name.
                Fixtures.extract("vhd/dynamic.vhd.zst", DIR);
                DIFF = Files.readAllBytes(Fixtures.extract("vhd/diff-rel.vhd.zst", DIR));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    record Mutation(int base, List<Tuple.Tuple2<Integer, Byte>> edits, boolean fixChecksums, int cut) {
    }

    @Provide
    Arbitrary<Mutation> mutations() {
        Arbitrary<Integer> base = Arbitraries.integers().between(0, 2);
        // Offsets: footer copy + header + BAT + locators (first 4 KiB), or the trailing footer
        // (negative: from the end), or anywhere in the first MiB.
        Arbitrary<Integer> offset = Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.integers().between(0, 511)),          // footer copy
                Tuple.of(3, Arbitraries.integers().between(512, 1535)),       // dynamic header
                Tuple.of(3, Arbitraries.integers().between(1536, 4095)),      // BAT, locator data
                Tuple.of(1, Arbitraries.integers().between(-512, -1)),        // trailing footer
                Tuple.of(1, Arbitraries.integers().between(0, (1 << 20) - 1)));
        Arbitrary<Byte> value = Arbitraries.oneOf(Arbitraries.bytes(), Arbitraries.of((byte) 0, (byte) 0xFF));
        Arbitrary<List<Tuple.Tuple2<Integer, Byte>>> edits = Combinators.combine(offset, value).as(Tuple::of)
                .list().ofMinSize(1).ofMaxSize(8);
        Arbitrary<Integer> cut = Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.just(0)),
                Tuple.of(1, Arbitraries.integers().between(1, 1 << 20)));
        Arbitrary<Boolean> fix = Arbitraries.frequency(Tuple.of(3, true), Tuple.of(1, false));
        return Combinators.combine(base, edits, fix, cut).as(Mutation::new);
    }

    @Property(tries = 250)
    void mutatedVhdsGiveOnlyTypedErrors(@ForAll("mutations") Mutation m) throws Exception {
        byte[] src = switch (m.base()) {
            case 0 -> Pristine.DYNAMIC;
            case 1 -> Pristine.FIXED;
            default -> Pristine.DIFF;
        };
        byte[] b = src.clone();
        for (Tuple.Tuple2<Integer, Byte> e : m.edits()) {
            int at = e.get1() < 0 ? b.length + e.get1() : e.get1() % b.length;
            b[at] = e.get2();
        }
        if (m.fixChecksums()) {
            fixChecksums(b);
        }
        if (m.cut() > 0) {
            b = java.util.Arrays.copyOf(b, Math.max(0, b.length - m.cut()));
        }
        Path p = Pristine.DIR.resolve("mutant-" + m.base() + "-" + System.nanoTime() + ".vhd");
        Files.write(p, b);
        try {
            String outcome = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                    java.time.Duration.ofSeconds(10), () -> {
                        try {
                            exercise(p);
                            return "read fully";
                        } catch (DiskException expected) {
                            return "rejected: " + expected.structure().replaceAll("\\d+", "N");
                        }
                    });
            net.jqwik.api.statistics.Statistics.collect(outcome);
        } finally {
            Files.deleteIfExists(p);
        }
    }

    static void exercise(Path p) throws IOException {
        new io.vhdflow.inspect.VerificationService().readiness(p, "marketplace");
        try (DiskImage img = DiskImages.open(p)) {
            VhdFixtures.sha256(img.virtualDisk());
            DataRangeScanner.scan(img, (o, l) -> { }, 10, ProgressListener.NONE, 2);
        }
    }

    /**
     * Re-seals the footers and the dynamic header, and makes the trailing footer a copy of the one
     * at offset 0 (dynamic and differencing disks), so the mutation is judged on its content.
     */
    static void fixChecksums(byte[] b) {
        ByteBuffer bb = ByteBuffer.wrap(b);
        if (b.length >= 1024) {
            if (VhdFooter.hasCookie(b, 0)) {
                reseal(b, 0, 512, 64);
                System.arraycopy(b, 0, b, b.length - 512, 512);
            } else {
                reseal(b, b.length - 512, 512, 64);
            }
            long dataOffset = bb.getLong(16);
            if (dataOffset > 0 && dataOffset <= b.length - 1024) {
                reseal(b, (int) dataOffset, 1024, 36);
            }
        }
    }

    private static void reseal(byte[] b, int at, int len, int field) {
        byte[] s = java.util.Arrays.copyOfRange(b, at, at + len);
        ByteBuffer.wrap(b).putInt(at + field, VhdFooter.checksum(s, field));
    }

    @net.jqwik.api.lifecycle.AfterContainer
    static void cleanUp() throws IOException {
        try (Stream<Path> s = Files.walk(Pristine.DIR)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
