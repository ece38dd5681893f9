package io.vhdflow.catalog;

import io.vhdflow.pipeline.Json;
import io.vhdflow.store.Database;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CatalogTest {
    @TempDir
    Path dir;
    Database db;
    Catalog catalog;

    final ImageMetadata meta = new ImageMetadata("gal", "ubuntu-22", "contoso", "ubuntu", "22_04-lts", null, "d",
            null, Map.of("team", "ops"));
    final ImageFacts linuxV1 = new ImageFacts(Optional.of("Linux"), "Generalized", Optional.of("V1"), Optional.of("x64"));

    @BeforeEach
    void open() throws Exception {
        db = Database.open(dir.resolve("c.db"));
        catalog = new Catalog(db, Json.mapper());
    }

    @AfterEach
    void close() {
        db.close();
    }

    private ImageVersionRecord version(String v, String sha, String job) {
        return new ImageVersionRecord("gal", "ubuntu-22", SemanticVersion.parse(v), false, null, "2026-01-01T00:00:00Z",
                "/p", 1 << 20, (1 << 20) + 512, "m", "s" + sha, sha, "generalized", job);
    }

    @Test
    void registersVersionsAndOrdersLatestBySemverNotText() throws Exception {
        assertTrue(catalog.register(meta, linuxV1, version("1.9.0", "a", "j1")));
        assertTrue(catalog.register(meta, linuxV1, version("1.10.0", "b", "j2")));
        assertEquals(SemanticVersion.parse("1.10.0"), catalog.latest("gal", "ubuntu-22", false).orElseThrow());
        assertEquals(2, catalog.versions("gal", "ubuntu-22").size());
        assertEquals("j2", catalog.findBySourceSha256("b").orElseThrow().sourceJob());
    }

    @Test
    void theSameJobRegisteringAgainIsANoOpButOtherJobsAreRefused() throws Exception {
        assertTrue(catalog.register(meta, linuxV1, version("1.0.0", "a", "j1")));
        assertFalse(catalog.register(meta, linuxV1, version("1.0.0", "a", "j1")), "re-run after a crash");
        CatalogException dupVersion = assertThrows(CatalogException.class,
                () -> catalog.register(meta, linuxV1, version("1.0.0", "other", "j2")));
        assertEquals(CatalogException.Reason.DUPLICATE_VERSION, dupVersion.reason());
        CatalogException dupContent = assertThrows(CatalogException.class,
                () -> catalog.register(meta, linuxV1, version("1.0.1", "a", "j3")));
        assertEquals(CatalogException.Reason.DUPLICATE_CONTENT, dupContent.reason());
        assertEquals(1, catalog.versions("gal", "ubuntu-22").size());
    }

    @Test
    void factsThatContradictTheDefinitionAreRefusedWithTheReason() throws Exception {
        catalog.register(meta, linuxV1, version("1.0.0", "a", "j1"));
        ImageFacts windowsV2 = new ImageFacts(Optional.of("Windows"), "Generalized", Optional.of("V2"), Optional.of("x64"));
        CatalogException e = assertThrows(CatalogException.class,
                () -> catalog.register(meta, windowsV2, version("1.0.1", "b", "j2")));
        assertEquals(CatalogException.Reason.CONFLICTING_DEFINITION, e.reason());
        assertTrue(e.getMessage().contains("osType is Linux in the definition but Windows on this image"), e.getMessage());
        assertTrue(e.getMessage().contains("hyperVGeneration is V1"), e.getMessage());
    }

    @Test
    void aV1ImageUnderAV2DefinitionIsRefused() throws Exception {
        ImageFacts linuxV2 = new ImageFacts(Optional.of("Linux"), "Generalized", Optional.of("V2"), Optional.of("x64"));
        catalog.register(meta, linuxV2, version("1.0.0", "a", "j1"));
        CatalogException e = assertThrows(CatalogException.class,
                () -> catalog.register(meta, linuxV1, version("1.0.1", "b", "j2")));
        assertEquals(CatalogException.Reason.CONFLICTING_DEFINITION, e.reason());
        assertTrue(e.getMessage().contains("hyperVGeneration is V2 in the definition but V1 on this image"), e.getMessage());
    }

    @Test
    void theFullDefinitionIsStoredAndReadBack() throws Exception {
        ImageMetadata full = new ImageMetadata("gal", "ubuntu-22", "contoso", "ubuntu", "22_04-lts", null, "desc",
                "2030-01-01", Map.of("team", "ops"), "EULA text", "https://x.example/privacy",
                "https://x.example/notes", Map.of("IsAcceleratedNetworkSupported", "True", "DiskControllerType", "SCSI, NVMe"),
                new ImageMetadata.Recommended(2, 8, 4, 32), null);
        catalog.register(full, linuxV1, version("1.0.0", "a", "j1").withDataBytes(12345));
        ImageDefinitionRecord d = catalog.definition("gal", "ubuntu-22").orElseThrow();
        assertEquals("EULA text", d.eula().orElseThrow());
        assertEquals("https://x.example/notes", d.releaseNoteUri().orElseThrow());
        assertEquals(Map.of("IsAcceleratedNetworkSupported", "True", "DiskControllerType", "SCSI, NVMe"), d.features());
        assertEquals(new ImageMetadata.Recommended(2, 8, 4, 32), d.recommended().orElseThrow());
        assertEquals(Map.of("team", "ops"), d.tags());
        assertEquals("V1", d.hyperVGeneration().orElseThrow());
        assertEquals(12345L, catalog.find("gal", "ubuntu-22", SemanticVersion.parse("1.0.0")).orElseThrow().dataBytes()
                .orElseThrow());
        assertEquals(List.of("gal"), catalog.galleries());
    }

    @Test
    void invalidNamesAndFieldsAreRefusedBeforeAnythingIsWritten() {
        ImageMetadata badGallery = new ImageMetadata("my-gallery", "ubuntu-22", "contoso", "ubuntu", "22_04-lts", null,
                null, null, null);
        ImageVersionRecord v = new ImageVersionRecord("my-gallery", "ubuntu-22", SemanticVersion.parse("1.0.0"), false,
                null, "2026-01-01T00:00:00Z", "/p", 1 << 20, (1 << 20) + 512, "m", "s", "x", "generalized", "j");
        CatalogException e = assertThrows(CatalogException.class, () -> catalog.register(badGallery, linuxV1, v));
        assertEquals(CatalogException.Reason.INVALID_METADATA, e.reason());
        assertTrue(e.getMessage().contains("gallery name 'my-gallery'"), e.getMessage());

        ImageMetadata badFields = new ImageMetadata("gal", "ubuntu-22", "contoso", "ubuntu", "22_04-lts", null, null,
                null, null, null, "ftp://nope", null, Map.of("SecurityType", "Maximum", "Colour", "blue"),
                new ImageMetadata.Recommended(8, 2, null, null), null);
        CatalogException f = assertThrows(CatalogException.class,
                () -> catalog.register(badFields, linuxV1, version("1.0.0", "a", "j1")));
        assertTrue(f.getMessage().contains("privacyStatementUri 'ftp://nope'"), f.getMessage());
        assertTrue(f.getMessage().contains("feature SecurityType = 'Maximum' is not allowed"), f.getMessage());
        assertTrue(f.getMessage().contains("feature 'Colour' is not one Azure Compute Gallery knows"), f.getMessage());
        assertTrue(f.getMessage().contains("recommended.vCpusMin 8 is larger than recommended.vCpusMax 2"), f.getMessage());
        assertTrue(catalog.allVersions().isEmpty());
        assertTrue(catalog.definitions().isEmpty());
    }

    @Test
    void trustedLaunchNeedsAGeneration2Image() {
        ImageMetadata tl = new ImageMetadata("gal", "ubuntu-22", "contoso", "ubuntu", "22_04-lts", null, null, null,
                null, null, null, null, Map.of("SecurityType", "TrustedLaunch"), null, null);
        CatalogException e = assertThrows(CatalogException.class,
                () -> catalog.register(tl, linuxV1, version("1.0.0", "a", "j1")));
        assertEquals(CatalogException.Reason.CONFLICTING_DEFINITION, e.reason());
        assertTrue(e.getMessage().contains("needs a Hyper-V generation 2"), e.getMessage());
    }

    @Test
    void publisherOfferSkuIsUniquePerGalleryAndFixedPerDefinition() throws Exception {
        catalog.register(meta, linuxV1, version("1.0.0", "a", "j1"));
        ImageMetadata sameTriple = new ImageMetadata("gal", "other-image", "contoso", "ubuntu", "22_04-lts", null, null,
                null, null);
        ImageVersionRecord v = new ImageVersionRecord("gal", "other-image", SemanticVersion.parse("1.0.0"), false,
                null, "2026-01-01T00:00:00Z", "/p", 1 << 20, (1 << 20) + 512, "m", "s", "b", "generalized", "j2");
        CatalogException e = assertThrows(CatalogException.class, () -> catalog.register(sameTriple, linuxV1, v));
        assertTrue(e.getMessage().contains("already used by image definition ubuntu-22"), e.getMessage());

        ImageMetadata otherSku = new ImageMetadata("gal", "ubuntu-22", "contoso", "ubuntu", "24_04", null, null, null,
                null);
        CatalogException f = assertThrows(CatalogException.class,
                () -> catalog.register(otherSku, linuxV1, version("1.0.1", "c", "j3")));
        assertTrue(f.getMessage().contains("publisher/offer/sku is contoso/ubuntu/22_04-lts in the definition"),
                f.getMessage());
    }

    @Test
    void latestSkipsExcludedVersionsAndUploadsAreRecordedWithoutSecrets() throws Exception {
        catalog.register(meta, linuxV1, version("1.0.0", "a", "j1"));
        ImageVersionRecord excluded = new ImageVersionRecord("gal", "ubuntu-22", SemanticVersion.parse("1.1.0"), true,
                null, "2026-01-02T00:00:00Z", "/p", 1 << 20, (1 << 20) + 512, "m", "s", "b", "generalized", "j2");
        catalog.register(meta, linuxV1, excluded);
        assertEquals("1.0.0", catalog.latestVersion("gal", "ubuntu-22", false).orElseThrow().version().toString());
        assertEquals("1.1.0", catalog.latest("gal", "ubuntu-22", true).orElseThrow().toString());

        assertThrows(IllegalArgumentException.class, () -> catalog.recordUpload("gal", "ubuntu-22",
                SemanticVersion.parse("1.0.0"), "https://a.blob.core.windows.net/c/x.vhd?sv=1&sig=secret", Instant.now()));
        catalog.recordUpload("gal", "ubuntu-22", SemanticVersion.parse("1.0.0"), "https://a.blob.core.windows.net/c/x.vhd",
                Instant.parse("2026-02-01T00:00:00Z"));
        ImageVersionRecord r = catalog.find("gal", "ubuntu-22", SemanticVersion.parse("1.0.0")).orElseThrow();
        assertEquals("https://a.blob.core.windows.net/c/x.vhd", r.blobUri().orElseThrow());
        assertEquals("2026-02-01T00:00:00Z", r.uploadedAt().orElseThrow());
        CatalogException e = assertThrows(CatalogException.class, () -> catalog.recordUpload("gal", "ubuntu-22",
                SemanticVersion.parse("9.0.0"), "https://a.blob.core.windows.net/c/y.vhd", Instant.now()));
        assertEquals(CatalogException.Reason.NOT_FOUND, e.reason());
    }

    @Test
    void sidecarsWithTheNewFieldsParse() throws Exception {
        ImageMetadata m = Json.mapper().readValue("""
                {"imageDefinition": "u", "eula": "e", "features": {"SecurityType": "TrustedLaunchSupported"},
                 "recommended": {"vCpusMin": 2, "vCpusMax": 4, "memoryGbMin": 8}, "excludeFromLatest": true}
                """, ImageMetadata.class);
        assertEquals(new ImageMetadata.Recommended(2, 4, 8, null), m.recommended());
        assertEquals(Boolean.TRUE, m.excludeFromLatest());
        assertEquals("TrustedLaunchSupported", m.features().get("SecurityType"));
        assertThrows(Exception.class, () -> Json.mapper().readValue("{\"colour\": 1}", ImageMetadata.class));
    }

    @Test
    void theSampleSidecarsAreValid() throws Exception {
        try (var files = java.nio.file.Files.list(Path.of("samples/sidecars"))) {
            List<Path> all = files.filter(f -> f.toString().endsWith(".json")).toList();
            assertTrue(all.size() >= 3, all.toString());
            for (Path f : all) {
                ImageMetadata m = Json.mapper().readValue(f.toFile(), ImageMetadata.class)
                        .withDefaults("vhdflow", "vhdflow", f.getFileName().toString().replace(".json", ""));
                assertEquals(List.of(), m.problems(), f.toString());
            }
        }
    }

    @Test
    void aVersionIsLinkedToTheSbomOfItsImage() throws Exception {
        catalog.register(meta, linuxV1, version("1.0.0", "a", "j1"));
        assertTrue(catalog.sbom("gal", "ubuntu-22", SemanticVersion.parse("1.0.0")).isEmpty());
        catalog.recordSbom("gal", "ubuntu-22", SemanticVersion.parse("1.0.0"), "/home/packages/ubuntu-22/1.0.0/sbom.cdx.json");
        assertEquals("/home/packages/ubuntu-22/1.0.0/sbom.cdx.json",
                catalog.sbom("gal", "ubuntu-22", SemanticVersion.parse("1.0.0")).orElseThrow());
        CatalogException e = assertThrows(CatalogException.class, () -> catalog.recordSbom("gal", "ubuntu-22",
                SemanticVersion.parse("9.0.0"), "/x"));
        assertEquals(CatalogException.Reason.NOT_FOUND, e.reason());
    }
}
