package io.vhdflow.pipeline.camel;

import com.azure.storage.blob.specialized.PageBlobClient;
import com.fasterxml.jackson.databind.JsonNode;
import io.vhdflow.catalog.Catalog;
import io.vhdflow.catalog.DataDiskImage;
import io.vhdflow.catalog.ImageVersionRecord;
import io.vhdflow.catalog.upload.Azurite;
import io.vhdflow.catalog.upload.AzuriteForClass;
import org.junit.jupiter.api.extension.RegisterExtension;
import io.vhdflow.catalog.upload.GalleryVersionRequest;
import io.vhdflow.cli.VhdflowCommand;
import io.vhdflow.pipeline.JobJournal;
import io.vhdflow.pipeline.JobRecord;
import io.vhdflow.pipeline.JobState;
import io.vhdflow.pipeline.Json;
import io.vhdflow.pipeline.Stage;
import io.vhdflow.testing.ExternalTools;
import io.vhdflow.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 19 end to end, through the routes: VM image folders dropped in drop/ (the bundled sample VHD, a
 * generalized OS disk that boots on Azure, plus data disks made by mke2fs, mkfs.xfs and ssh-keygen) become one image
 * version with dataDiskImages at LUN 0 and 1, every disk uploaded to Azurite, shown by the API,
 * {@code catalog export} and the gallery request; a private key on a data disk, or two OS disks,
 * reject the folder naming the disk.
 */
