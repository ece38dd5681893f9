package io.vhdflow.catalog;

import io.vhdflow.pipeline.Json;
import io.vhdflow.store.Database;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
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
}
