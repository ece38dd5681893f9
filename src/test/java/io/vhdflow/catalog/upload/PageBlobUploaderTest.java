package io.vhdflow.catalog.upload;

import com.azure.core.util.Context;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.PageRangeItem;
import com.azure.storage.blob.options.ListPageRangesOptions;
import com.azure.storage.blob.specialized.PageBlobClient;
import io.vhdflow.disk.container.ConversionResult;
import io.vhdflow.disk.container.DataRangeScanner;
import io.vhdflow.disk.container.DiskImage;
import io.vhdflow.disk.container.DiskImages;
import io.vhdflow.disk.container.FixedVhdWriter;
import io.vhdflow.disk.container.ProgressListener;
import io.vhdflow.testing.ExternalTools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Uploads to a real Azurite blob service started by the test. */
class PageBlobUploaderTest {
    @TempDir
    static Path dir;
    static Azurite azurite;
    static Path vhd;
    static ConversionResult packaged;
    static List<long[]> dataRanges;

    @BeforeAll
    static void start() throws Exception {
        if (Azurite.executable().isPresent()) {
            azurite = Azurite.start(dir.resolve("azurite"));
        }
        vhd = dir.resolve("sparse.vhd");
        packaged = sparseFixedVhd(dir.resolve("sparse.raw"), vhd);
        dataRanges = expectedRanges(vhd);
    }

    @BeforeEach
    void needsAzurite() {
        // Per test, so each shows as skipped with the reason.
        ExternalTools.require(azurite != null, Azurite.MISSING);
    }

    @AfterAll
    static void stop() {
        if (azurite != null) {
            azurite.close();
        }
    }

    /**
     * A 40 MiB disk with data at the start, a 9 MiB run (three puts), scattered single sectors
     * and a run straddling a 4 MiB boundary, converted by the real fixed-VHD writer.
     */
    static ConversionResult sparseFixedVhd(Path raw, Path out) throws IOException {
        Random rnd = new Random(42);
        try (RandomAccessFile f = new RandomAccessFile(raw.toFile(), "rw")) {
            f.setLength(40L << 20);
            write(f, rnd, 0, 4096);
            write(f, rnd, (5L << 20) + 512, 9 << 20);
            for (int i = 0; i < 20; i++) {
                write(f, rnd, (20L << 20) + i * 65536L, 512);
            }
            write(f, rnd, (32L << 20) - 1536, 3072);
        }
        try (DiskImage image = DiskImages.open(raw)) {
            return FixedVhdWriter.convert(image, out, FixedVhdWriter.Options.defaults());
        }
    }

    private static void write(RandomAccessFile f, Random rnd, long at, int len) throws IOException {
        byte[] b = new byte[len];
        rnd.nextBytes(b);
        for (int i = 0; i < len; i += 512) {
            b[i] |= 1; // no all-zero sector inside a run
        }
        f.seek(at);
        f.write(b);
    }

    /** The file's non-zero ranges: the disk's (by the zero-range scanner) plus the footer, merged. */
    static List<long[]> expectedRanges(Path fixed) throws IOException {
        List<long[]> out = new ArrayList<>();
        try (DiskImage image = DiskImages.open(fixed)) {
            DataRangeScanner.scan(image, (o, l) -> add(out, o, o + l), 0, ProgressListener.NONE);
        }
        long size = Files.size(fixed);
        add(out, size - 512, size);
        return out;
    }

    static void add(List<long[]> ranges, long start, long end) {
        if (!ranges.isEmpty() && ranges.get(ranges.size() - 1)[1] >= start) {
            ranges.get(ranges.size() - 1)[1] = Math.max(end, ranges.get(ranges.size() - 1)[1]);
        } else {
            ranges.add(new long[] {start, end});
        }
    }

    static long total(List<long[]> ranges) {
        return ranges.stream().mapToLong(r -> r[1] - r[0]).sum();
    }

    static List<long[]> blobRanges(PageBlobClient blob, long size) {
        List<long[]> out = new ArrayList<>();
        for (PageRangeItem i : blob.listPageRanges(new ListPageRangesOptions(new BlobRange(0, size)), null, Context.NONE)) {
            if (!i.isClear()) {
                add(out, i.getRange().getOffset(), i.getRange().getOffset() + i.getRange().getLength());
            }
        }
        return out;
    }

    static String describe(List<long[]> ranges) {
        StringBuilder b = new StringBuilder();
        ranges.forEach(r -> b.append('[').append(r[0]).append(',').append(r[1]).append(") "));
        return b.toString();
    }

    static String md5Base64(InputStream in) throws Exception {
        MessageDigest d = MessageDigest.getInstance("MD5");
        byte[] buf = new byte[1 << 16];
        for (int n; (n = in.read(buf)) > 0; ) {
            d.update(buf, 0, n);
        }
        return Base64.getEncoder().encodeToString(d.digest());
    }

