package io.vhdflow.source;

import io.vhdflow.pipeline.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The job file's rules: where a blob may be, where its token may come from, what the disk is called. */
class BlobJobTest {
    @TempDir
    Path dir;

    private BlobJob read(String name, String json) throws Exception {
        return BlobJob.read(Files.writeString(dir.resolve(name), json), dir, FetchSettings.DEFAULTS, Json.mapper());
    }

    private List<String> problems(String json) {
        BlobJobException e = assertThrows(BlobJobException.class, () -> read("x.blob.json", json));
        assertEquals("blob.invalid", e.code());
        return e.problems();
    }

    @Test
    void theSampleJobFilesAreValid() throws Exception {
        try (Stream<Path> s = Files.list(Path.of("samples/jobs"))) {
            List<Path> files = s.toList();
            assertEquals(2, files.size());
            for (Path f : files) {
                BlobJob j = BlobJob.read(f, dir, FetchSettings.DEFAULTS, Json.mapper());
                assertTrue(j.sasTokenFile().isPresent() || j.sasTokenEnv().isPresent(), f.toString());
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"web.blob.json, https://a.blob.core.windows.net/c/disk.VHDX, web.vhdx",
            "web.blob.json, https://md-x.z1.blob.storage.azure.net/abc/abcd, web.vhd",
            "sql.blob.json, https://a.blob.core.usgovcloudapi.net/c/d/e.qcow2, sql.qcow2"})
    void theDiskIsNamedAfterTheJobFileWithTheBlobsExtension(String file, String url, String name) throws Exception {
        assertEquals(name, read(file, "{\"url\": \"" + url + "\"}").name());
    }

    @Test
    void aTokenInTheUrlIsRefusedAndNotRepeated() {
        List<String> p = problems("{\"url\": \"https://a.blob.core.windows.net/c/d.vhd?sv=2024-01-01&sig=TOPSECRET\"}");
        assertTrue(p.get(0).contains("query string"), p.toString());
        assertFalse(p.toString().contains("TOPSECRET"));
    }

    @Test
    void onlyAzureStorageOrConfiguredHostsAndHttpsOrLoopbackHttpAreAccepted() throws Exception {
        assertTrue(problems("{\"url\": \"https://example.com/c/d.vhd\"}").get(0).contains("not an Azure Storage"));
        assertTrue(problems("{\"url\": \"http://a.blob.core.windows.net/c/d.vhd\"}").get(0).contains("https"));
        assertTrue(problems("{\"url\": \"https://a.blob.core.windows.net/\"}").get(0).contains("must name a blob"));
        read("ok.blob.json", "{\"url\": \"http://127.0.0.1:10000/devstoreaccount1/c/d.vhd\"}");
        Properties p = new Properties();
        p.setProperty("vhdflow.fetch.allowed-hosts", "storage.contoso.com");
        BlobJob j = BlobJob.read(Files.writeString(dir.resolve("c.blob.json"), "{\"url\":"
                + " \"https://eu.storage.contoso.com/c/d.vhd\"}"), dir, FetchSettings.from(p), Json.mapper());
        assertEquals("eu.storage.contoso.com", j.url().getHost());
        assertFalse(FetchSettings.from(p).allows("evilstorage.contoso.com.attacker.net"));
    }

    @Test
    void theTokenComesFromOneVhdflowVariableOrOneFile() throws Exception {
        String url = "\"url\": \"https://a.blob.core.windows.net/c/d.vhd\"";
        assertTrue(problems("{" + url + ", \"sasTokenEnv\": \"AWS_SECRET_ACCESS_KEY\"}").get(0).contains("VHDFLOW_"));
        assertTrue(problems("{" + url + ", \"sasTokenEnv\": \"VHDFLOW_A\", \"sasTokenFile\": \"t\"}").get(0)
                .contains("not both"));
        BlobJob j = read("r.blob.json", "{" + url + ", \"sasTokenFile\": \"sas/web.sas\"}");
        assertEquals(dir.resolve("sas/web.sas"), j.sasTokenFile().orElseThrow(), "relative to the home");
    }

    @Test
    void strictJsonAndSafeNames() {
        assertTrue(problems("{\"url\": \"https://a.blob.core.windows.net/c/d.vhd\", \"name\": \"../../etc/x\"}").get(0)
                .contains("plain file name"));
        BlobJobException e = assertThrows(BlobJobException.class, () -> read("u.blob.json",
                "{\"url\": \"https://a.blob.core.windows.net/c/d.vhd\", \"sasToken\": \"sv=1&sig=2\"}"));
        assertTrue(e.problems().get(0).contains("sasToken"), e.problems().toString());
    }
}
