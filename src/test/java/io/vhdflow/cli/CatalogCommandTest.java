package io.vhdflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vhdflow.catalog.Catalog;
import io.vhdflow.catalog.ImageFacts;
import io.vhdflow.catalog.ImageMetadata;
import io.vhdflow.catalog.ImageVersionRecord;
import io.vhdflow.catalog.SemanticVersion;
import io.vhdflow.pipeline.HomeLayout;
import io.vhdflow.pipeline.HomeLock;
import io.vhdflow.pipeline.Json;
import io.vhdflow.store.Database;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs {@code vhdflow catalog ...} on a home whose catalog was filled through the Catalog API. */
class CatalogCommandTest {
    @TempDir
    Path home;
    final ObjectMapper json = Json.mapper();

    record Run(int code, String out, String err) {
        JsonNode json() throws Exception {
            return Json.mapper().readTree(out);
        }
    }

    Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = VhdflowCommand.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        List<String> a = new ArrayList<>(List.of("catalog"));
        a.addAll(List.of(args));
        a.add("--home");
        a.add(home.toString());
        int code = cl.execute(a.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    static ImageVersionRecord version(String image, String v, boolean excluded, String sha) {
        return new ImageVersionRecord("prod", image, SemanticVersion.parse(v), excluded, null,
                "2026-0" + (sha.length() % 9 + 1) + "-01T00:00:00Z", "/pkg/" + image + "/" + v, 30L << 30,
                (30L << 30) + 512, "md5" + sha, "sha" + sha, "src" + sha, "generalized", "job-" + sha)
                .withDataBytes(1L << 30);
    }

    @BeforeEach
    void fill() throws Exception {
        try (Database db = Database.open(new HomeLayout(home).database())) {
            Catalog c = new Catalog(db, json);
            ImageMetadata ubuntu = new ImageMetadata("prod", "ubuntu-24", "contoso", "ubuntu", "24_04", null,
                    "Ubuntu 24.04", "2029-04-30", Map.of("team", "ops"), "see https://ubuntu.com/legal",
                    "https://contoso.example/privacy", null, Map.of("SecurityType", "TrustedLaunchSupported"),
                    new ImageMetadata.Recommended(2, 16, 4, 64), null);
            ImageFacts linuxV2 = new ImageFacts(Optional.of("Linux"), "Generalized", Optional.of("V2"), Optional.of("x64"));
            c.register(ubuntu, linuxV2, version("ubuntu-24", "1.9.0", false, "a"));
            c.register(ubuntu, linuxV2, version("ubuntu-24", "1.10.0", false, "b"));
            c.register(ubuntu, linuxV2, version("ubuntu-24", "2.0.0", true, "c"));
            c.recordUpload("prod", "ubuntu-24", SemanticVersion.parse("1.10.0"),
                    "https://acct.blob.core.windows.net/vhds/prod/ubuntu-24/1.10.0/u.vhd", Instant.now());
            ImageMetadata win = new ImageMetadata("prod", "win2022", "contoso", "windows", "2022", null, null, null,
                    null);
            c.register(win, new ImageFacts(Optional.of("Windows"), "Generalized", Optional.of("V1"), Optional.of("x64")),
                    version("win2022", "1.0.0", false, "dd"));
        }
    }

    @Test
    void listJsonShowsEachDefinitionWithItsLatestVersion() throws Exception {
        Run r = run("list", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode list = r.json();
        assertEquals(2, list.size());
        JsonNode u = list.get(0);
        assertEquals("ubuntu-24", u.get("name").asText());
        assertEquals("contoso", u.at("/identifier/publisher").asText());
        assertEquals("V2", u.get("hyperVGeneration").asText());
        assertEquals(3, u.get("versionCount").asInt());
        assertEquals("1.10.0", u.get("latest").asText(), "2.0.0 is excluded from latest");
        assertEquals("TrustedLaunchSupported", u.at("/features/SecurityType").asText());
        assertEquals(16, u.at("/recommended/vCPUs/max").asInt());
        assertEquals("win2022", list.get(1).get("name").asText());
        assertEquals("Windows", list.get(1).get("osType").asText());
    }

    @Test
    void listVersionsJsonAndHumanTable() throws Exception {
        Run r = run("list", "--versions", "--json");
        assertEquals(0, r.code(), r.err());
        assertEquals(4, r.json().size());
        assertEquals("1.9.0", r.json().get(0).get("version").asText(), "semver order, not text order");
        assertEquals("1.10.0", r.json().get(1).get("version").asText());

        Run human = run("list");
        assertEquals(0, human.code());
        String[] lines = human.out().split("\n");
        assertTrue(lines[0].startsWith("GALLERY") && lines[0].contains("LATEST"), human.out());
        assertTrue(lines[1].matches("prod\\s+ubuntu-24\\s+contoso/ubuntu/24_04\\s+Linux\\s+Generalized\\s+V2\\s+x64\\s+3\\s+1\\.10\\.0"),
                lines[1]);
    }

    @Test
    void showDefinitionAndOneVersion() throws Exception {
        Run r = run("show", "prod/ubuntu-24", "--json");
        assertEquals(0, r.code(), r.err());
        assertEquals(3, r.json().get("versions").size());
        assertEquals("2029-04-30", r.json().get("endOfLifeDate").asText());
        assertEquals("https://contoso.example/privacy", r.json().get("privacyStatementUri").asText());

        Run v = run("show", "prod/ubuntu-24", "1.10.0", "--json");
        assertEquals(0, v.code(), v.err());
        assertEquals("https://acct.blob.core.windows.net/vhds/prod/ubuntu-24/1.10.0/u.vhd", v.json().get("blobUri").asText());
        assertEquals(1L << 30, v.json().get("dataBytes").asLong());
        assertEquals("job-b", v.json().get("sourceJob").asText());

        Run human = run("show", "prod/ubuntu-24");
        assertTrue(human.out().contains("VERSION") && human.out().contains("30.0 GiB"), human.out());
    }

    @Test
    void latestHonoursExcludeFromLatest() throws Exception {
        assertEquals("1.10.0", run("latest", "prod/ubuntu-24").out().strip());
        assertEquals("2.0.0", run("latest", "prod/ubuntu-24", "--include-excluded").out().strip());
        Run j = run("latest", "prod/win2022", "--json");
        assertEquals("1.0.0", j.json().get("version").asText());
    }

    @Test
    void exportHoldsTheWholeCatalog() throws Exception {
        Run r = run("export", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode doc = r.json();
        assertEquals("vhdflow.catalog/1", doc.get("schema").asText());
        assertEquals("prod", doc.at("/galleries/0/name").asText());
        assertEquals(2, doc.at("/galleries/0/images").size());
        assertEquals(3, doc.at("/galleries/0/images/0/versions").size());

        Path file = home.resolve("export.json");
        assertEquals(0, run("export", "--output", file.toString()).code());
        assertEquals(4, json.readTree(file.toFile()).findValues("sha256").size());
    }

    @Test
    void unknownImagesAndBadNamesAreReportedWithExitCodes() {
        Run missing = run("show", "prod/nothere");
        assertEquals(ExitCode.INPUT_INVALID, missing.code());
        assertTrue(missing.err().contains("prod/nothere: is not in the catalog"), missing.err());
        assertEquals(ExitCode.INPUT_INVALID, run("show", "prod/ubuntu-24", "9.9.9").code());
        Run bad = run("show", "bad-gallery/x");
        assertEquals(ExitCode.USAGE, bad.code());
        assertTrue(bad.err().contains("gallery name 'bad-gallery'"), bad.err());
        Run badVersion = run("show", "prod/ubuntu-24", "1.2");
        assertEquals(ExitCode.USAGE, badVersion.code());
        assertTrue(badVersion.err().contains("Major.Minor.Patch"), badVersion.err());
    }

    @Test
    void readsWhileTheHomeIsLockedAndNeverWrites() throws Exception {
        Path db = new HomeLayout(home).database();
        byte[] before = Files.readAllBytes(db);
        try (HomeLock lock = HomeLock.acquire(new HomeLayout(home));
             Database writer = Database.open(db)) {
            // As while 'vhdflow run' holds the home and its database open.
            writer.read(c -> c.createStatement().executeUpdate("UPDATE galleries SET description = 'x'"));
            Run r = run("list", "--json");
            assertEquals(0, r.code(), r.err());
            assertEquals(2, r.json().size());
        }
        before = Files.readAllBytes(db);
        assertEquals(0, run("export").code());
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(db)), "the database file was modified");
    }

    @Test
    void aHomeWithoutDatabaseSaysSo(@TempDir Path empty) {
        StringWriter err = new StringWriter();
        var cl = VhdflowCommand.commandLine();
        cl.setErr(new PrintWriter(err));
        cl.setOut(new PrintWriter(new StringWriter()));
        assertEquals(ExitCode.ENVIRONMENT, cl.execute("catalog", "list", "--home", empty.toString()));
        assertTrue(err.toString().contains("does not exist: nothing has run in this home yet"), err.toString());
        assertTrue(Files.notExists(empty.resolve("vhdflow.db")), "no database is created by reading");
    }
}
