package io.vhdflow.inspect;

import io.vhdflow.disk.DiskException;
import io.vhdflow.testing.Fixtures;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The whole verification stack on damaged images: random bytes of a real Windows VHD (footer,
 * BAT, GPT, NTFS metadata, hives) are overwritten, and verification must end, quickly, in a report
 * or a typed error — never a RuntimeException, a hang or an unbounded allocation.
 */
class VerificationMutationProperties {
    private static Path dir;
    private static Path original;
    private static long size;

    @BeforeContainer
    static void unpack() throws IOException {
        dir = Files.createTempDirectory("vhdflow-verify-mutation");
        original = Fixtures.extract("windows/generalized.vhd.zst", dir);
        size = Files.size(original);
    }

    @AfterContainer
    static void clean() throws IOException {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Offset and value of one overwritten byte; metadata regions are hit far more than data. */
    record Patch(long offset, byte value) {
    }

    @Provide
    Arbitrary<List<Patch>> patches() {
        // The dynamic VHD keeps its metadata (header, BAT, and the first data blocks holding GPT,
        // FAT and NTFS metadata) in the first few MiB, and its footer in the last 512 bytes.
        Arbitrary<Long> offsets = Arbitraries.oneOf(
                Arbitraries.longs().between(0, Math.min(size - 1, 6L << 20)),
                Arbitraries.longs().between(size - 512, size - 1),
                Arbitraries.longs().between(0, size - 1));
        return Combinators.combine(offsets, Arbitraries.bytes()).as(Patch::new).list().ofMinSize(1).ofMaxSize(16);
    }

    @Property(tries = 100)
    void damagedImagesGiveAReportOrATypedError(@ForAll("patches") List<Patch> patches) throws Exception {
        Path copy = dir.resolve("m.vhd");
        Files.copy(original, copy, StandardCopyOption.REPLACE_EXISTING);
        try (RandomAccessFile f = new RandomAccessFile(copy.toFile(), "rw")) {
            for (Patch p : patches) {
                f.seek(p.offset());
                f.write(p.value());
            }
        }
        ExecutorService ex = Executors.newSingleThreadExecutor();
        try {
            Future<VerificationReport> r = ex.submit(() -> new VerificationService().verify(copy, "azure-platform"));
            try {
                VerificationReport report = r.get(Duration.ofSeconds(30).toMillis(), TimeUnit.MILLISECONDS);
                if (report.verdict() == null) {
                    throw new AssertionError("no verdict");
                }
            } catch (java.util.concurrent.ExecutionException e) {
                Throwable c = e.getCause();
                if (!(c instanceof DiskException || c instanceof NoSuchFileException
                        || c instanceof NotDirectoryException || c instanceof FileSystemLoopException)) {
                    throw new AssertionError("untyped failure for " + patches + ": " + c, c);
                }
            } catch (java.util.concurrent.TimeoutException e) {
                r.cancel(true);
                throw new AssertionError("verification did not end within 30 s for " + patches);
            }
        } finally {
            ex.shutdownNow();
        }
    }
}
