package io.vhdflow.pipeline.camel;

import com.azure.storage.blob.specialized.PageBlobClient;
import com.fasterxml.jackson.databind.JsonNode;
import io.vhdflow.catalog.Catalog;
import io.vhdflow.catalog.ImageVersionRecord;
import io.vhdflow.catalog.upload.Azurite;
import io.vhdflow.catalog.upload.AzuriteForClass;
import org.junit.jupiter.api.extension.RegisterExtension;
import io.vhdflow.catalog.upload.GalleryVersionRequest;
import io.vhdflow.pipeline.JobJournal;
import io.vhdflow.pipeline.JobRecord;
import io.vhdflow.pipeline.JobState;
import io.vhdflow.pipeline.Json;
import io.vhdflow.pipeline.Stage;
import io.vhdflow.pipeline.StageRecord;
import io.vhdflow.testing.ExternalTools;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.vhdflow.pipeline.camel.PipelineTestSupport.drop;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The register stage with {@code vhdflow.upload.enabled=true} against Azurite: the package ends
 * up in a page blob holding exactly its non-zero ranges, the catalog records the blob, the package
 * holds the gallery request, and the credential appears nowhere.
 */
class PipelineUploadTest extends ServiceTestBase {
    @RegisterExtension
    static final AzuriteForClass AZURITE = new AzuriteForClass();

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of(
                "vhdflow.http.enabled", "false",
                // Without Azurite the test is skipped; the pipeline still starts, with the upload off.
                "vhdflow.upload.enabled", String.valueOf(AZURITE.running()),
                "vhdflow.upload.connection-string", AZURITE.connectionString(),
                "vhdflow.upload.container", "vhds",
                "vhdflow.upload.resource-group", "images-rg");
    }

    @Test
    void aRegisteredPackageIsUploadedAsAVerifiedSparsePageBlob() throws Exception {
        ExternalTools.require(AZURITE.running(), Azurite.MISSING);
        JobJournal journal = context.getRegistry().lookupByNameAndType("journal", JobJournal.class);
        Catalog catalog = context.getRegistry().lookupByNameAndType("catalog", Catalog.class);
        drop(PipelineTestSupport.sampleVhd(scratch.resolve("s.vhd")), home.resolve("drop"), "web.vhd");
        JobRecord job = PipelineTestSupport.awaitOneFinished(journal, 1);
        assertEquals(JobState.DONE, job.state(), () -> job.errorJson().orElse(""));

        JsonNode pkg = Json.mapper().readTree(journal.stageResult(job.id(), Stage.PACKAGE).orElseThrow());
        String registerJson = journal.stageResult(job.id(), Stage.REGISTER).orElseThrow();
        JsonNode upload = Json.mapper().readTree(registerJson).path("upload");
        long fileSize = pkg.path("fileSize").asLong();
        long sent = upload.path("bytesSent").asLong();
        assertEquals(pkg.path("dataBytes").asLong() + 512, sent, "the disk's data bytes plus the footer");
        assertEquals(fileSize - sent, upload.path("bytesSkippedZero").asLong());
        assertTrue(upload.path("bytesSkippedZero").asLong() > 0, "the sample has zero ranges");
        StageRecord register = journal.stages(job.id()).stream().filter(s -> s.stage() == Stage.REGISTER).findFirst()
                .orElseThrow();
        assertEquals(fileSize, register.bytesTotal());
        assertEquals(sent, register.bytesWritten(), "bytes put are journaled");

        ImageVersionRecord v = catalog.allVersions().get(0);
        String blobUri = upload.path("blobUri").asText();
        assertEquals(blobUri, v.blobUri().orElseThrow());
        assertTrue(blobUri.endsWith("/vhds/vhdflow/web/1.0.0/web-1.0.0.vhd"), blobUri);
        PageBlobClient blob = AZURITE.get().container("vhds").getBlobClient("vhdflow/web/1.0.0/web-1.0.0.vhd")
                .getPageBlobClient();
        // By default the package has no whole-file MD5: the blob is marked complete with its data tree digest.
        assertTrue(pkg.path("md5Base64").isNull() || pkg.path("md5Base64").isMissingNode(), pkg.toString());
        assertEquals(pkg.path("integrity").asText(), blob.getProperties().getMetadata().get("vhdflowcomplete"));
        assertEquals(List.of("vhdflow-dtree-sha256-v1"), v.digests());
        assertEquals(pkg.path("integrity").asText(), v.integrity().orElseThrow());

        Path dir = Path.of(pkg.path("directory").asText());
        JsonNode request = Json.mapper().readTree(dir.resolve(GalleryVersionRequest.FILE_NAME).toFile());
        assertEquals(blobUri, request.at("/body/properties/storageProfile/osDiskImage/source/uri").asText());
        String az = upload.path("azCommand").asText();
        assertTrue(az.startsWith("az sig image-version create --resource-group images-rg --gallery-name vhdflow"), az);

        // The account key is in none of what the pipeline wrote.
        List<String> written = new java.util.ArrayList<>(List.of(registerJson,
                Files.readString(dir.resolve(GalleryVersionRequest.FILE_NAME)), Files.readString(dir.resolve("manifest.json"))));
        for (String text : written) {
            assertFalse(text.contains(Azurite.KEY), "credential leaked: " + text);
        }
    }
}
