package io.vhdflow.source;

import com.azure.core.util.Context;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.PageRange;
import com.azure.storage.blob.sas.BlobSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import com.azure.storage.blob.specialized.PageBlobClient;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vhdflow.catalog.upload.Azurite;
import io.vhdflow.pipeline.Json;
import io.vhdflow.testing.ExternalTools;
import io.vhdflow.testing.Fixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fetching a page blob from Azurite: only its allocated pages travel, the local file is sparse
 * and equal to the blob, Content-MD5 is verified, an interrupted fetch resumes above its
 * watermark, and refusals are typed; the SAS token shows up in no message.
 */
class BlobFetcherTest {
    static final String CONTAINER = "exports";
    private static Path azuriteDir;
    private static Azurite azurite;
    private static byte[] disk;

    @TempDir
    Path dir;
    private Path tokenFile;
    private String token;

    @BeforeAll
    static void start() throws Exception {
        azuriteDir = Files.createTempDirectory("vhdflow-azurite");
        if (Azurite.executable().isPresent()) {
            azurite = Azurite.start(azuriteDir);
        }
        Path d = Files.createTempDirectory("vhdflow-blob");
        disk = Files.readAllBytes(Fixtures.extract("vhd/dynamic.vhd.zst", d)); // any bytes with zero runs
        disk = Arrays.copyOf(disk, (disk.length + 511) / 512 * 512);
        try (var w = Files.walk(d)) {
            w.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    @AfterAll
    static void stop() throws IOException {
        if (azurite != null) {
            azurite.close();
        }
        try (var w = Files.walk(azuriteDir)) {
            w.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    @BeforeEach
    void sas() throws IOException {
        ExternalTools.require(azurite != null, Azurite.MISSING);
        BlobContainerClient c = azurite.container(CONTAINER);
        if (!c.exists()) {
            c.create();
        }
        token = c.generateSas(new BlobServiceSasSignatureValues(OffsetDateTime.now().plusHours(1),
                new BlobSasPermission().setReadPermission(true)));
        tokenFile = Files.writeString(dir.resolve("web.sas"), token + "\n");
    }

    /** Uploads {@code bytes} as a page blob holding only its non-zero 512-byte pages; returns the bytes sent. */
    static long upload(String name, byte[] bytes, boolean contentMd5) throws Exception {
        PageBlobClient blob = azurite.container(CONTAINER).getBlobClient(name).getPageBlobClient();
        if (blob.exists()) {
            blob.delete();
        }
        blob.create(bytes.length);
        long sent = 0;
        for (int p = 0; p < bytes.length; ) {
            if (isZero(bytes, p, 512)) {
                p += 512;
                continue;
            }
            int end = p;
            while (end < bytes.length && end - p < (1 << 20) && !isZero(bytes, end, 512)) {
                end += 512;
            }
            blob.uploadPagesWithResponse(new PageRange().setStart(p).setEnd(end - 1L),
                    new ByteArrayInputStream(bytes, p, end - p), null, null, null, Context.NONE);
            sent += end - p;
            p = end;
        }
        if (contentMd5) {
            blob.setHttpHeaders(new BlobHttpHeaders().setContentMd5(MessageDigest.getInstance("MD5").digest(bytes)));
        }
        return sent;
    }

    static boolean isZero(byte[] b, int from, int len) {
        for (int i = from; i < Math.min(b.length, from + len); i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private BlobJob job(String blob) throws IOException {
        Path f = dir.resolve("web.blob.json");
        Files.writeString(f, "{\"url\": \"" + azurite.blobEndpoint() + "/" + CONTAINER + "/" + blob + "\","
                + " \"sasTokenFile\": \"" + tokenFile + "\"}");
        return BlobJob.read(f, dir, FetchSettings.DEFAULTS, Json.mapper());
    }

    @Test
    void onlyAllocatedPagesAreFetchedIntoASparseFileEqualToTheBlob() throws Exception {
        long allocated = upload("web.vhd", disk, true);
        assertTrue(allocated < disk.length / 2, "the fixture has zero runs: " + allocated + " of " + disk.length);
        Path target = dir.resolve("web.vhd");
        AtomicLong total = new AtomicLong();
        FetchResult r = new BlobFetcher(FetchSettings.DEFAULTS, Json.mapper(), Map.of()).fetch(job("web.vhd"), target,
                total::set, x -> { });
        assertArrayEquals(disk, Files.readAllBytes(target));
        assertEquals(disk.length, total.get());
        assertEquals(allocated, r.allocatedBytes(), "page ranges = the pages uploaded");
        assertEquals(allocated, r.fetchedBytes(), "only the allocated pages were fetched");
        assertTrue(r.md5Verified());
        assertEquals(0, r.resumedAt());
        assertTrue(Fixtures.allocatedBytes(target) < disk.length, "the local file is sparse");
        assertFalse(Files.exists(BlobFetcher.stateFile(target)));
        assertFalse(Files.exists(BlobFetcher.partialFile(target)));
        assertFalse(new ObjectMapper().writeValueAsString(r.describe()).contains(sig()), "no token in the result");
    }

    @Test
    void anInterruptedFetchResumesAboveItsWatermark() throws Exception {
        long allocated = upload("resume.vhd", disk, true);
        Path target = dir.resolve("resume.vhd");
        BlobFetcher fetcher = new BlobFetcher(FetchSettings.DEFAULTS, Json.mapper(), Map.of(), 1 << 20);
        RuntimeException crash = assertThrows(RuntimeException.class, () -> fetcher.fetch(job("resume.vhd"), target,
                x -> { }, done -> {
                    if (done > disk.length / 2) {
                        throw new IllegalStateException("simulated crash");
                    }
                }));
        assertEquals("simulated crash", crash.getMessage());
        assertTrue(Files.exists(BlobFetcher.stateFile(target)) && Files.exists(BlobFetcher.partialFile(target)));
        FetchResult r = fetcher.fetch(job("resume.vhd"), target, x -> { }, x -> { });
        assertTrue(r.resumedAt() > 0, "resumed at " + r.resumedAt());
        assertTrue(r.fetchedBytes() < allocated, "fetched " + r.fetchedBytes() + " of " + allocated);
        assertTrue(r.md5Verified(), "the MD5 rebuilt from the partial file matches the blob's");
        assertArrayEquals(disk, Files.readAllBytes(target));
    }

    @Test
    void aBlobChangedSinceTheInterruptedFetchIsFetchedAgainWhole() throws Exception {
        upload("changed.vhd", disk, false);
        Path target = dir.resolve("changed.vhd");
        BlobFetcher fetcher = new BlobFetcher(FetchSettings.DEFAULTS, Json.mapper(), Map.of(), 1 << 20);
        assertThrows(RuntimeException.class, () -> fetcher.fetch(job("changed.vhd"), target, x -> { }, done -> {
            if (done > disk.length / 2) {
                throw new IllegalStateException("simulated crash");
            }
        }));
        byte[] other = disk.clone();
        other[100] ^= 1;
        long allocated = upload("changed.vhd", other, false);
        FetchResult r = fetcher.fetch(job("changed.vhd"), target, x -> { }, x -> { });
        assertEquals(0, r.resumedAt());
        assertEquals(allocated, r.fetchedBytes());
        assertFalse(r.md5Verified(), "no Content-MD5 on this blob");
        assertArrayEquals(other, Files.readAllBytes(target));
    }

    @Test
    void aContentMd5MismatchRemovesThePartialFileAndFails() throws Exception {
        upload("bad-md5.vhd", disk, false);
        azurite.container(CONTAINER).getBlobClient("bad-md5.vhd").setHttpHeaders(new BlobHttpHeaders()
                .setContentMd5(new byte[16]));
        Path target = dir.resolve("bad.vhd");
        IOException e = assertThrows(IOException.class, () -> new BlobFetcher(FetchSettings.DEFAULTS, Json.mapper(),
                Map.of()).fetch(job("bad-md5.vhd"), target, x -> { }, x -> { }));
        assertFalse(e instanceof BlobJobException, "a damaged transfer is retried: " + e);
        assertTrue(e.getMessage().contains("Content-MD5"), e.getMessage());
        assertFalse(Files.exists(target) || Files.exists(BlobFetcher.partialFile(target)));
    }

    @Test
    void refusalsAreTypedAndNeverShowTheToken() throws Exception {
        upload("denied.vhd", disk, false);
        Files.writeString(tokenFile, token.replaceFirst("sig=[^&]+", "sig=AAAA" + "%3D"));
        BlobJobException denied = assertThrows(BlobJobException.class, () -> new BlobFetcher(FetchSettings.DEFAULTS,
                Json.mapper(), Map.of()).fetch(job("denied.vhd"), dir.resolve("d.vhd"), x -> { }, x -> { }));
        assertEquals("blob.access-denied", denied.code());
        assertFalse(denied.getMessage().contains("sig="), denied.getMessage());
        Files.writeString(tokenFile, token);
        BlobJobException missing = assertThrows(BlobJobException.class, () -> new BlobFetcher(FetchSettings.DEFAULTS,
                Json.mapper(), Map.of()).fetch(job("no-such.vhd"), dir.resolve("n.vhd"), x -> { }, x -> { }));
        assertEquals("blob.not-found", missing.code());
        assertFalse(missing.getMessage().contains(sig()), missing.getMessage());
    }

    @Test
    void aTokenFromTheEnvironmentWorksAndAFileThatHoldsNoTokenIsNotEchoed() throws Exception {
        upload("env.vhd", disk, true);
        Path f = dir.resolve("env.blob.json");
        Files.writeString(f, "{\"url\": \"" + azurite.blobEndpoint() + "/" + CONTAINER + "/env.vhd\","
                + " \"sasTokenEnv\": \"VHDFLOW_SOURCE_SAS\"}");
        BlobJob job = BlobJob.read(f, dir, FetchSettings.DEFAULTS, Json.mapper());
        FetchResult r = new BlobFetcher(FetchSettings.DEFAULTS, Json.mapper(), Map.of("VHDFLOW_SOURCE_SAS", token))
                .fetch(job, dir.resolve("env.vhd"), x -> { }, x -> { });
        assertTrue(r.md5Verified());
        Files.writeString(tokenFile, "root:$6$secret-hash:19000:0:99999:7:::\n");
        BlobJobException e = assertThrows(BlobJobException.class, () -> new BlobFetcher(FetchSettings.DEFAULTS,
                Json.mapper(), Map.of()).fetch(job("env.vhd"), dir.resolve("x.vhd"), x -> { }, x -> { }));
        assertEquals("blob.invalid", e.code());
        assertFalse(e.getMessage().contains("secret"), e.getMessage());
    }

    private String sig() {
        int i = token.indexOf("sig=");
        int end = token.indexOf('&', i);
        return token.substring(i + 4, end < 0 ? token.length() : end);
    }
}