    @Test
    void uploadsOnlyTheNonZeroRangesAndSetsAVerifiedContentMd5() throws Exception {
        BlobContainerClient c = azurite.container("sparse");
        PageBlobUploader up = new PageBlobUploader(c, 4, false);
        List<Long> putSizes = Collections.synchronizedList(new ArrayList<>());
        UploadResult r = up.upload(vhd, "gal/img/1.0.0/img.vhd", packaged.md5Base64(), packaged.sha256Hex().orElseThrow(),
                p -> putSizes.add(p.putLength()));

        long size = Files.size(vhd);
        assertEquals(total(dataRanges), r.sent(), "exactly the non-zero bytes are sent");
        assertEquals(size - total(dataRanges), r.skippedZero());
        assertEquals(0, r.alreadyPresent());
        assertFalse(r.resumed());
        assertTrue(putSizes.stream().allMatch(n -> n > 0 && n <= PageBlobUploader.MAX_PUT && n % 512 == 0), "" + putSizes);
        assertEquals(putSizes.size(), r.puts());
        assertFalse(r.blobUri().contains("?"));

        PageBlobClient blob = c.getBlobClient("gal/img/1.0.0/img.vhd").getPageBlobClient();
        assertEquals(describe(dataRanges), describe(blobRanges(blob, size)), "the blob's page ranges are the data ranges");
        BlobProperties props = blob.getProperties();
        assertEquals(size, props.getBlobSize());
        assertEquals(packaged.md5Base64().orElseThrow(), Base64.getEncoder().encodeToString(props.getContentMd5()));
        try (InputStream in = blob.openInputStream()) {
            assertEquals(packaged.md5Base64().orElseThrow(), md5Base64(in), "the blob's content has the package's MD5");
        }

        UploadResult again = up.upload(vhd, "gal/img/1.0.0/img.vhd", packaged.md5Base64(), packaged.sha256Hex().orElseThrow(),
                UploadListener.NONE);
        assertTrue(again.alreadyComplete());
        assertEquals(0, again.sent());
    }

    @Test
    void anInterruptedUploadResumesSendingOnlyTheMissingRanges() throws Exception {
        BlobContainerClient c = azurite.container("resume");
        String name = "img-2.0.0.vhd";
        List<long[]> firstRun = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger calls = new AtomicInteger();
        IOException stopped = assertThrows(IOException.class, () -> new PageBlobUploader(c, 2, false).upload(vhd, name,
                packaged.md5Base64(), packaged.sha256Hex().orElseThrow(), p -> {
                    firstRun.add(new long[] {p.putOffset(), p.putOffset() + p.putLength()});
                    if (calls.incrementAndGet() >= 3) {
                        throw new IllegalStateException("simulated network loss");
                    }
                }));
        assertTrue(stopped.getMessage().contains("simulated network loss"), stopped.getMessage());
        PageBlobClient blob = c.getBlobClient(name).getPageBlobClient();
        assertEquals(null, blob.getProperties().getContentMd5(), "an interrupted upload has no Content-MD5");
        long firstBytes = total(firstRun);
        assertTrue(firstBytes > 0 && firstBytes < total(dataRanges), "part-way: " + firstBytes);

        List<long[]> secondRun = Collections.synchronizedList(new ArrayList<>());
        UploadResult r = new PageBlobUploader(c, 3, false).upload(vhd, name, packaged.md5Base64(), packaged.sha256Hex().orElseThrow(),
                p -> secondRun.add(new long[] {p.putOffset(), p.putOffset() + p.putLength()}));
        assertTrue(r.resumed());
        assertEquals(firstBytes, r.alreadyPresent(), "what the first run put is not sent again");
        assertEquals(total(dataRanges) - firstBytes, r.sent());
        for (long[] a : secondRun) {
            for (long[] b : firstRun) {
                assertTrue(a[1] <= b[0] || b[1] <= a[0], "range sent twice: " + a[0] + " and " + b[0]);
            }
        }
        List<long[]> union = new ArrayList<>(firstRun);
        union.addAll(secondRun);
        union.sort((x, y) -> Long.compare(x[0], y[0]));
        List<long[]> merged = new ArrayList<>();
        union.forEach(x -> add(merged, x[0], x[1]));
        assertEquals(describe(dataRanges), describe(merged), "both runs together sent each data range once");
        assertEquals(describe(dataRanges), describe(blobRanges(blob, Files.size(vhd))));
        try (InputStream in = blob.openInputStream()) {
            assertEquals(packaged.md5Base64().orElseThrow(), md5Base64(in));
        }
    }

    @Test
    void aBlobHoldingOtherContentIsRefusedUnlessOverwriting() throws Exception {
        BlobContainerClient c = azurite.container("other");
        String name = "img.vhd";
        new PageBlobUploader(c, 2, false).upload(vhd, name, packaged.md5Base64(), packaged.sha256Hex().orElseThrow(), UploadListener.NONE);
        String otherSha = "0".repeat(64);
        UploadException e = assertThrows(UploadException.class, () -> new PageBlobUploader(c, 2, false)
                .upload(vhd, name, packaged.md5Base64(), otherSha, UploadListener.NONE));
        assertTrue(e.getMessage().contains("already exists with other content"), e.getMessage());
        assertFalse(e.getMessage().contains(Azurite.KEY));
        UploadResult r = new PageBlobUploader(c, 2, true).upload(vhd, name, packaged.md5Base64(), otherSha,
                UploadListener.NONE);
        assertEquals(total(dataRanges), r.sent());
    }

    @Test
    void aDynamicVhdIsRefused() throws Exception {
        Path raw = dir.resolve("notfixed.raw");
        Files.write(raw, new byte[1 << 20]);
        UploadException e = assertThrows(UploadException.class, () -> new PageBlobUploader(azurite.container("x"), 1,
                false).upload(raw, "x.vhd", packaged.md5Base64(), packaged.sha256Hex().orElseThrow(), UploadListener.NONE));
        assertTrue(e.getMessage().contains("fixed VHD"), e.getMessage());
    }
}
