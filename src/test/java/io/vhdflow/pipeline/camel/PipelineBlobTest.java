package io.vhdflow.pipeline.camel;

import com.azure.core.util.Context;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.PageRange;
import com.azure.storage.blob.sas.BlobSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import com.azure.storage.blob.specialized.PageBlobClient;
import com.fasterxml.jackson.databind.JsonNode;
import io.vhdflow.catalog.upload.Azurite;
import io.vhdflow.catalog.upload.AzuriteForClass;
import org.junit.jupiter.api.extension.RegisterExtension;
import io.vhdflow.pipeline.JobJournal;
import io.vhdflow.pipeline.JobRecord;
import io.vhdflow.pipeline.JobState;
import io.vhdflow.pipeline.Json;
import io.vhdflow.pipeline.Stage;
import io.vhdflow.pipeline.StageRecord;
import io.vhdflow.testing.ExternalTools;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A page blob in Azurite, named by URL in a job file dropped in the drop folder, goes through the
 * whole pipeline: fetched (only its allocated pages), backed up, verified, packaged, registered;
 * the SAS token is in nothing the pipeline wrote.
 */
class PipelineBlobTest extends ServiceTestBase {
    @RegisterExtension
    static final AzuriteForClass AZURITE = new AzuriteForClass();

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("vhdflow.http.enabled", "false", "vhdflow.fetch.parallelism", "3");
    }

    @Test
    void aPageBlobNamedByUrlIsFetchedByItsAllocatedPagesAndRegistered() throws Exception {
        ExternalTools.require(AZURITE.running(), Azurite.MISSING);
        JobJournal journal = context.getRegistry().lookupByNameAndType("journal", JobJournal.class);
        byte[] disk = Files.readAllBytes(PipelineTestSupport.sampleVhd(scratch.resolve("sample.vhd")));
        BlobContainerClient c = AZURITE.get().container("exports");
        c.create();
        PageBlobClient blob = c.getBlobClient("disks/web-01.vhd").getPageBlobClient();
        blob.create(disk.length);
        long allocated = 0;
        for (int p = 0; p < disk.length; p += 1 << 20) {
            int n = Math.min(1 << 20, disk.length - p);
            if (!java.util.Arrays.equals(disk, p, p + n, new byte[n], 0, n)) {
                blob.uploadPagesWithResponse(new PageRange().setStart(p).setEnd(p + n - 1L),
                        new ByteArrayInputStream(disk, p, n), null, null, null, Context.NONE);
                allocated += n;
            }
        }
        blob.setHttpHeaders(new BlobHttpHeaders().setContentMd5(MessageDigest.getInstance("MD5").digest(disk)));
        String token = c.generateSas(new BlobServiceSasSignatureValues(OffsetDateTime.now().plusHours(1),
                new BlobSasPermission().setReadPermission(true)));
        Path tokenFile = Files.writeString(scratch.resolve("web-01.sas"), token);
        Path jobFile = Files.writeString(scratch.resolve("web-01.blob.json"), "{\n  \"url\": \""
                + AZURITE.get().blobEndpoint() + "/exports/disks/web-01.vhd\",\n  \"sasTokenFile\": \"" + tokenFile
                + "\",\n  \"image\": {\"imageDefinition\": \"web\", \"version\": \"2.0.0\"}\n}\n");
        PipelineTestSupport.drop(jobFile, home.resolve("drop"), "web-01.blob.json");

        JobRecord job = PipelineTestSupport.awaitOneFinished(journal, 1);
        assertEquals(JobState.DONE, job.state(), () -> job.errorJson().orElse(""));
        assertEquals("web-01.vhd", job.sourceName());
        assertEquals(disk.length, journal.job(job.id()).orElseThrow().sourceSize());
        JsonNode fetch = Json.mapper().readTree(journal.stageResult(job.id(), Stage.FETCH).orElseThrow());
        assertEquals(allocated, fetch.path("fetchedBytes").asLong(), "only the allocated pages were fetched");
        assertTrue(allocated < disk.length, "the sample has zero runs");
        assertTrue(fetch.path("md5Verified").asBoolean());
        assertEquals(disk.length, fetch.path("blobSize").asLong());
        StageRecord fetchStage = journal.stages(job.id()).stream().filter(s -> s.stage() == Stage.FETCH).findFirst()
                .orElseThrow();
        assertEquals(allocated, fetchStage.bytesRead());

        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(disk));
        assertEquals(sha, job.sourceSha256().orElseThrow(), "the backup is the blob as it is");
        Path pkg = home.resolve("packages/vhdflow/web/2.0.0");
        assertTrue(Files.isRegularFile(pkg.resolve("web-2.0.0.vhd")));

        String sig = token.replaceFirst(".*sig=([^&]+).*", "$1");
        StringBuilder written = new StringBuilder();
        for (Stage s : Stage.values()) {
            journal.stageResult(job.id(), s).ifPresent(written::append);
        }
        try (Stream<Path> files = Files.walk(home)) {
            for (Path f : files.filter(Files::isRegularFile).filter(f -> f.toString().endsWith(".json")).toList()) {
                written.append(Files.readString(f));
            }
        }
        assertFalse(written.toString().contains(sig), "the SAS token is in nothing the pipeline wrote");
        assertFalse(List.of(journal.job(job.id()).orElseThrow().toString()).toString().contains(sig));
    }
}
