package io.vhdflow.catalog.upload;

import io.vhdflow.disk.container.ConversionResult;
import io.vhdflow.disk.container.DiskImage;
import io.vhdflow.disk.container.DiskImages;
import io.vhdflow.disk.container.FixedVhdWriter;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.Random;

/**
 * Upload benchmark against a local Azurite (run by {@code bench/upload.sh}): for sparse disks of
 * a given size and data fraction, bytes sent against image size (the goal is exactly the
 * non-zero bytes) and throughput of the puts.
 *
 * <p>Arguments: {@code SIZE_MIB DATA_PERCENT PARALLELISM...}, e.g. {@code 2048 25 1 4 8}.
 */
public final class UploadBenchmark {
    private UploadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long sizeMib = args.length > 0 ? Long.parseLong(args[0]) : 1024;
        int percent = args.length > 1 ? Integer.parseInt(args[1]) : 25;
        int[] parallel = args.length > 2
                ? java.util.Arrays.stream(args, 2, args.length).mapToInt(Integer::parseInt).toArray() : new int[] {4};
        Path dir = Files.createTempDirectory("vhdflow-upload-bench");
        try (Azurite azurite = Azurite.start(dir.resolve("azurite"))) {
            Path raw = dir.resolve("disk.raw");
            Path vhd = dir.resolve("disk.vhd");
            // Data in 1 MiB extents at random places (seeded), like a filesystem's used blocks.
            Random rnd = new Random(7);
            long extents = sizeMib * percent / 100;
            byte[] extent = new byte[1 << 20];
            try (RandomAccessFile f = new RandomAccessFile(raw.toFile(), "rw")) {
                f.setLength(sizeMib << 20);
                java.util.BitSet used = new java.util.BitSet((int) sizeMib);
                for (long i = 0; i < extents; i++) {
                    int at;
                    do {
                        at = rnd.nextInt((int) sizeMib);
                    } while (used.get(at));
                    used.set(at);
                    rnd.nextBytes(extent);
                    f.seek((long) at << 20);
                    f.write(extent);
                }
            }
            ConversionResult c;
            try (DiskImage image = DiskImages.open(raw)) {
                c = FixedVhdWriter.convert(image, vhd, FixedVhdWriter.Options.defaults());
            }
            Files.delete(raw);
            long fileSize = Files.size(vhd);
            long expected = c.dataRanges().dataBytes() + 512;
            System.out.printf(Locale.ROOT, "image: %d MiB fixed VHD (%d bytes), data %d bytes (%.1f%%) + 512-byte footer%n",
                    sizeMib, fileSize, c.dataRanges().dataBytes(), 100.0 * c.dataRanges().dataBytes() / fileSize);
            System.out.println("parallelism | bytes sent | = data+footer | skipped zero | puts | seconds | MB/s sent"
                    + " | image MB/s");
            for (int p : parallel) {
                String name = "bench-" + p + ".vhd";
                UploadResult r = new PageBlobUploader(azurite.container("bench"), p, false)
                        .upload(vhd, name, c.md5Base64(), c.sha256Hex().orElseThrow(), UploadListener.NONE);
                System.out.printf(Locale.ROOT, "%11d | %10d | %13s | %12d | %4d | %7.2f | %9.1f | %10.1f%n", p, r.sent(),
                        r.sent() == expected ? "yes" : "NO (" + expected + ")", r.skippedZero(), r.puts(), r.seconds(),
                        r.sent() / 1e6 / r.seconds(), fileSize / 1e6 / r.seconds());
                azurite.container("bench").getBlobClient(name).delete();
            }
        } finally {
            try (var walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