class VmImagePipelineTest extends ServiceTestBase {
    @RegisterExtension
    static final AzuriteForClass AZURITE = new AzuriteForClass();

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of(
                "vhdflow.upload.enabled", String.valueOf(AZURITE.running()),
                "vhdflow.upload.connection-string", AZURITE.connectionString(),
                "vhdflow.upload.container", "vhds",
                "vhdflow.upload.resource-group", "images-rg");
    }

    /** The bundled sample VHD: a generalized Linux OS disk that is ready to publish (it boots on Azure). */
    private static final String SAMPLE = "sample";

    /** A folder written in scratch (same filesystem), its files made old, then moved into drop/ in one rename. */
    private Path dropFolder(String name, Map<String, String> disks) throws IOException {
        Path f = Files.createDirectories(scratch.resolve(name));
        for (Map.Entry<String, String> d : disks.entrySet()) {
            Path x = d.getValue().equals(SAMPLE) ? PipelineTestSupport.sampleVhd(scratch.resolve("sample.vhd"))
                    : Fixtures.extract(d.getValue(), scratch);
            Files.move(x, f.resolve(d.getKey()));
            Files.setLastModifiedTime(f.resolve(d.getKey()), FileTime.from(Instant.now().minusSeconds(60)));
        }
        return Files.move(f, home.resolve("drop").resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return Json.mapper().readTree(r.body());
    }

    private static JobRecord jobOf(JobJournal journal, String image) {
        return journal.jobs(JobJournal.JobFilter.all()).stream().filter(j -> j.imageName().equals(image)).findFirst()
                .orElseThrow(() -> new AssertionError("no job of image " + image));
    }

    @Test
    void aFolderOfAnOsDiskAndTwoDataDisksBecomesOneVmImageVersionUploadedDiskByDisk() throws Exception {
        ExternalTools.require(AZURITE.running(), Azurite.MISSING);
        JobJournal journal = context.getRegistry().lookupByNameAndType("journal", JobJournal.class);
        Catalog catalog = context.getRegistry().lookupByNameAndType("catalog", Catalog.class);

        dropFolder("appserver", Map.of("os.vhd", SAMPLE,
                "app-data.vhd", "data-disks/data-ext4-gpt.vhd.zst", "db-data.vhd", "data-disks/data-xfs-mbr.vhd.zst"));
        // The same OS disk with a data disk holding a private key, marked complete with .ready instead.
        Path leaky = Files.createDirectories(home.resolve("drop").resolve("leaky"));
        PipelineTestSupport.sampleVhd(leaky.resolve("os.vhd"));
        Files.move(Fixtures.extract("data-disks/data-ext4-key.vhd.zst", scratch), leaky.resolve("keys.vhd"));
        Files.createFile(leaky.resolve(".ready"));
        dropFolder("twoos", Map.of("a.vhd", "linux-images/ext4-mbr-generalized.vhd.zst",
                "b.vhd", "linux-images/xfs-lvm-gpt-generalized.vhd.zst"));

        PipelineTestSupport.await("three finished VM image jobs", Duration.ofSeconds(120),
                () -> PipelineTestSupport.finishedJobs(journal).size() >= 3);

        // 1. The VM image: DONE, one version with the OS disk and data disks at LUN 0 and 1.
        JobRecord vm = jobOf(journal, "appserver");
        assertEquals(JobState.DONE, vm.state(), () -> vm.errorJson().orElse(""));
        assertEquals("os.vhd", vm.sourceName(), "the OS disk was found by inspection");
        ImageVersionRecord v = catalog.versions("vhdflow", "appserver").get(0);
        List<DataDiskImage> data = catalog.dataDisks("vhdflow", "appserver", v.version());
        assertEquals(List.of(0, 1), data.stream().map(DataDiskImage::lun).toList());
        assertEquals(32L << 20, data.get(0).virtualSize(), "LUN 0: app-data.vhd (file-name order)");
        assertEquals(320L << 20, data.get(1).virtualSize(), "LUN 1: db-data.vhd");
        assertTrue(v.blobUri().isPresent(), "the version is uploaded once every disk is");

        // Every disk is its own page blob, marked complete with its data tree digest once verified.
        for (DataDiskImage d : data) {
            String uri = d.blobUri().orElseThrow();
            assertTrue(uri.endsWith("/vhds/vhdflow/appserver/1.0.0/appserver-1.0.0-lun" + d.lun() + ".vhd"), uri);
            PageBlobClient blob = AZURITE.get().container("vhds").getBlobClient("vhdflow/appserver/1.0.0/" + d.vhd())
                    .getPageBlobClient();
            assertEquals(d.fileSize(), blob.getProperties().getBlobSize());
            assertEquals(d.integrity().orElseThrow(), blob.getProperties().getMetadata().get("vhdflowcomplete"));
        }
        assertTrue(AZURITE.get().container("vhds").getBlobClient("vhdflow/appserver/1.0.0/appserver-1.0.0.vhd").exists());

        // The gallery request body holds dataDiskImages with the blobs.
        JsonNode pkg = Json.mapper().readTree(journal.stageResult(vm.id(), Stage.PACKAGE).orElseThrow());
        Path dir = Path.of(pkg.path("directory").asText());
        JsonNode body = Json.mapper().readTree(dir.resolve(GalleryVersionRequest.FILE_NAME).toFile()).path("body");
        JsonNode images = body.at("/properties/storageProfile/dataDiskImages");
        assertEquals(2, images.size(), body.toString());
        for (int i = 0; i < 2; i++) {
            assertEquals(i, images.get(i).path("lun").asInt());
            assertEquals(data.get(i).blobUri().orElseThrow(), images.get(i).at("/source/uri").asText());
        }
        assertEquals(v.blobUri().orElseThrow(), body.at("/properties/storageProfile/osDiskImage/source/uri").asText());
        assertTrue(Files.isRegularFile(dir.resolve("appserver-1.0.0-lun1.vhd")), "the data disks are in the package");
        assertEquals(2, Json.mapper().readTree(dir.resolve("manifest.json").toFile()).at("/package/dataDisks").size());
        String az = Json.mapper().readTree(journal.stageResult(vm.id(), Stage.REGISTER).orElseThrow())
                .at("/upload/azCommand").asText();
        assertTrue(az.contains(" --data-vhds-uris " + data.get(0).blobUri().orElseThrow() + " "
                + data.get(1).blobUri().orElseThrow() + " --data-vhds-luns 0 1 --data-vhds-storage-accounts "), az);

        // The API: the catalog image's version and the job's disks, each with its stages.
        JsonNode api = get("/api/catalog/vhdflow/appserver");
        assertEquals(List.of(0, 1), api.at("/versions/0/dataDiskImages").findValues("lun").stream()
                .map(JsonNode::asInt).toList());
        JsonNode jobView = get("/api/jobs/" + vm.id());
        assertEquals(3, jobView.path("disks").size());
        for (JsonNode d : jobView.path("disks")) {
            for (String stage : List.of("backup", "verify", "package", "register")) {
                assertTrue(d.path("stages").toString().contains("\"stage\":\"" + stage + "\",\"state\":\"done\""),
                        d.toString());
            }
        }

        // catalog export (the CLI, the database opened read-only beside the running service).
        StringWriter out = new StringWriter();
        var cl = VhdflowCommand.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(new StringWriter()));
        assertEquals(0, cl.execute("catalog", "export", "--home", home.toString()));
        JsonNode export = Json.mapper().readTree(out.toString());
        JsonNode exported = export.at("/galleries/0/images/0/versions/0/dataDiskImages");
        assertEquals(2, exported.size(), export.toString());
        assertEquals(data.get(1).blobUri().orElseThrow(), exported.get(1).path("blobUri").asText());

        // 2. A private key on a data disk: rejected at verification, naming the disk and the key.
        JobRecord keys = jobOf(journal, "leaky");
        assertEquals(JobState.FAILED, keys.state());
        JsonNode e = Json.mapper().readTree(keys.errorJson().orElseThrow());
        assertEquals("data-disk.not-ready", e.path("code").asText(), e.toString());
        assertTrue(e.path("message").asText().contains("keys.vhd (data disk, LUN 0)"), e.toString());
        assertTrue(e.path("details").toString().contains("/backup/deploy/id_ed25519"), e.toString());
        assertTrue(catalog.versions("vhdflow", "leaky").isEmpty(), "nothing registered");
        assertTrue(Files.isRegularFile(home.resolve("failed").resolve(keys.id()).resolve("keys.vhd")),
                "the disks are kept with the failed job");

        // 3. Two OS disks: rejected at intake naming both, the files left in drop/twoos/.
        JobRecord two = jobOf(journal, "twoos");
        assertEquals(JobState.FAILED, two.state());
        JsonNode e2 = Json.mapper().readTree(two.errorJson().orElseThrow());
        assertEquals("layout.two-os-disks", e2.path("code").asText());
        assertTrue(e2.path("message").asText().contains("a.vhd, b.vhd"), e2.toString());
        assertTrue(Files.isRegularFile(home.resolve("drop/twoos/a.vhd")));
        assertFalse(Files.exists(home.resolve("work").resolve(two.id())));
    }
}
